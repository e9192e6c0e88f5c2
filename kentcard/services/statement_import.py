"""Import a statement: match each line to the ledger or create an entry, all in one transaction.

Re-importing the same or an overlapping statement adds nothing twice: each line's fingerprint
and occurrence (see `statement_match`) are kept, including for lines whose entry the person
later deleted.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import Session

from kentcard.core.credits import classify_credit
from kentcard.core.errors import InputError
from kentcard.core.money import Money
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
from kentcard.store import locks, recipients
from kentcard.store import plans as plan_store
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
    digest = hashlib.sha256(data).hexdigest()
    try:
        with ctx.db.write() as session:
            recipients.recipient(connection=session.connection(), recipient_id=recipient_id)
            report = _apply(session, recipient_id, parsed, filename, digest, dry_run)
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
    session: Session,
    recipient_id: int,
    parsed: ParsedStatement,
    filename: str,
    sha256: str,
    dry_run: bool,
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
    created = _save(session, recipient_id, batch_id, plan, keys)
    counts = Counter(p.action.value for p in plan)
    store.record_import(
        session=session,
        batch_id=batch_id,
        sha256=sha256,
        counts={
            "matched": counts[Action.MATCHED.value],
            "created": counts[Action.NEW.value],
            "needs_decision": counts[Action.DECISION.value],
            "already_imported": counts[Action.ALREADY.value],
            "skipped": len(parsed.skipped),
        },
        entry_ids=created,
    )
    balance = None
    if parsed.has_balance and lines:
        balance = check_balances(session.connection(), recipient_id, lines[0].date, lines[-1].date)
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
    plans = plan_store.plans(connection=session.connection(), recipient_id=recipient_id)
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
) -> dict[str, list[int]]:
    """Create the new entries, then store every line not already imported; the ids created
    by kind ("money_out", "money_in") for the import's audit record."""
    providers = store.providers_by_name(session=session, recipient_id=recipient_id)
    new = [i for i, planned in enumerate(plan) if planned.action is Action.NEW]
    ids = store.add_entries(
        session=session,
        recipient_id=recipient_id,
        entries=[_entry(plan[i], providers) for i in new],
    )
    created = dict(zip(new, ids, strict=True))
    store.add_lines(
        session=session,
        recipient_id=recipient_id,
        batch_id=batch_id,
        lines=[
            _line(planned, key, created.get(i))
            for i, (planned, key) in enumerate(zip(plan, keys, strict=True))
            if planned.action is not Action.ALREADY
        ],
    )
    out_ids = [created[i] for i in new if plan[i].line.amount.pence < 0]
    in_ids = [created[i] for i in new if plan[i].line.amount.pence > 0]
    return {"money_out": out_ids, "money_in": in_ids}


def _entry(
    planned: PlannedLine, providers: dict[str, tuple[int, str, str | None]]
) -> store.NewEntry:
    """The entry a new line creates: money out paid to the payee (a provider when the name
    is one), or money in from the source the line was classified as."""
    line = planned.line
    if line.amount.pence > 0:
        return store.NewEntry(
            date=line.date,
            amount=line.amount,
            description=line.description or None,
            source=planned.source,
        )
    payee = (line.payee or line.description or "Statement line")[:120]
    provider = providers.get(payee.casefold()) if providers else None
    return store.NewEntry(
        date=line.date,
        amount=line.amount,
        description=line.description or None,
        payee=provider[1] if provider else payee,
        provider_id=provider[0] if provider else None,
        category=provider[2] if provider else None,
    )


_STATE = {Action.MATCHED: "matched", Action.NEW: "created", Action.DECISION: "decision"}


def _line(planned: PlannedLine, key: tuple[str, int], created: int | None) -> store.NewLine:
    """The line to keep: tied to the entry it created or matched, if any."""
    line = planned.line
    out_id = in_id = None
    if created is not None:  # most lines of a new statement: no text to read
        if line.amount.pence < 0:
            out_id = created
        else:
            in_id = created
    elif planned.entry:  # matched: "money-out:12"
        kind, _, ident = planned.entry.partition(":")
        if kind == "money-out":
            out_id = int(ident)
        else:
            in_id = int(ident)
    return store.NewLine(
        key[0],
        key[1],
        line.date,
        line.amount,
        line.description,
        line.payee,
        line.balance,
        _STATE[planned.action],
        out_id,
        in_id,
        planned.replaces,
    )
