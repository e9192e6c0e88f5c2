"""The periods a person is offered for an export: last month, the last quarter, the last six
months, and each review period between two locks (from the audit log of the period lock)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from kentcard.core.dates import Month
from kentcard.services.context import Context
from kentcard.services.period_lock import ENTITY
from kentcard.services.review import default_period
from kentcard.store import audit


@dataclass(frozen=True, slots=True)
class PeriodChoice:
    key: str  # "month", "quarter", "six-months", "lock:2026-10-31"
    label: str
    start: date
    end: date


def _days(start: date, end: date) -> str:
    return f"{start.day} {start:%b %Y} to {end.day} {end:%b %Y}"


def last_quarter(today: date) -> tuple[date, date]:
    """The last calendar quarter that has ended: on 25 Nov 2026, 1 Jul to 30 Sep 2026."""
    this_quarter = Month(today.year, (today.month - 1) // 3 * 3 + 1)
    first = this_quarter.shift(-3)
    return first.first, this_quarter.first - timedelta(days=1)


def last_months(today: date, count: int) -> tuple[date, date]:
    """The last `count` whole months before this one: on 25 Nov 2026 and 6, 1 May to 31 Oct."""
    this_month = Month.of(today)
    return this_month.shift(-count).first, this_month.first - timedelta(days=1)


def lock_days(ctx: Context, recipient_id: int) -> list[date]:
    """Every day the period was ever locked up to, oldest first (unlocks do not erase them)."""
    with ctx.db.read() as session:
        rows = audit.history(session=session, entity=ENTITY, entity_id=recipient_id)
    days = set()
    for row in rows:
        detail = json.loads(row.detail)
        if detail.get("event") == "lock" and (detail.get("after") or {}).get("locked_to"):
            days.add(date.fromisoformat(str(detail["after"]["locked_to"])[:10]))
    return sorted(days)


def export_periods(ctx: Context, recipient_id: int) -> list[PeriodChoice]:
    """The usual choices, then the review periods between locks (newest first)."""
    today = ctx.today()
    choices = [
        PeriodChoice("month", "Last month", *last_months(today, 1)),
        PeriodChoice("quarter", "Last quarter", *last_quarter(today)),
        PeriodChoice("six-months", "Last six months", *last_months(today, 6)),
    ]
    first, _ = default_period(ctx, recipient_id)
    starts = [first]
    between = []
    for day in lock_days(ctx, recipient_id):
        start = starts[-1]
        if start <= day:
            between.append(PeriodChoice(f"lock:{day}", "Reviewed period", start, day))
            starts.append(day + timedelta(days=1))
    if starts[-1] <= today and between:
        between.append(PeriodChoice("lock:open", "Since the last lock", starts[-1], today))
    choices += reversed(between)
    return [
        PeriodChoice(c.key, f"{c.label}: {_days(c.start, c.end)}", c.start, c.end) for c in choices
    ]
