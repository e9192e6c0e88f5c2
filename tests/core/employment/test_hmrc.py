"""hmrc-due: PAYE per tax month (6th to 5th) or quarter, less the Employment Allowance
still unused when claimed, not paid for that period by the 22nd of the next month."""

from __future__ import annotations

from datetime import date

import pytest

from kentcard.core.employment.hmrc import (
    HmrcPeriod,
    check_hmrc,
    paye_due,
    period_of,
    tax_month_of,
    tax_year_of,
)
from kentcard.core.employment.records import (
    EmployerDetails,
    FindingKind,
    HmrcFrequency,
    HmrcPayment,
    PayrollRoute,
)
from kentcard.core.money import Money
from tests.core.employment.factories import slip

D = date
MONTHLY = EmployerDetails(route=PayrollRoute.BUREAU)
QUARTERLY = EmployerDetails(route=PayrollRoute.BUREAU, hmrc_frequency=HmrcFrequency.QUARTERLY)


def _april_slip(sid: int = 1, paid_on: date = D(2026, 4, 30), employer_ni: int = 10645):
    """Tax £50.00, employee NI £20.00, employer NI £106.45 (default): £176.45 in all."""
    return slip(
        D(2026, 4, 1),
        D(2026, 4, 30),
        112667,
        sid=sid,
        paid_on=paid_on,
        tax=5000,
        employee_ni=2000,
        employer_ni=employer_ni,
    )


def _paid(amount: int, on: date, period: int = 1, year: int = 2026) -> HmrcPayment:
    return HmrcPayment(id=1, paid_on=on, amount=Money(amount), tax_year=year, period=period)


@pytest.mark.parametrize(
    ("day", "year", "month"),
    [
        (D(2026, 4, 5), 2025, 12),
        (D(2026, 4, 6), 2026, 1),
        (D(2026, 5, 5), 2026, 1),
        (D(2026, 5, 6), 2026, 2),
        (D(2027, 1, 5), 2026, 9),
        (D(2027, 1, 6), 2026, 10),
        (D(2027, 4, 5), 2026, 12),
    ],
)
def test_tax_months_run_from_the_6th_to_the_5th(day: date, year: int, month: int) -> None:
    """5 April is month 12 of the year before; 6 April starts month 1; 6 January month 10."""
    assert (tax_year_of(day), tax_month_of(day)) == (year, month)


def test_quarters_and_their_days() -> None:
    """Quarter 1 is 6 April – 5 July, quarter 4 is 6 January – 5 April."""
    q1, q4 = HmrcPeriod(2026, 1, True), HmrcPeriod(2026, 4, True)
    assert (q1.start, q1.end) == (D(2026, 4, 6), D(2026, 7, 5))
    assert (q4.start, q4.end) == (D(2027, 1, 6), D(2027, 4, 5))
    assert period_of(D(2026, 7, 5), True) == q1
    assert period_of(D(2026, 7, 6), True) == HmrcPeriod(2026, 2, True)


def test_unpaid_month_is_due_only_after_the_22nd() -> None:
    """Tax month 1's unpaid PAYE is a finding only once 22 May 2026 has passed."""
    # Payslip paid 30 April 2026 (tax month 1): £176.45 due by 22 May.
    # £50.00 tax + £20.00 employee NI + £106.45 employer NI = £176.45.
    assert check_hmrc([_april_slip()], MONTHLY, [], today=D(2026, 5, 22)) == []
    [finding] = check_hmrc([_april_slip()], MONTHLY, [], today=D(2026, 5, 23))
    assert finding.kind is FindingKind.HMRC_DUE and finding.amount == Money(17645)
    assert finding.day == D(2026, 5, 22)
    assert "6 April – 5 May 2026" in finding.message and "22 May 2026" in finding.message


def test_paid_by_the_22nd_passes_and_part_paid_leaves_the_rest() -> None:
    """£176.45 paid on 20 May: nothing; £100.00 paid: £76.45 still to pay."""
    assert check_hmrc([_april_slip()], MONTHLY, [_paid(17645, D(2026, 5, 20))], D(2026, 6, 1)) == []
    [finding] = check_hmrc([_april_slip()], MONTHLY, [_paid(10000, D(2026, 5, 20))], D(2026, 6, 1))
    assert finding.amount == Money(7645) and "£76.45 is still to pay" in finding.message


def test_paid_late_is_still_a_finding() -> None:
    """All £176.45 paid on 25 May, after the 22nd: the finding says HMRC may charge interest."""
    [finding] = check_hmrc([_april_slip()], MONTHLY, [_paid(17645, D(2026, 5, 25))], D(2026, 6, 1))
    assert finding.amount == Money(17645) and "interest" in finding.message


def test_a_payment_for_another_period_does_not_count() -> None:
    """£176.45 paid on 20 May but for tax month 2 leaves month 1 unpaid."""
    payment = _paid(17645, D(2026, 5, 20), period=2)
    assert len(check_hmrc([_april_slip()], MONTHLY, [payment], D(2026, 6, 1))) == 1


def test_employment_allowance_is_used_up_in_order() -> None:
    """The Employment Allowance is set against employer NI month by month until used up."""
    # Allowance £10,500 claimed for 2026/27: month 1's £10,000 employer NI is all set off
    # (£70.00 owed), month 2's £1,000 only £500 of it (£570.00 owed).
    # Month 1: £50 + £20 + £10,000 − £10,000 = £70.00; £500 of allowance left.
    # Month 2: £50 + £20 + £1,000 − £500 = £570.00.
    details = EmployerDetails(route=PayrollRoute.COUNCIL, allowance_years=frozenset({2026}))
    slips = [
        _april_slip(1, D(2026, 4, 30), employer_ni=1_000_000),
        _april_slip(2, D(2026, 5, 29), employer_ni=100_000),
    ]
    assert [owed.amount for owed in paye_due(slips, details)] == [7000, 57000]
    found = check_hmrc(slips, details, [], today=D(2026, 7, 1))
    assert [f.amount for f in found] == [Money(7000), Money(57000)]
    assert "less £10,000.00 of Employment Allowance" in found[0].message


def test_the_allowance_starts_again_on_6_april() -> None:
    """A payslip paid 5 April falls in the old tax year, one paid 6 April in the new."""
    # Allowance claimed for 2026/27 only: paid 5 April 2026 is 2025/26 month 12 (due 22 April)
    # and owes its £106.45 employer NI; paid 6 April 2026 has it set off (£70.00 owed).
    details = EmployerDetails(route=PayrollRoute.BUREAU, allowance_years=frozenset({2026}))
    slips = [_april_slip(1, D(2026, 4, 5)), _april_slip(2, D(2026, 4, 6))]
    owed = paye_due(slips, details)
    assert [(o.period.tax_year, o.period.number, o.due, o.amount) for o in owed] == [
        (2025, 12, D(2026, 4, 22), 17645),
        (2026, 1, D(2026, 5, 22), 7000),
    ]


def test_quarterly_paye_is_due_on_22_july() -> None:
    """A quarterly employer's PAYE for 6 April – 5 July is due on 22 July."""
    # Payslips paid 30 April, 29 May and 30 June 2026 (£176.45 each, £529.35) fall in
    # quarter 1, due 22 July 2026; £400.00 paid on 20 July leaves £129.35.
    days = [D(2026, 4, 30), D(2026, 5, 29), D(2026, 6, 30)]
    slips = [_april_slip(sid, day) for sid, day in enumerate(days, start=1)]
    payment = _paid(40000, D(2026, 7, 20), period=1)
    assert check_hmrc(slips, QUARTERLY, [payment], today=D(2026, 7, 22)) == []
    [finding] = check_hmrc(slips, QUARTERLY, [payment], today=D(2026, 7, 23))
    assert finding.amount == Money(12935)
    assert "the quarter 6 April – 5 July 2026" in finding.message


def test_a_payment_for_another_quarter_does_not_count() -> None:
    """A quarterly employer's payment recorded for period 3 is quarter 3's, not quarter 1's."""
    payment = _paid(17645, D(2026, 7, 20), period=3)
    assert len(check_hmrc([_april_slip()], QUARTERLY, [payment], today=D(2026, 8, 1))) == 1
