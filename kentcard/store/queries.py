"""Kept only for `services/statement_import.py` until it reads the person through
`store.people`; every other read lives in the store module of its kind."""

from __future__ import annotations

from sqlmodel import Session

from kentcard.core.records import Recipient
from kentcard.store import people


def recipient(*, session: Session, recipient_id: int) -> Recipient:
    """The person with this id, or NotFoundError (see `store.people.recipient`)."""
    return people.recipient(connection=session.connection(), recipient_id=recipient_id)
