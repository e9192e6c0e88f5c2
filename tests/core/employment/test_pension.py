"""pension-due: a PA aged 22 to 66 earning more than the trigger for the pay period with no
employer pension on the payslip; the least employer part is 3 % of qualifying earnings."""

from __future__ import annotations

from datetime import date

import pytest

from kentcard.core.employment.pension import check_pensions
from kentcard.core.employment.records import AgeBand, FindingKind, PayFrequency
from kentcard.core.money import Money
from tests.core.employment.factories import pa, rate, slip

D = date
JUNE = (D(2026, 6, 1), D(2026, 6, 30))
AGED_30 = D(1996, 3, 1)


def test_monthly_pay_above_833_with_no_employer_pension() -> None:
    """£1,126.67 in June 2026 (> £833): the employer's part is at least £18.20."""
    # 3 % × (£1,126.67 − £520.00) = 3 % × £606.67 = £18.2001 → £18.20.
    [finding] = check_pensions([pa(born=AGED_30)], [rate(1300)], [slip(*JUNE, 112667)])
    assert finding.kind is FindingKind.PENSION_DUE and finding.amount == Money(1820)
    assert "£833.00 for a month" in finding.message and "£18.20" in finding.message
    assert "1–30 June 2026" in finding.message


def test_a_payslip_with_employer_pension_passes() -> None:
    """The same pay with £18.20 of employer pension shows nothing."""
    payslip = slip(*JUNE, 112667, employer_pension=1820)
    assert check_pensions([pa(born=AGED_30)], [rate(1300)], [payslip]) == []


def test_four_weekly_trigger_is_768() -> None:
    """Four-weekly: £768.00 exactly is not more than the trigger; £768.01 is (£8.64 due)."""
    # 3 % × (£768.01 − £480.00) = 3 % × £288.01 = £8.6403 → £8.64.
    rates = [rate(1300, frequency=PayFrequency.FOUR_WEEKLY)]
    period = (D(2026, 4, 6), D(2026, 5, 3))
    assert check_pensions([pa(born=AGED_30)], rates, [slip(*period, 76800)]) == []
    [finding] = check_pensions([pa(born=AGED_30)], rates, [slip(*period, 76801)])
    assert finding.amount == Money(864) and "£768.00 for four weeks" in finding.message


def test_weekly_trigger_is_192() -> None:
    """Weekly £193.00 (> £192): 3 % × (£193.00 − £120.00) = £2.19."""
    rates = [rate(1300, frequency=PayFrequency.WEEKLY)]
    week = (D(2026, 6, 1), D(2026, 6, 7))
    [finding] = check_pensions([pa(born=AGED_30)], rates, [slip(*week, 19300)])
    assert finding.amount == Money(219)


def test_earnings_above_the_upper_limit_count_only_up_to_it() -> None:
    """£5,000.00 in a month: 3 % × (£4,189.00 − £520.00) = £110.07."""
    [finding] = check_pensions([pa(born=AGED_30)], [rate(3000)], [slip(*JUNE, 500000)])
    assert finding.amount == Money(11007)


@pytest.mark.parametrize(
    ("born", "due"),
    [
        (D(2005, 1, 1), False),  # 21 all June 2026
        (D(2004, 6, 20), True),  # 22 on 20 June 2026, within the period
        (D(1960, 5, 31), False),  # 66 before the period starts
        (D(1960, 6, 1), False),  # 66 on its first day
        (D(1960, 6, 2), True),  # 65 on its first day
    ],
)
def test_age_22_to_state_pension_age(born: date, due: bool) -> None:
    """Only a PA aged 22 or over and under 66 at some time in the period is due a pension."""
    found = check_pensions([pa(born=born)], [rate(1300)], [slip(*JUNE, 112667)])
    assert (len(found) == 1) is due


def test_age_unknown_the_finding_says_the_condition() -> None:
    """With only the 21+ band recorded the finding says 'If … aged 22 or over'; 18–20: none."""
    [finding] = check_pensions([pa(band=AgeBand.ADULT)], [rate(1300)], [slip(*JUNE, 112667)])
    assert "If Anna Smith is aged 22 or over" in finding.message
    young = pa(band=AgeBand.AGE_18_20)
    assert check_pensions([young], [rate(1300)], [slip(*JUNE, 112667)]) == []
