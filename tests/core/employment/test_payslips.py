"""timesheet-mismatch, pay-mismatch and no-payslip: a payslip against its timesheets and
against the card payment of its net wage, with the sums worked by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kentcard.core.employment.checks import check_timesheets, check_wage_payments
from kentcard.core.employment.pay import NoPayRate
from kentcard.core.employment.records import (
    FindingKind,
    HolidayScheme,
    PayFrequency,
    WagePayment,
    WorkKind,
)
from kentcard.core.money import Money
from tests.core.employment.factories import line, pa, rate, slip

D = date
APRIL = (D(2026, 4, 1), D(2026, 4, 28))


def _forty_hours() -> list:
    """Ten shifts of 4 hours in 1–28 April 2026."""
    return [line(D(2026, 4, 1) + timedelta(days=2 * k), 240) for k in range(10)]


def test_payslip_hours_that_differ_from_the_timesheets() -> None:
    """The payslip says 40 h; the timesheets add up to 42 h 30 min: one finding, no amount."""
    lines = [*_forty_hours(), line(D(2026, 4, 27), 150)]
    # 40 h + 2 h 30 min = 42 h 30 min at £12.71 = £540.18 (42.5 × 1271 = 54017.5 → 54018p).
    payslip = slip(*APRIL, 54018, minutes=2400)
    [finding] = check_timesheets([pa()], [rate(1271)], lines, [payslip])
    assert finding.kind is FindingKind.TIMESHEET_MISMATCH
    assert finding.amount is None
    assert "shows 40 hours" in finding.message and "42 hours 30 minutes" in finding.message


def test_gross_within_a_penny_passes_and_two_pence_out_does_not() -> None:
    """40 h at £12.71 is £508.40: £508.41 passes (1p), £508.42 is 2p out."""
    lines, rates = _forty_hours(), [rate(1271)]
    assert check_timesheets([pa()], rates, lines, [slip(*APRIL, 50841, minutes=2400)]) == []
    [finding] = check_timesheets([pa()], rates, lines, [slip(*APRIL, 50842)])
    assert finding.amount == Money(2)
    assert "£508.42" in finding.message and "£508.40" in finding.message


def test_the_timesheet_total_is_rounded_once() -> None:
    """7 lines of 25 min at £12.71 are £37.07 (3707.08p), not 7 × 530p = £37.10."""
    # 175 min × 1271p ÷ 60 = 3707.083…p → 3707p.
    lines = [line(D(2026, 4, 1) + timedelta(days=k), 25) for k in range(7)]
    assert check_timesheets([pa()], [rate(1271)], lines, [slip(*APRIL, 3707)]) == []
    [finding] = check_timesheets([pa()], [rate(1271)], lines, [slip(*APRIL, 3710)])
    assert finding.amount == Money(3)


def test_night_weekend_own_rate_and_sleep_in_flat() -> None:
    """Each line is priced at its own, night, weekend or sleep-in rate."""
    # Day £13, Saturday £15, waking night £14, own rate £20, sleep-in flat £45: the payslip
    # of £337.00 matches, £317.00 is £20.00 short.
    # Mon 1 June 4 h × £13 = £52.00; Sat 6 June 4 h × £15 = £60.00;
    # Tue 2 June waking night 10 h × £14 = £140.00; Wed 3 June 2 h at its own £20 = £40.00;
    # Thu 4 June sleep-in (8 h asleep) flat £45.00. Total £337.00.
    lines = [
        line(D(2026, 6, 1), 240),
        line(D(2026, 6, 6), 240),
        line(D(2026, 6, 2), 600, WorkKind.WAKING_NIGHT),
        line(D(2026, 6, 3), 120, pence=2000),
        line(D(2026, 6, 4), 480, WorkKind.SLEEP_IN),
    ]
    rates = [rate(1300, night=1400, weekend=1500, sleep_in_flat=4500)]
    june = (D(2026, 6, 1), D(2026, 6, 30))
    assert check_timesheets([pa()], rates, lines, [slip(*june, 33700)]) == []
    [finding] = check_timesheets([pa()], rates, lines, [slip(*june, 31700)])
    assert finding.amount == Money(2000) and "£20.00 less on the payslip" in finding.message


def test_a_bank_holiday_line_uses_the_bank_holiday_rate() -> None:
    """Monday 25 May 2026 given as a bank holiday: 4 h × £19.50 = £78.00, not £52.00."""
    lines, rates = [line(D(2026, 5, 25), 240)], [rate(1300, bank_holiday=1950)]
    may = slip(D(2026, 5, 1), D(2026, 5, 31), 7800)
    assert check_timesheets([pa()], rates, lines, [may], bank_holidays={D(2026, 5, 25)}) == []
    assert len(check_timesheets([pa()], rates, lines, [may])) == 1


def test_a_pay_rise_within_the_period_prices_each_day_at_its_rate() -> None:
    """£12.71 to 14 April, £13.00 from 15 April: 20 h at each is £254.20 + £260.00 = £514.20."""
    lines = [line(D(2026, 4, 1), 1200), line(D(2026, 4, 20), 1200)]
    rates = [rate(1271), rate(1300, effective=D(2026, 4, 15))]
    assert check_timesheets([pa()], rates, lines, [slip(*APRIL, 51420)]) == []


def test_rolled_up_holiday_pay_is_added_to_the_timesheets() -> None:
    """Accrual: 40 h at £12.71 (£508.40) plus 12.07 % rolled-up holiday pay £61.36 = £569.76."""
    # 50840p × 12.07 % = 6136.388p → £61.36; gross £508.40 + £61.36 = £569.76.
    rates = [rate(1271, holiday=HolidayScheme.ACCRUAL, frequency=PayFrequency.FOUR_WEEKLY)]
    payslip = slip(*APRIL, 56976, holiday_pay=6136)
    assert check_timesheets([pa()], rates, _forty_hours(), [payslip]) == []


def _payment(pid: int, pence: int, day: date = D(2026, 4, 30), eid: int = 1) -> WagePayment:
    return WagePayment(id=pid, day=day, amount=Money(pence), employee_id=eid)


def test_net_pay_equal_to_the_card_payment_passes() -> None:
    """Payslip net £450.00 linked to a card payment of £450.00: nothing to say."""
    payslip = slip(*APRIL, 50840, net=45000, money_out_id=7)
    assert check_wage_payments([pa()], [payslip], [_payment(7, 45000)]) == []


def test_card_payment_less_than_net_pay() -> None:
    """Net £450.00 but £400.00 paid: a pay-mismatch of £50.00."""
    payslip = slip(*APRIL, 50840, net=45000, money_out_id=7)
    [finding] = check_wage_payments([pa()], [payslip], [_payment(7, 40000)])
    assert finding.kind is FindingKind.PAY_MISMATCH and finding.amount == Money(5000)
    assert "£450.00" in finding.message and "£400.00" in finding.message
    assert "£50.00 less" in finding.message


def test_payslip_with_no_card_payment_linked() -> None:
    """A payslip naming no payment, or one to another PA, is a pay-mismatch of its net."""
    bob = pa(2, "Bob Jones")
    unlinked = slip(*APRIL, 50840, net=45000)
    wrong_pa = slip(*APRIL, 50840, sid=2, net=45000, money_out_id=9)
    found = check_wage_payments([pa(), bob], [unlinked, wrong_pa], [_payment(9, 45000, eid=2)])
    kinds = sorted((f.kind.value, f.amount) for f in found)
    assert kinds == [
        ("no-payslip", Money(45000)),
        ("pay-mismatch", Money(45000)),
        ("pay-mismatch", Money(45000)),
    ]
    assert "no card payment to Anna Smith is linked" in found[0].message


def test_wage_payment_no_payslip_names() -> None:
    """A £300.00 card payment to Anna on 15 May 2026 that no payslip names: no-payslip."""
    [finding] = check_wage_payments([pa()], [], [_payment(8, 30000, D(2026, 5, 15))])
    assert finding.kind is FindingKind.NO_PAYSLIP
    assert finding.amount == Money(30000) and finding.record == "money-out:8"
    assert "£300.00" in finding.message and "15 May 2026" in finding.message


def test_two_payslips_paid_in_one_payment() -> None:
    """One card payment for two payslips is checked against their nets together."""
    # Two weekly payslips (nets £200.00 and £250.00) paid in one £450.00 payment pass; paid
    # £500.00, the payment is £50.00 more than the nets.
    weeks = [
        slip(D(2026, 4, 6), D(2026, 4, 12), 20000, sid=1, money_out_id=5),
        slip(D(2026, 4, 13), D(2026, 4, 19), 25000, sid=2, money_out_id=5),
    ]
    assert check_wage_payments([pa()], weeks, [_payment(5, 45000)]) == []
    [finding] = check_wage_payments([pa()], weeks, [_payment(5, 50000)])
    assert finding.amount == Money(5000) and "2 payslips" in finding.message


def test_a_line_with_no_rate_at_all_is_an_error_naming_its_day() -> None:
    """Work on 3 April 2026 with no rate of its own and no pay rate yet raises NoPayRate."""
    lines = [line(D(2026, 4, 3), 240)]
    late_rate = [rate(1300, effective=D(2026, 4, 10))]
    with pytest.raises(NoPayRate, match="3 April 2026"):
        check_timesheets([pa()], late_rate, lines, [slip(*APRIL, 5200)])
