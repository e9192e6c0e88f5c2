"""The recipients whose accounts these are: read, add, change, and the opening balance.

Reads are Core queries over the model's table (with a connection, so a command that only
reports reads a recipient without an ORM session); writes go through the model and write
their audit line in the caller's transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select
from sqlmodel import Session

from kentcard.core.errors import ConflictError, NotFoundError
from kentcard.core.records import Recipient
from kentcard.store import audit, convert
from kentcard.store._sql import table
from kentcard.store.models import MoneyInRow, RecipientRow

_RECIPIENT = table(RecipientRow)


def _to_recipient(row: Any) -> Recipient:
    return Recipient(int(row[0]), row[1], row[2], row[3], int(row[4]))


def _select() -> Any:
    c = _RECIPIENT.c
    return select(c.id, c.name, c.kcc_ref, c.card_last4, c.retained_weeks)


def recipients(*, connection: Connection) -> list[Recipient]:
    return [_to_recipient(row) for row in connection.execute(_select().order_by(_RECIPIENT.c.id))]


def recipient(*, connection: Connection, recipient_id: int) -> Recipient:
    """The recipient with this id, or NotFoundError."""
    row = connection.execute(_select().where(_RECIPIENT.c.id == recipient_id)).first()
    if row is None:
        raise NotFoundError(f"recipient {recipient_id} does not exist")
    return _to_recipient(row)


def _ensure_name_free(session: Session, name: str, other_than: int | None = None) -> None:
    statement = select(_RECIPIENT.c.id).where(func.lower(_RECIPIENT.c.name) == name.lower())
    if other_than is not None:
        statement = statement.where(_RECIPIENT.c.id != other_than)
    taken = session.execute(statement).scalar()
    if taken is not None:
        raise ConflictError(f"name: someone called that is already set up (id {taken})")


def add_recipient(
    *, session: Session, name: str, kcc_ref: str | None, card_last4: str | None
) -> Recipient:
    """A new recipient (ConflictError if the name is taken, ignoring case), with its audit line."""
    _ensure_name_free(session, name)
    row = RecipientRow(
        name=name, kcc_ref=kcc_ref, card_last4=card_last4, created_at=audit.now_utc()
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    audit.record(
        session=session,
        entity="recipient",
        entity_id=row.id,
        action="create",
        recipient_id=row.id,
        after=row,
    )
    return convert.recipient(row)


def add_opening_balance(*, session: Session, recipient_id: int, day: date, pence: int) -> None:
    """The opening balance as a money-in of source `opening`, with its audit line."""
    opening = MoneyInRow(
        recipient_id=recipient_id,
        date=day,
        amount_pence=pence,
        source="opening",
        note="Opening balance",
    )
    session.add(opening)
    session.flush()
    assert opening.id is not None
    audit.record(
        session=session,
        entity="money_in",
        entity_id=opening.id,
        action="create",
        recipient_id=recipient_id,
        after=opening,
    )


def update_recipient(*, session: Session, recipient_id: int, **values: Any) -> Recipient:
    """Change these columns of the recipient (NotFoundError if there is none; ConflictError
    if a new name is another recipient's), with one audit line: the values before and after."""
    row = session.get(RecipientRow, recipient_id)
    if row is None:
        raise NotFoundError(f"recipient {recipient_id} does not exist")
    if "name" in values:
        _ensure_name_free(session, values["name"], other_than=recipient_id)
    audit.change(
        session=session, row=row, values=values, entity="recipient", recipient_id=recipient_id
    )
    return convert.recipient(row)
