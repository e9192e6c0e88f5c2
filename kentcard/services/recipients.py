"""The recipients whose accounts these are: who is set up, which one a command or screen is
about, setting one up, and changing their details.
"""

from __future__ import annotations

from datetime import date

from kentcard.core.errors import InputError, KentcardError, NotFoundError
from kentcard.core.money import Money
from kentcard.core.records import Recipient
from kentcard.core.validate import clean_text, parse_card_last4, require_text
from kentcard.services.context import Context
from kentcard.store import recipients as store_recipients
from kentcard.store.engine import login_of


def list_recipients(ctx: Context) -> list[Recipient]:
    with ctx.db.connect() as connection:
        return store_recipients.recipients(connection=connection)


def staff_login(ctx: Context) -> str | None:
    """The login a member of staff opened an organisation's database with (PostgreSQL), or
    None for a person's own file: whose caseload the app shows."""
    return login_of(ctx.db.engine)


def resolve_recipient(ctx: Context, ref: str | None = None) -> Recipient:
    """The recipient a command is about: by name or id, or the only one there is."""
    found = list_recipients(ctx)
    if not found:
        raise NotFoundError("no one is set up yet; start with: kentcard init --name NAME")
    if ref is None or not ref.strip():
        if len(found) == 1:
            return found[0]
        choices = ", ".join(f"{r.id} ({r.name})" for r in found)
        raise KentcardError(
            f"recipient: this database holds several people; choose one with --recipient: {choices}"
        )
    wanted = ref.strip()
    for recipient in found:
        if wanted == str(recipient.id) or wanted.casefold() == recipient.name.casefold():
            return recipient
    choices = ", ".join(f"{r.id} ({r.name})" for r in found)
    raise NotFoundError(f"recipient: no one matches; the choices are: {choices}")


def setup_recipient(
    ctx: Context,
    *,
    name: str,
    kcc_ref: str | None = None,
    card_last4: str | None = None,
    opening_balance: Money | None = None,
    as_of: date | None = None,
) -> Recipient:
    """Create the recipient, with an opening balance as a money-in of source `opening`."""
    clean_name = require_text(name, "name")
    ref = clean_text(kcc_ref, "kcc-ref", max_length=40)
    last4 = parse_card_last4(card_last4)
    if opening_balance is not None:
        if opening_balance.pence < 0:
            raise InputError("opening-balance", "cannot be negative on a prepaid card")
        if as_of is None:
            raise InputError("as-of", "is required with an opening balance (the date it was read)")
    with ctx.db.write() as session:
        recipient = store_recipients.add_recipient(
            session=session, name=clean_name, kcc_ref=ref, card_last4=last4
        )
        if opening_balance is not None and opening_balance.pence > 0 and as_of is not None:
            store_recipients.add_opening_balance(
                session=session, recipient_id=recipient.id, day=as_of, pence=opening_balance.pence
            )
        return recipient


def set_retained_weeks(ctx: Context, recipient_id: int, weeks: int) -> Recipient:
    """How many weeks of budget the council lets the account keep (default 8)."""
    if not 0 <= weeks <= 52:
        raise InputError("retained-weeks", "must be between 0 and 52")
    with ctx.db.write() as session:
        return store_recipients.update_recipient(
            session=session, recipient_id=recipient_id, retained_weeks=weeks
        )


def update_recipient(
    ctx: Context,
    recipient_id: int,
    *,
    name: str,
    kcc_ref: str | None = None,
    card_last4: str | None = None,
    retained_weeks: int | None = None,
) -> Recipient:
    """Change the recipient's name, KCC reference, card's last four digits and retained weeks,
    in one transaction with its audit-log line (the values before and after)."""
    clean_name = require_text(name, "name")
    ref = clean_text(kcc_ref, "kcc-ref", max_length=40)
    last4 = parse_card_last4(card_last4)
    if retained_weeks is not None and not 0 <= retained_weeks <= 52:
        raise InputError("retained-weeks", "must be between 0 and 52")
    values: dict[str, object] = {"name": clean_name, "kcc_ref": ref, "card_last4": last4}
    if retained_weeks is not None:
        values["retained_weeks"] = retained_weeks
    with ctx.db.write() as session:
        return store_recipients.update_recipient(
            session=session, recipient_id=recipient_id, **values
        )
