"""holiday-over: holiday taken in a leave year beyond 5.6 weeks of the PA's week (pro rata
for part of the year), or beyond 12.07 % of the minutes worked so far under accrual."""

from __future__ import annotations

from datetime import date, timedelta

from kentcard.core.employment.holiday import (
    check_holiday,
    holiday_balance,
    holiday_reminders,
    leave_year,
)
from kentcard.core.employment.records import FindingKind, HolidayScheme, TimesheetLine, WorkKind
from kentcard.core.money import Money
from tests.core.employment.factories import line, pa, rate

D = date
H = WorkKind.HOLIDAY


def _days_off(first: date, count: int, minutes: int = 480) -> list:
    return [line(first + timedelta(days=k), minutes, H) for k in range(count)]


def _weekdays(first: date, count: int, kind: WorkKind = WorkKind.CARE) -> list[TimesheetLine]:
    """`count` weekday lines of 4 hours from `first`, skipping Saturdays and Sundays."""
    found: list[TimesheetLine] = []
    day = first
    while len(found) < count:
        if day.weekday() < 5:
            found.append(line(day, 240, kind))
        day += timedelta(days=1)
    return found


def test_leave_year_from_1_april() -> None:
    """31 March 2027 is in the leave year 1 April 2026 – 31 March 2027; 1 April 2027 is not."""
    assert leave_year(D(2027, 3, 31), (4, 1)) == (D(2026, 4, 1), D(2027, 3, 31))
    assert leave_year(D(2027, 4, 1), (4, 1)) == (D(2027, 4, 1), D(2028, 3, 31))


def test_weeks_up_to_5_6_weeks_then_over() -> None:
    """Under `weeks`, holiday beyond 5.6 times the contracted week is over."""
    # 20 h a week: 5.6 × 20 h = 112 h allowed. 14 days of 8 h (112 h) pass; one more hour
    # is 1 hour over, £13.00 at £13.00 an hour.
    rates = [rate(1300, contracted=1200)]
    taken = _days_off(D(2026, 6, 1), 14)
    assert check_holiday([pa()], rates, taken) == []
    [finding] = check_holiday([pa()], rates, [*taken, line(D(2026, 8, 3), 60, H)])
    assert finding.kind is FindingKind.HOLIDAY_OVER and finding.day == D(2026, 8, 3)
    assert finding.amount == Money(1300)
    assert "113 hours" in finding.message and "1 hour more than the 112 hours" in finding.message
    assert "1 April 2026 – 31 March 2027" in finding.message


def test_a_new_leave_year_starts_again() -> None:
    """112 h taken by 31 March 2027, then 8 h on 1 April 2027 (a new leave year): no finding."""
    taken = [*_days_off(D(2027, 3, 18), 14), line(D(2027, 4, 1), 480, H)]
    assert check_holiday([pa()], [rate(1300, contracted=1200)], taken) == []


def test_part_year_is_pro_rata() -> None:
    """A PA who started part way through the leave year has a pro-rata allowance."""
    # Started 1 October 2026: 182 of 365 days, so 112 h × 182 ÷ 365 = 55 h 50.8 min allowed;
    # 56 h taken is 9 minutes over (£1.99), 55 h is not.
    # 6720 min × 182 / 365 = 3350.7945 min; 3360 − 3350.7945 = 9.2055 min → 9 minutes;
    # 9.2055 min × 1300p ÷ 60 = 199.45p → £1.99.
    anna, rates = pa(start=D(2026, 10, 1)), [rate(1300, contracted=1200)]
    assert check_holiday([anna], rates, _days_off(D(2027, 1, 4), 6, 550)) == []
    [finding] = check_holiday([anna], rates, _days_off(D(2027, 1, 4), 7))
    assert finding.amount == Money(199) and "9 minutes more" in finding.message
    assert "182 of 365 days" in finding.message


def test_accrual_is_12_07_percent_of_minutes_worked_so_far() -> None:
    """Under `accrual`, holiday beyond 12.07 % of the minutes worked so far is over."""
    # 100 h worked in April: 12.07 % is 12 h 4.2 min. 12 h off on 1 May passes; 12 h 10 min
    # is 5.8 min over (6 minutes, £1.26).
    # 6000 × 12.07 % = 724.2 min; 730 − 724.2 = 5.8 min; 5.8 × 1300 ÷ 60 = 125.67p → £1.26.
    rates = [rate(1300, holiday=HolidayScheme.ACCRUAL)]
    worked = [line(D(2026, 4, 1) + timedelta(days=k), 240) for k in range(25)]
    assert check_holiday([pa()], rates, [*worked, line(D(2026, 5, 1), 720, H)]) == []
    [finding] = check_holiday([pa()], rates, [*worked, line(D(2026, 5, 1), 730, H)])
    assert finding.amount == Money(126) and "6 minutes more" in finding.message
    assert "12.07% of the 100 hours worked" in finding.message


def test_accrual_counts_only_work_before_the_holiday() -> None:
    """Holiday on 1 April before any work in the leave year is all over the allowance."""
    rates = [rate(1300, holiday=HolidayScheme.ACCRUAL)]
    lines = [line(D(2026, 4, 1), 240, H), line(D(2026, 4, 2), 6000)]
    [finding] = check_holiday([pa()], rates, lines)
    assert finding.day == D(2026, 4, 1) and finding.amount == Money(5200)


def test_without_contracted_hours_the_average_week_is_used() -> None:
    """With no contracted hours, the allowance follows the average week of the timesheets."""
    # Mon–Fri 4 h from Wednesday 1 April 2026: 20 weekdays worked, then 30 weekdays off,
    # to Tuesday 9 June. The average week is 20 h, so 112 h are allowed and the 29th day
    # off (8 June) goes 4 hours over (£52.00).
    # (20 + 30) × 240 min × 7 ÷ 70 days (1 April – 9 June) = 1200 min = 20 h a week;
    # 5.6 × 20 h = 112 h = 28 days of 4 h; the 29th takes it to 116 h, 4 h over.
    lines = _weekdays(D(2026, 4, 1), 20) + _weekdays(D(2026, 4, 29), 30, H)
    [finding] = check_holiday([pa(start=D(2026, 4, 1))], [rate(1300)], lines)
    assert finding.day == D(2026, 6, 8) and finding.amount == Money(5200)
    assert "4 hours more than the 112 hours" in finding.message


def test_the_balance_is_what_is_allowed_less_what_was_taken() -> None:
    """20 h a week contracted: 112 h allowed in the leave year from 1 April 2026; two days
    of 8 h taken by 1 June leave 96 h; a day taken after it is not yet counted."""
    rates = [rate(1300, contracted=1200)]
    taken = [*_days_off(D(2026, 5, 11), 2), line(D(2026, 6, 8), 480, H)]
    year, used, allowed = holiday_balance(pa(), rates, taken, D(2026, 6, 1)) or ((), 0, 0)
    assert year == (D(2026, 4, 1), D(2027, 3, 31))
    assert (used, allowed) == (960, 6720)


def test_a_balance_left_in_the_last_30_days_of_the_leave_year_is_a_reminder() -> None:
    """112 h allowed, 40 h taken: on 1 March 2027 (30 days before 31 March) 72 h are left,
    a reminder; on 28 February (31 days before) it is too early; with all 112 h taken, none."""
    rates = [rate(1300, contracted=1200)]
    some = _days_off(D(2026, 8, 3), 5)
    [reminder] = holiday_reminders([pa()], rates, some, D(2027, 3, 1))
    assert reminder.kind is FindingKind.HOLIDAY_OVER and reminder.day == D(2027, 3, 1)
    assert "72 hours of holiday left" in reminder.message and "31 March 2027" in reminder.message
    assert holiday_reminders([pa()], rates, some, D(2027, 2, 28)) == []
    assert holiday_reminders([pa()], rates, _days_off(D(2026, 8, 3), 14), D(2027, 3, 1)) == []
