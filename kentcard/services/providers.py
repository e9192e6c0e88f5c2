"""Care providers: agencies, personal assistants, day services and the like."""

from __future__ import annotations

from sqlmodel import func, select

from kentcard.core.errors import ConflictError, InputError, NotFoundError
from kentcard.core.money import Money
from kentcard.core.records import Provider, ProviderKind
from kentcard.core.validate import clean_text, require_text
from kentcard.services.context import Context
from kentcard.store import account, audit, convert, queries
from kentcard.store.models import InvoiceRow, MoneyOutRow, ProviderRow

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
        account.recipient(connection=session.connection(), recipient_id=recipient_id)
        if queries.provider_row_by_name(
            session=session, recipient_id=recipient_id, name=clean_name
        ):
            raise ConflictError("name: a provider with that name already exists")
        row = ProviderRow(
            recipient_id=recipient_id,
            name=clean_name,
            kind=kind.value,
            rate_pence=None if rate is None else rate.pence,
            category=clean_category,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        audit.record(
            session=session,
            entity="provider",
            entity_id=row.id,
            action="create",
            recipient_id=recipient_id,
            after=row,
        )
        return convert.provider(row)


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
    with ctx.db.write() as session:
        row = session.get(ProviderRow, provider_id)
        if row is None:
            raise NotFoundError(f"provider {provider_id} does not exist")
        before = ProviderRow.model_validate(row.model_dump())
        if name is not None:
            clean_name = require_text(name, "name", max_length=120)
            other = queries.provider_row_by_name(
                session=session, recipient_id=row.recipient_id, name=clean_name
            )
            if other is not None and other.id != row.id:
                raise ConflictError("name: a provider with that name already exists")
            row.name = clean_name
        if kind is not None:
            row.kind = kind.value
        if rate is not _UNSET:
            row.rate_pence = rate.pence if isinstance(rate, Money) else None
        if category is not _UNSET:
            row.category = clean_text(category, "category", max_length=60)  # type: ignore[arg-type]
        session.add(row)
        audit.record(
            session=session,
            entity="provider",
            entity_id=provider_id,
            action="update",
            recipient_id=row.recipient_id,
            before=before,
            after=row,
        )
        return convert.provider(row)


def delete_provider(ctx: Context, provider_id: int) -> None:
    """Remove a provider that no invoice or payment refers to."""
    with ctx.db.write() as session:
        row = session.get(ProviderRow, provider_id)
        if row is None:
            raise NotFoundError(f"provider {provider_id} does not exist")
        used = session.exec(
            select(InvoiceRow.id).where(InvoiceRow.provider_id == provider_id)
        ).first()
        used = (
            used
            or session.exec(
                select(MoneyOutRow.id).where(MoneyOutRow.provider_id == provider_id)
            ).first()
        )
        if used is not None:
            raise ConflictError("provider: invoices or payments refer to this provider; it is kept")
        audit.record(
            session=session,
            entity="provider",
            entity_id=provider_id,
            action="delete",
            recipient_id=row.recipient_id,
            before=row,
        )
        session.delete(row)


def list_providers(ctx: Context, recipient_id: int) -> list[Provider]:
    with ctx.db.read() as session:
        return queries.providers(session=session, recipient_id=recipient_id)


def provider_uses(ctx: Context, provider_id: int) -> tuple[int, int]:
    """How many invoices and payments refer to the provider: while any do, it is kept (the
    app says so before anyone is asked to delete it)."""
    with ctx.db.read() as session:
        invoices = session.exec(
            select(func.count()).where(InvoiceRow.provider_id == provider_id)
        ).one()
        payments = session.exec(
            select(func.count()).where(MoneyOutRow.provider_id == provider_id)
        ).one()
    return invoices, payments
