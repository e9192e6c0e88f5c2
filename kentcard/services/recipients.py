"""Setting up the person whose account this is, and changing their details.

Finding and choosing people is `services.people` (reads only, light to import).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import select

from kentcard.core.errors import ConflictError, InputError, NotFoundError
from kentcard.core.money import Money
from kentcard.core.records import Recipient
from kentcard.core.validate import clean_text, parse_card_last4, require_text
from kentcard.services.context import Context
from kentcard.store import audit, convert
from kentcard.store.models import MoneyInRow, RecipientRow


def setup_recipient(
    ctx: Context,
    *,
    name: str,
    kcc_ref: str | None = None,
    card_last4: str | None = None,
    opening_balance: Money | None = None,
    as_of: date | None = None,
) -> Recipient:
    """Create the person, with an opening balance as a money-in of source `opening`."""
    clean_name = require_text(name, "name")
    ref = clean_text(kcc_ref, "kcc-ref", max_length=40)
    last4 = parse_card_last4(card_last4)
    if opening_balance is not None:
        if opening_balance.pence < 0:
            raise InputError("opening-balance", "cannot be negative on a prepaid card")
        if as_of is None:
            raise InputError("as-of", "is required with an opening balance (the date it was read)")
    with ctx.db.write() as session:
        taken = session.exec(
            select(RecipientRow).where(func.lower(RecipientRow.name) == clean_name.lower())
        ).first()
        if taken is not None:
            raise ConflictError(f"name: someone called that is already set up (id {taken.id})")
        row = RecipientRow(
            name=clean_name, kcc_ref=ref, card_last4=last4, created_at=audit.now_utc()
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
        if opening_balance is not None and opening_balance.pence > 0 and as_of is not None:
            opening = MoneyInRow(
                recipient_id=row.id,
                date=as_of,
                amount_pence=opening_balance.pence,
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
                recipient_id=row.id,
                after=opening,
            )
        return convert.recipient(row)


def set_retained_weeks(ctx: Context, recipient_id: int, weeks: int) -> Recipient:
    """How many weeks of budget the council lets the account keep (default 8)."""
    if not 0 <= weeks <= 52:
        raise InputError("retained-weeks", "must be between 0 and 52")
    with ctx.db.write() as session:
        row = session.get(RecipientRow, recipient_id)
        if row is None:
            raise NotFoundError(f"recipient {recipient_id} does not exist")
        before = RecipientRow.model_validate(row.model_dump())
        row.retained_weeks = weeks
        session.add(row)
        audit.record(
            session=session,
            entity="recipient",
            entity_id=recipient_id,
            action="update",
            recipient_id=recipient_id,
            before=before,
            after=row,
        )
        return convert.recipient(row)


def update_recipient(
    ctx: Context,
    recipient_id: int,
    *,
    name: str,
    kcc_ref: str | None = None,
    card_last4: str | None = None,
    retained_weeks: int | None = None,
) -> Recipient:
    """Change the person's name, KCC reference, card's last four digits and retained weeks,
    in one transaction with its audit-log line (the values before and after)."""
    clean_name = require_text(name, "name")
    ref = clean_text(kcc_ref, "kcc-ref", max_length=40)
    last4 = parse_card_last4(card_last4)
    if retained_weeks is not None and not 0 <= retained_weeks <= 52:
        raise InputError("retained-weeks", "must be between 0 and 52")
    with ctx.db.write() as session:
        row = session.get(RecipientRow, recipient_id)
        if row is None:
            raise NotFoundError(f"recipient {recipient_id} does not exist")
        taken = session.exec(
            select(RecipientRow).where(
                func.lower(RecipientRow.name) == clean_name.lower(),
                RecipientRow.id != recipient_id,
            )
        ).first()
        if taken is not None:
            raise ConflictError(f"name: someone called that is already set up (id {taken.id})")
        before = RecipientRow.model_validate(row.model_dump())
        row.name, row.kcc_ref, row.card_last4 = clean_name, ref, last4
        if retained_weeks is not None:
            row.retained_weeks = retained_weeks
        session.add(row)
        audit.record(
            session=session,
            entity="recipient",
            entity_id=recipient_id,
            action="update",
            recipient_id=recipient_id,
            before=before,
            after=row,
        )
        return convert.recipient(row)
