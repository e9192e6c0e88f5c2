"""Lock a reviewed period (and unlock it deliberately, with a reason); both go in the audit log."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from kentcard.core.dates import EARLIEST, check_date_range
from kentcard.core.errors import ConflictError, InputError
from kentcard.core.validate import clean_text, require_text
from kentcard.services.context import Context
from kentcard.store import account, audit, locks
from kentcard.store.models import PeriodLockRow

ENTITY = "period_lock"  # audit lines for a person's lock use their recipient id


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
        row = locks.lock_row(session=session, recipient_id=recipient_id)
        return None if row is None else _record(row)


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
    account.recipient(connection=session.connection(), recipient_id=recipient_id)
    row = locks.lock_row(session=session, recipient_id=recipient_id)
    if row is not None and row.locked_to >= to:
        raise ConflictError(
            f"to: the period is already locked up to {row.locked_to}; "
            "to lock less, use kentcard unlock --from DATE --reason WHY"
        )
    before = None if row is None else PeriodLockRow.model_validate(row.model_dump())
    row = row or PeriodLockRow(recipient_id=recipient_id, locked_to=to, locked_at="", locked_by="")
    row.locked_to, row.locked_at, row.locked_by, row.reason = to, audit.now_utc(), _who(), note
    session.add(row)
    audit.record(
        session=session,
        entity=ENTITY,
        entity_id=recipient_id,
        action="create" if before is None else "update",
        recipient_id=recipient_id,
        before=before,
        after=row,
        extra={"event": "lock"},
    )
    return _record(row)


def unlock_period(ctx: Context, recipient_id: int, start: date, reason: str) -> PeriodLock | None:
    """Unlock every day from `start`; the days before it stay locked. A reason is required."""
    check_date_range(start, "from")
    why = require_text(reason, "reason", max_length=300)
    with ctx.db.write() as session:
        row = locks.lock_row(session=session, recipient_id=recipient_id)
        if row is None or row.locked_to < start:
            raise ConflictError(f"from: nothing from {start} on is locked")
        before = PeriodLockRow.model_validate(row.model_dump())
        row.locked_to = start - timedelta(days=1)
        row.locked_at, row.locked_by, row.reason = audit.now_utc(), _who(), why
        audit.record(
            session=session,
            entity=ENTITY,
            entity_id=recipient_id,
            action="update",
            recipient_id=recipient_id,
            before=before,
            after=row,
            extra={"event": "unlock", "reason": why},
        )
        if row.locked_to < EARLIEST:
            session.delete(row)
            return None
        session.add(row)
        return _record(row)


def _record(row: PeriodLockRow) -> PeriodLock:
    return PeriodLock(row.recipient_id, row.locked_to, row.locked_at, row.locked_by, row.reason)
