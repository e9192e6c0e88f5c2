"""One recipient's ledger for a review period, read in one go (for the review and the export).

Each table is read once with a plain query (see the `store` module of its kind) and the
month-by-month figures come from one grouped query; everything a review or an export shows
is worked out from this in memory. The figures are the same as `month_summary`'s (tests
cross-check them).

Months are rows of the period: a month the period only partly covers counts only the
period's days (its budget prorated by days, its spending and receipts within those days).

Everything is worked out at one date, the period's **as-at** date: its end, or today if
that is earlier. Payments, money in, invoices and what was paid against them are counted
up to that day; an entry of the period dated after it is left out of every figure and
kept aside (`later_in`, `later_out`) so a review can list it as such.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from kentcard.core import budget as rules
from kentcard.core.dates import MONTH_NAMES, Month
from kentcard.core.lines import AllocationLine, DocumentLine, InvoiceLine, MoneyOutLine
from kentcard.core.money import Money
from kentcard.core.records import MoneyIn, Plan, Recipient, Source
from kentcard.services.context import Context
from kentcard.store import documents as store_documents
from kentcard.store import invoices as store_invoices
from kentcard.store import ledger as store_ledger
from kentcard.store import plans as store_plans
from kentcard.store import recipients as store_recipients

RECEIVED = (Source.KCC, Source.CONTRIBUTION, Source.REFUND, Source.OTHER)
Progress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class PeriodMonth:
    """The days [first, last] of one calendar month that fall in the period."""

    first: date
    last: date
    budget: Money
    spent: Money  # money out less refunds
    paid_out: Money
    received: dict[Source, Money]  # by source; an opening balance entered is not received
    money_in: Money  # every money in, an opening balance entered in the month too
    balance: Money  # on `last`, or the as-at date if that is earlier

    @property
    def month(self) -> Month:
        return Month.of(self.first)

    @property
    def partial(self) -> bool:
        month = self.month
        return (self.first, self.last) != (month.first, month.last)

    @property
    def remaining(self) -> Money:
        return self.budget - self.spent

    def label(self, short: bool = False) -> str:
        """`November 2026`, or for part of a month `November 2026 (1–15)` (`Nov 2026` if short)."""
        month = self.month
        name = MONTH_NAMES[month.month - 1]
        text = f"{name[:3] if short else name} {month.year}"
        return f"{text} ({self.first.day}–{self.last.day})" if self.partial else text


@dataclass(frozen=True, slots=True)
class PeriodLedger:
    """Everything recorded for one recipient that a review of [start, end] looks at."""

    recipient: Recipient
    start: date
    end: date
    today: date
    plans: list[Plan]
    opening: Money  # the balance on the day before `start`
    money_in: list[
        MoneyIn
    ]  # every money-in of the recipient up to `as_at` (`period_in`: the period's)
    money_out: list[MoneyOutLine]  # payments dated in the period up to `as_at`
    invoices: list[InvoiceLine]  # issued up to `as_at`
    allocations: list[AllocationLine]  # of payments dated up to `as_at`
    documents: list[DocumentLine]  # empty unless asked for
    months: list[PeriodMonth]
    later_in: list[MoneyIn]  # money in dated in the period after `as_at`: in no figure
    later_out: list[MoneyOutLine]  # payments dated in the period after `as_at`: in no figure

    @property
    def as_at(self) -> date:
        """The one day every figure is worked out on: the end of the period, or today."""
        return min(self.end, self.today)

    @property
    def period_in(self) -> list[MoneyIn]:
        return [m for m in self.money_in if self.start <= m.date]

    def paid(self, by: date) -> dict[int, int]:
        """Pence paid against each invoice by payments dated up to `by`."""
        totals: dict[int, int] = defaultdict(int)
        for a in self.allocations:
            if a.paid_on <= by:
                totals[a.invoice_id] += a.pence
        return totals

    def outstanding(self, day: date) -> Money:
        """Still owed on invoices issued by `day`, counting payments made by then (as the app)."""
        paid = self.paid(day)
        return Money(
            sum(max(0, i.pence - paid.get(i.id, 0)) for i in self.invoices if i.issue_date <= day)
        )

    def daily_balances(self) -> list[tuple[date, Money]]:
        """The balance at the end of each day of the period up to `as_at` that has an entry."""
        moves: dict[date, int] = defaultdict(int)
        for m in self.period_in:
            moves[m.date] += m.amount.pence
        for out in self.money_out:
            moves[out.date] -= out.pence
        balance, days = self.opening.pence, []
        for day in sorted(moves):
            balance += moves[day]
            days.append((day, Money(balance)))
        return days

    def plan_for(self, day: date) -> Plan | None:
        """The plan in force on `day`, or else the latest that started before it (as the app)."""
        found = rules.plan_on(self.plans, day)
        earlier = [p for p in self.plans if p.start <= day]
        return found or (earlier[-1] if earlier else None)

    @property
    def balance(self) -> Money:
        """The balance on `as_at`."""
        return self.months[-1].balance if self.months else self.opening

    @property
    def retained(self) -> Money:
        plan = self.plan_for(self.as_at)
        return rules.retained_allowance(plan, self.recipient.retained_weeks)


def read_period(
    ctx: Context,
    recipient_id: int,
    start: date,
    end: date,
    *,
    documents: bool = False,
    invoices: bool = True,
    progress: Progress | None = None,
) -> PeriodLedger:
    """Read the period in one read transaction: a handful of queries, however long it is.

    With `invoices=False` the ledger's invoices and allocations are left empty, for a
    caller that reads only the invoices it needs itself (the review).
    """
    today = ctx.today()
    as_at = min(end, today)
    step = progress or (lambda _share, _what: None)
    with ctx.db.connect() as connection:
        recipient = store_recipients.recipient(connection=connection, recipient_id=recipient_id)
        plans = store_plans.plans(connection=connection, recipient_id=recipient_id)
        opening = store_ledger.balance_on(
            connection=connection,
            recipient_id=recipient_id,
            day=start - timedelta(days=1),
        )
        totals = (
            store_ledger.month_totals(
                session=connection, recipient_id=recipient_id, start=start, end=as_at
            )
            if start <= as_at
            else store_ledger.MonthTotals()
        )
        step(0.05, "Reading payments")
        money_out = store_ledger.money_out_lines(
            session=connection, recipient_id=recipient_id, start=start, end=end
        )
        step(0.15, "Reading money in and invoices")
        money_in = store_ledger.money_in_records(session=connection, recipient_id=recipient_id)
        bills = (
            store_invoices.invoice_lines(
                session=connection, recipient_id=recipient_id, issued_by=as_at
            )
            if invoices
            else []
        )
        allocations = (
            store_invoices.allocation_lines(
                session=connection, recipient_id=recipient_id, paid_by=as_at
            )
            if invoices
            else []
        )
        step(0.22, "Reading evidence")
        docs = (
            store_documents.document_lines(session=connection, recipient_id=recipient_id)
            if documents
            else []
        )
    return PeriodLedger(
        recipient=recipient,
        start=start,
        end=end,
        today=today,
        plans=plans,
        opening=opening,
        money_in=[m for m in money_in if m.date <= as_at],
        money_out=[m for m in money_out if m.date <= as_at],
        invoices=bills,
        allocations=allocations,
        documents=docs,
        months=period_months(plans, start, end, opening, totals),
        later_in=[m for m in money_in if as_at < m.date <= end],
        later_out=[m for m in money_out if m.date > as_at],
    )


def month_spans(start: date, end: date) -> list[tuple[date, date]]:
    """The period cut at month ends: (start, end of its month), ..., (first of last month, end)."""
    spans = []
    month, last = Month.of(start), Month.of(end)
    while month <= last:
        spans.append((max(start, month.first), min(end, month.last)))
        month = month.shift(1)
    return spans


def _spent(totals: store_ledger.MonthTotals, month: Month) -> int:
    """Money out less refunds."""
    return totals.out.get(month, 0) - totals.received.get(month, {}).get(Source.REFUND.value, 0)


def period_months(
    plans: list[Plan],
    start: date,
    end: date,
    opening: Money,
    totals: store_ledger.MonthTotals,
) -> list[PeriodMonth]:
    """Each month's figures over the period's days; balances run on from `opening`.

    `totals` holds the entries dated in the period up to its as-at date only.
    """
    lines = []
    balance = opening.pence
    for first, last in month_spans(start, end):
        month = Month.of(first)
        received = totals.received.get(month, {})
        balance += totals.net.get(month, 0)
        lines.append(
            PeriodMonth(
                first=first,
                last=last,
                budget=rules.budget_between(plans, first, last),
                spent=Money(_spent(totals, month)),
                paid_out=Money(totals.out.get(month, 0)),
                received={s: Money(received.get(s.value, 0)) for s in RECEIVED},
                money_in=Money(sum(received.values())),
                balance=Money(balance),
            )
        )
    return lines
