"""Reading records a page at a time, for screens that show tables of any length.

Each function takes the filters a person can set (text, month, one choice) and a sort, and
returns one page with the count of every match, so a table of 100,000 rows never loads them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from kentcard.core.dates import Month
from kentcard.core.errors import NotFoundError
from kentcard.core.invoices import InvoiceState
from kentcard.core.records import Document, MoneyIn, MoneyOut, Provider
from kentcard.services.context import Context
from kentcard.store import convert, queries

T = TypeVar("T")
INVOICE_STATUSES = ("open", "unpaid", "part-paid", "paid", "overpaid", "overdue")


@dataclass(frozen=True, slots=True)
class Filters:
    """What a table shows: matching text, one month, one choice (category, source, status...)."""

    text: str = ""
    month: Month | None = None
    choice: str | None = None
    sort: str = "date"
    descending: bool = True

    @property
    def start(self) -> date | None:
        return self.month.first if self.month else None

    @property
    def end(self) -> date | None:
        return self.month.last if self.month else None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    offset: int


@dataclass(frozen=True, slots=True)
class Payment:
    """A money-out as its table shows it: the record and whether it has evidence."""

    record: MoneyOut
    evidenced: bool


def _filtered(
    ctx: Context, page: Any, count: Any, filters: Filters, offset: int, limit: int, **args: Any
) -> tuple[list[Any], int]:
    """One page and the total count of a filtered table, read in one transaction."""
    with ctx.db.read() as session:
        rows = page(
            session=session,
            offset=offset,
            limit=limit,
            sort=filters.sort,
            descending=filters.descending,
            **args,
        )
        return list(rows), count(session=session, **args)


def _period(recipient_id: int, filters: Filters) -> dict[str, Any]:
    return {
        "recipient_id": recipient_id,
        "text": filters.text,
        "start": filters.start,
        "end": filters.end,
    }


def money_out_page(
    ctx: Context, recipient_id: int, filters: Filters, offset: int, limit: int
) -> Page[Payment]:
    rows, count = _filtered(
        ctx,
        queries.money_out_page,
        queries.money_out_count,
        filters,
        offset,
        limit,
        category=filters.choice,
        **_period(recipient_id, filters),
    )
    return Page(tuple(Payment(m, e) for m, e in rows), count, offset)


def money_in_page(
    ctx: Context, recipient_id: int, filters: Filters, offset: int, limit: int
) -> Page[MoneyIn]:
    rows, count = _filtered(
        ctx,
        queries.money_in_page,
        queries.money_in_count,
        filters,
        offset,
        limit,
        source=filters.choice,
        **_period(recipient_id, filters),
    )
    return Page(tuple(rows), count, offset)


def invoice_page(
    ctx: Context, recipient_id: int, filters: Filters, offset: int, limit: int
) -> Page[InvoiceState]:
    today = ctx.today()
    rows, count = _filtered(
        ctx,
        queries.invoice_page,
        queries.invoice_count,
        filters,
        offset,
        limit,
        today=today,
        status=filters.choice,
        **_period(recipient_id, filters),
    )
    return Page(tuple(InvoiceState(i, paid, today) for i, paid in rows), count, offset)


def provider_page(
    ctx: Context, recipient_id: int, filters: Filters, offset: int, limit: int
) -> Page[Provider]:
    with ctx.db.read() as session:
        rows, count = queries.provider_page(
            session=session,
            recipient_id=recipient_id,
            offset=offset,
            limit=limit,
            text=filters.text,
            kind=filters.choice,
            sort=filters.sort,
            descending=filters.descending,
        )
    return Page(tuple(rows), count, offset)


def document_page(
    ctx: Context, recipient_id: int, filters: Filters, offset: int, limit: int
) -> Page[Document]:
    with ctx.db.read() as session:
        rows, count = queries.document_page(
            session=session,
            recipient_id=recipient_id,
            offset=offset,
            limit=limit,
            text=filters.text,
            kind=filters.choice,
            sort=filters.sort,
            descending=filters.descending,
        )
        links = queries.links_by_document(
            session=session, document_ids=[r.id for r, _, _ in rows if r.id]
        )
    docs = [convert.document(r, s, m, tuple(links.get(r.id or 0, []))) for r, s, m in rows]
    return Page(tuple(docs), count, offset)


def open_invoices(ctx: Context, recipient_id: int, payee: str) -> list[InvoiceState]:
    """Invoices of the provider called `payee` that still have something to pay, oldest first."""
    today = ctx.today()
    with ctx.db.read() as session:
        provider = queries.provider_row_by_name(
            session=session, recipient_id=recipient_id, name=payee
        )
        if provider is None or provider.id is None:
            return []
        rows = queries.invoice_page(
            session=session,
            recipient_id=recipient_id,
            offset=0,
            limit=200,
            today=today,
            status="open",
            provider_id=provider.id,
            sort="date",
            descending=False,
        )
    return [InvoiceState(i, paid, today) for i, paid in rows]


def open_not_overdue(ctx: Context, recipient_id: int, limit: int) -> list[InvoiceState]:
    """The oldest `limit` invoices with something still to pay that are not yet overdue
    (due today or later), oldest first; no count, for the home screen's list."""
    today = ctx.today()
    with ctx.db.read() as session:
        rows = queries.invoice_page(
            session=session,
            recipient_id=recipient_id,
            offset=0,
            limit=limit,
            today=today,
            status="open",
            due_from=today,
            sort="date",
            descending=False,
        )
    return [InvoiceState(i, paid, today) for i, paid in rows]


def categories(ctx: Context, recipient_id: int) -> list[str]:
    """Categories from the plan, providers and past payments, for choices and hints."""
    with ctx.db.read() as session:
        return queries.categories_in_use(session=session, recipient_id=recipient_id)


def money_out_by_id(ctx: Context, money_out_id: int) -> MoneyOut:
    with ctx.db.read() as session:
        row = session.get(queries.MoneyOutRow, money_out_id)
        if row is None:
            raise NotFoundError(f"money-out {money_out_id} does not exist")
        return convert.money_out(row)


def money_in_by_id(ctx: Context, money_in_id: int) -> MoneyIn:
    with ctx.db.read() as session:
        row = session.get(queries.MoneyInRow, money_in_id)
        if row is None:
            raise NotFoundError(f"money-in {money_in_id} does not exist")
        return convert.money_in(row)


def invoice_by_id(ctx: Context, recipient_id: int, invoice_id: int) -> InvoiceState:
    today = ctx.today()
    with ctx.db.read() as session:
        for invoice, paid in queries.invoices_with_allocated(
            session=session, recipient_id=recipient_id
        ):
            if invoice.id == invoice_id:
                return InvoiceState(invoice, paid, today)
    raise NotFoundError(f"invoice {invoice_id} does not exist")
