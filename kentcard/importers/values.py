"""One cell at a time: the dates and amounts that statement downloads really contain.

Amounts are normalised here (CR/DR, `GBP`, a trailing minus) and then parsed by the one
money parser in core, so a statement amount obeys exactly the rules a typed amount does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from kentcard.core.errors import InputError
from kentcard.core.money import MAX_PENCE, Money, parse_money

_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# A time after the date (`10:12`, `10:12:33`, `T10:12:33Z`, `10:12:33.123`) is dropped.
_TIME = r"(?:[ T]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
_DMY = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4}|[0-9]{2})" + _TIME)
_YMD = re.compile(r"([0-9]{4})[/.-]([0-9]{1,2})[/.-]([0-9]{1,2})" + _TIME)
_NAMED = re.compile(
    r"([0-9]{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]{3,9})\.?,?[ -]([0-9]{4}|[0-9]{2})" + _TIME
)
_SIDE = re.compile(
    r"^(?P<pre>CR|DR)?\s*(?P<body>.*?)\s*(?P<post>CR|DR|-)?$", re.IGNORECASE | re.DOTALL
)
# Far longer than any amount (£10,000,000,000.00 is 18 characters), and short enough that
# the core parser never turns thousands of digits into an int, which Python refuses.
_LONGEST = 60
_STRAY = re.compile(r"\s*(?:GBP|£)\s*$|^\s*GBP\s*", re.IGNORECASE)


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def parse_statement_date(text: str) -> date | None:
    """A date in any of the UK statement styles, or None when the text is not one."""
    value = text.strip()
    try:
        if match := _YMD.fullmatch(value):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DMY.fullmatch(value):
            return date(_year(match[3]), int(match[2]), int(match[1]))
        if match := _NAMED.fullmatch(value):
            month = _MONTHS.get(match[2].lower())
            return None if month is None else date(_year(match[3]), month, int(match[1]))
    except ValueError:
        return None
    return None


def date_parser(date_format: str | None) -> Callable[[str], date | None]:
    """The date parser to use: the automatic one, or `strptime` with an explicit format."""
    if not date_format:
        return parse_statement_date

    def explicit(text: str) -> date | None:
        try:
            return datetime.strptime(text.strip(), date_format).date()
        except ValueError:
            return None

    return explicit


_PLAIN = re.compile(r"[-+]?£?[0-9][0-9,]*(?:\.[0-9]*)?")


def plain_pence(value: str) -> int | None:
    """Pence for the commonest cell, `1234.56` or `-12.5`; None for anything else.

    Only ASCII digits, an optional leading minus and at most two decimals: exactly what
    `parse_money` makes of such text, without its regexes. Anything else (and any amount
    too large to be one) is left to `parse_money`, which refuses it with the reason.
    """
    pounds, _, frac = (value[1:] if value[:1] == "-" else value).partition(".")
    if not (pounds.isascii() and pounds.isdigit() and len(pounds) <= 10 and len(frac) <= 2):
        return None
    if frac and not (frac.isascii() and frac.isdigit()):
        return None
    pence = int(pounds) * 100 + (int(frac) * (10 if len(frac) == 1 else 1) if frac else 0)
    if pence > MAX_PENCE:
        return None
    return -pence if value[:1] == "-" else pence


def parse_statement_amount(text: str, field: str = "amount") -> Money | None:
    """An amount as statements write it; None for an empty cell. CR is money in, DR money out."""
    value = text.strip().strip("'").strip()
    if not value:
        return None
    if (pence := plain_pence(value)) is not None:
        return Money(pence)
    if len(value) > _LONGEST:
        raise InputError(field, f"is not an amount ({len(value):,} characters long)")
    if "\n" in value or "\r" in value:  # a quote left open in the file swallows a line break
        raise InputError(field, "has a line break inside the amount")
    if _PLAIN.fullmatch(value):  # most cells: nothing to normalise before the core parser
        return parse_money(value, field)
    value = _STRAY.sub("", value).replace("\u2212", "-")  # the Unicode minus sign
    side = _SIDE.fullmatch(value)
    assert side is not None  # the pattern matches any text
    marker = (side["pre"] or side["post"] or "").upper()
    body = side["body"]
    if side["pre"] and side["post"]:
        raise InputError(field, "has both CR/DR before and after the amount")
    money = parse_money(body, field)
    if marker in ("DR", "-"):
        if money.pence < 0:
            raise InputError(field, "is not an amount (more than one sign)")
        return Money(-money.pence)
    if marker == "CR" and money.pence < 0:
        raise InputError(field, "is not an amount (CR with a minus sign)")
    return money


def looks_like_amount(text: str) -> bool:
    """True when the cell reads as an amount (used to infer columns when there is no header)."""
    if not re.search(r"[0-9]", text):
        return False
    try:
        return parse_statement_amount(text) is not None
    except InputError:
        return False
