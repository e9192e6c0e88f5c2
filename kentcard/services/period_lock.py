"""Lock a reviewed period (and unlock it deliberately, with a reason); both go in the audit log."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from kentcard.core.dates import check_date_range
from kentcard.core.errors import ConflictError, InputError
from kentcard.core.validate import clean_text, require_text
from kentcard.services.context import Context
from kentcard.store import locks, recipients

ENTITY = locks.ENTITY  # audit lines for a person's lock use their recipient id


@dataclass(frozen=True, slots=True)
class PeriodLock:
    recipient_id: int
    locked_to: date
    locked_at: str
    locked_by: str
    reason: str | None


def _who() -> str:
    try:
        return getpass.getuser()[:60]
    except (OSError, KeyError):
        return "unknown"


def current_lock(ctx: Context, recipient_id: int) -> PeriodLock | None:
    with ctx.db.read() as session:
        found = locks.lock(session=session, recipient_id=recipient_id)
        return None if found is None else _record(found)


def lock_period(ctx: Context, recipient_id: int, to: date, reason: str | None = None) -> PeriodLock:
    """Lock every entry dated up to `to`; a lock only ever grows (shrinking it is an unlock)."""
    note = check_lock(ctx, to, reason)
    with ctx.db.write() as session:
        return lock_in(session, recipient_id, to, note)


def check_lock(ctx: Context, to: date, reason: str | None) -> str | None:
    """The cleaned reason, once `to` is known to be a day that can be locked."""
    check_date_range(to, "to")
    if to > ctx.today():
        raise InputError("to", "is in the future; lock only a period that has been reviewed")
    return clean_text(reason, "reason", max_length=300)


def lock_in(session: Session, recipient_id: int, to: date, note: str | None) -> PeriodLock:
    """Lock up to `to` in the caller's transaction, with its audit line."""
    recipients.recipient(connection=session.connection(), recipient_id=recipient_id)
    found = locks.lock(session=session, recipient_id=recipient_id)
    if found is not None and found.locked_to >= to:
        raise ConflictError(
            f"to: the period is already locked up to {found.locked_to}; "
            "to lock less, use kentcard unlock --from DATE --reason WHY"
        )
    saved = locks.save_lock(
        session=session,
        recipient_id=recipient_id,
        locked_to=to,
        locked_by=_who(),
        reason=note,
        extra={"event": "lock"},
    )
    assert saved is not None
    return _record(saved)


def unlock_period(ctx: Context, recipient_id: int, start: date, reason: str) -> PeriodLock | None:
    """Unlock every day from `start`; the days before it stay locked. A reason is required."""
    check_date_range(start, "from")
    why = require_text(reason, "reason", max_length=300)
    with ctx.db.write() as session:
        found = locks.lock(session=session, recipient_id=recipient_id)
        if found is None or found.locked_to < start:
            raise ConflictError(f"from: nothing from {start} on is locked")
        saved = locks.save_lock(
            session=session,
            recipient_id=recipient_id,
            locked_to=start - timedelta(days=1),
            locked_by=_who(),
            reason=why,
            extra={"event": "unlock", "reason": why},
        )
        return None if saved is None else _record(saved)


def _record(lock: locks.Lock) -> PeriodLock:
    return PeriodLock(*lock)
