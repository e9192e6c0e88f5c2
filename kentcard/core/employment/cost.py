"""What a PA really costs a month: an estimate, not a payroll calculation.

Employer National Insurance and the pension are worked out for one pay period with that
period's thresholds (a weekly-paid PA against the weekly ones) and then turned into a
month (52 weeks make 12 months). Each figure is kept exact and rounded once, half up to
the penny; the total adds up the rounded figures, so the sheet adds up as shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from kentcard.core.employment.rates import RateTable, Thresholds, thresholds
from kentcard.core.employment.records import PayFrequency
from kentcard.core.errors import InputError
from kentcard.core.money import Money, round_half_up

WEEKS_PER_PERIOD = {
    PayFrequency.WEEKLY: Fraction(1),
    PayFrequency.FORTNIGHTLY: Fraction(2),
    PayFrequency.FOUR_WEEKLY: Fraction(4),
    PayFrequency.MONTHLY: Fraction(52, 12),
}
WEEKS_PER_MONTH = Fraction(52, 12)


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """Estimated cost a month of employing one PA, with the figures in force on `on`.
    Every money figure is an estimate for a month, not what a payslip will show."""

    on: date
    minutes_per_month_estimate: Fraction  # the PA's hours a month, exactly
    wage_estimate: Money  # gross pay
    holiday_cover_estimate: Money  # another PA at the same rate for 5.6 weeks a year
    employer_ni_estimate: Money  # after the Employment Allowance when it is claimed
    employer_pension_estimate: Money
    payroll_fee_estimate: Money
    insurance_estimate: Money
    total_estimate: Money  # the sum of the figures above
    per_hour_estimate: Money  # the total a month ÷ the PA's hours a month


def _employer_ni(period_gross: Fraction, frequency: PayFrequency, t: Thresholds) -> Fraction:
    above = period_gross - t.secondary_threshold.for_frequency(frequency).pence
    return max(Fraction(0), above) * t.employer_ni_rate


def _pension(period_gross: Fraction, frequency: PayFrequency, t: Thresholds) -> Fraction:
    if period_gross <= t.pension_trigger.for_frequency(frequency).pence:
        return Fraction(0)
    upper = t.pension_upper.for_frequency(frequency).pence
    qualifying = min(period_gross, Fraction(upper)) - t.pension_lower.for_frequency(frequency).pence
    return max(Fraction(0), qualifying) * t.employer_pension_minimum


def _net_of_allowance(ni_per_month: Fraction, allowance: bool, t: Thresholds) -> Fraction:
    """Employer NI a month once the year's allowance is set against the year's NI."""
    if not allowance:
        return ni_per_month
    return max(Fraction(0), ni_per_month * 12 - t.employment_allowance.pence) / 12


def employer_cost(
    hourly: Money,
    minutes_per_week: int,
    frequency: PayFrequency,
    on: date,
    allowance: bool,
    payroll_fee_per_week: Money = Money(0),
    insurance_per_year: Money = Money(0),
    table: RateTable | None = None,
) -> CostEstimate:
    """Estimate what a PA paid `hourly` for `minutes_per_week`, paid every `frequency`,
    costs a month with the figures in force on `on`; `allowance` when the Employment
    Allowance is claimed for that tax year."""
    if type(minutes_per_week) is not int or minutes_per_week <= 0:
        raise InputError("minutes per week", "must be a whole number of minutes above zero")
    t = thresholds(on, table)
    per_week = Fraction(minutes_per_week * hourly.pence, 60)
    period_gross = per_week * WEEKS_PER_PERIOD[frequency]
    to_month = WEEKS_PER_MONTH / WEEKS_PER_PERIOD[frequency]
    ni = _net_of_allowance(_employer_ni(period_gross, frequency, t) * to_month, allowance, t)
    figures = [
        per_week * WEEKS_PER_MONTH,
        per_week * t.statutory_leave_weeks / 12,
        ni,
        _pension(period_gross, frequency, t) * to_month,
        payroll_fee_per_week.pence * WEEKS_PER_MONTH,
        Fraction(insurance_per_year.pence, 12),
    ]
    wage, cover, ni_month, pension, fee, insurance = (round_half_up(f) for f in figures)
    total = wage + cover + ni_month + pension + fee + insurance
    minutes_per_month = minutes_per_week * WEEKS_PER_MONTH
    return CostEstimate(
        on=on,
        minutes_per_month_estimate=minutes_per_month,
        wage_estimate=Money(wage),
        holiday_cover_estimate=Money(cover),
        employer_ni_estimate=Money(ni_month),
        employer_pension_estimate=Money(pension),
        payroll_fee_estimate=Money(fee),
        insurance_estimate=Money(insurance),
        total_estimate=Money(total),
        per_hour_estimate=Money(round_half_up(total * 60 / minutes_per_month)),
    )
