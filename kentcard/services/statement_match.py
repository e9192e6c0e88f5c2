"""Which ledger entry a statement line is: fingerprints that identify a line, and matching.

A line's fingerprint (date, pence, folded description, balance) plus its occurrence among
identical lines that day identify it across downloads, so nothing is imported twice.
A line matches an entry of the same signed amount dated within three days; the closest
unique entry wins and a tie is left for the person to decide.
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


def fingerprint(line: StatementLine) -> str:
    """The line's identity across downloads: date, pence, folded description, balance."""
    return _fingerprint(line, line.date.isoformat())


def _fingerprint(line: StatementLine, day: str) -> str:
    text = line.description
    if not (text.isascii() and text.isprintable() and "  " not in text):
        text = _FOLD.sub(" ", text)  # else single spaces already: nothing to fold
    balance = "" if line.balance is None else line.balance.pence
    key = f"{day}|{line.amount.pence}|{text.strip().casefold()}|{balance}"
    return sha256(key.encode()).hexdigest()[:32]


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
