"""Support plans: set a new one (ending the one before) or replace one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlmodel import Session, col, select

from kentcard.core.errors import ConflictError, InputError
from kentcard.core.money import MAX_PENCE, Money, total
from kentcard.core.records import Frequency, Plan, PlanLine
from kentcard.core.validate import require_text
from kentcard.services.context import Context
from kentcard.store import account, audit, locks
from kentcard.store.models import PlanLineRow, PlanRow


def set_plan(
    ctx: Context,
    recipient_id: int,
    *,
    start: date,
    frequency: Frequency,
    council: Money,
    contribution: Money = Money(0),
    end: date | None = None,
    lines: Sequence[PlanLine] = (),
    first_payment: date | None = None,
) -> Plan:
    """Add a plan from `start`. A plan already in force is ended the day before;
    a plan that starts on the same day is replaced; a later plan is a conflict."""
    _validate(start, end, council, contribution, lines, first_payment)
    with ctx.db.write() as session:
        account.recipient(connection=session.connection(), recipient_id=recipient_id)
        # A plan from `start` changes the budget of start's whole month onwards.
        locks.ensure_open(
            session=session, recipient_id=recipient_id, days=[start.replace(day=1)], field="start"
        )
        _make_room(session, recipient_id, start)
        row = PlanRow(
            recipient_id=recipient_id,
            start_date=start,
            end_date=end,
            frequency=frequency.value,
            council_pence=council.pence,
            contribution_pence=contribution.pence,
            first_payment=first_payment,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        for line in lines:
            session.add(
                PlanLineRow(plan_id=row.id, category=line.category, amount_pence=line.amount.pence)
            )
        audit.record(
            session=session,
            entity="plan",
            entity_id=row.id,
            action="create",
            recipient_id=recipient_id,
            after=row,
            extra={"lines": {line.category: line.amount.pence for line in lines}},
        )
        session.flush()
        return next(
            p
            for p in account.plans(connection=session.connection(), recipient_id=recipient_id)
            if p.id == row.id
        )


def list_plans(ctx: Context, recipient_id: int) -> list[Plan]:
    with ctx.db.read() as session:
        return account.plans(connection=session.connection(), recipient_id=recipient_id)


def _validate(
    start: date,
    end: date | None,
    council: Money,
    contribution: Money,
    lines: Sequence[PlanLine],
    first_payment: date | None,
) -> None:
    if end is not None and end < start:
        raise InputError("end", "is before the plan's start")
    if council.pence < 0:
        raise InputError("council", "cannot be negative")
    if council.pence > MAX_PENCE or contribution.pence > MAX_PENCE:
        raise InputError("council", "is too large")
    if contribution.pence < 0:
        raise InputError("contribution", "cannot be negative")
    if council.pence + contribution.pence == 0:
        raise InputError("council", "the plan needs a council amount or a contribution")
    seen: set[str] = set()
    for line in lines:
        category = require_text(line.category, "line", max_length=60)
        if category.casefold() in seen:
            raise InputError("line", "the same category appears twice")
        seen.add(category.casefold())
        if line.amount.pence < 0:
            raise InputError("line", "a budget line cannot be negative")
    if total(line.amount for line in lines).pence > council.pence + contribution.pence:
        raise InputError(
            "line", "the budget lines add up to more than the council amount plus contribution"
        )
    if first_payment is not None and first_payment < start - timedelta(days=31):
        raise InputError("first-payment", "is more than a month before the plan starts")


def _make_room(session: Session, recipient_id: int, start: date) -> None:
    existing = session.exec(
        select(PlanRow)
        .where(PlanRow.recipient_id == recipient_id)
        .order_by(col(PlanRow.start_date))
    ).all()
    for old in existing:
        assert old.id is not None
        if old.start_date > start:
            raise ConflictError(
                f"start: a plan already starts later, on {old.start_date}; set plans in date order"
            )
        if old.start_date == start:
            for line in session.exec(select(PlanLineRow).where(PlanLineRow.plan_id == old.id)):
                session.delete(line)
            audit.record(
                session=session,
                entity="plan",
                entity_id=old.id,
                action="delete",
                recipient_id=recipient_id,
                before=old,
                extra={"reason": "replaced"},
            )
            session.delete(old)
        elif old.end_date is None or old.end_date >= start:
            before = PlanRow.model_validate(old.model_dump())
            old.end_date = start - timedelta(days=1)
            session.add(old)
            audit.record(
                session=session,
                entity="plan",
                entity_id=old.id,
                action="update",
                recipient_id=recipient_id,
                before=before,
                after=old,
                extra={"reason": "ended by a new plan"},
            )
    session.flush()
