"""Care providers: agencies, personal assistants, day services and the like."""

from __future__ import annotations

from typing import Any

from kentcard.core.errors import InputError
from kentcard.core.money import Money
from kentcard.core.records import Provider, ProviderKind
from kentcard.core.validate import clean_text, require_text
from kentcard.services.context import Context
from kentcard.store import providers as store
from kentcard.store import recipients

_UNSET = object()


def add_provider(
    ctx: Context,
    recipient_id: int,
    *,
    name: str,
    kind: ProviderKind = ProviderKind.OTHER,
    rate: Money | None = None,
    category: str | None = None,
) -> Provider:
    clean_name = require_text(name, "name", max_length=120)
    clean_category = clean_text(category, "category", max_length=60)
    if rate is not None and rate.pence < 0:
        raise InputError("rate", "cannot be negative")
    with ctx.db.write() as session:
        recipients.recipient(connection=session.connection(), recipient_id=recipient_id)
        return store.add_provider(
            session=session,
            recipient_id=recipient_id,
            name=clean_name,
            kind=kind.value,
            rate_pence=None if rate is None else rate.pence,
            category=clean_category,
        )


def edit_provider(
    ctx: Context,
    provider_id: int,
    *,
    name: str | None = None,
    kind: ProviderKind | None = None,
    rate: Money | object | None = _UNSET,
    category: str | object | None = _UNSET,
) -> Provider:
    """Change a provider; only the fields given change."""
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = require_text(name, "name", max_length=120)
    if kind is not None:
        values["kind"] = kind.value
    if rate is not _UNSET:
        values["rate_pence"] = rate.pence if isinstance(rate, Money) else None
    if category is not _UNSET:
        values["category"] = clean_text(category, "category", max_length=60)  # type: ignore[arg-type]
    with ctx.db.write() as session:
        return store.update_provider(session=session, provider_id=provider_id, **values)


def delete_provider(ctx: Context, provider_id: int) -> None:
    """Remove a provider that no invoice or payment refers to."""
    with ctx.db.write() as session:
        store.delete_provider(session=session, provider_id=provider_id)


def list_providers(ctx: Context, recipient_id: int) -> list[Provider]:
    with ctx.db.read() as session:
        return store.providers(session=session, recipient_id=recipient_id)


def provider_uses(ctx: Context, provider_id: int) -> tuple[int, int]:
    """How many invoices and payments refer to the provider: while any do, it is kept (the
    app says so before anyone is asked to delete it)."""
    with ctx.db.read() as session:
        return store.uses(session=session, provider_id=provider_id)
