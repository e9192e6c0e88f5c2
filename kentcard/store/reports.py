"""Repository reads for reports over many months: one grouped query, never a loop of them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import String, cast, func
from sqlmodel import Session, col, select

from kentcard.core.dates import Month
from kentcard.store.models import MoneyInRow, MoneyOutRow


def _month_of(column):  # type: ignore[no-untyped-def]
    # Dates are ISO text on SQLite and cast to ISO text on PostgreSQL: 'YYYY-MM' is the prefix.
    return func.substr(cast(column, String), 1, 7)


def spent_by_month_and_category(
    *, session: Session, recipient_id: int, start: date, end: date
) -> dict[Month, dict[str | None, int]]:
    """Pence spent (money out less refunds) per month and category (None = no category)."""
    totals: dict[Month, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    out_month = _month_of(MoneyOutRow.date)
    for month, category, pence in session.exec(
        select(out_month, MoneyOutRow.category, func.sum(MoneyOutRow.amount_pence))
        .where(
            MoneyOutRow.recipient_id == recipient_id,
            MoneyOutRow.date >= start,
            MoneyOutRow.date <= end,
        )
        .group_by(out_month, col(MoneyOutRow.category))
    ):
        totals[_parse(month)][category] += int(pence or 0)
    in_month = _month_of(MoneyInRow.date)
    for month, category, pence in session.exec(
        select(in_month, MoneyInRow.category, func.sum(MoneyInRow.amount_pence))
        .where(
            MoneyInRow.recipient_id == recipient_id,
            MoneyInRow.source == "refund",
            MoneyInRow.date >= start,
            MoneyInRow.date <= end,
        )
        .group_by(in_month, col(MoneyInRow.category))
    ):
        totals[_parse(month)][category] -= int(pence or 0)
    return totals


def _parse(text: str) -> Month:
    return Month(int(text[:4]), int(text[5:7]))
