"""Which ledger entry a statement line is: fingerprints that identify a line, and matching.

A line's fingerprint (date, pence, folded description and payee) plus its occurrence among
identical lines that day identify it across downloads, so nothing is imported twice. It
depends on that line alone: never on the running balance, which an earlier line that
changed (a card payment settled with a tip) would shift on every later line.

Lines are taken in one canonical order (`in_order`), so the result never depends on the
order of the file's lines or of the files. A line matches an entry of the same signed
amount dated within three days; the closest unique entry wins and a tie is left for the
person to decide.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum
from hashlib import sha256
from typing import NamedTuple

from kentcard.importers.statement import StatementLine

WINDOW = timedelta(days=3)
_FOLD = re.compile(r"\s+")

# A ledger entry a line may match: (kind, id, date, signed pence, label); money out < 0.
Entry = tuple[str, int, date, int, str]


class Action(StrEnum):
    MATCHED = "matched"
    NEW = "new"
    ALREADY = "already imported"
    DECISION = "needs a decision"


class PlannedLine(NamedTuple):
    line: StatementLine
    action: Action
    entry: str | None = None  # "money-out:12" for a match or a new entry
    candidates: tuple[str, ...] = ()
    reason: str = ""  # for a decision: what the person is asked
    replaces: int | None = None  # a stored line this one looks like, with another amount
    source: str | None = None  # a new money in: kcc, contribution, refund (see core.credits)


def fingerprint(line: StatementLine) -> str:
    """The line's identity across downloads: date, pence, folded description and payee."""
    return _fingerprint(line, line.date.isoformat())


def folded(text: str | None) -> str:
    """Text as compared between downloads: single spaces, no case."""
    if not text:
        return ""
    if not (text.isascii() and text.isprintable() and "  " not in text):
        text = _FOLD.sub(" ", text)  # else single spaces already: nothing to fold
    return text.strip().casefold()


def _fingerprint(line: StatementLine, day: str) -> str:
    key = f"{day}|{line.amount.pence}|{folded(line.description)}"
    if line.payee:
        key += f"|{folded(line.payee)}"
    return sha256(key.encode()).hexdigest()[:32]


def in_order(lines: Sequence[StatementLine]) -> list[StatementLine]:
    """The lines in one order whatever the file's: by date, then by what each line says.

    Identical lines are interchangeable, so any permutation of a statement comes out
    the same, and so does everything worked out from it (occurrences, matches).
    """
    return sorted(lines, key=_canonical)


def _canonical(line: StatementLine) -> tuple[date, int, str, str, str, str, int]:
    return (
        line.date,
        line.amount.pence,
        folded(line.description),
        folded(line.payee),
        line.description,
        line.payee or "",
        0 if line.balance is None else line.balance.pence,
    )


def keyed(lines: Sequence[StatementLine]) -> list[tuple[str, int]]:
    """(fingerprint, occurrence) per line: identical lines on one day count 1, 2, 3..."""
    seen: dict[str, int] = {}
    days: dict[date, str] = {}
    out = []
    for line in lines:
        day = days.get(line.date)
        if day is None:
            day = days[line.date] = line.date.isoformat()
        fp = _fingerprint(line, day)
        seen[fp] = occurrence = seen.get(fp, 0) + 1
        out.append((fp, occurrence))
    return out


def match_lines(lines: Sequence[StatementLine], entries: Sequence[Entry]) -> list[PlannedLine]:
    """Same amount and direction, within 3 days; the closest unique entry wins, ties wait."""
    pool: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        pool[entry[3]].append(entry)
    claimed: set[tuple[str, int]] = set()
    out = []
    for line in lines:
        if line.amount.pence not in pool:
            out.append(PlannedLine(line, Action.NEW))
            continue
        near = [
            e
            for e in pool.get(line.amount.pence, ())
            if abs((e[2] - line.date).days) <= WINDOW.days and (e[0], e[1]) not in claimed
        ]
        if not near:
            out.append(PlannedLine(line, Action.NEW))
            continue
        best = min(abs((e[2] - line.date).days) for e in near)
        tied = sorted((e for e in near if abs((e[2] - line.date).days) == best), key=lambda e: e[1])
        # Entries alike in every way (same day, same payee) are interchangeable, not a tie.
        if len({(e[2], e[4].casefold()) for e in tied}) == 1:
            claimed.add((tied[0][0], tied[0][1]))
            out.append(PlannedLine(line, Action.MATCHED, f"{tied[0][0]}:{tied[0][1]}"))
        else:
            out.append(
                PlannedLine(line, Action.DECISION, candidates=tuple(f"{e[0]}:{e[1]}" for e in tied))
            )
    return out
