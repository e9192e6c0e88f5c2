"""Small builders for the employment tests: a PA, a pay rate, timesheet lines and payslips,
with amounts in pence and time in minutes, as the records hold them."""

from __future__ import annotations

from datetime import date, timedelta

from kentcard.core.employment.records import (
    AgeBand,
    Employee,
    HolidayScheme,
    PayFrequency,
    PayRate,
    Payslip,
    TimesheetLine,
    WorkKind,
)
from kentcard.core.money import Money

D = date


def pa(
    eid: int = 1,
    name: str = "Anna Smith",
    *,
    start: date = D(2025, 1, 1),
    end: date | None = None,
    band: AgeBand | None = AgeBand.ADULT,
    born: date | None = None,
) -> Employee:
    """A PA; give `born` to have the band follow the age."""
    return Employee(
        id=eid,
        name=name,
        start=start,
        end=end,
        age_band=None if born else band,
        date_of_birth=born,
    )


def rate(
    pence: int,
    *,
    eid: int = 1,
    effective: date = D(2025, 1, 1),
    frequency: PayFrequency = PayFrequency.MONTHLY,
    holiday: HolidayScheme = HolidayScheme.WEEKS,
    sleep_in_flat: int | None = None,
    night: int | None = None,
    weekend: int | None = None,
    bank_holiday: int | None = None,
    leave_year_start: tuple[int, int] = (4, 1),
    contracted: int | None = None,
) -> PayRate:
    def money(p: int | None) -> Money | None:
        return None if p is None else Money(p)

    return PayRate(
        employee_id=eid,
        effective_from=effective,
        hourly=Money(pence),
        night=money(night),
        weekend=money(weekend),
        bank_holiday=money(bank_holiday),
        sleep_in_flat=money(sleep_in_flat),
        frequency=frequency,
        holiday=holiday,
        leave_year_start=leave_year_start,
        contracted_minutes_per_week=contracted,
    )


_next_line = iter(range(1, 1_000_000))


def line(
    day: date,
    minutes: int,
    kind: WorkKind = WorkKind.CARE,
    *,
    eid: int = 1,
    pence: int | None = None,
) -> TimesheetLine:
    return TimesheetLine(
        id=next(_next_line),
        employee_id=eid,
        day=day,
        minutes=minutes,
        kind=kind,
        rate=None if pence is None else Money(pence),
    )


def week_of_lines(
    first: date, days: int, minutes: int, kind: WorkKind = WorkKind.CARE, eid: int = 1
) -> list[TimesheetLine]:
    """One line of `minutes` on each of `days` days from `first`."""
    return [line(first + timedelta(days=k), minutes, kind, eid=eid) for k in range(days)]


def slip(
    start: date,
    end: date,
    gross: int,
    *,
    sid: int = 1,
    eid: int = 1,
    net: int | None = None,
    paid_on: date | None = None,
    minutes: int | None = None,
    tax: int = 0,
    employee_ni: int = 0,
    employer_ni: int = 0,
    employer_pension: int = 0,
    holiday_pay: int = 0,
    money_out_id: int | None = None,
) -> Payslip:
    return Payslip(
        id=sid,
        employee_id=eid,
        period_start=start,
        period_end=end,
        paid_on=paid_on or end,
        gross=Money(gross),
        net=Money(gross if net is None else net),
        minutes=minutes,
        tax=Money(tax),
        employee_ni=Money(employee_ni),
        employer_ni=Money(employer_ni),
        employer_pension=Money(employer_pension),
        holiday_pay=Money(holiday_pay),
        money_out_id=money_out_id,
    )
