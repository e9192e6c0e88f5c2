"""Import a statement: match each line to the ledger or create an entry, all in one transaction.

Re-importing the same or an overlapping statement adds nothing twice: each line's fingerprint
and occurrence (see `statement_match`) are kept, including for lines whose entry the person
later deleted.
"""

from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from kentcard.core.credits import classify_credit
from kentcard.core.errors import InputError
from kentcard.core.money import Money
from kentcard.core.records import Origin
from kentcard.importers.columns import ColumnMap
from kentcard.importers.statement import (
    MAX_STATEMENT_BYTES,
    ParsedStatement,
    StatementLine,
    parse_statement,
)
from kentcard.services.balance_check import BalanceCheck, check_balances
from kentcard.services.context import Context
from kentcard.services.statement_match import (
    WINDOW,
    Action,
    PlannedLine,
    folded,
    in_order,
    keyed,
    match_lines,
)
from kentcard.store import account, locks, queries
from kentcard.store import statements as store


@dataclass(frozen=True, slots=True)
class ImportReport:
    dry_run: bool
    batch_id: int | None
    counts: dict[str, int]
    skipped: dict[str, int]
    footer_lines: int
    layout: dict[str, str]
    balance: BalanceCheck | None
    decisions: tuple[PlannedLine, ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def read_statement(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, if it is an ordinary readable file of a sensible size."""
    target = Path(path)
    if not target.is_file():
        raise InputError("statement", f"{target.name or path} is not a file that can be read")
    if target.stat().st_size > MAX_STATEMENT_BYTES:
        raise InputError("statement", "is larger than 200 MB; split it into shorter periods")
    return target.read_bytes()


class _DryRun(Exception):
    def __init__(self, report: ImportReport) -> None:
        self.report = report


def import_statement(
    ctx: Context,
    recipient_id: int,
    data: bytes,
    *,
    filename: str = "statement.csv",
    mapping: ColumnMap | None = None,
    provider: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Parse, match and save a statement in one transaction (rolled back for a dry run)."""
    mapping = _mapping(ctx, recipient_id, mapping, provider)
    with _no_cycle_collection():
        return _import(ctx, recipient_id, data, mapping, provider, filename, dry_run)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """No cyclic garbage collection while a statement becomes rows.

    An import makes a few small tuples per line, and they all live until the end: each
    collection would walk every one of them again (a third of the parsing time at 100,000
    lines, more at a million). They are freed by reference counting; any cycle (the
    session's own) waits for the next collection, once this is over.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(
    ctx: Context,
    recipient_id: int,
    data: bytes,
    mapping: ColumnMap | None,
    provider: str | None,
    filename: str,
    dry_run: bool,
) -> ImportReport:
    parsed = parse_statement(data, mapping)
    try:
        with ctx.db.write() as session:
            queries.recipient(session=session, recipient_id=recipient_id)
            report = _apply(session, recipient_id, parsed, filename, dry_run)
            if provider and mapping is not None and not mapping.is_empty():
                store.save_mapping(
                    session=session,
                    recipient_id=recipient_id,
                    provider=provider,
                    mapping=mapping.as_dict(),
                )
            if dry_run:
                raise _DryRun(report)
            return report
    except _DryRun as rolled_back:
        return rolled_back.report


def _mapping(
    ctx: Context, recipient_id: int, mapping: ColumnMap | None, provider: str | None
) -> ColumnMap | None:
    if provider is None or (mapping is not None and not mapping.is_empty()):
        return mapping
    with ctx.db.read() as session:
        saved = store.mapping_for(session=session, recipient_id=recipient_id, provider=provider)
    return mapping if saved is None else ColumnMap.from_dict(saved)


def _apply(
    session: Session, recipient_id: int, parsed: ParsedStatement, filename: str, dry_run: bool
) -> ImportReport:
    lines = in_order(parsed.lines)
    keys = keyed(lines)
    plan = _plan(session, recipient_id, lines, keys) if lines else []
    batch_id = store.add_batch(
        session=session,
        recipient_id=recipient_id,
        filename=Path(filename).name[:200],
        lines=len(lines),
        skipped=len(parsed.skipped),
    )
    _save(session, recipient_id, batch_id, plan, keys)
    balance = None
    if parsed.has_balance and lines:
        balance = check_balances(session.connection(), recipient_id, lines[0].date, lines[-1].date)
    counts = Counter(p.action.value for p in plan)
    return ImportReport(
        dry_run=dry_run,
        batch_id=None if dry_run else batch_id,
        counts={a.value: counts.get(a.value, 0) for a in Action},
        skipped=dict(Counter(s.reason for s in parsed.skipped)),
        footer_lines=parsed.footer_lines,
        layout=parsed.layout.describe() if parsed.layout else {},
        balance=balance,
        decisions=tuple(
            sorted((p for p in plan if p.action is Action.DECISION), key=lambda p: p.line.number)
        ),
    )


def _plan(
    session: Session,
    recipient_id: int,
    lines: list[StatementLine],
    keys: list[tuple[str, int]],
) -> list[PlannedLine]:
    """What becomes of each line (in `in_order` order): already imported, matched, new, or
    left for a decision. Refused whole when a line not yet imported is in a locked period."""
    first, last = lines[0].date, lines[-1].date
    seen = store.seen_keys(session=session, recipient_id=recipient_id, start=first, end=last)
    fresh = [i for i, key in enumerate(keys) if key not in seen]
    if fresh:
        earliest = min(fresh, key=lambda i: (lines[i].date, lines[i].number))
        locks.ensure_open(
            session=session,
            recipient_id=recipient_id,
            days=[lines[earliest].date],
            field=f"line {lines[earliest].number}",
        )
    entries = store.unlinked_entries(
        session=session, recipient_id=recipient_id, start=first - WINDOW, end=last + WINDOW
    )
    planned = match_lines([lines[i] for i in fresh], entries)
    planned = _changed_amounts(session, recipient_id, planned, seen - set(keys), first, last)
    planned = _classified_credits(session, recipient_id, planned)
    by_index = dict(zip(fresh, planned, strict=True))
    return [by_index.get(i) or PlannedLine(line, Action.ALREADY) for i, line in enumerate(lines)]


def _changed_amounts(
    session: Session,
    recipient_id: int,
    planned: list[PlannedLine],
    absent: set[tuple[str, int]],
    first: date,
    last: date,
) -> list[PlannedLine]:
    """A new line that looks like a stored line this statement no longer has, with another
    amount (a card payment that settled with a tip), waits for the person's decision."""
    if not absent or not any(p.action is Action.NEW for p in planned):
        return planned
    gone = store.lines_with_keys(
        session=session, recipient_id=recipient_id, start=first, end=last, keys=absent
    )
    out = []
    for p in planned:
        line = p.line
        twin = None
        if p.action is Action.NEW:
            twin = next(
                (
                    g
                    for g in gone
                    if abs((g.date - line.date).days) <= WINDOW.days
                    and (g.amount_pence < 0) == (line.amount.pence < 0)
                    and folded(g.description) == folded(line.description)
                    and folded(g.payee) == folded(line.payee)
                ),
                None,
            )
        if twin is None:
            out.append(p)
            continue
        gone.remove(twin)
        out.append(
            PlannedLine(
                line,
                Action.DECISION,
                candidates=(twin.entry,),
                reason=(
                    f"looks like the line of {twin.date} you already have "
                    f"({twin.entry}, {Money(twin.amount_pence)}), with a new amount"
                ),
                replaces=twin.id,
            )
        )
    return out


def _classified_credits(
    session: Session, recipient_id: int, planned: list[PlannedLine]
) -> list[PlannedLine]:
    """New money in whose source neither the words nor the plan tell waits for a decision."""
    if not any(p.action is Action.NEW and p.line.amount.pence > 0 for p in planned):
        return planned
    plans = account.plans(connection=session.connection(), recipient_id=recipient_id)
    ask = "is this money from KCC, your contribution, a refund or something else?"
    out = []
    for p in planned:
        if p.action is Action.NEW and p.line.amount.pence > 0:
            line = p.line
            source = classify_credit(_words(line), line.amount.pence, line.date, plans)
            p = (
                PlannedLine(line, Action.DECISION, reason=ask)
                if source is None
                else p._replace(source=source.value)
            )
        out.append(p)
    return out


def _words(line: StatementLine) -> str:
    return f"{line.payee or ''} {line.description}"


def _save(
    session: Session,
    recipient_id: int,
    batch_id: int,
    plan: list[PlannedLine],
    keys: list[tuple[str, int]],
) -> None:
    """Create the new entries with their audit lines, then store every new line.

    Rows are plain tuples in the store's column order: no object or dict per line. The
    audit lines go in the same order as ever (money out, money in, the batch), each
    kind's written as soon as its entries are, so their text is not all held at once.
    """
    providers = store.providers_by_name(session=session, recipient_id=recipient_id)
    new_out: list[int] = []
    new_in: list[int] = []
    for i, planned in enumerate(plan):
        if planned.action is Action.NEW:
            (new_out if planned.line.amount.pence < 0 else new_in).append(i)
    days = _IsoDays()
    extra = {"origin": "statement", "statement_batch": batch_id}
    out_ids = _create(
        session,
        "money_out",
        [_money_out(plan[i].line, recipient_id, providers, days) for i in new_out],
        recipient_id,
        extra,
    )
    in_ids = _create(
        session,
        "money_in",
        [_money_in(plan[i], recipient_id, days) for i in new_in],
        recipient_id,
        extra,
    )
    created: dict[int, tuple[int | None, int | None]]
    created = dict(zip(new_out, ((i, None) for i in out_ids), strict=True))
    created.update(zip(new_in, ((None, i) for i in in_ids), strict=True))
    rows = [
        _line_row(planned, key, created.get(i), recipient_id, batch_id, days)
        for i, (planned, key) in enumerate(zip(plan, keys, strict=True))
        if planned.action is not Action.ALREADY
    ]
    store.insert_rows(session=session, table=store.LINE, columns=store.LINE_COLUMNS, rows=rows)
    audit = store.audit_rows(
        "statement_batch",
        [batch_id],
        ("lines", "new", "stored"),
        [(len(plan), len(new_out) + len(new_in), len(rows))],
        recipient_id,
        {},
    )
    store.insert_rows(session=session, table=store.AUDIT, columns=store.AUDIT_COLUMNS, rows=audit)


_AUDIT_CHUNK = 50_000  # audit lines made and written at a time
_ENTRIES = {"money_out": (store.OUT, store.OUT_COLUMNS), "money_in": (store.IN, store.IN_COLUMNS)}


def _create(
    session: Session,
    entity: str,
    rows: list[tuple[Any, ...]],
    recipient_id: int,
    extra: dict[str, Any],
) -> list[int]:
    """Insert new entries and their 'create' audit lines; the entries' ids, in order."""
    table, columns = _ENTRIES[entity]
    ids = store.insert_returning_ids(session=session, table=table, columns=columns, rows=rows)
    for start in range(0, len(rows), _AUDIT_CHUNK):
        part = slice(start, start + _AUDIT_CHUNK)
        audit = store.audit_rows(entity, ids[part], columns, rows[part], recipient_id, extra)
        store.insert_rows(
            session=session, table=store.AUDIT, columns=store.AUDIT_COLUMNS, rows=audit
        )
    return ids


class _IsoDays(dict[date, str]):
    """ISO text of each date, worked out once per day (a statement has many lines a day)."""

    def __missing__(self, day: date) -> str:
        self[day] = text = day.isoformat()
        return text


_STATE = {Action.MATCHED: "matched", Action.NEW: "created", Action.DECISION: "decision"}


def _line_row(
    planned: PlannedLine,
    key: tuple[str, int],
    created: tuple[int | None, int | None] | None,
    recipient_id: int,
    batch_id: int,
    days: _IsoDays,
) -> tuple[Any, ...]:
    """A row in `store.LINE_COLUMNS` order; `created` is (money out id, money in id) if new."""
    line = planned.line
    if created is not None:
        out_id, in_id = created
    else:  # matched ("money-out:12"), or waiting for a decision (no entry)
        kind, _, ident = (planned.entry or "").partition(":")
        out_id = int(ident) if kind == "money-out" else None
        in_id = int(ident) if kind == "money-in" else None
    return (
        recipient_id,
        batch_id,
        key[0],
        key[1],
        days[line.date],
        line.amount.pence,
        line.description,
        line.payee,
        None if line.balance is None else line.balance.pence,
        _STATE[planned.action],
        out_id,
        in_id,
        planned.replaces,
    )


def _money_out(
    line: StatementLine,
    recipient_id: int,
    providers: dict[str, tuple[int, str, str | None]],
    days: _IsoDays,
) -> tuple[Any, ...]:
    """A row in `store.OUT_COLUMNS` order."""
    payee = (line.payee or line.description or "Statement line")[:120]
    provider = providers.get(payee.casefold()) if providers else None
    return (
        recipient_id,
        days[line.date],
        -line.amount.pence,
        provider[1] if provider else payee,
        provider[0] if provider else None,
        provider[2] if provider else None,
        line.description or None,
        None,
        _STATEMENT,
        None,
    )


def _money_in(planned: PlannedLine, recipient_id: int, days: _IsoDays) -> tuple[Any, ...]:
    """A row in `store.IN_COLUMNS` order."""
    line = planned.line
    return (
        recipient_id,
        days[line.date],
        line.amount.pence,
        planned.source,
        None,
        line.description or None,
        None,
        _STATEMENT,
    )


_STATEMENT = Origin.STATEMENT.value
