"""Pension auto-enrolment: a PA aged 22 to State Pension age earning more than the trigger
for the pay period must be put into a workplace pension, and the employer pays at least
3 % of the earnings between the lower and upper limits of qualifying earnings.

The figures for a payslip are those in force on its pay day (the tax year it is paid in).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction

from kentcard.core.employment.pay import age_on, employees_by_id, rate_in_force
from kentcard.core.employment.rates import RateTable, Thresholds, thresholds
from kentcard.core.employment.records import (
    AgeBand,
    Employee,
    EmploymentFinding,
    FindingKind,
    PayFrequency,
    PayRate,
    Payslip,
)
from kentcard.core.employment.words import payslip_words, percent_words, period_words
from kentcard.core.money import Money, format_money, round_half_up

ENROLMENT_AGE = 22
# State Pension age is 66 for those born before 6 April 1960 and rises towards 67 for
# those born later (from 2026); 66 is used here, as the guidance for employers gives it.
STATE_PENSION_AGE = 66
_BY_LENGTH = {7: PayFrequency.WEEKLY, 14: PayFrequency.FORTNIGHTLY, 28: PayFrequency.FOUR_WEEKLY}


def pay_frequency(rates: Sequence[PayRate], slip: Payslip) -> PayFrequency:
    """The PA's pay frequency at the period's start, else judged by the period's length."""
    rate = rate_in_force(rates, slip.employee_id, slip.period_start)
    if rate is not None:
        return rate.frequency
    length = (slip.period_end - slip.period_start).days + 1
    return _BY_LENGTH.get(length, PayFrequency.MONTHLY)


def age_may_qualify(employee: Employee, start: date, end: date) -> bool | None:
    """True when the PA is 22 or over and under State Pension age at some time in the
    period; None when only the band is known and it allows it; False otherwise."""
    if employee.date_of_birth is not None:
        born = employee.date_of_birth
        return age_on(born, end) >= ENROLMENT_AGE and age_on(born, start) < STATE_PENSION_AGE
    if employee.age_band in (AgeBand.ADULT, AgeBand.APPRENTICE):
        return None
    return False


def minimum_employer_pension(gross: Money, frequency: PayFrequency, figures: Thresholds) -> int:
    """Exact-then-rounded least employer contribution, in pence, for one pay period."""
    lower = figures.pension_lower.for_frequency(frequency).pence
    upper = figures.pension_upper.for_frequency(frequency).pence
    qualifying = max(0, min(gross.pence, upper) - lower)
    return round_half_up(Fraction(qualifying) * figures.employer_pension_minimum)


def _finding(
    slip: Payslip, employee: Employee, frequency: PayFrequency, figures: Thresholds, sure: bool
) -> EmploymentFinding:
    trigger = figures.pension_trigger.for_frequency(frequency)
    lower = figures.pension_lower.for_frequency(frequency)
    due = minimum_employer_pension(slip.gross, frequency, figures)
    percent = percent_words(figures.employer_pension_minimum)
    name, period = employee.name, period_words(slip.period_start, slip.period_end)
    condition = "" if sure else f" If {name} is aged 22 or over and under State Pension age,"
    message = (
        f"{name} earned {format_money(slip.gross)} in {period}: more than "
        f"{format_money(trigger)} for {_PERIOD_WORDS[frequency]}, the most a worker can earn "
        "before they must be put into a workplace pension, but the payslip shows no employer "
        f"pension.{condition} "
        f"{'T' if sure else 't'}he employer's part would be at least {format_money(Money(due))} "
        f"({percent}% of the earnings above {format_money(lower)}), unless {name} opted out "
        "or enrolment was postponed."
    )
    return EmploymentFinding(
        kind=FindingKind.PENSION_DUE,
        day=slip.paid_on,
        message=message,
        about=payslip_words(slip.period_start, slip.period_end, name),
        amount=Money(due),
        record=f"payslip:{slip.id}",
    )


_PERIOD_WORDS = {
    PayFrequency.WEEKLY: "a week",
    PayFrequency.FORTNIGHTLY: "a fortnight",
    PayFrequency.FOUR_WEEKLY: "four weeks",
    PayFrequency.MONTHLY: "a month",
}


def check_pensions(
    employees: Sequence[Employee],
    rates: Sequence[PayRate],
    payslips: Sequence[Payslip],
    table: RateTable | None = None,
) -> list[EmploymentFinding]:
    """`pension-due`: a payslip with no employer pension for a PA of enrolment age earning
    more than the trigger for the pay period."""
    people = employees_by_id(employees)
    found = []
    for slip in payslips:
        employee = people[slip.employee_id]
        age = age_may_qualify(employee, slip.period_start, slip.period_end)
        if slip.employer_pension.pence > 0 or age is False:
            continue
        frequency = pay_frequency(rates, slip)
        figures = thresholds(slip.paid_on, table)
        if slip.gross.pence > figures.pension_trigger.for_frequency(frequency).pence:
            found.append(_finding(slip, employee, frequency, figures, sure=age is True))
    return found
