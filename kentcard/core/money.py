"""Money as integer pence: one immutable type, one parser, one formatter.

Floating point never touches an amount. `Decimal` and `Fraction` appear only at
the edges (parsing text, exact budget maths) and are turned into pence at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from kentcard.core.errors import InputError

# An amount bigger than this is a typing mistake, not a care budget (and it keeps
# every total well inside SQLite's 64-bit integers).
MAX_PENCE = 10**12

_SHAPE = re.compile(
    r"(?P<open>\()?(?P<sign>[+-])?£?(?P<sign2>[+-])?(?P<number>[0-9.,]*)(?P<close>\))?"
)
_AMOUNT = re.compile(r"^(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.(?P<frac>[0-9]*))?$")


class _Pence(NamedTuple):
    pence: int


class Money(_Pence):
    """An amount of pounds sterling held as a whole number of pence.

    Only an `int` is accepted: a float (`Money(12.5)`), a bool, a `Decimal` or text is a
    mistake that would round or mean something else, and is refused with a TypeError.
    """

    __slots__ = ()

    def __new__(cls, pence: int) -> Money:
        if type(pence) is not int:
            raise TypeError(f"Money holds whole pence as an int, not {type(pence).__name__}")
        return super().__new__(cls, pence)

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @classmethod
    def of(cls, text: str, field: str = "amount") -> Money:
        return parse_money(text, field)

    def __add__(self, other: object) -> Money:  # type: ignore[override]
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.pence + other.pence)

    def __radd__(self, other: object) -> Money:
        # Lets `sum(moneys)` start from 0.
        if type(other) is int and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.pence - other.pence)

    def __neg__(self) -> Money:
        return Money(-self.pence)

    def __mul__(self, factor: object) -> Money:  # type: ignore[override]
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        return Money(self.pence * factor)

    def __rmul__(self, factor: object) -> Money:  # type: ignore[override]
        return self.__mul__(factor)

    def __bool__(self) -> bool:
        return self.pence != 0

    def __str__(self) -> str:
        return format_money(self)

    def __repr__(self) -> str:
        return f"Money({format_plain(self)})"

    @property
    def decimal(self) -> Decimal:
        """The amount in pounds, exactly, for spreadsheet cells and JSON."""
        return Decimal(self.pence).scaleb(-2)

    def is_negative(self) -> bool:
        return self.pence < 0


def total(amounts: Iterable[Money]) -> Money:
    """The sum of some amounts (zero for none)."""
    return Money(sum(m.pence for m in amounts))


def parse_money(text: str, field: str = "amount") -> Money:
    """Parse `1234.56`, `£1,234.56`, `-12.00`, `(12.00)` or `12` into Money.

    More than two decimal places, exponents, NaN, empty text and anything else
    raise InputError naming `field`; nothing is rounded.
    """
    if not isinstance(text, str):
        raise InputError(field, "an amount must be text such as 12.50")
    # Spaces may follow £, a sign or a bracket ("£ 12"), never split digits ("1 2").
    raw = re.sub(r"[ \u00a0]+(?![0-9])|(?<![0-9])[ \u00a0]+", "", text.strip())
    if not raw:
        raise InputError(field, "is empty; give an amount such as 12.50")
    shape = _SHAPE.fullmatch(raw)
    if shape is None or bool(shape["open"]) != bool(shape["close"]):
        raise InputError(field, "is not an amount; write it like 1234.56")
    signs = [sg for sg in (shape["sign"], shape["sign2"]) if sg]
    if len(signs) > 1 or (signs and shape["open"]):
        raise InputError(field, "is not an amount (more than one sign)")
    negative = bool(shape["open"]) or signs == ["-"]
    match = _AMOUNT.fullmatch(shape["number"])
    if match is None or (match["int"] is None and not match["frac"]):
        raise InputError(field, "is not an amount; write it like 1234.56")
    frac = match["frac"] or ""
    if len(frac) > 2:
        raise InputError(field, "has more than two decimal places")
    pounds = int((match["int"] or "0").replace(",", ""))
    pence = pounds * 100 + int(frac.ljust(2, "0"))
    if pence > MAX_PENCE:
        raise InputError(field, "is too large (more than £10,000,000,000.00)")
    return Money(-pence if negative else pence)


def check_payment(money: Money, field: str = "amount") -> Money:
    """An amount that can be paid or invoiced: more than zero, and not absurdly large."""
    if money.pence <= 0:
        raise InputError(field, "must be more than £0.00")
    if money.pence > MAX_PENCE:
        raise InputError(field, "is too large (more than £10,000,000,000.00)")
    return money


def parse_positive_money(text: str, field: str = "amount") -> Money:
    """Parse an amount that must be more than zero (a payment, an invoice)."""
    money = parse_money(text, field)
    if money.pence <= 0:
        raise InputError(field, "must be more than £0.00")
    return money


def format_money(money: Money) -> str:
    """Format for people: `£1,234.56`, `-£12.00`."""
    sign = "-" if money.pence < 0 else ""
    pounds, pence = divmod(abs(money.pence), 100)
    return f"{sign}£{pounds:,}.{pence:02d}"


def format_plain(money: Money) -> str:
    """Format for machines (JSON, CSV): `1234.56`, `-12.00`; no symbol, no separators."""
    sign = "-" if money.pence < 0 else ""
    pounds, pence = divmod(abs(money.pence), 100)
    return f"{sign}{pounds}.{pence:02d}"


def round_half_up(value: Fraction) -> int:
    """Round an exact number of pence to a whole penny, halves away from zero."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    whole, rest = divmod(magnitude.numerator, magnitude.denominator)
    if 2 * rest >= magnitude.denominator:
        whole += 1
    return sign * whole


def apportion(exact: Sequence[Fraction]) -> list[int]:
    """Whole pence for each exact share, adding up to their exact sum rounded half-up.

    Largest remainder: each share is rounded down, then the pennies still missing go one
    each to the shares that lost most to rounding (the earlier share on a tie), so the
    parts always add up to the rounded whole. Shares may be negative.
    """
    whole = round_half_up(sum(exact, Fraction(0)))
    parts = [math.floor(value) for value in exact]
    missing = whole - sum(parts)  # 0 <= missing <= len(parts): each share lost under 1p
    order = sorted(range(len(exact)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[:missing]:
        parts[i] += 1
    return parts
