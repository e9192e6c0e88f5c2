"""The review-period lock: the one check every write path calls before changing an entry,
and setting or lifting a person's lock, each with its audit line."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from sqlmodel import Session, select

from kentcard.core.dates import EARLIEST
from kentcard.core.errors import ConflictError
from kentcard.store import audit
from kentcard.store.models import PeriodLockRow

ENTITY = "period_lock"  # audit lines for a person's lock use their recipient id


class Lock(NamedTuple):
    recipient_id: int
    locked_to: date
    locked_at: str
    locked_by: str
    reason: str | None


def _lock_row(session: Session, recipient_id: int) -> PeriodLockRow | None:
    return session.exec(
        select(PeriodLockRow).where(PeriodLockRow.recipient_id == recipient_id)
    ).first()


def _lock(row: PeriodLockRow) -> Lock:
    return Lock(row.recipient_id, row.locked_to, row.locked_at, row.locked_by, row.reason)


def lock(*, session: Session, recipient_id: int) -> Lock | None:
    """The person's lock, or None when nothing is locked."""
    row = _lock_row(session, recipient_id)
    return None if row is None else _lock(row)


def save_lock(
    *,
    session: Session,
    recipient_id: int,
    locked_to: date,
    locked_by: str,
    reason: str | None,
    extra: dict[str, Any],
) -> Lock | None:
    """Set the person's lock to end on `locked_to` (creating it if there is none), with its
    audit line; a lock ending before the earliest day there can be is removed (None)."""
    row = _lock_row(session, recipient_id)
    before = None if row is None else PeriodLockRow.model_validate(row.model_dump())
    row = row or PeriodLockRow(
        recipient_id=recipient_id, locked_to=locked_to, locked_at="", locked_by=""
    )
    row.locked_to, row.locked_at, row.locked_by, row.reason = (
        locked_to,
        audit.now_utc(),
        locked_by,
        reason,
    )
    audit.record(
        session=session,
        entity=ENTITY,
        entity_id=recipient_id,
        action="create" if before is None else "update",
        recipient_id=recipient_id,
        before=before,
        after=row,
        extra=extra,
    )
    if locked_to < EARLIEST:
        if before is not None:
            session.delete(row)
        return None
    session.add(row)
    return _lock(row)


def locked_to(*, session: Session, recipient_id: int) -> date | None:
    """The last locked day for this person, or None when nothing is locked."""
    row = _lock_row(session, recipient_id)
    return None if row is None else row.locked_to


def ensure_open(
    *, session: Session, recipient_id: int, days: Iterable[date | None], field: str = "date"
) -> None:
    """Refuse (ConflictError) when any of `days` falls in the locked, reviewed period."""
    limit = locked_to(session=session, recipient_id=recipient_id)
    if limit is None:
        return
    locked = sorted(day for day in days if day is not None and day <= limit)
    if locked:
        raise ConflictError(
            f"{field}: {locked[0]} is in a reviewed period, locked up to {limit}, so it cannot "
            f"be changed; to change it, unlock first: "
            f"kentcard unlock --from {locked[0]} --reason WHY"
        )
