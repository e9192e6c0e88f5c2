"""Reading a receipt or invoice: its text in, a suggested date, amount and payee out.

Pure parsing. The text comes from a PDF's text layer or from OCR (`services/receipts.py`
runs the engines); OCR gives boxes, which `lines_from_boxes` first turns into lines. Each
suggestion keeps the line it came from, so the person can see why before accepting it:
nothing here is ever saved without the person's say.

The picking rules were measured on UK receipts and invoices: a line that says "date"
(and not due, period, order, delivery or week commencing); the total from "amount due",
"balance due", "total to pay" or "grand total", then "TOTAL" (never SUBTOTAL or VAT); `E`
or `f` read for `£`; the payee from the person's own payees first (fuzzy, since OCR
misreads letters), the shop's header line otherwise.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from typing import Any, Generic, TypeVar

from kentcard.core.dates import EARLIEST, LATEST
from kentcard.core.errors import InputError
from kentcard.core.money import Money, format_plain, parse_money
from kentcard.core.validate import format_hours, parse_hours
from kentcard.importers.values import parse_statement_date

T = TypeVar("T")

# How alike a known payee and some words of a line must be (difflib's ratio): high enough
# that no other payee is taken for it, low enough for a letter or two misread.
PAYEE_LIKENESS = 0.8
# ... and each word of the name must be there, near enough ("0ak" for "Oak").
_WORD_LIKENESS = 0.65
_FILLER_WORDS = frozenset({"and", "the", "of", "ltd", "limited", "co", "plc", "llp"})
_HEADER_LINES = 8  # the shop's or supplier's name is near the top

# What a reading can find, by name, in the order it is shown; hours are kept in hundredths.
FIELDS = ("date", "amount", "payee", "number", "hours", "rate")
_ATTRIBUTE = {"hours": "hours_centi"}

# A value found, written as a form's box and the JSON hold it (text is written as it is).
PLAIN: dict[str, Callable[[Any], str]] = {
    "date": lambda v: v.isoformat(),
    "amount": format_plain,
    "hours": format_hours,
    "rate": format_plain,
}

# A date as printed, or as OCR reads it with the spaces lost (`Date09/06/202514:05`,
# `3rdFebruary 2025`): a time may follow the year directly.
_DATE = re.compile(
    r"(?<![0-9])(?:(?P<numeric>[0-9]{1,2}[/.-][0-9]{1,2}[/.-](?:[0-9]{4}|[0-9]{2})"
    r"|[0-9]{4}[/.-][0-9]{1,2}[/.-][0-9]{1,2})"
    r"|(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?[ -]?(?P<month>[A-Za-z]{3,9})\.?,?[ -]?"
    r"(?P<year>[0-9]{4}|[0-9]{2}))(?:(?![0-9])|(?=[0-9]{1,2}:[0-9]{2}))"
)
_NOT_THE_DATE = re.compile(
    r"\b(?:due|period|order(?:ed)?|deliver(?:y|ed)|dispatch(?:ed)?|w/?c|commencing|expir(?:y|es)"
    r"|birth|valid|from|until)\b",
    re.IGNORECASE,
)
_SAYS_DATE = re.compile(r"\b(?:date[d]?|tax point)\b", re.IGNORECASE)
# An amount with pence: `1,245.00`, `21.65`, or `21,65` as OCR sometimes reads it; a `£`
# (or the `E`/`f` OCR makes of it) may stand before it and is not needed.
_AMOUNT = re.compile(
    r"(?<![0-9.,/])((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)[.,][0-9]{2})(?![.,]?[0-9])"
)
_DUE = re.compile(
    r"\b(?:amount|balance|total)\s+(?:now\s+)?(?:due|payable|to\s+pay)\b|\bgrand\s+total\b"
    r"|\btotal\s+amount\s+due\b|\bamount\s+to\s+pay\b",
    re.IGNORECASE,
)
_TOTAL = re.compile(r"(?<!sub)(?<!sub )(?<!sub-)\btotal\b", re.IGNORECASE)
_NOT_THE_TOTAL = re.compile(
    r"\b(?:excl?(?:uding|\.)?|hours?|hrs|items?|qty|savings?|discount|net)\b|\bvat\b",
    re.IGNORECASE,
)
_INCLUDES_VAT = re.compile(r"\binc(?:l|luding)?\.?\s+vat\b", re.IGNORECASE)
_PAID = re.compile(r"\b(?:amount paid|paid|card|visa|mastercard|contactless|debit)\b", re.I)
_NUMBER = re.compile(
    r"\binvoice\s*(?:no\.?|number|num|#|ref(?:erence)?)\s*[:.]?\s*#?\s*"
    r"([A-Za-z0-9][A-Za-z0-9/_-]*)",
    re.IGNORECASE,
)
_WORK = re.compile(
    r"([0-9]{1,4}(?:\.[0-9]{1,2})?)\s*(?:hours?|hrs?)\s*(?:x|×|@|at)\s*[£Ef]?\s*"
    r"([0-9]+(?:\.[0-9]{2})?)",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"\b(?:invoice|receipt|tax|bill|tel|phone|vat|www|email|date|customer|client|sold|"
    r"statement|page|thank)\b|@|https?:",
    re.IGNORECASE,
)
_ADDRESSEE = re.compile(
    r"^\s*(?:bill(?:ed)?\s+to|invoice\s+to|deliver(?:y)?\s+to|sold\s+to|to)\b", re.I
)
_FOLD = re.compile(r"[^0-9a-z ]+")


@dataclass(frozen=True, slots=True)
class Found(Generic[T]):
    """One suggested value and the line of the document it was read from."""

    value: T
    line: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What a receipt or invoice seems to say; every part may be missing."""

    date: Found[date] | None = None
    amount: Found[Money] | None = None
    payee: Found[str] | None = None
    number: Found[str] | None = None  # an invoice's number
    hours_centi: Found[int] | None = None  # hours × rate on an invoice, hours in hundredths
    rate: Found[Money] | None = None

    @property
    def is_empty(self) -> bool:
        return self.date is None and self.amount is None and self.payee is None

    def parts(self) -> dict[str, Found[Any]]:
        """The values found, by name, in the order they are shown: date, amount, payee,
        number, hours (in hundredths) and rate."""
        named = {name: getattr(self, _ATTRIBUTE.get(name, name)) for name in FIELDS}
        return {name: part for name, part in named.items() if part is not None}

    def plain(self) -> dict[str, str]:
        """The values found as a box or JSON holds them: 2025-02-03, 1245.00, 83, 15.00."""
        return {name: PLAIN.get(name, str)(part.value) for name, part in self.parts().items()}

    @property
    def evidence(self) -> list[str]:
        """The lines the date, amount and payee came from, once each, in that order."""
        lines = [f.line for f in (self.date, self.amount, self.payee) if f is not None]
        return list(dict.fromkeys(lines))


@dataclass(frozen=True, slots=True)
class TextBox:
    """A piece of text OCR found, with its four corners (top-left, top-right,
    bottom-right, bottom-left) in pixels."""

    text: str
    corners: tuple[tuple[float, float], ...]


def suggest(lines: Sequence[str], known_payees: Sequence[str] = ()) -> Suggestion:
    """Pick the date, total and payee (and an invoice's number and hours × rate)."""
    clean = [" ".join(line.split()) for line in lines]
    clean = [line for line in clean if line]
    work = _work(clean)
    return Suggestion(
        date=_date(clean),
        amount=_total(clean),
        payee=_known_payee(clean, known_payees) or _header_payee(clean),
        number=_number(clean),
        hours_centi=None if work is None else Found(work[0], work[2]),
        rate=None if work is None else Found(work[1], work[2]),
    )


def lines_from_boxes(boxes: Sequence[TextBox]) -> list[str]:
    """OCR boxes as lines of text, top to bottom and left to right.

    A photo is rarely square to the camera: the boxes are first turned back by their
    median angle, so that a price on the right stays on its label's line.
    """
    usable = [b for b in boxes if b.text.strip() and len(b.corners) == 4]
    if not usable:
        return []
    angles = [_angle(b) for b in usable if _width(b) > 2 * _height(b)]
    turn = -statistics.median(angles) if angles else 0.0
    cos, sin = math.cos(turn), math.sin(turn)
    placed = []
    for box in usable:
        x = sum(p[0] for p in box.corners) / 4
        y = sum(p[1] for p in box.corners) / 4
        placed.append((x * sin + y * cos, x * cos - y * sin, box))
    tolerance = 0.5 * statistics.median(_height(b) for b in usable)
    placed.sort(key=lambda item: item[0])
    rows: list[list[tuple[float, float, TextBox]]] = []
    for item in placed:
        if rows and abs(item[0] - rows[-1][0][0]) <= tolerance:
            rows[-1].append(item)
        else:
            rows.append([item])
    return [" ".join(i[2].text.strip() for i in sorted(row, key=lambda i: i[1])) for row in rows]


def _angle(box: TextBox) -> float:
    (x0, y0), (x1, y1) = box.corners[0], box.corners[1]
    return math.atan2(y1 - y0, x1 - x0)


def _width(box: TextBox) -> float:
    return math.dist(box.corners[0], box.corners[1])


def _height(box: TextBox) -> float:
    return math.dist(box.corners[0], box.corners[3])


def _date(lines: list[str]) -> Found[date] | None:
    """The first date on a line that says "date", else the first date on a line that does
    not name some other date (due, period, order ...)."""
    plain: Found[date] | None = None
    for line in lines:
        if _NOT_THE_DATE.search(line):
            continue
        for match in _DATE.finditer(line):
            text = match["numeric"] or f"{match['day']} {match['month']} {match['year']}"
            day = parse_statement_date(text)
            if day is None or not EARLIEST <= day <= LATEST:
                continue
            if _SAYS_DATE.search(line):
                return Found(day, line)
            plain = plain or Found(day, line)
    return plain


def _amounts(line: str) -> list[Money]:
    found = []
    for match in _AMOUNT.finditer(line):
        text = match.group(1)
        if re.fullmatch(r"[0-9]+,[0-9]{2}", text):  # a decimal comma
            text = text.replace(",", ".")
        try:
            money = parse_money(text)
        except InputError:
            continue
        if money.pence > 0:
            found.append(money)
    return found


def _amount_at(lines: list[str], index: int) -> Found[Money] | None:
    """The amount on a label's line (its last one), or on the next line when that line
    holds only an amount (a text layer or OCR may put a label and its figure apart)."""
    line = lines[index]
    if found := _amounts(line):
        return Found(found[-1], line)
    if index + 1 < len(lines):
        following = lines[index + 1]
        rest = _AMOUNT.sub("", following).strip(" £Ef:-")
        if (found := _amounts(following)) and not rest:
            return Found(found[0], f"{line} {following}")
    return None


def _total(lines: list[str]) -> Found[Money] | None:
    """What was paid or is due: the first "amount due"-like line, then the first TOTAL,
    then a card payment."""
    for accepts in (_says_due, _says_total, _says_paid):
        for index, line in enumerate(lines):
            if accepts(line) and (found := _amount_at(lines, index)) is not None:
                return found
    return None


def _says_due(line: str) -> bool:
    return _DUE.search(line) is not None


def _says_total(line: str) -> bool:
    if _TOTAL.search(line) is None:
        return False
    return _INCLUDES_VAT.search(line) is not None or _NOT_THE_TOTAL.search(line) is None


def _says_paid(line: str) -> bool:
    return _PAID.search(line) is not None and "change" not in line.casefold()


def _fold(text: str) -> str:
    return " ".join(_FOLD.sub(" ", text.casefold().replace("&", " and ")).split())


def _likeness(name: str, line: str) -> float:
    """How closely some run of the line's words reads as `name` (0 to 1)."""
    words, size = line.split(), len(name.split())
    best = 0.0
    for width in {max(1, size - 1), size, size + 1}:
        for start in range(max(1, len(words) - width + 1)):
            part = " ".join(words[start : start + width])
            for a, b in ((name, part), (name.replace(" ", ""), part.replace(" ", ""))):
                matcher = SequenceMatcher(None, a, b, autojunk=False)
                # the quick upper bounds first: most runs of words are nothing like it
                if min(matcher.real_quick_ratio(), matcher.quick_ratio()) < PAYEE_LIKENESS:
                    continue
                score = matcher.ratio()
                if score > best and _has_every_word(name, part):
                    best = score
    return best


def _has_every_word(name: str, part: str) -> bool:
    """Each word of the name is in the text, give or take a misread letter: a shared town
    ("Whitstable Taxis", "15 Mill Lane, Whitstable") is not enough."""
    joined = part.replace(" ", "")
    for word in name.split():
        if word in _FILLER_WORDS or len(word) < 2:
            continue
        sizes = {max(1, len(word) - 1), len(word), len(word) + 1}
        pieces = (joined[i : i + n] for n in sizes for i in range(max(1, len(joined) - n + 1)))
        if max(SequenceMatcher(None, word, piece).ratio() for piece in pieces) < _WORD_LIKENESS:
            return False
    return True


def _known_payee(lines: list[str], known: Sequence[str]) -> Found[str] | None:
    """The person's payee whose name the document spells best; ties go to the higher line."""
    folded = [_fold(line) for line in lines]
    best: tuple[float, int, str] | None = None
    for name in dict.fromkeys(n.strip() for n in known if n.strip()):
        key = _fold(name)
        if not key:
            continue
        for index, line in enumerate(folded):
            score = _likeness(key, line)
            if score >= PAYEE_LIKENESS and (best is None or (score, -index) > best[:2]):
                best = (score, -index, name)
    if best is None:
        return None
    return Found(best[2], lines[-best[1]])


def _header_payee(lines: list[str]) -> Found[str] | None:
    """The first line near the top that reads as a name: not an address, a date, an amount,
    a heading like INVOICE, or the block the document is addressed to."""
    skip = 0
    for line in lines[:_HEADER_LINES]:
        if _ADDRESSEE.search(line):
            # the name (on this line or the next) and about two lines of address
            skip = 2 + (not _ADDRESSEE.sub("", line).strip(" :"))
            continue
        if skip:
            skip -= 1
            continue
        letters = sum(ch.isalpha() for ch in line)
        digits = sum(ch.isdigit() for ch in line)
        if letters < 3 or digits > 1 or _NOT_A_NAME.search(line) or _AMOUNT.search(line):
            continue
        name = line.strip(" :-*")
        return Found(name.title() if name.isupper() else name, line)
    return None


def _number(lines: list[str]) -> Found[str] | None:
    for line in lines:
        if match := _NUMBER.search(line):
            return Found(match.group(1), line)
    return None


def _work(lines: list[str]) -> tuple[int, Money, str] | None:
    """Hours × rate on an invoice line such as `20 hours @ £14.50`."""
    for line in lines:
        if match := _WORK.search(line):
            try:
                return parse_hours(match.group(1)), parse_money(match.group(2), "rate"), line
            except InputError:
                continue
    return None
