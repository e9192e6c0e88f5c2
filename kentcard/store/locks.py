"""The review-period lock: the one check every write path calls before changing an entry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, select

from kentcard.core.errors import ConflictError
from kentcard.store.models import PeriodLockRow


def lock_row(*, session: Session, recipient_id: int) -> PeriodLockRow | None:
    return session.exec(
        select(PeriodLockRow).where(PeriodLockRow.recipient_id == recipient_id)
    ).first()


def locked_to(*, session: Session, recipient_id: int) -> date | None:
    """The last locked day for this person, or None when nothing is locked."""
    row = lock_row(session=session, recipient_id=recipient_id)
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
