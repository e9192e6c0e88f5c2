"""What a PA costs a month (an estimate): the notes' worked example of 20 hours a week at
£13.00 paid monthly, and how the allowance, pay frequency, fees and thresholds change it."""

from __future__ import annotations

from datetime import date

import pytest

from kentcard.core.employment.cost import employer_cost
from kentcard.core.employment.rates import RatesNotKnown
from kentcard.core.employment.records import PayFrequency
from kentcard.core.errors import InputError
from kentcard.core.money import Money

D = date
JUNE_2026 = D(2026, 6, 1)


def test_worked_example_20_hours_at_13_pounds_monthly() -> None:
    """The notes' example: 20 h at £13.00 monthly is £1,126.67 gross, £106.45 NI, £18.20 pension."""
    # 20 h a week at £13.00, paid monthly, 1 June 2026, no Employment Allowance.
    # Gross: 20 h × £13.00 × 52 ÷ 12 = £1,126.666… → £1,126.67.
    # NI: 15 % × (£1,126.666… − £417.00) = £106.45.
    # Pension: above £833, so 3 % × (£1,126.666… − £520.00) = £18.20.
    # Holiday cover: 5.6 weeks × 20 h × £13.00 ÷ 12 = £1,456 ÷ 12 = £121.333… → £121.33.
    cost = employer_cost(Money(1300), 1200, PayFrequency.MONTHLY, JUNE_2026, allowance=False)
    assert cost.wage_estimate == Money(112667)
    assert cost.employer_ni_estimate == Money(10645)
    assert cost.employer_pension_estimate == Money(1820)
    assert cost.holiday_cover_estimate == Money(12133)
    # Total: £1,126.67 + £121.33 + £106.45 + £18.20 = £1,372.65, over 86 h 40 min a month
    # (20 h × 52 ÷ 12) = £15.838… → £15.84 an hour.
    assert cost.total_estimate == Money(137265)
    assert cost.minutes_per_month_estimate == 5200
    assert cost.per_hour_estimate == Money(1584)


def test_the_allowance_covers_the_employer_ni() -> None:
    """With the £10,500 allowance claimed, £106.45 × 12 = £1,277.40 a year is covered: £0."""
    cost = employer_cost(Money(1300), 1200, PayFrequency.MONTHLY, JUNE_2026, allowance=True)
    assert cost.employer_ni_estimate == Money(0)
    assert cost.total_estimate == Money(137265 - 10645)


def test_the_allowance_only_covers_its_yearly_amount() -> None:
    """Above the allowance, the NI left is the year's NI less £10,500, spread over 12 months."""
    # £60.00 an hour for 60 h a week: NI £2,277.45 a month, £27,329.40 a year; less the
    # £10,500 allowance it is £16,829.40 a year, £1,402.45 a month.
    # Gross 60 × £60 × 52 ÷ 12 = £15,600.00; NI 15 % × (£15,600 − £417) = £2,277.45.
    # A year: £27,329.40 − £10,500 = £16,829.40; ÷ 12 = £1,402.45.
    cost = employer_cost(Money(6000), 3600, PayFrequency.MONTHLY, JUNE_2026, allowance=True)
    assert cost.wage_estimate == Money(1_560_000)
    assert cost.employer_ni_estimate == Money(140245)


def test_weekly_pay_uses_the_weekly_thresholds() -> None:
    """A weekly-paid PA is costed against the weekly NI and pension thresholds."""
    # NI: 15 % × (£260.00 − £96.00) = £24.60 a week, × 52 ÷ 12 = £106.60 a month.
    # Pension: 3 % × (£260.00 − £120.00) = £4.20 a week, × 52 ÷ 12 = £18.20 a month.
    cost = employer_cost(Money(1300), 1200, PayFrequency.WEEKLY, JUNE_2026, allowance=False)
    assert cost.employer_ni_estimate == Money(10660)
    assert cost.employer_pension_estimate == Money(1820)


def test_four_weekly_below_the_pension_trigger() -> None:
    """Four-weekly pay under the £768 trigger has no pension; NI uses the £384 threshold."""
    # 12 h a week at £13.00 is £624.00 per four weeks: under £768, so no pension.
    # NI: 15 % × (£624.00 − £384.00) = £36.00 per four weeks, × 13 ÷ 12 = £39.00 a month.
    cost = employer_cost(Money(1300), 720, PayFrequency.FOUR_WEEKLY, JUNE_2026, allowance=False)
    assert cost.employer_pension_estimate == Money(0)
    assert cost.employer_ni_estimate == Money(3900)
    assert cost.wage_estimate == Money(67600)  # £156.00 a week × 52 ÷ 12


def test_payroll_fee_and_insurance_per_month() -> None:
    """A £7.50 weekly payroll fee is £32.50 a month; £61.00 insurance a year is £5.08."""
    cost = employer_cost(
        Money(1300),
        1200,
        PayFrequency.MONTHLY,
        JUNE_2026,
        allowance=False,
        payroll_fee_per_week=Money(750),
        insurance_per_year=Money(6100),
    )
    assert (cost.payroll_fee_estimate, cost.insurance_estimate) == (Money(3250), Money(508))
    assert cost.total_estimate == Money(137265 + 3250 + 508)


def test_figures_for_a_day_with_no_data_and_bad_minutes_are_refused() -> None:
    """6 April 2027 has no figures yet; 0 minutes a week or a float is refused."""
    with pytest.raises(RatesNotKnown):
        employer_cost(Money(1300), 1200, PayFrequency.MONTHLY, D(2027, 4, 6), allowance=False)
    with pytest.raises(InputError):
        employer_cost(Money(1300), 0, PayFrequency.MONTHLY, JUNE_2026, allowance=False)
    with pytest.raises(InputError):
        minutes: int = 1200.0  # type: ignore[assignment]
        employer_cost(Money(1300), minutes, PayFrequency.MONTHLY, JUNE_2026, allowance=False)
