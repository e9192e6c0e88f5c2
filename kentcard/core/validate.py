"""Checks for the text and numbers people type, each failing with the field's name."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import TypeVar

from kentcard.core.errors import InputError

E = TypeVar("E", bound=StrEnum)

# Bidirectional overrides and isolates can make a payee read differently from what it is.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_HOURS = re.compile(r"^([0-9]{1,5})(?:\.([0-9]{0,2}))?$")
MAX_HOURS_CENTI = 10_000 * 100


def clean_text(
    value: str | None, field: str, *, max_length: int = 200, required: bool = False
) -> str | None:
    """Strip surrounding space; refuse control characters and over-long text.

    Returns None for empty optional text. Text starting with `=` and the like is
    stored as typed: exports are what keep it from ever becoming a formula.
    """
    text = (value or "").strip()
    if not text:
        if required:
            raise InputError(field, "is required")
        return None
    for ch in text:
        kind = unicodedata.category(ch)
        if kind == "Cs":  # a byte that was not valid text (e.g. a wrongly encoded file name)
            raise InputError(field, "contains characters that are not valid text")
        if ch in _BIDI_CONTROLS or (kind in ("Cc", "Cf") and ch != "\u200d"):
            raise InputError(field, "contains a control character; type plain text")
    if len(text) > max_length:
        raise InputError(field, f"is longer than {max_length} characters")
    return text


def require_text(value: str | None, field: str, *, max_length: int = 200) -> str:
    text = clean_text(value, field, max_length=max_length, required=True)
    assert text is not None
    return text


def parse_choice(value: str, choices: type[E], field: str) -> E:
    """One of an enum's values, e.g. a frequency or a money-in source."""
    try:
        return choices(value.strip().lower())
    except (ValueError, AttributeError):
        allowed = ", ".join(c.value for c in choices)
        raise InputError(field, f"must be one of: {allowed}") from None


def parse_hours(text: str, field: str = "hours") -> int:
    """Hours such as `12`, `7.5` or `7.25`, as hundredths of an hour."""
    match = _HOURS.match((text or "").strip())
    if match is None:
        raise InputError(field, "is not a number of hours with at most two decimals, e.g. 7.5")
    centi = int(match[1]) * 100 + int((match[2] or "").ljust(2, "0"))
    if not 0 < centi <= MAX_HOURS_CENTI:
        raise InputError(field, "must be more than 0 and at most 10,000 hours")
    return centi


_CLOCK = re.compile(r"^([0-9]{1,3}):([0-5][0-9])$")


def parse_minutes(text: str, field: str = "hours") -> int:
    """Time worked, `7.5`, `7.25` or `7:20` hours, as whole minutes (450, 435, 440)."""
    clock = _CLOCK.match((text or "").strip())
    if clock is not None:
        minutes = int(clock[1]) * 60 + int(clock[2])
        if minutes == 0:
            raise InputError(field, "must be more than 0")
        return minutes
    centi = parse_hours(text, field)
    if centi * 60 % 100:
        raise InputError(
            field, "is not a whole number of minutes; write 7:20 for 7 hours 20 minutes"
        )
    return centi * 60 // 100


_TIME_OF_DAY = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


def parse_time_of_day(text: str, field: str) -> int:
    """`9:00`, `09:00` or `17.30`: minutes after midnight."""
    match = _TIME_OF_DAY.match((text or "").strip())
    if match is None:
        raise InputError(field, "is not a time of day such as 09:00 or 17:30")
    return int(match[1]) * 60 + int(match[2])


def shift_minutes(start: str, end: str, unpaid_break: str | None = None) -> int:
    """Minutes worked from `start` to `end` (an end at or before the start is the next
    day: 22:00 to 07:00 is 9 hours), less an unpaid break given as hours (`0:30`, `0.5`)."""
    first, last = parse_time_of_day(start, "start"), parse_time_of_day(end, "end")
    span = (last - first) % (24 * 60) or 24 * 60
    rest = 0 if unpaid_break is None else parse_minutes(unpaid_break, "break")
    if rest >= span:
        raise InputError("break", "is as long as the time from start to end, or longer")
    return span - rest


def format_hours(centi: int) -> str:
    whole, frac = divmod(centi, 100)
    return f"{whole}" if frac == 0 else f"{whole}.{frac:02d}".rstrip("0")


def parse_card_last4(text: str | None, field: str = "card-last4") -> str | None:
    value = clean_text(text, field, max_length=4)
    if value is not None and not re.fullmatch(r"[0-9]{4}", value):
        raise InputError(field, "must be the last four digits of the card, e.g. 1234")
    return value
