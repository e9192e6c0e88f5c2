"""Dates and months parse strictly (ISO only, sane range) and month arithmetic is exact."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentcard.core.dates import (
    EARLIEST,
    LATEST,
    Month,
    add_months,
    days,
    overlap_days,
    parse_date,
    parse_month,
)
from kentcard.core.errors import InputError

months = st.builds(
    Month, st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=12)
)

# --- parse_date ------------------------------------------------------------------------------


def test_parse_date_accepts_iso() -> None:
    """An ISO date, with or without surrounding spaces, parses to that date."""
    assert parse_date("2026-11-05") == date(2026, 11, 5)
    assert parse_date("  2026-11-05\n") == date(2026, 11, 5)


def test_parse_date_accepts_range_ends() -> None:
    """The first and last permitted dates are themselves accepted."""
    assert parse_date(EARLIEST.isoformat()) == EARLIEST
    assert parse_date(LATEST.isoformat()) == LATEST


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("05/11/26", "05/11/2026"),  # a two-digit year is not guessed
        ("5-11-2026", "05/11/2026"),
        ("31/11/2026", "real"),
        ("05/13/2026", "real"),  # not the American month/day
        ("1/1/1899", "between"),
        ("2026-02-30", "real"),
        ("2026-13-01", "real"),
        ("2026-00-10", "real"),
        ("2026-1-5", "2026-11-05"),
        ("2026-11-05T10:00", "2026-11-05"),
        ("20261105", "2026-11-05"),
        ("", "2026-11-05"),
        ("   ", "2026-11-05"),
        ("２０２６-11-05", "2026-11-05"),
        ("1899-01-01", "between"),
        ("2206-01-01", "between"),
        ((EARLIEST - timedelta(days=1)).isoformat(), "between"),
        ((LATEST + timedelta(days=1)).isoformat(), "between"),
    ],
)
def test_parse_date_refuses(text: str, word: str) -> None:
    """Non-ISO, impossible and out-of-range dates raise InputError naming the field."""
    with pytest.raises(InputError) as info:
        parse_date(text, "paid on")
    assert info.value.field == "paid on"
    assert word in info.value.reason


def test_parse_date_refuses_non_text() -> None:
    """A date object or number instead of text is refused with InputError."""
    with pytest.raises(InputError) as info:
        parse_date(20261105, "due")  # type: ignore[arg-type]
    assert info.value.field == "due"


def test_parse_date_accepts_the_uk_way() -> None:
    """Day first, as people in the UK write dates, with or without leading zeros."""
    assert parse_date("05/11/2026") == date(2026, 11, 5)
    assert parse_date("5/11/2026") == date(2026, 11, 5)
    assert parse_date(" 31/1/2026 ") == date(2026, 1, 31)


@given(st.dates(min_value=EARLIEST, max_value=LATEST))
def test_parse_date_reads_the_uk_way_as_written(day: date) -> None:
    """Every permitted date written dd/mm/yyyy, or d/m/yyyy, reads back as itself."""
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}") == day


@given(st.dates(min_value=EARLIEST, max_value=LATEST))
def test_parse_date_inverts_isoformat(day: date) -> None:
    """Every date in the permitted range survives isoformat -> parse_date unchanged."""
    assert parse_date(day.isoformat()) == day


# --- parse_month -----------------------------------------------------------------------------


def test_parse_month_accepts_iso() -> None:
    """`YYYY-MM` parses to that Month."""
    assert parse_month("2026-11") == Month(2026, 11)
    assert parse_month(" 2026-01 ") == Month(2026, 1)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("2026-13", "YYYY-MM"),
        ("2026-00", "YYYY-MM"),
        ("2026-11-01", "YYYY-MM"),
        ("11-2026", "YYYY-MM"),
        ("2026-1", "YYYY-MM"),
        ("", "YYYY-MM"),
        ("1989-12", "between"),
        ("2101-01", "between"),
    ],
)
def test_parse_month_refuses(text: str, word: str) -> None:
    """Malformed or out-of-range months raise InputError naming the field."""
    with pytest.raises(InputError) as info:
        parse_month(text, "period")
    assert info.value.field == "period"
    assert word in info.value.reason


def test_parse_month_refuses_year_zero() -> None:
    """Year 0000 is refused with InputError, not a crash."""
    with pytest.raises(InputError):
        parse_month("0000-01")


# --- Month -----------------------------------------------------------------------------------


def test_month_first_last_days() -> None:
    """first/last/days give the calendar bounds, including leap-year February."""
    assert Month(2026, 11).first == date(2026, 11, 1)
    assert Month(2026, 11).last == date(2026, 11, 30)
    assert Month(2026, 12).last == date(2026, 12, 31)
    assert Month(2024, 2).days == 29
    assert Month(2024, 2).last == date(2024, 2, 29)
    assert Month(2026, 2).days == 28
    assert Month(2000, 2).days == 29
    assert Month(2100, 2).days == 28


def test_month_shift() -> None:
    """shift moves by whole months across year boundaries in both directions."""
    assert Month(2026, 1).shift(-1) == Month(2025, 12)
    assert Month(2025, 12).shift(1) == Month(2026, 1)
    assert Month(2026, 11).shift(13) == Month(2027, 12)
    assert Month(2026, 11).shift(14) == Month(2028, 1)
    assert Month(2026, 11).shift(-23) == Month(2024, 12)
    assert Month(2026, 11).shift(0) == Month(2026, 11)


def test_month_text() -> None:
    """str() is zero-padded `YYYY-MM`; label() is `Month YYYY` for people."""
    assert str(Month(2026, 1)) == "2026-01"
    assert str(Month(2026, 11)) == "2026-11"
    assert Month(2026, 11).label() == "November 2026"
    assert Month(2027, 1).label() == "January 2027"


def test_month_of() -> None:
    """Month.of gives the month a date falls in."""
    assert Month.of(date(2026, 11, 30)) == Month(2026, 11)
    assert Month.of(date(2027, 1, 1)) == Month(2027, 1)


@given(months, st.integers(-2000, 2000), st.integers(-2000, 2000))
def test_month_shift_composes(month: Month, a: int, b: int) -> None:
    """Shifting by a then b is the same as shifting by a + b."""
    assert month.shift(a).shift(b) == month.shift(a + b)
    assert 1 <= month.shift(a).month <= 12


@given(months, st.integers(-2000, 2000))
def test_month_shift_round_trips(month: Month, n: int) -> None:
    """Shifting forward then back by the same amount returns the original month."""
    assert month.shift(n).shift(-n) == month


@given(st.dates())
def test_month_of_contains_date(day: date) -> None:
    """Every date lies between the first and last day of its own month."""
    month = Month.of(day)
    assert month.first <= day <= month.last
    assert (month.last - month.first).days + 1 == month.days


# --- add_months ------------------------------------------------------------------------------


def test_add_months_clamps_to_month_end() -> None:
    """A day past the target month's end is clamped to its last day (leap-aware)."""
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 31), 1) == date(2026, 9, 30)


def test_add_months_keeps_day_when_possible() -> None:
    """When the day exists in the target month it is kept, across year boundaries."""
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)
    assert add_months(date(2026, 11, 15), 0) == date(2026, 11, 15)


# --- overlap_days ----------------------------------------------------------------------------

NOV_FIRST = date(2026, 11, 1)
NOV_LAST = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 10), date(2026, 11, 19), 10),
        (date(2026, 10, 15), date(2026, 11, 5), 5),
        (date(2026, 11, 25), date(2026, 12, 31), 6),
        (date(2026, 10, 1), date(2026, 12, 31), 30),
        (date(2026, 11, 21), None, 10),
        (date(2020, 1, 1), None, 30),
        (date(2026, 11, 30), date(2026, 11, 30), 1),
        (date(2026, 1, 1), date(2026, 10, 31), 0),
        (date(2026, 12, 1), None, 0),
        (date(2026, 12, 1), date(2027, 1, 31), 0),
    ],
)
def test_overlap_days(start: date, end: date | None, expected: int) -> None:
    """Days a plan is in force within November 2026: inside, partial, open-ended, none."""
    assert overlap_days(start, end, NOV_FIRST, NOV_LAST) == expected


def test_days_is_a_timedelta() -> None:
    """days(n) is a timedelta of n days."""
    assert days(3) == timedelta(days=3)
    assert date(2026, 11, 30) + days(1) == date(2026, 12, 1)
