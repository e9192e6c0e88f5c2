"""Care providers: read them (a list, a page, by name), add, change and delete them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from kentcard.core.errors import ConflictError, NotFoundError
from kentcard.core.records import Provider
from kentcard.store import audit, convert
from kentcard.store._sql import anything, ordered, search
from kentcard.store.models import InvoiceRow, MoneyOutRow, ProviderRow


def providers(*, session: Session, recipient_id: int) -> list[Provider]:
    rows = session.exec(
        select(ProviderRow)
        .where(ProviderRow.recipient_id == recipient_id)
        .order_by(func.lower(ProviderRow.name))
    )
    return [convert.provider(r) for r in rows]


def payee_names(*, session: Session, recipient_id: int) -> list[str]:
    """Everyone the person pays: providers' names, then any other payee a payment names
    (once each, ignoring case), for recognising them on a receipt."""
    names = list(
        session.exec(
            select(ProviderRow.name)
            .where(ProviderRow.recipient_id == recipient_id)
            .order_by(func.lower(ProviderRow.name))
        )
    )
    names += sorted(
        session.exec(
            select(MoneyOutRow.payee).where(MoneyOutRow.recipient_id == recipient_id).distinct()
        ),
        key=str.casefold,
    )
    by_fold: dict[str, str] = {}
    for name in names:
        by_fold.setdefault(name.casefold(), name)
    return list(by_fold.values())


def by_name(*, session: Session, recipient_id: int, name: str) -> Provider | None:
    """Case-insensitive exact name match (the same on SQLite and PostgreSQL)."""
    row = session.exec(
        select(ProviderRow).where(
            ProviderRow.recipient_id == recipient_id,
            func.lower(ProviderRow.name) == name.strip().lower(),
        )
    ).first()
    return None if row is None else convert.provider(row)


def _get(session: Session, provider_id: int) -> ProviderRow:
    row = session.get(ProviderRow, provider_id)
    if row is None:
        raise NotFoundError(f"provider {provider_id} does not exist")
    return row


def add_provider(*, session: Session, recipient_id: int, **values: Any) -> Provider:
    """A new provider (ConflictError if the person has one of that name), with its audit line."""
    if by_name(session=session, recipient_id=recipient_id, name=values["name"]) is not None:
        raise ConflictError("name: a provider with that name already exists")
    row = ProviderRow(recipient_id=recipient_id, **values)
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


def update_provider(*, session: Session, provider_id: int, **values: Any) -> Provider:
    """Change these columns (NotFoundError, or ConflictError for a name another provider of
    the person has), with one audit line: the values before and after."""
    row = _get(session, provider_id)
    if "name" in values:
        other = by_name(session=session, recipient_id=row.recipient_id, name=values["name"])
        if other is not None and other.id != row.id:
            raise ConflictError("name: a provider with that name already exists")
    audit.change(
        session=session, row=row, values=values, entity="provider", recipient_id=row.recipient_id
    )
    return convert.provider(row)


def uses(*, session: Session, provider_id: int) -> tuple[int, int]:
    """How many invoices and payments refer to the provider."""
    invoices = session.exec(select(func.count()).where(InvoiceRow.provider_id == provider_id)).one()
    payments = session.exec(
        select(func.count()).where(MoneyOutRow.provider_id == provider_id)
    ).one()
    return int(invoices), int(payments)


def delete_provider(*, session: Session, provider_id: int) -> None:
    """Delete a provider no invoice or payment refers to (else ConflictError), with its
    audit line."""
    row = _get(session, provider_id)
    used = session.exec(select(InvoiceRow.id).where(InvoiceRow.provider_id == provider_id)).first()
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


# --- Paged reads for the terminal app's tables -----------------------------------------------


def _provider_where(recipient_id: int, text: str | None, kind: str | None) -> Any:
    return and_(
        col(ProviderRow.recipient_id) == recipient_id,
        search(text, col(ProviderRow.name), col(ProviderRow.category)),
        anything() if kind is None else col(ProviderRow.kind) == kind,
    )


def provider_page(
    *,
    session: Session,
    recipient_id: int,
    offset: int,
    limit: int,
    text: str | None = None,
    kind: str | None = None,
    sort: str = "name",
    descending: bool = False,
) -> list[Provider]:
    """One page of providers."""
    columns = {
        "name": func.lower(ProviderRow.name),
        "kind": col(ProviderRow.kind),
        "rate": col(ProviderRow.rate_pence),
        "category": func.lower(ProviderRow.category),
    }
    statement = ordered(
        select(ProviderRow).where(_provider_where(recipient_id, text, kind)),
        columns,
        sort,
        descending,
        col(ProviderRow.id),
    )
    return [convert.provider(r) for r in session.exec(statement.offset(offset).limit(limit))]


def provider_count(
    *, session: Session, recipient_id: int, text: str | None = None, kind: str | None = None
) -> int:
    where = _provider_where(recipient_id, text, kind)
    return int(session.exec(select(func.count()).select_from(ProviderRow).where(where)).one())
