"""The balance check: the card statement's running balance against the ledger's, day by day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from kentcard.core.money import Money
from kentcard.services.context import Context
from kentcard.store import ledger, reconcile


@dataclass(frozen=True, slots=True)
class BalanceCheck:
    dates_checked: int
    first_mismatch: date | None = None
    statement_balance: Money | None = None
    ledger_balance: Money | None = None


def check_balances(
    connection: Connection, recipient_id: int, start: date, end: date
) -> BalanceCheck:
    """Compare the statement's end-of-day balance with the ledger's balance on each day."""
    statement = reconcile.day_end_balances(
        connection=connection, recipient_id=recipient_id, start=start, end=end
    )
    if not statement:
        return BalanceCheck(0)
    movements = ledger.ledger_movements(connection=connection, recipient_id=recipient_id, end=end)
    running, index = 0, 0
    for day, balance in statement:
        while index < len(movements) and movements[index][0] <= day:
            running += movements[index][1]
            index += 1
        if running != balance:
            return BalanceCheck(len(statement), day, Money(balance), Money(running))
    return BalanceCheck(len(statement))


def balance_mismatch(ctx: Context, recipient_id: int, start: date, end: date) -> BalanceCheck:
    with ctx.db.connect() as connection:
        return check_balances(connection, recipient_id, start, end)
