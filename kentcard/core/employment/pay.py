"""What a timesheet line is worth, a PA's age band on a day and the pay rate in force:
the arithmetic the checks share.

Pay is worked out exactly, as a `Fraction` of pence (minutes × pence an hour ÷ 60), and a
check rounds each figure once, half up to the penny, when it is finished.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from kentcard.core.employment.records import (
    AgeBand,
    Employee,
    PayRate,
    Payslip,
    TimesheetLine,
    WorkKind,
)
from kentcard.core.employment.words import date_words
from kentcard.core.errors import KentcardError
from kentcard.core.money import Money


class NoPayRate(KentcardError):
    """A timesheet line has no rate of its own and no pay rate was in force on its day."""


def age_on(born: date, day: date) -> int:
    """Whole years of age on `day` (a 29 February birthday counts from 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def band_on(employee: Employee, day: date) -> AgeBand | None:
    """The minimum-wage band on `day`: the recorded band, else from the age (None under 16)."""
    if employee.date_of_birth is None:
        return employee.age_band
    age = age_on(employee.date_of_birth, day)
    if age >= 21:
        return AgeBand.ADULT
    if age >= 18:
        return AgeBand.AGE_18_20
    return AgeBand.AGE_16_17 if age >= 16 else None


def rate_in_force(rates: Iterable[PayRate], employee_id: int, day: date) -> PayRate | None:
    """The PA's rate with the latest `effective_from` on or before `day`."""
    found = [r for r in rates if r.employee_id == employee_id and r.effective_from <= day]
    return max(found, key=lambda r: r.effective_from, default=None)


@dataclass(frozen=True, slots=True)
class Pricing:
    """What the lines are paid with: the PA's rates and the bank holidays (which the
    core does not know by itself; the caller passes them)."""

    rates: Sequence[PayRate]
    bank_holidays: Collection[date] = ()

    def rate_for(self, line: TimesheetLine) -> PayRate:
        rate = rate_in_force(self.rates, line.employee_id, line.day)
        if rate is None:
            raise NoPayRate(
                f"No pay rate is recorded for the work on {date_words(line.day)} "
                f"(timesheet line {line.id}); add the PA's hourly rate first."
            )
        return rate

    def hourly(self, line: TimesheetLine) -> Money:
        """The rate an hour for `line`: its own, else bank holiday, night (for a waking
        night), weekend (Saturday, Sunday), else the day rate; a premium left empty is
        the day rate."""
        if line.rate is not None:
            return line.rate
        rate = self.rate_for(line)
        premium = None
        if line.day in self.bank_holidays:
            premium = rate.bank_holiday
        elif line.kind is WorkKind.WAKING_NIGHT:
            premium = rate.night
        elif line.day.weekday() >= 5:
            premium = rate.weekend
        return rate.hourly if premium is None else premium

    def pay(self, line: TimesheetLine) -> Fraction:
        """Exact pence for `line`; an asleep sleep-in without its own rate is paid the
        flat sleep-in amount when the PA has one."""
        if line.kind is WorkKind.SLEEP_IN and line.rate is None:
            flat = self.rate_for(line).sleep_in_flat
            if flat is not None:
                return Fraction(flat.pence)
        return Fraction(line.minutes * self.hourly(line).pence, 60)


def lines_in(lines: Iterable[TimesheetLine], slip: Payslip) -> list[TimesheetLine]:
    """The PA's timesheet lines that fall in the payslip's period."""
    return [
        line
        for line in lines
        if line.employee_id == slip.employee_id and slip.period_start <= line.day <= slip.period_end
    ]


def employees_by_id(employees: Iterable[Employee]) -> dict[int, Employee]:
    return {e.id: e for e in employees}
