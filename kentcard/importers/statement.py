"""Read a statement CSV file into statement lines, or refuse it with the line and the reason.

Recognised without configuration: a header after preamble lines, or no header at all;
a signed amount or paid-out/paid-in columns; UK date styles with or without a time;
`£`, `+£`/`-£`, thousands separators, CR/DR and brackets; UTF-8 (with or without BOM)
or Windows-1252; newest-first files; footer lines; declined or reverted rows (skipped
and counted); an optional running balance.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import NamedTuple

from kentcard.core.dates import EARLIEST, LATEST
from kentcard.core.errors import InputError
from kentcard.core.money import Money
from kentcard.importers.columns import (
    ColumnMap,
    Layout,
    infer_layout,
    layout_from_header,
    layout_from_map,
)
from kentcard.importers.values import date_parser, parse_statement_amount

MAX_STATEMENT_BYTES = 200 * 1024 * 1024
NO_MONEY_MOVED = frozenset(
    {"declined", "reverted", "failed", "cancelled", "canceled", "rejected", "pending", "void"}
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[\s\u200b-\u200f\u202a-\u202e\u2066-\u2069]+")
_LETTER = re.compile(r"[A-Za-z]")
_UNSEEN = object()
_day = attrgetter("date")


class StatementLine(NamedTuple):
    """One transaction: money in is positive, money out negative.

    A NamedTuple like `Money`: immutable, and cheap to make 100,000 times.
    """

    number: int  # the line of the file it came from
    date: date
    amount: Money
    description: str
    payee: str | None = None
    balance: Money | None = None


class SkippedLine(NamedTuple):
    number: int
    reason: str  # e.g. "declined", "moved no money"


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    lines: tuple[StatementLine, ...]  # by date; one day's lines in the order they happened
    skipped: tuple[SkippedLine, ...] = ()
    layout: Layout | None = None
    encoding: str = "utf-8"
    newest_first: bool = False
    footer_lines: int = 0
    has_balance: bool = field(default=False)


def line_error(number: int, reason: str) -> InputError:
    return InputError(f"line {number}", reason)


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and its encoding; binary or undecodable files are refused."""
    if b"\x00" in data:
        raise line_error(data[: data.index(b"\x00")].count(b"\n") + 1, _NOT_TEXT)
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_as(data[3:], "utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _decode_as(data, "cp1252"), "windows-1252"


_NOT_TEXT = "holds binary data, not text: is this really a CSV statement?"


def _decode_as(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise line_error(data[: error.start].count(b"\n") + 1, _NOT_TEXT) from None
    if bad := _CONTROL.search(text):
        raise line_error(text.count("\n", 0, bad.start()) + 1, _NOT_TEXT)
    return text


def _delimiter(text: str) -> str:
    sample = [line for line in text[:20_000].splitlines() if line.strip()][:30]
    counts = {d: sum(line.count(d) for line in sample) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """The rows that are not blank, each with the number of the line of the file it ends on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        if '"' not in text:  # no quoted field, so no row spans lines: row n is line n
            return [(n, row) for n, row in enumerate(reader, 1) if "".join(row).strip()]
        return [(reader.line_num, row) for row in reader if "".join(row).strip()]
    except csv.Error as error:
        raise line_error(reader.line_num, f"is not valid CSV ({error})") from None


def clean(text: str, limit: int) -> str:
    """Statement text made safe to store: no control characters, single spaces, bounded."""
    if text.isascii() and text.isprintable() and "  " not in text:
        return text.strip().lstrip("'").strip()[:limit]  # most cells: nothing to clean
    value = _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip().lstrip("'").strip()
    if not value.isascii():
        value = "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    return value[:limit]


def parse_statement(data: bytes, mapping: ColumnMap | None = None) -> ParsedStatement:
    """Parse a statement file's bytes; InputError names the line and the reason."""
    if len(data) > MAX_STATEMENT_BYTES:
        raise InputError("statement", "is larger than 200 MB; split it into shorter periods")
    text, encoding = decode(data)
    rows = _rows(text)
    if not rows:
        raise InputError("statement", "is empty: it has no lines to import")
    parse_date = date_parser(mapping.date_format if mapping else None)
    layout, start, width = _find_layout(rows, mapping or ColumnMap(), parse_date)
    reader = _RowReader(layout, parse_date, width)
    lines, skipped, footer = reader.read(rows[start:])
    newest_first = len(lines) > 1 and lines[0].date > lines[-1].date
    if newest_first:
        lines.reverse()
    # By date whatever the file's order (Revolut orders by the day a payment started, two
    # months may be joined the wrong way round); stable, so one day's lines keep their order.
    lines.sort(key=_day)
    if not lines and not skipped:
        raise InputError("statement", "has no transactions that could be read")
    return ParsedStatement(
        tuple(lines),
        tuple(skipped),
        layout,
        encoding,
        newest_first,
        footer,
        layout.balance is not None,
    )


def _find_layout(
    rows: Sequence[tuple[int, list[str]]],
    mapping: ColumnMap,
    parse_date: Callable[[str], date | None],
) -> tuple[Layout, int, int]:
    """The layout, the index of the first row after the header (or of the first data row),
    and the number of columns a row has: the header's, or those the layout was found in."""
    for index, (_, cells) in enumerate(rows[:60]):
        named = layout_from_header(cells)
        if mapping.is_empty() and named is not None:
            return named, index + 1, len(cells)
        if not mapping.is_empty() and _names_columns(cells, mapping):
            return layout_from_map(cells, len(cells), mapping), index + 1, len(cells)
    width = Counter(len(cells) for _, cells in rows[:200]).most_common(1)[0][0]
    if not mapping.is_empty():
        layout = layout_from_map(None, width, mapping)
    else:
        sample = [cells for _, cells in rows[:200] if len(cells) == width]
        sample = [c for c in sample if any(parse_date(x) for x in c)][:100]
        if not sample:
            raise InputError(
                "statement",
                "no header row and no line with a date and an amount; "
                "give the columns with --date-column and --amount-column",
            )
        layout = infer_layout(sample, parse_date)
    for index, (_, cells) in enumerate(rows):
        if layout.date < len(cells) and parse_date(cells[layout.date]) is not None:
            return layout, index, width
    raise InputError("statement", "no line has a date in the date column")


def _names_columns(cells: Sequence[str], mapping: ColumnMap) -> bool:
    from kentcard.importers.columns import fold

    ref = mapping.date or ""
    return not ref.strip().isdigit() and fold(ref) in {fold(c) for c in cells}


class _RowReader:
    """Turns data rows into lines; holds the layout and caches parsed dates and amounts."""

    def __init__(
        self, layout: Layout, parse_date: Callable[[str], date | None], width: int
    ) -> None:
        self.layout = layout
        self.parse_date = parse_date
        self.width = width  # never the data rows' own count: short rows would pass as the rule
        self.reach = layout.reach()
        self.dates: dict[str, date | None] = {}
        self.pence: dict[int, dict[str, int | None]] = {}  # column → cell text → pence, once
        self.names = layout.describe()
        self.flags = tuple(i for i in (layout.status, layout.type) if i is not None)

    def read(
        self, rows: Sequence[tuple[int, list[str]]]
    ) -> tuple[list[StatementLine], list[SkippedLine], int]:
        lines: list[StatementLine] = []
        skipped: list[SkippedLine] = []
        pending: list[tuple[int, list[str]]] = []  # rows without a date: footer, or an error
        width, at, dates = self.width, self.layout.date, self.dates
        for number, cells in rows:
            try:
                day = dates[cells[at]]
            except (KeyError, IndexError):
                day = self._date(cells)
            if day is None:
                if (reason := self._no_money_moved(cells)) is not None:
                    skipped.append(SkippedLine(number, reason))  # Revolut leaves no date
                elif layout_from_header(cells) is None:  # a header repeated mid-file is fine
                    pending.append((number, cells))
                continue
            if pending:
                self._refuse_dateless(pending[0])
            if len(cells) != width:
                self._check_width(number, cells, width)
            line = self._line(number, cells, day)
            if isinstance(line, SkippedLine):
                skipped.append(line)
            else:
                lines.append(line)
        for row in pending:  # after the last transaction: footer text, or a cut-off line
            if not _LETTER.search(" ".join(row[1])):
                self._refuse_dateless(row)
        return lines, skipped, len(pending)

    def _date(self, cells: list[str]) -> date | None:
        if self.layout.date >= len(cells):
            return None
        text = cells[self.layout.date]
        if text not in self.dates:
            self.dates[text] = self.parse_date(text)
        return self.dates[text]

    def _refuse_dateless(self, row: tuple[int, list[str]]) -> None:
        number, cells = row
        text = cells[self.layout.date].strip() if self.layout.date < len(cells) else ""
        if not text:
            raise line_error(number, f"has no date in the {self.names['date']} column")
        raise line_error(number, f"{self.names['date']}: {text[:40]!r} is not a date")

    def _check_width(self, number: int, cells: list[str], width: int) -> None:
        size = len(cells)
        if size == width or (size == width + 1 and not cells[-1].strip()):
            return
        header = self.layout.header
        if size == width - 1 and size >= self.reach and header and not header[-1].strip():
            return  # the header ended with a stray comma
        columns = "1 column" if size == 1 else f"{size} columns"
        raise line_error(number, f"has {columns} where the statement has {width}")

    def _line(self, number: int, cells: list[str], day: date) -> StatementLine | SkippedLine:
        layout = self.layout
        if not EARLIEST <= day <= LATEST:
            raise line_error(number, f"the date {day} is not between {EARLIEST} and {LATEST}")
        if self.flags and (reason := self._no_money_moved(cells)) is not None:
            return SkippedLine(number, reason)
        pence = self._amount(number, cells)
        if pence == 0:
            return SkippedLine(number, "moved no money")
        balance = (
            None
            if layout.balance is None
            else self._pence(number, cells, layout.balance, "balance")
        )
        return StatementLine(
            number,
            day,
            Money(pence),
            clean(cells[layout.description], 500) if layout.description is not None else "",
            clean(cells[layout.payee], 120) or None if layout.payee is not None else None,
            None if balance is None else Money(balance),
        )

    def _no_money_moved(self, cells: list[str]) -> str | None:
        """'declined', 'reverted', ... when the status or type column says no money moved."""
        for index in self.flags:
            if index < len(cells):
                word = cells[index].strip().lower()
                if word in NO_MONEY_MOVED:
                    return word
        return None

    def _amount(self, number: int, cells: list[str]) -> int:
        """The line's signed pence: money in positive, money out negative, less any fee."""
        layout = self.layout
        if layout.amount is not None:
            pence = self._pence(number, cells, layout.amount, "amount")
            if pence is None:
                raise line_error(number, f"{self.names['amount']}: is empty")
        else:
            out = None if layout.out is None else self._pence(number, cells, layout.out, "out")
            in_ = None if layout.in_ is None else self._pence(number, cells, layout.in_, "in")
            if out is None and in_ is None:
                raise line_error(number, "has no amount in either the money-out or money-in column")
            pence = abs(in_ or 0) - abs(out or 0)
        fee = None if layout.fee is None else self._pence(number, cells, layout.fee, "fee")
        return pence if fee is None else pence - abs(fee)

    def _pence(self, number: int, cells: list[str], index: int, role: str) -> int | None:
        """The cell's amount in pence (None when empty); each cell text is parsed once."""
        column = self.pence.get(index)
        if column is None:
            column = self.pence[index] = {}
        text = cells[index]
        pence = column.get(text, _UNSEEN)
        if pence is not _UNSEEN:
            return pence  # type: ignore[return-value]
        try:
            money = parse_statement_amount(text, role)
        except InputError as error:
            raise line_error(number, f"{self.names[role]}: {error.reason}") from None
        column[text] = pence = None if money is None else money.pence
        return pence
