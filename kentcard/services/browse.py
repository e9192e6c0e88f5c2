"""Reading records a page at a time, for screens that show tables of any length.

Each function takes the filters a person can set (text, month, one choice) and a sort, and
returns one page with the count of every match, so a table of 100,000 rows never loads them all.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Generic, TypeVar

from kentcard.core import words
from kentcard.core.dates import Month
from kentcard.core.errors import NotFoundError
from kentcard.core.invoices import InvoiceState
from kentcard.core.money import Money
from kentcard.core.records import Document, MoneyIn, MoneyOut, Provider, Source
from kentcard.services.context import Context
from kentcard.store import documents, invoices, ledger, plans, providers

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
    ctx: Context,
    page: Any,
    count: Any,
    filters: Filters,
    offset: int | None,
    limit: int,
    **args: Any,
) -> tuple[list[Any], int, int]:
    """One page, the count of every match and where the page starts, in one transaction."""
    with ctx.db.read() as session:
        return _paged(session, page, count, filters, offset, limit, **args)


def _paged(
    session: Any,
    page: Any,
    count: Any,
    filters: Filters,
    offset: int | None,
    limit: int,
    **args: Any,
) -> tuple[list[Any], int, int]:
    """`page(...)` rows from `offset` (None: the last page), the count, where the page starts.

    A page past the middle is read from the other end, in the reverse order, so the last
    page of 100,000 rows walks the index for 100 rows instead of skipping 99,900 (every
    sort ends with the id, so the reverse order is exactly the list backwards).
    """
    total = count(session=session, **args)
    start = last_page_start(total, limit) if offset is None else offset
    backwards = limit > 0 and start > 0 and 2 * start + limit > total
    if backwards:
        size = max(0, min(limit, total - start))
        rows = page(
            session=session,
            offset=max(0, total - start - size),
            limit=size,
            sort=filters.sort,
            descending=not filters.descending,
            **args,
        )
        return list(rows)[::-1], total, start
    rows = page(
        session=session,
        offset=start,
        limit=limit,
        sort=filters.sort,
        descending=filters.descending,
        **args,
    )
    return list(rows), total, start


def last_page_start(total: int, limit: int) -> int:
    """Where the last page of `total` rows, `limit` a page, starts (0 when there are none)."""
    return max(0, (total - 1) // limit * limit) if limit > 0 else 0


def _period(recipient_id: int, filters: Filters) -> dict[str, Any]:
    return {
        "recipient_id": recipient_id,
        "text": filters.text,
        "start": filters.start,
        "end": filters.end,
    }


def money_out_page(
    ctx: Context, recipient_id: int, filters: Filters, offset: int | None, limit: int
) -> Page[Payment]:
    """Payments `offset`.. in the filters' order (`offset=None`: the last page)."""
    rows, count, start = _filtered(
        ctx,
        ledger.money_out_page,
        ledger.money_out_count,
        filters,
        offset,
        limit,
        category=filters.choice,
        **_period(recipient_id, filters),
    )
    return Page(tuple(Payment(m, e) for m, e in rows), count, start)


def money_in_page(
    ctx: Context, recipient_id: int, filters: Filters, offset: int | None, limit: int
) -> Page[MoneyIn]:
    rows, count, start = _filtered(
        ctx,
        ledger.money_in_page,
        ledger.money_in_count,
        filters,
        offset,
        limit,
        source=filters.choice,
        **_period(recipient_id, filters),
    )
    return Page(tuple(rows), count, start)


def invoice_page(
    ctx: Context, recipient_id: int, filters: Filters, offset: int | None, limit: int
) -> Page[InvoiceState]:
    today = ctx.today()
    rows, count, start = _filtered(
        ctx,
        invoices.invoice_page,
        invoices.invoice_count,
        filters,
        offset,
        limit,
        today=today,
        status=filters.choice,
        **_period(recipient_id, filters),
    )
    return Page(tuple(InvoiceState(i, paid, today) for i, paid in rows), count, start)


def provider_page(
    ctx: Context, recipient_id: int, filters: Filters, offset: int | None, limit: int
) -> Page[Provider]:
    rows, count, start = _filtered(
        ctx,
        providers.provider_page,
        providers.provider_count,
        filters,
        offset,
        limit,
        recipient_id=recipient_id,
        text=filters.text,
        kind=filters.choice,
    )
    return Page(tuple(rows), count, start)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A stored document as its table shows it: the record and what it is evidence for,
    in words a person recognises ("Payment 20 Nov 2026, Kent Mobility, £45.00")."""

    record: Document
    evidence_for: tuple[str, ...]


def describe_link(linked: documents.LinkedRecord) -> str:
    """A linked record in words: the payment, invoice or money-in a person would know."""
    if linked.what == "invoice":
        return words.invoice_words(linked.number or "", linked.name)
    if linked.what == "money-out":
        return words.payment_words(linked.date, linked.name, linked.amount_pence or 0)
    return words.money_in_words(linked.date, linked.name, linked.amount_pence or 0)


def document_page(
    ctx: Context, recipient_id: int, filters: Filters, offset: int | None, limit: int
) -> Page[Evidence]:
    """Stored documents `offset`.., each with what it is evidence for (one query a page)."""
    with ctx.db.read() as session:
        rows, count, start = _paged(
            session,
            documents.document_page,
            documents.document_count,
            filters,
            offset,
            limit,
            recipient_id=recipient_id,
            text=filters.text,
            kind=filters.choice,
        )
        linked = documents.linked_records_by_document(
            session=session, document_ids=[d.id for d in rows]
        )
    items = []
    for document in rows:
        found = linked.get(document.id, [])
        tags = tuple(f"{link.what}:{link.id}" for link in found)  # as `Document.links`
        items.append(
            Evidence(replace(document, links=tags), tuple(describe_link(link) for link in found))
        )
    return Page(tuple(items), count, start)


def open_invoices(ctx: Context, recipient_id: int, payee: str) -> list[InvoiceState]:
    """Invoices of the provider called `payee` that still have something to pay, oldest first."""
    today = ctx.today()
    with ctx.db.read() as session:
        provider = providers.by_name(session=session, recipient_id=recipient_id, name=payee)
        if provider is None:
            return []
        rows = invoices.invoice_page(
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


def same_money_out(
    ctx: Context,
    recipient_id: int,
    *,
    day: date,
    amount: Money,
    payee: str,
    leave_out: int | None = None,
) -> list[MoneyOut]:
    """Payments already logged on `day` for exactly `amount` to `payee` (in any case), so a
    form can warn before the same payment is saved twice; `leave_out` is the one being edited."""
    with ctx.db.read() as session:
        found = ledger.money_out(session=session, recipient_id=recipient_id, start=day, end=day)
    wanted = payee.strip().casefold()
    return [
        m
        for m in found
        if m.amount == amount and m.payee.strip().casefold() == wanted and m.id != leave_out
    ]


def same_money_in(
    ctx: Context,
    recipient_id: int,
    *,
    day: date,
    amount: Money,
    source: Source,
    leave_out: int | None = None,
) -> list[MoneyIn]:
    """Money in already logged on `day` for exactly `amount` from `source` (see same_money_out)."""
    with ctx.db.read() as session:
        found = ledger.money_in(session=session, recipient_id=recipient_id, start=day, end=day)
    return [m for m in found if m.amount == amount and m.source == source and m.id != leave_out]


def open_not_overdue(ctx: Context, recipient_id: int, limit: int) -> list[InvoiceState]:
    """The oldest `limit` invoices with something still to pay that are not yet overdue
    (due today or later), oldest first; no count, for the home screen's list."""
    today = ctx.today()
    with ctx.db.read() as session:
        rows = invoices.invoice_page(
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
        return plans.categories_in_use(session=session, recipient_id=recipient_id)


def money_out_by_id(ctx: Context, money_out_id: int) -> MoneyOut:
    with ctx.db.read() as session:
        return ledger.money_out_record(session=session, money_out_id=money_out_id)


def money_in_by_id(ctx: Context, money_in_id: int) -> MoneyIn:
    with ctx.db.read() as session:
        return ledger.money_in_record(session=session, money_in_id=money_in_id)


def invoice_by_id(ctx: Context, recipient_id: int, invoice_id: int) -> InvoiceState:
    today = ctx.today()
    with ctx.db.read() as session:
        found = invoices.invoice_with_allocated(
            session=session, recipient_id=recipient_id, invoice_id=invoice_id
        )
    if found is None:
        raise NotFoundError(f"invoice {invoice_id} does not exist")
    return InvoiceState(found[0], found[1], today)
