"""Reads about one person's account: who they are, their plans, and its sums.

Plain SQL over a Core connection, with no ORM models: the commands that only report
(`kentcard budget`, `kentcard report monthly`) start without building the SQLModel
classes, and a month summary is a handful of aggregates, never the ledger. Services
that hold an ORM session pass `session.connection()`, so there is one way to read each.

Every sum is over INTEGER pence. Dates are ISO text in SQLite, so they are bound as ISO
text and compared as such.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from kentcard.core.dates import Month
from kentcard.core.errors import NotFoundError
from kentcard.core.money import Money
from kentcard.core.records import Frequency, Plan, PlanLine, Recipient

_PERSON = "SELECT id, name, kcc_ref, card_last4, retained_weeks FROM recipient"
_RECIPIENTS = text(f"{_PERSON} ORDER BY id")
_RECIPIENT = text(f"{_PERSON} WHERE id = :rid")
_PLANS = text(
    "SELECT id, recipient_id, start_date, end_date, frequency, council_pence,"
    " contribution_pence, first_payment FROM plan WHERE recipient_id = :rid"
    " ORDER BY start_date, id"
)
_PLAN_LINES = text(
    "SELECT l.plan_id, l.category, l.amount_pence FROM plan_line l"
    " JOIN plan p ON p.id = l.plan_id WHERE p.recipient_id = :rid ORDER BY l.id"
)
_RECEIVED = text(
    "SELECT source, sum(amount_pence) FROM money_in"
    " WHERE recipient_id = :rid AND date BETWEEN :start AND :end GROUP BY source"
)
_SPENT = text(
    "SELECT category, sum(amount_pence) FROM money_out WHERE money_out.recipient_id = :rid"
    " AND money_out.date BETWEEN :start AND :end GROUP BY category"
)
_REFUNDED = text(
    "SELECT category, sum(amount_pence) FROM money_in"
    " WHERE recipient_id = :rid AND source = 'refund' AND date BETWEEN :start AND :end"
    " GROUP BY category"
)
_BALANCE = text(
    "SELECT (SELECT coalesce(sum(amount_pence), 0) FROM money_in"
    "        WHERE recipient_id = :rid AND date <= :day)"
    "     - (SELECT coalesce(sum(amount_pence), 0) FROM money_out"
    "        WHERE money_out.recipient_id = :rid AND money_out.date <= :day)"
)
# Per invoice issued by the day: its amount less what payments dated by then allocated
# to it; only what is still owed counts (an overpaid invoice does not offset another).
_OWED = text(
    "SELECT coalesce(sum(max(0, i.amount_pence - coalesce(("
    "   SELECT sum(a.amount_pence) FROM allocation a"
    "   JOIN money_out m ON m.id = a.money_out_id"
    "   WHERE a.invoice_id = i.id AND m.date <= :day), 0))), 0)"
    " FROM invoice i WHERE i.recipient_id = :rid AND i.issue_date <= :day"
)
# The statement's lines that carry a running balance, day by day (see `day_end_balances`).
# A line replaced by a later download's, and a later download's line still waiting to
# replace one, are two versions of one payment: only the one in the ledger counts.
_DAY_LINES = text(
    "SELECT date, amount_pence, balance_pence FROM statement_line"
    " WHERE recipient_id = :rid AND balance_pence IS NOT NULL AND state <> 'replaced'"
    " AND (replaces_line_id IS NULL OR state <> 'decision')"
    " AND date BETWEEN :start AND :end ORDER BY date, id"
)
# Net movement per day; an entry tied to a statement line counts on the line's date, so a
# payment logged a day after the card took it is not a difference between the two.
_MOVEMENTS = text(
    "SELECT day, sum(pence) FROM ("
    " SELECT coalesce((SELECT l.date FROM statement_line l WHERE l.money_in_id = m.id"
    "  ORDER BY l.id LIMIT 1), m.date) AS day, m.amount_pence AS pence FROM money_in m"
    "  WHERE m.recipient_id = :rid"
    " UNION ALL SELECT coalesce((SELECT l.date FROM statement_line l"
    "  WHERE l.money_out_id = m.id ORDER BY l.id LIMIT 1), m.date), -m.amount_pence"
    "  FROM money_out m WHERE m.recipient_id = :rid)"
    " WHERE day <= :end GROUP BY day ORDER BY day"
)
_SPENT_MONTHLY = text(
    "SELECT substr(date, 1, 7), category, sum(amount_pence) FROM money_out"
    " WHERE recipient_id = :rid AND date BETWEEN :start AND :end"
    " GROUP BY substr(date, 1, 7), category"
)
_REFUNDED_MONTHLY = text(
    "SELECT substr(date, 1, 7), category, sum(amount_pence) FROM money_in"
    " WHERE recipient_id = :rid AND source = 'refund' AND date BETWEEN :start AND :end"
    " GROUP BY substr(date, 1, 7), category"
)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _person(row: Any) -> Recipient:
    return Recipient(int(row[0]), row[1], row[2], row[3], int(row[4]))


def recipients(*, connection: Connection) -> list[Recipient]:
    return [_person(row) for row in connection.execute(_RECIPIENTS)]


def recipient(*, connection: Connection, recipient_id: int) -> Recipient:
    """The person with this id, or NotFoundError."""
    row = connection.execute(_RECIPIENT, {"rid": recipient_id}).first()
    if row is None:
        raise NotFoundError(f"recipient {recipient_id} does not exist")
    return _person(row)


def plans(*, connection: Connection, recipient_id: int) -> list[Plan]:
    """The person's plans, oldest first, each with its budget lines in the order entered."""
    lines: dict[int, list[PlanLine]] = defaultdict(list)
    for plan_id, category, pence in connection.execute(_PLAN_LINES, {"rid": recipient_id}):
        lines[int(plan_id)].append(PlanLine(category, Money(int(pence))))
    found = []
    for row in connection.execute(_PLANS, {"rid": recipient_id}):
        start = _day(row[2])
        assert start is not None
        found.append(
            Plan(
                id=int(row[0]),
                recipient_id=int(row[1]),
                start=start,
                end=_day(row[3]),
                frequency=Frequency(row[4]),
                council=Money(int(row[5])),
                contribution=Money(int(row[6])),
                first_payment=_day(row[7]),
                lines=tuple(lines[int(row[0])]),
            )
        )
    return found


def _span(recipient_id: int, start: date, end: date) -> dict[str, Any]:
    return {"rid": recipient_id, "start": start.isoformat(), "end": end.isoformat()}


def received_by_source(
    *, connection: Connection, recipient_id: int, start: date, end: date
) -> dict[str, Money]:
    """Money in by source, in [start, end]."""
    rows = connection.execute(_RECEIVED, _span(recipient_id, start, end))
    return {source: Money(int(pence or 0)) for source, pence in rows}


def spent_by_category(
    *, connection: Connection, recipient_id: int, start: date, end: date
) -> dict[str | None, Money]:
    """Money out less refunds, by category (None = no category), in [start, end]."""
    span = _span(recipient_id, start, end)
    totals: dict[str | None, int] = defaultdict(int)
    for category, pence in connection.execute(_SPENT, span):
        totals[category] += int(pence or 0)
    for category, pence in connection.execute(_REFUNDED, span):
        totals[category] -= int(pence or 0)
    return {category: Money(pence) for category, pence in totals.items()}


def balance_on(*, connection: Connection, recipient_id: int, day: date) -> Money:
    """All money in up to `day` less all money out up to `day`."""
    found = connection.execute(_BALANCE, {"rid": recipient_id, "day": day.isoformat()})
    return Money(int(found.scalar_one()))


def outstanding_total(*, connection: Connection, recipient_id: int, day: date) -> Money:
    """What is still owed on invoices issued by `day`, counting payments made by then.

    An overpaid invoice does not offset another. Summed in SQL, so a summary reads one
    number however many invoices there are.
    """
    found = connection.execute(_OWED, {"rid": recipient_id, "day": day.isoformat()})
    return Money(int(found.scalar_one()))


def day_end_balances(
    *, connection: Connection, recipient_id: int, start: date, end: date
) -> list[tuple[date, int]]:
    """The card statement's balance at the end of each day in [start, end] that has one."""
    days: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for day, pence, balance in connection.execute(_DAY_LINES, _span(recipient_id, start, end)):
        days[str(day)[:10]].append((int(pence), int(balance)))
    return [(date.fromisoformat(day), _day_end(lines)) for day, lines in days.items()]


def _day_end(lines: list[tuple[int, int]]) -> int:
    """The balance after a day's lines (amount, balance after), whatever their order.

    The day's first line is the one whose balance before it is no other line's balance
    after; the day ends at that balance plus the day's amounts. Should the lines not
    single one out (a data error, or a day that ends where it began), the last stored
    line's balance is taken.
    """
    after = Counter(balance for _, balance in lines)
    firsts = {balance - pence for pence, balance in lines if after[balance - pence] == 0}
    if len(firsts) == 1:
        return firsts.pop() + sum(pence for pence, _ in lines)
    return lines[-1][1]


def ledger_movements(
    *, connection: Connection, recipient_id: int, end: date
) -> list[tuple[date, int]]:
    """Net pence per day up to `end` (money in less money out), oldest first.

    An entry tied to a statement line counts on the line's date (see `_MOVEMENTS`).
    """
    rows = connection.execute(_MOVEMENTS, {"rid": recipient_id, "end": end.isoformat()})
    return [(date.fromisoformat(str(day)[:10]), int(pence)) for day, pence in rows]


def spent_by_month_and_category(
    *, connection: Connection, recipient_id: int, start: date, end: date
) -> dict[Month, dict[str | None, int]]:
    """Pence spent (money out less refunds) per month and category (None = no category)."""
    span = _span(recipient_id, start, end)
    totals: dict[Month, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    for month, category, pence in connection.execute(_SPENT_MONTHLY, span):
        totals[_month(month)][category] += int(pence or 0)
    for month, category, pence in connection.execute(_REFUNDED_MONTHLY, span):
        totals[_month(month)][category] -= int(pence or 0)
    return totals


def _month(text: str) -> Month:
    return Month(int(text[:4]), int(text[5:7]))
