"""Dates, pay periods and hours in the words the findings use: "1–28 April 2026",
"7 hours 30 minutes", "5 April 2027"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from kentcard.core.dates import MONTH_NAMES


def date_words(day: date) -> str:
    """`5 April 2027`."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def period_words(start: date, end: date) -> str:
    """`1–28 April 2026`, `30 March – 26 April 2026`, `29 December 2026 – 25 January 2027`."""
    if start == end:
        return date_words(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date_words(end)}"
    if start.year == end.year:
        return f"{start.day} {MONTH_NAMES[start.month - 1]} – {date_words(end)}"
    return f"{date_words(start)} – {date_words(end)}"


def hours_words(minutes: int) -> str:
    """`40 hours`, `1 hour`, `7 hours 30 minutes`, `45 minutes`."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def payslip_words(start: date, end: date, name: str) -> str:
    """`Payslip 1–28 April 2026, Anna Smith`."""
    return f"Payslip {period_words(start, end)}, {name}"


BAND_WORDS = {
    "21+": "a worker aged 21 or over",
    "18-20": "a worker aged 18 to 20",
    "16-17": "a worker aged 16 or 17",
    "apprentice": "an apprentice",
}


def percent_words(rate: Fraction) -> str:
    """`3`, `12.07`, `15` for the fractions 3/100, 1207/10000 and 3/20 (no float)."""
    value = rate * 100
    text = str(Decimal(value.numerator) / Decimal(value.denominator))
    return text.rstrip("0").rstrip(".") if "." in text else text
