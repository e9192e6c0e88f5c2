"""Holiday taken against holiday allowed, per leave year.

Under `weeks` a PA may take 5.6 weeks of their usual week a leave year, pro rata for the
days employed in it; the usual week is the contracted minutes on the pay rate, else the
average week of the leave year's timesheets to their last day, holiday and sickness
included (a day off is recorded at the hours the PA would have worked). Under `accrual` a
PA earns 12.07 % of the minutes worked (everything but holiday and sickness) so far in the
leave year. Minutes are compared exactly; nothing is rounded until it is shown.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta
from fractions import Fraction

from kentcard.core.dates import overlap_days
from kentcard.core.employment.pay import Pricing, rate_in_force
from kentcard.core.employment.rates import RateTable, thresholds
from kentcard.core.employment.records import (
    TIME_OFF_KINDS,
    Employee,
    EmploymentFinding,
    FindingKind,
    HolidayScheme,
    PayRate,
    TimesheetLine,
    WorkKind,
)
from kentcard.core.employment.words import date_words, hours_words, percent_words, period_words
from kentcard.core.money import Money, round_half_up


def leave_year(day: date, start: tuple[int, int]) -> tuple[date, date]:
    """The first and last days of the leave year starting on (month, day) that holds `day`."""
    first = date(day.year, *start)
    if first > day:
        first = date(day.year - 1, *start)
    return first, date(first.year + 1, *start) - timedelta(days=1)


def _weekly_minutes(
    employee: Employee, rate: PayRate, lines: Sequence[TimesheetLine], first: date, upto: date
) -> Fraction:
    """The contracted week, else the average week of the leave year's timesheets (all
    kinds) over the days employed from `first` to `upto`."""
    if rate.contracted_minutes_per_week is not None:
        return Fraction(rate.contracted_minutes_per_week)
    days = overlap_days(employee.start, employee.end, first, upto)
    minutes = sum(line.minutes for line in lines if first <= line.day <= upto)
    return Fraction(minutes * 7, days) if days else Fraction(0)


def _allowed(
    employee: Employee,
    rate: PayRate,
    year: tuple[date, date],
    lines: Sequence[TimesheetLine],
    day: date,
    table: RateTable | None,
) -> tuple[Fraction, str]:
    """Minutes of holiday allowed by `day` in the leave year `year` (whose timesheet lines
    are `lines`), and how, in words."""
    first, last = year
    figures = thresholds(day, table)
    if rate.holiday is HolidayScheme.ACCRUAL:
        worked = sum(
            line.minutes for line in lines if line.day <= day and line.kind not in TIME_OFF_KINDS
        )
        how = (
            f"{percent_words(figures.holiday_accrual)}% of the {hours_words(worked)} worked so far"
        )
        return figures.holiday_accrual * worked, how
    weekly = _weekly_minutes(employee, rate, lines, first, max(line.day for line in lines))
    employed = overlap_days(employee.start, employee.end, first, last)
    in_year = (last - first).days + 1
    weeks = figures.statutory_leave_weeks
    how = f"{percent_words(weeks / 100)} weeks of {hours_words(round_half_up(weekly))} a week"
    if employed < in_year:
        how += f", for the {employed} of {in_year} days employed in the leave year"
    return weeks * weekly * employed / in_year, how


def _over(
    employee: Employee,
    line: TimesheetLine,
    year: tuple[date, date],
    taken: int,
    allowed: Fraction,
    how: str,
) -> str:
    excess = round_half_up(taken - allowed)
    return (
        f"{employee.name} has taken {hours_words(taken)} of holiday in the leave year "
        f"{period_words(*year)}, up to {date_words(line.day)}: {hours_words(excess)} more "
        f"than the {hours_words(round_half_up(allowed))} allowed ({how})."
    )


def _employee_findings(
    employee: Employee, lines: Sequence[TimesheetLine], pricing: Pricing, table: RateTable | None
) -> list[EmploymentFinding]:
    """The first holiday line in each leave year that takes the PA over the allowance."""
    found = []
    taken: dict[date, int] = {}  # by the leave year's first day
    flagged: set[date] = set()
    for line in lines:
        if line.kind is not WorkKind.HOLIDAY:
            continue
        rate = pricing.rate_for(line)
        year = leave_year(line.day, rate.leave_year_start)
        taken[year[0]] = taken.get(year[0], 0) + line.minutes
        if year[0] in flagged:
            continue
        in_year = [other for other in lines if year[0] <= other.day <= year[1]]
        allowed, how = _allowed(employee, rate, year, in_year, line.day, table)
        if taken[year[0]] > allowed:
            flagged.add(year[0])
            extra = (taken[year[0]] - allowed) * pricing.hourly(line).pence / 60
            found.append(
                EmploymentFinding(
                    kind=FindingKind.HOLIDAY_OVER,
                    day=line.day,
                    message=_over(employee, line, year, taken[year[0]], allowed, how),
                    about=employee.name,
                    amount=Money(round_half_up(extra)),
                    record=f"employee:{employee.id}",
                )
            )
    return found


def check_holiday(
    employees: Sequence[Employee],
    rates: Sequence[PayRate],
    lines: Sequence[TimesheetLine],
    bank_holidays: Collection[date] = (),
    table: RateTable | None = None,
) -> list[EmploymentFinding]:
    """`holiday-over`: holiday taken in a leave year beyond what is allowed by then. The
    amount is that extra time at the PA's rate."""
    pricing = Pricing(rates, bank_holidays)
    found: list[EmploymentFinding] = []
    for employee in employees:
        mine = sorted(
            (line for line in lines if line.employee_id == employee.id),
            key=lambda line: (line.day, line.id),
        )
        found.extend(_employee_findings(employee, mine, pricing, table))
    return found


def holiday_balance(
    employee: Employee,
    rates: Sequence[PayRate],
    lines: Sequence[TimesheetLine],
    day: date,
    table: RateTable | None = None,
) -> tuple[tuple[date, date], int, Fraction] | None:
    """The PA's leave year holding `day`, the minutes of holiday taken in it up to `day`,
    and the minutes allowed by then (as `check_holiday` counts them); None when the PA has
    no pay rate on `day`."""
    rate = rate_in_force(rates, employee.id, day)
    if rate is None:
        return None
    year = leave_year(day, rate.leave_year_start)
    in_year = sorted(
        (
            line
            for line in lines
            if line.employee_id == employee.id and year[0] <= line.day <= year[1]
        ),
        key=lambda line: (line.day, line.id),
    )
    taken = sum(
        line.minutes for line in in_year if line.kind is WorkKind.HOLIDAY and line.day <= day
    )
    if not in_year and rate.contracted_minutes_per_week is None:
        return year, taken, Fraction(0)  # no week to take 5.6 of, nothing worked to accrue on
    allowed, _ = _allowed(employee, rate, year, in_year, day, table)
    return year, taken, allowed


REMINDER_DAYS = 30  # a balance left this close to the leave year's end is a reminder


def holiday_reminders(
    employees: Sequence[Employee],
    rates: Sequence[PayRate],
    lines: Sequence[TimesheetLine],
    today: date,
    table: RateTable | None = None,
) -> list[EmploymentFinding]:
    """`holiday-over` as a reminder: a PA employed today with an hour or more of holiday
    left in a leave year that ends within 30 days."""
    found = []
    for employee in employees:
        balance = (
            None
            if not employee.employed_on(today)
            else holiday_balance(employee, rates, lines, today, table)
        )
        if balance is None:
            continue
        year, taken, allowed = balance
        left = allowed - taken
        if (year[1] - today).days > REMINDER_DAYS or left < 60:
            continue
        found.append(
            EmploymentFinding(
                kind=FindingKind.HOLIDAY_OVER,
                day=today,
                message=(
                    f"{employee.name} has {hours_words(round_half_up(left))} of holiday left "
                    f"in the leave year {period_words(*year)}, which ends on "
                    f"{date_words(year[1])}: time to book it, or agree what happens to it."
                ),
                about=employee.name,
                record=f"employee:{employee.id}",
            )
        )
    return found
