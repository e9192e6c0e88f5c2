"""The append-only audit log: one line for every change to a money record."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, SQLModel, select

from kentcard.store.models import AuditRow


def now_utc() -> str:
    """A UTC timestamp as ISO text, e.g. `2026-11-25T08:30:00.123456+00:00`."""
    return datetime.now(UTC).isoformat()


def snapshot(row: SQLModel | None) -> dict[str, Any] | None:
    """A row's columns as JSON-safe values (dates as ISO text, bytes left out)."""
    if row is None:
        return None
    out: dict[str, Any] = {}
    for key, value in row.model_dump().items():
        if isinstance(value, bytes):
            continue
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def record(
    *,
    session: Session,
    entity: str,
    entity_id: int,
    action: str,
    recipient_id: int | None,
    before: SQLModel | None = None,
    after: SQLModel | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Append one audit line in the caller's transaction."""
    detail: dict[str, Any] = {"before": snapshot(before), "after": snapshot(after)}
    if extra:
        detail.update(extra)
    session.add(
        AuditRow(
            at=now_utc(),
            recipient_id=recipient_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            detail=json.dumps(detail, sort_keys=True, default=str),
        )
    )


def change(
    *,
    session: Session,
    row: Any,
    values: dict[str, Any],
    entity: str,
    recipient_id: int | None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Set these columns of `row` and append one audit line: the values before and after."""
    before = type(row).model_validate(row.model_dump())
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    record(
        session=session,
        entity=entity,
        entity_id=row.id,
        action="update",
        recipient_id=recipient_id,
        before=before,
        after=row,
        extra=extra,
    )


def insert(
    *,
    session: Session,
    row: Any,
    entity: str,
    extra: dict[str, Any] | None = None,
    recipient_id: int | None = None,
) -> Any:
    """Add a new row of a person's and its 'create' audit line; returns the row, its id
    set. The person is the row's `recipient_id` unless given (a row without one)."""
    session.add(row)
    session.flush()
    assert row.id is not None
    record(
        session=session,
        entity=entity,
        entity_id=row.id,
        action="create",
        recipient_id=row.recipient_id if recipient_id is None else recipient_id,
        after=row,
        extra=extra,
    )
    return row


def remove(*, session: Session, row: Any, entity: str) -> None:
    """Delete a row of a person's and write its 'delete' audit line (the values it had)."""
    record(
        session=session,
        entity=entity,
        entity_id=row.id,
        action="delete",
        recipient_id=row.recipient_id,
        before=row,
    )
    session.delete(row)


def history(*, session: Session, entity: str, entity_id: int) -> list[AuditRow]:
    statement = (
        select(AuditRow)
        .where(AuditRow.entity == entity, AuditRow.entity_id == entity_id)
        .order_by(AuditRow.id)  # type: ignore[arg-type]
    )
    return list(session.exec(statement))
