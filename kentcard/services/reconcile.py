"""Reconcile statement lines with the ledger: what each line is tied to, and what could be.

Reading only: the lines of an import or a period with their state and entry, the ledger
entries beside them, the import batches, and suggestions for lines that need a decision.
Changing a line (match, unmatch, accept, create an entry, lock) is `reconcile_actions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from kentcard.core.errors import InputError
from kentcard.core.money import Money
from kentcard.core.records import Origin
from kentcard.importers.statement import StatementLine
from kentcard.services.context import Context
from kentcard.services.statement_match import WINDOW, Action, match_lines
from kentcard.store import locks
from kentcard.store import reconcile as store
from kentcard.store import statements as store_statements

KINDS = ("money-out", "money-in")


class LineState(StrEnum):
    """What became of a stored statement line (the stored word is in `STORED`)."""

    MATCHED = "matched"
    CREATED = "created"
    DECISION = "needs a decision"
    DELETED = "deleted"
    REPLACED = "replaced by a later download"


STORED = {"matched": LineState.MATCHED, "created": LineState.CREATED}
STORED |= {"decision": LineState.DECISION, "deleted": LineState.DELETED}
STORED |= {"replaced": LineState.REPLACED}


@dataclass(frozen=True, slots=True)
class ReconcileLine:
    """A statement line, the entry it is tied to (if any), and what it could be tied to."""

    id: int
    batch_id: int
    date: date
    amount: Money  # money in positive, money out negative
    description: str
    payee: str | None
    state: LineState
    entry: str | None = None  # "money-out:12"
    entry_label: str | None = None
    suggestion: str | None = None  # the one entry it would match now
    candidates: tuple[str, ...] = ()  # entries tied for it: the person chooses
    locked: bool = False
    # A line that looks like one already imported, with another amount (a payment that
    # settled with a tip): that line's entry and amount. Accepting gives the entry the
    # new amount; creating an entry keeps both.
    replaces: str | None = None
    replaces_amount: Money | None = None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    ref: str  # "money-in:3"
    date: date
    amount: Money  # money in positive, money out negative
    label: str
    origin: Origin
    line_id: int | None  # the statement line that accounts for it
    locked: bool = False


@dataclass(frozen=True, slots=True)
class Batch:
    id: int
    imported_at: str
    filename: str
    lines: int  # lines read from the file
    stored: int  # lines new to kentcard (the rest were already imported)
    skipped: int
    first: date | None
    last: date | None

    @property
    def already_imported(self) -> int:
        return self.lines - self.stored


def parse_entry(text: str) -> tuple[str, int]:
    """`money-out:12` → ("money-out", 12); anything else is an error naming `entry`."""
    kind, _, ident = text.strip().partition(":")
    if kind not in KINDS or not ident.isdigit():
        raise InputError("entry", "write it as money-out:ID or money-in:ID, e.g. money-out:12")
    return kind, int(ident)


def statement_lines(
    ctx: Context,
    recipient_id: int,
    *,
    batch_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[ReconcileLine]:
    """An import's or a period's lines, oldest first, each with its state and entry."""
    with ctx.db.read() as session:
        rows = store.lines(
            session=session, recipient_id=recipient_id, batch_id=batch_id, start=start, end=end
        )
        ideas = suggestions(session, recipient_id, rows)
        twins = replaced_lines(session, rows)
        limit = locks.locked_to(session=session, recipient_id=recipient_id)
    return [
        _line(row, ideas.get(row.id, (None, ())), limit, twins.get(row.id, (None, None)))
        for row in rows
    ]


def replaced_lines(session: Session, rows: Sequence[Any]) -> dict[int, tuple[str, Money]]:
    """For each undecided line that would replace a stored one: that line's entry and amount."""
    out: dict[int, tuple[str, Money]] = {}
    for row in rows:
        if row.state != "decision" or row.replaces_line_id is None:
            continue
        old = store.line(session=session, line_id=row.replaces_line_id)
        entry = _entry_of(old)
        if entry is not None:
            out[row.id] = (entry, Money(old.amount_pence))
    return out


def _entry_of(row: Any) -> str | None:
    if row.money_out_id is not None:
        return f"money-out:{row.money_out_id}"
    if row.money_in_id is not None:
        return f"money-in:{row.money_in_id}"
    return None


def _line(
    row: Any,
    idea: tuple[str | None, tuple[str, ...]],
    limit: date | None,
    twin: tuple[str, Money] | tuple[None, None],
) -> ReconcileLine:
    entry = _entry_of(row)
    return ReconcileLine(
        row.id,
        row.batch_id,
        row.date,
        Money(row.amount_pence),
        row.description,
        row.payee,
        STORED[row.state],
        entry,
        None if entry is None else f"{row.entry_date}  {row.entry_label}",
        idea[0],
        idea[1],
        limit is not None and row.date <= limit,
        twin[0],
        twin[1],
    )


def suggestions(
    session: Session, recipient_id: int, rows: Sequence[Any]
) -> dict[int, tuple[str | None, tuple[str, ...]]]:
    """For each line needing a decision: the one entry it now matches, or the tied ones."""
    # Only lines left for a decision: a line whose entry the person deleted stays as it is,
    # and a line with a new amount for one already imported is the person's to accept.
    open_rows = [
        r for r in rows if r.state == "decision" and _untied(r) and r.replaces_line_id is None
    ]
    if not open_rows:
        return {}
    first, last = min(r.date for r in open_rows), max(r.date for r in open_rows)
    entries = store_statements.unlinked_entries(
        session=session, recipient_id=recipient_id, start=first - WINDOW, end=last + WINDOW
    )
    lines = [StatementLine(r.id, r.date, Money(r.amount_pence), r.description) for r in open_rows]
    out: dict[int, tuple[str | None, tuple[str, ...]]] = {}
    for planned in match_lines(lines, entries):
        if planned.action is Action.MATCHED:
            out[planned.line.number] = (planned.entry, ())
        elif planned.action is Action.DECISION:
            out[planned.line.number] = (None, planned.candidates)
    return out


def _untied(row: Any) -> bool:
    return row.money_out_id is None and row.money_in_id is None


def ledger_entries(ctx: Context, recipient_id: int, start: date, end: date) -> list[LedgerEntry]:
    """Money in and out dated in [start, end], each with the line that accounts for it."""
    with ctx.db.read() as session:
        rows = store.entries(session=session, recipient_id=recipient_id, start=start, end=end)
        limit = locks.locked_to(session=session, recipient_id=recipient_id)
    return [
        LedgerEntry(
            f"{r.kind}:{r.id}",
            r.date,
            Money(r.pence),
            r.label,
            Origin(r.origin),
            r.line_id,
            limit is not None and r.date <= limit,
        )
        for r in rows
    ]


def list_batches(ctx: Context, recipient_id: int) -> list[Batch]:
    """Every statement import, newest first."""
    with ctx.db.read() as session:
        rows = store.batches(session=session, recipient_id=recipient_id)
    return [
        Batch(r.id, r.imported_at, r.filename, r.lines, r.stored, r.skipped, r.first, r.last)
        for r in rows
    ]
