"""Support plans: set a new one (ending the one before) or replace one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from kentcard.core.errors import InputError
from kentcard.core.money import MAX_PENCE, Money, total
from kentcard.core.records import Frequency, Plan, PlanLine
from kentcard.core.validate import require_text
from kentcard.services.context import Context
from kentcard.store import locks, recipients
from kentcard.store import plans as store


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
        recipients.recipient(connection=session.connection(), recipient_id=recipient_id)
        # A plan from `start` changes the budget of start's whole month onwards.
        locks.ensure_open(
            session=session, recipient_id=recipient_id, days=[start.replace(day=1)], field="start"
        )
        return store.add_plan(
            session=session,
            recipient_id=recipient_id,
            start=start,
            end=end,
            frequency=frequency,
            council=council,
            contribution=contribution,
            first_payment=first_payment,
            lines=lines,
        )


def list_plans(ctx: Context, recipient_id: int) -> list[Plan]:
    with ctx.db.read() as session:
        return store.plans(connection=session.connection(), recipient_id=recipient_id)


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
