"""The read side for one month: budget, spent, remaining, received, balance, surplus."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kentcard.core import budget as rules
from kentcard.core.dates import Month
from kentcard.core.money import Money, total
from kentcard.core.records import Plan, Source
from kentcard.services.context import Context
from kentcard.services.reports import (
    CategoryLine,
    categories_for,
    monthly_by_category,
)
from kentcard.store import invoices as store_invoices
from kentcard.store import ledger as store_ledger
from kentcard.store import plans as store_plans
from kentcard.store import recipients as store_recipients

RECEIVED_SOURCES = (Source.KCC, Source.CONTRIBUTION, Source.REFUND, Source.OTHER)


@dataclass(frozen=True, slots=True)
class MonthSummary:
    month: Month
    budget: Money
    spent: Money
    received: dict[Source, Money]
    balance: Money
    balance_on: date
    outstanding_invoices: Money
    retained: Money
    possible_surplus: Money
    categories: tuple[CategoryLine, ...]

    @property
    def remaining(self) -> Money:
        return self.budget - self.spent

    @property
    def overspent(self) -> bool:
        return self.remaining.pence < 0


def month_summary(ctx: Context, recipient_id: int, month: Month) -> MonthSummary:
    """Everything the dashboard and `kentcard budget` show for `month`, as at its last day
    or today if that is earlier: an entry dated after that day is in no figure yet."""
    today = ctx.today()
    balance_day = month.last if month.last < today else today
    with ctx.db.connect() as connection:
        recipient = store_recipients.recipient(connection=connection, recipient_id=recipient_id)
        plans = store_plans.plans(connection=connection, recipient_id=recipient_id)
        received = store_ledger.received_by_source(
            connection=connection, recipient_id=recipient_id, start=month.first, end=balance_day
        )
        spent = store_ledger.spent_by_category(
            connection=connection, recipient_id=recipient_id, start=month.first, end=balance_day
        )
        balance = store_ledger.balance_on(
            connection=connection, recipient_id=recipient_id, day=balance_day
        )
        owed = store_invoices.outstanding_total(
            connection=connection, recipient_id=recipient_id, day=balance_day
        )
    surplus = rules.surplus(balance, owed, _plan_for(plans, balance_day), recipient.retained_weeks)
    return MonthSummary(
        month=month,
        budget=rules.monthly_budget(plans, month),
        spent=total(spent.values()),
        received={s: received.get(s.value, Money(0)) for s in RECEIVED_SOURCES},
        balance=balance,
        balance_on=balance_day,
        outstanding_invoices=owed,
        retained=surplus.retained,
        possible_surplus=surplus.possible,
        categories=categories_for(
            rules.category_budgets(plans, month), spent, rules.monthly_budget(plans, month)
        ),
    )


def _plan_for(plans: list[Plan], day: date) -> Plan | None:
    """The plan in force on `day`, or else the latest one that started before it."""
    found = rules.plan_on(plans, day)
    if found is None:
        earlier = [p for p in plans if p.start <= day]
        found = earlier[-1] if earlier else None
    return found


def monthly_history(ctx: Context, recipient_id: int, last: Month, count: int = 12) -> list[Any]:
    """Budget against spent for `count` months ending with `last` (for the dashboard chart).

    Each item has `month`, `budget` and `spent`; read with one grouped query, not a full
    summary per month (twelve of those took seconds on a large account).
    """
    return list(monthly_by_category(ctx, recipient_id, last.shift(1 - count), last))
