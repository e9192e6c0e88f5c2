"""Reconcile by hand: match, unmatch, accept suggestions, create an entry from a line, lock.

Each action is one transaction with its audit lines, and each refuses (through the one lock
check in `store.locks`) to touch a line or an entry dated in a locked, reviewed period.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from kentcard.core.errors import ConflictError, InputError
from kentcard.core.money import Money
from kentcard.core.records import MoneyIn, MoneyOut, Origin, Source
from kentcard.core.validate import clean_text, parse_choice, require_text
from kentcard.services import period_lock
from kentcard.services.context import Context
from kentcard.services.reconcile import (
    ReconcileLine,
    parse_entry,
    statement_lines,
    suggestions,
)
from kentcard.store import invoices as store_invoices
from kentcard.store import ledger, locks
from kentcard.store import reconcile as store
from kentcard.store import statements as store_statements

ENTITY = store.ENTITY


def _one(ctx: Context, line_id: int) -> ReconcileLine:
    with ctx.db.read() as session:
        row = store.line(session=session, line_id=line_id)
    [line] = [
        x
        for x in statement_lines(ctx, row.recipient_id, start=row.date, end=row.date)
        if x.id == line_id
    ]
    return line


def _tie(session: Session, row: store.Line, entry: str, state: str, event: str) -> None:
    """Tie the line to `entry` after every check; one audit line for the change."""
    kind, entry_id = parse_entry(entry)
    target = store.entry(session=session, kind=kind, entry_id=entry_id)
    if target.recipient_id != row.recipient_id:
        raise InputError("entry", f"{entry} belongs to someone else")
    signed = -target.amount.pence if kind == "money-out" else target.amount.pence
    if signed != row.amount_pence:
        raise InputError(
            "entry",
            f"{entry} is {Money(signed)} but the statement line is {Money(row.amount_pence)}; "
            "correct the entry's amount first",
        )
    other = store.line_tied_to(session=session, kind=kind, entry_id=entry_id)
    if other is not None:
        raise ConflictError(
            f"entry: {entry} is already tied to statement line {other}; unmatch that first"
        )
    locks.ensure_open(session=session, recipient_id=row.recipient_id, days=[row.date, target.date])
    store.update_line(
        session=session,
        line_id=row.id,
        event=event,
        entry=entry,
        state=state,
        money_out_id=entry_id if kind == "money-out" else None,
        money_in_id=entry_id if kind == "money-in" else None,
    )


def _untied_line(session: Session, line_id: int) -> store.Line:
    row = store.line(session=session, line_id=line_id)
    tied = row.money_out_id or row.money_in_id
    if tied is not None:
        kind = "money-out" if row.money_out_id else "money-in"
        raise ConflictError(f"line: it is already tied to {kind}:{tied}; unmatch it first")
    return row


def match_line(ctx: Context, line_id: int, entry: str) -> ReconcileLine:
    """Tie a line to an entry the person chose (same amount and direction)."""
    parse_entry(entry)
    with ctx.db.write() as session:
        row = _untied_line(session, line_id)
        _tie(session, row, entry, "matched", "match")
    return _one(ctx, line_id)


def unmatch_line(ctx: Context, line_id: int) -> ReconcileLine:
    """Untie a line: it needs a decision again; its entry stays in the ledger."""
    with ctx.db.write() as session:
        row = store.line(session=session, line_id=line_id)
        if row.money_out_id is None and row.money_in_id is None:
            raise ConflictError("line: it is not tied to an entry")
        kind = "money-out" if row.money_out_id is not None else "money-in"
        entry_id = row.money_out_id or row.money_in_id
        assert entry_id is not None
        target = store.entry(session=session, kind=kind, entry_id=entry_id)
        locks.ensure_open(
            session=session, recipient_id=row.recipient_id, days=[row.date, target.date]
        )
        store.update_line(
            session=session,
            line_id=line_id,
            event="unmatch",
            entry=f"{kind}:{entry_id}",
            state="decision",
            money_out_id=None,
            money_in_id=None,
        )
    return _one(ctx, line_id)


def accept_suggestion(ctx: Context, line_id: int) -> ReconcileLine:
    """Tie a line needing a decision to the one entry it now matches.

    A line with a new amount for a line already imported gives that line's entry the new
    amount and takes its place.
    """
    with ctx.db.write() as session:
        row = _untied_line(session, line_id)
        if row.replaces_line_id is not None:
            _take_new_amount(session, row)
        else:
            _accept(session, row)
    return _one(ctx, line_id)


def _accept(session: Session, row: store.Line) -> None:
    lines = store.lines(
        session=session, recipient_id=row.recipient_id, start=row.date, end=row.date
    )
    idea = suggestions(session, row.recipient_id, [r for r in lines if r.id == row.id])
    entry = idea.get(row.id, (None, ()))[0]
    if entry is None:
        raise ConflictError(
            "line: there is no single entry to match it with; choose one by hand "
            "or create an entry from it"
        )
    _tie(session, row, entry, "matched", "accept suggestion")


def _take_new_amount(session: Session, row: store.Line) -> None:
    """The entry of the line `row` replaces gets `row`'s amount; `row` takes the line's place."""
    assert row.replaces_line_id is not None
    old = store.line(session=session, line_id=row.replaces_line_id)
    kind = "money-out" if old.money_out_id is not None else "money-in"
    entry_id = old.money_out_id or old.money_in_id
    if entry_id is None or old.state not in ("matched", "created"):
        raise ConflictError(
            "line: the line it looked like is no longer tied to an entry; "
            "match it or create an entry from it instead"
        )
    target = store.entry(session=session, kind=kind, entry_id=entry_id)
    locks.ensure_open(
        session=session, recipient_id=row.recipient_id, days=[row.date, old.date, target.date]
    )
    pence = abs(row.amount_pence)
    allocated = 0
    if kind == "money-out":
        allocations = store_invoices.allocations_for_money_out(
            session=session, money_out_id=entry_id
        )
        allocated = sum(a.amount.pence for a in allocations)
    if allocated > pence:
        raise ConflictError(
            f"line: {Money(allocated)} of {kind}:{entry_id} settles invoices, more than the new "
            f"amount {Money(pence)}; change what it settles first"
        )
    extra = {"event": "new amount on statement", "statement_line": row.id}
    if kind == "money-out":
        ledger.update_money_out(
            session=session, money_out_id=entry_id, amount_pence=pence, extra=extra
        )
    else:
        ledger.update_money_in(
            session=session, money_in_id=entry_id, amount_pence=pence, extra=extra
        )
    moved = _move_later_balances(session, old, row.amount_pence - old.amount_pence)
    store.update_line(
        session=session,
        line_id=old.id,
        event=f"replaced; {moved} later balance(s) moved",
        entry=f"{kind}:{entry_id}",
        state="replaced",
        money_out_id=None,
        money_in_id=None,
    )
    session.flush()
    _tie(session, row, f"{kind}:{entry_id}", "matched", "new amount")


def _move_later_balances(session: Session, old: store.Line, delta: int) -> int:
    """Move by `delta` the running balances its download showed after the replaced line.

    They were worked out with the old amount; moved, they agree with the new one, so the
    balance check compares like with like. Lines of that day come after it when their
    balance continues from its balance (the order of a day's lines is not stored).
    """
    later = store.batch_lines_from(session=session, batch_id=old.batch_id, start=old.date)
    same_day = [r for r in later if r.date == old.date and r.id != old.id]
    after: list[int] = []
    if old.balance_pence is not None:
        current = old.balance_pence
        while step := next(
            (r for r in same_day if r.id not in after and r.balance - r.amount == current), None
        ):
            after.append(step.id)
            current = step.balance
    after += [r.id for r in later if r.date > old.date]
    store.move_balances(session=session, line_ids=after, delta=delta)
    return len(after)


def accept_all_suggestions(
    ctx: Context,
    recipient_id: int,
    *,
    batch_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> int:
    """Accept every suggestion among these lines at once (all or none); how many were tied."""
    with ctx.db.write() as session:
        rows = store.lines(
            session=session, recipient_id=recipient_id, batch_id=batch_id, start=start, end=end
        )
        ideas = {k: e for k, (e, _) in suggestions(session, recipient_id, rows).items() if e}
        for line_id, entry in ideas.items():
            row = store.line(session=session, line_id=line_id)
            _tie(session, row, entry, "matched", "accept suggestion")
        return len(ideas)


def create_entry_from_line(
    ctx: Context,
    line_id: int,
    *,
    payee: str | None = None,
    category: str | None = None,
    description: str | None = None,
    source: Source | str | None = None,
    note: str | None = None,
) -> ReconcileLine:
    """Log the line as a new money-out (payee, category) or money-in (source), tied to it."""
    with ctx.db.write() as session:
        row = _untied_line(session, line_id)
        locks.ensure_open(session=session, recipient_id=row.recipient_id, days=[row.date])
        extra = {"origin": "statement", "statement_line": line_id}
        if row.amount_pence < 0:
            made: MoneyOut | MoneyIn = _money_out(session, row, payee, category, description, extra)
            kind = "money-out"
        else:
            made = _money_in(session, row, source, note, category, extra)
            kind = "money-in"
        _tie(session, row, f"{kind}:{made.id}", "created", "create entry")
    return _one(ctx, line_id)


def _money_out(
    session: Session,
    row: store.Line,
    payee: str | None,
    category: str | None,
    description: str | None,
    extra: dict[str, Any],
) -> MoneyOut:
    name = require_text(payee, "payee", max_length=120)
    providers = store_statements.providers_by_name(session=session, recipient_id=row.recipient_id)
    provider = providers.get(name.casefold())
    return ledger.add_money_out(
        session=session,
        recipient_id=row.recipient_id,
        date=row.date,
        amount_pence=-row.amount_pence,
        payee=provider[1] if provider else name,
        provider_id=provider[0] if provider else None,
        category=clean_text(category, "category", max_length=60) or (provider and provider[2]),
        description=clean_text(description, "description", max_length=500),
        origin=Origin.STATEMENT,
        extra=extra,
    )


def _money_in(
    session: Session,
    row: store.Line,
    source: Source | str | None,
    note: str | None,
    category: str | None,
    extra: dict[str, Any],
) -> MoneyIn:
    if source is None or not str(source).strip():
        raise InputError("source", "is required: kcc, contribution, refund, opening or other")
    return ledger.add_money_in(
        session=session,
        recipient_id=row.recipient_id,
        date=row.date,
        amount_pence=row.amount_pence,
        source=parse_choice(str(source), Source, "source"),
        note=clean_text(note, "note", max_length=500),
        category=clean_text(category, "category", max_length=60),
        origin=Origin.STATEMENT,
        extra=extra,
    )


def lock_reviewed(ctx: Context, recipient_id: int, to: date, reason: str) -> period_lock.PeriodLock:
    """Mark the period up to `to` reviewed and lock it; every line in it must be decided."""
    note = period_lock.check_lock(ctx, to, require_text(reason, "reason", max_length=300))
    with ctx.db.write() as session:
        waiting, first = store.undecided_up_to(session=session, recipient_id=recipient_id, to=to)
        if waiting:
            raise ConflictError(
                f"to: {waiting} statement line(s) up to {to} still need a decision "
                f"(the first on {first}); match them or create entries first"
            )
        return period_lock.lock_in(session, recipient_id, to, note)
