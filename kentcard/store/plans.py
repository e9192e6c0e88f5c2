"""Support plans and their budget lines: read them, add one (making room for it), and the
categories a person uses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import Connection, select
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from kentcard.core.errors import ConflictError
from kentcard.core.money import Money
from kentcard.core.records import Frequency, Plan, PlanLine
from kentcard.store import audit
from kentcard.store._sql import day, table
from kentcard.store.models import MoneyOutRow, PlanLineRow, PlanRow, ProviderRow

_PLAN = table(PlanRow)
_LINE = table(PlanLineRow)


def plans(*, connection: Connection, recipient_id: int) -> list[Plan]:
    """The person's plans, oldest first, each with its budget lines in the order entered."""
    lines: dict[int, list[PlanLine]] = defaultdict(list)
    line_rows = connection.execute(
        select(_LINE.c.plan_id, _LINE.c.category, _LINE.c.amount_pence)
        .join(_PLAN, _PLAN.c.id == _LINE.c.plan_id)
        .where(_PLAN.c.recipient_id == recipient_id)
        .order_by(_LINE.c.id)
    )
    for plan_id, category, pence in line_rows:
        lines[int(plan_id)].append(PlanLine(category, Money(int(pence))))
    p = _PLAN.c
    plan_rows = connection.execute(
        select(
            p.id, p.recipient_id, p.start_date, p.end_date, p.frequency, p.council_pence,
            p.contribution_pence, p.first_payment,
        )
        .where(p.recipient_id == recipient_id)
        .order_by(p.start_date, p.id)
    )  # fmt: skip
    found = []
    for row in plan_rows:
        start = day(row[2])
        assert start is not None
        found.append(
            Plan(
                id=int(row[0]),
                recipient_id=int(row[1]),
                start=start,
                end=day(row[3]),
                frequency=Frequency(row[4]),
                council=Money(int(row[5])),
                contribution=Money(int(row[6])),
                first_payment=day(row[7]),
                lines=tuple(lines[int(row[0])]),
            )
        )
    return found


def add_plan(
    *,
    session: Session,
    recipient_id: int,
    start: date,
    end: date | None,
    frequency: Frequency,
    council: Money,
    contribution: Money,
    first_payment: date | None,
    lines: Sequence[PlanLine],
) -> Plan:
    """Add a plan from `start`: a plan in force is ended the day before, one that starts on
    the same day is replaced, a later one is a conflict. One audit line per plan changed."""
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
        for p in plans(connection=session.connection(), recipient_id=recipient_id)
        if p.id == row.id
    )


def _make_room(session: Session, recipient_id: int, start: date) -> None:
    existing = session.exec(
        orm_select(PlanRow)
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
            for line in session.exec(orm_select(PlanLineRow).where(PlanLineRow.plan_id == old.id)):
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


def categories_in_use(*, session: Session, recipient_id: int) -> list[str]:
    """Every category named by a plan line, a provider or a money-out (for filters and hints)."""
    found: set[str] = set()
    for statement in (
        orm_select(PlanLineRow.category)
        .join(PlanRow, col(PlanRow.id) == PlanLineRow.plan_id)
        .where(PlanRow.recipient_id == recipient_id),
        orm_select(ProviderRow.category).where(ProviderRow.recipient_id == recipient_id),
        orm_select(MoneyOutRow.category).where(MoneyOutRow.recipient_id == recipient_id).distinct(),
    ):
        found.update(c for c in session.exec(statement) if c)
    by_fold: dict[str, str] = {}
    for name in sorted(found):
        by_fold.setdefault(name.casefold(), name)
    return sorted(by_fold.values(), key=str.casefold)
