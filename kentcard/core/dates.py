"""Dates and calendar months: parsing what people type, with clear errors, and month arithmetic.

A person may type a date the international way (`2026-11-05`) or the UK way (`5/11/2026`,
`05/11/2026`); output is always ISO. A two-digit year is refused rather than guessed.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import NamedTuple

from kentcard.core.errors import InputError

_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
DATE_HINT = "write it as 05/11/2026 or 2026-11-05"
_ISO_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)  # fixed, not the locale's: the reviewer reads English
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)


class Month(NamedTuple):
    """A calendar month."""

    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, self.days)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def shift(self, months: int) -> Month:
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def label(self) -> str:
        """For people: `November 2026`."""
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"


def parse_date(text: str, field: str = "date") -> date:
    """Parse `YYYY-MM-DD` or the UK `dd/mm/yyyy` (`5/11/2026` too), naming `field` when
    it is wrong."""
    cleaned = text.strip() if isinstance(text, str) else ""
    iso, uk = _ISO_DATE.fullmatch(cleaned), _UK_DATE.fullmatch(cleaned)
    if iso is not None:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
    elif uk is not None:
        day, month, year = int(uk[1]), int(uk[2]), int(uk[3])
    else:
        raise InputError(field, f"is not a date; {DATE_HINT}")
    try:
        value = date(year, month, day)
    except ValueError:
        raise InputError(field, "is not a real calendar date") from None
    return check_date_range(value, field)


def check_date_range(value: date, field: str = "date") -> date:
    """Refuse dates no care record can have (a typo such as 2206 or 1926)."""
    if not EARLIEST <= value <= LATEST:
        raise InputError(field, f"must be between {EARLIEST} and {LATEST}")
    return value


def parse_month(text: str, field: str = "month") -> Month:
    """Parse `YYYY-MM`."""
    match = _ISO_MONTH.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None or not 1 <= int(match[2]) <= 12:
        raise InputError(field, "is not a month; write it as YYYY-MM, e.g. 2026-11")
    if not EARLIEST.year <= int(match[1]) <= LATEST.year:
        raise InputError(field, f"must be between {EARLIEST.year} and {LATEST.year}")
    return Month(int(match[1]), int(match[2]))


def add_months(day: date, months: int) -> date:
    """The same day-of-month `months` later, clamped to the month's last day."""
    target = Month.of(day).shift(months)
    return date(target.year, target.month, min(day.day, target.days))


def overlap_days(start: date, end: date | None, lo: date, hi: date) -> int:
    """Days of [lo, hi] that also fall in [start, end] (end None = open-ended)."""
    first = max(start, lo)
    last = hi if end is None else min(end, hi)
    return max(0, (last - first).days + 1)


def days(n: int) -> timedelta:
    return timedelta(days=n)
