"""Repository reads: rows in, records out. Every function takes a keyword-only session.

Totals are computed in SQL (SUM over INTEGER pence) so a month summary reads a
handful of aggregates, never the whole ledger.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Table, and_, exists, func, or_
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from kentcard.core.errors import NotFoundError
from kentcard.core.lines import InvoiceLine
from kentcard.core.money import Money
from kentcard.core.records import Invoice, MoneyIn, MoneyOut, Plan, Provider, Recipient
from kentcard.store import convert
from kentcard.store.models import (
    AllocationRow,
    BlobRow,
    DocumentLinkRow,
    DocumentRow,
    InvoiceRow,
    MoneyInRow,
    MoneyOutRow,
    PlanLineRow,
    PlanRow,
    ProviderRow,
    RecipientRow,
)


def recipients(*, session: Session) -> list[Recipient]:
    rows = session.exec(select(RecipientRow).order_by(col(RecipientRow.id)))
    return [convert.recipient(r) for r in rows]


def recipient(*, session: Session, recipient_id: int) -> Recipient:
    """The person with this id, or NotFoundError."""
    row = session.get(RecipientRow, recipient_id)
    if row is None:
        raise NotFoundError(f"recipient {recipient_id} does not exist")
    return convert.recipient(row)


def plans(*, session: Session, recipient_id: int) -> list[Plan]:
    rows = list(
        session.exec(
            select(PlanRow)
            .where(PlanRow.recipient_id == recipient_id)
            .order_by(col(PlanRow.start_date))
        )
    )
    lines: dict[int, list[PlanLineRow]] = defaultdict(list)
    if rows:
        ids = [r.id for r in rows]
        for line in session.exec(
            select(PlanLineRow)
            .where(col(PlanLineRow.plan_id).in_(ids))
            .order_by(col(PlanLineRow.id))
        ):
            lines[line.plan_id].append(line)
    return [convert.plan(r, lines[r.id or 0]) for r in rows]


def providers(*, session: Session, recipient_id: int) -> list[Provider]:
    rows = session.exec(
        select(ProviderRow)
        .where(ProviderRow.recipient_id == recipient_id)
        .order_by(func.lower(ProviderRow.name))
    )
    return [convert.provider(r) for r in rows]


def provider_row_by_name(*, session: Session, recipient_id: int, name: str) -> ProviderRow | None:
    """Case-insensitive exact name match (the same on SQLite and PostgreSQL)."""
    return session.exec(
        select(ProviderRow).where(
            ProviderRow.recipient_id == recipient_id,
            func.lower(ProviderRow.name) == name.strip().lower(),
        )
    ).first()


def _in_range(column, start: date | None, end: date | None):  # type: ignore[no-untyped-def]
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column <= end)
    return and_(True, *conditions)


def money_in(
    *, session: Session, recipient_id: int, start: date | None = None, end: date | None = None
) -> list[MoneyIn]:
    rows = session.exec(
        select(MoneyInRow)
        .where(MoneyInRow.recipient_id == recipient_id, _in_range(MoneyInRow.date, start, end))
        .order_by(col(MoneyInRow.date), col(MoneyInRow.id))
    )
    return [convert.money_in(r) for r in rows]


def money_out(
    *, session: Session, recipient_id: int, start: date | None = None, end: date | None = None
) -> list[MoneyOut]:
    rows = session.exec(
        select(MoneyOutRow)
        .where(MoneyOutRow.recipient_id == recipient_id, _in_range(MoneyOutRow.date, start, end))
        .order_by(col(MoneyOutRow.date), col(MoneyOutRow.id))
    )
    return [convert.money_out(r) for r in rows]


def invoices_with_allocated(
    *, session: Session, recipient_id: int, issued_by: date | None = None
) -> list[tuple[Invoice, Money]]:
    """Every invoice (optionally those issued by a day) with what was paid against it.

    With `issued_by`, only payments dated up to that day count: the state of the
    invoices as it stood then.
    """
    # Only this person's allocations: summing every allocation in the database first
    # cost seconds on a database of many accounts.
    theirs = select(InvoiceRow.id).where(InvoiceRow.recipient_id == recipient_id)
    paid = select(
        AllocationRow.invoice_id, func.sum(AllocationRow.amount_pence).label("paid")
    ).where(col(AllocationRow.invoice_id).in_(theirs))
    if issued_by is not None:
        paid = paid.join(MoneyOutRow, col(MoneyOutRow.id) == AllocationRow.money_out_id).where(
            MoneyOutRow.date <= issued_by
        )
    allocated = paid.group_by(col(AllocationRow.invoice_id)).subquery()
    statement = (
        select(InvoiceRow, ProviderRow.name, func.coalesce(allocated.c.paid, 0))
        .join(ProviderRow, col(ProviderRow.id) == InvoiceRow.provider_id)
        .outerjoin(allocated, allocated.c.invoice_id == InvoiceRow.id)
        .where(InvoiceRow.recipient_id == recipient_id)
        .order_by(col(InvoiceRow.issue_date), col(InvoiceRow.id))
    )
    if issued_by is not None:
        statement = statement.where(InvoiceRow.issue_date <= issued_by)
    return [
        (convert.invoice(row, name), Money(int(paid)))
        for row, name, paid in session.exec(statement)
    ]


def _table(model: Any) -> Table:
    """The Core table of a model, for queries that want plain rows (no ORM objects)."""
    table: Table = model.__table__
    return table


def invoices_to_review(
    *, session: Session, recipient_id: int, day: date, issued_from: date | None = None
) -> list[tuple[InvoiceLine, int]]:
    """Invoices issued by `day` that still had something to pay on `day`, and (with
    `issued_from`) every invoice issued in [issued_from, day]: each with the pence paid
    against it by payments dated up to `day`, by issue date.

    What a review can say about invoices comes from these alone (overdue, overpaid, hours ×
    rate, the total owed), so the tens of thousands settled long ago stay in the database.
    An allocation always joins a payment and an invoice of the same person (the allocation
    service checks), so what was paid is summed by invoice, through the allocation index.
    """
    inv, alloc, out, provider = (
        _table(m) for m in (InvoiceRow, AllocationRow, MoneyOutRow, ProviderRow)
    )

    def paid() -> Any:
        return (
            core_select(func.coalesce(func.sum(alloc.c.amount_pence), 0))
            .select_from(alloc.join(out, out.c.id == alloc.c.money_out_id))
            .where(alloc.c.invoice_id == inv.c.id, out.c.date <= day)
            .scalar_subquery()
        )

    owing = inv.c.amount_pence > paid()
    c = inv.c
    statement = (
        core_select(
            c.id, provider.c.name, c.number, c.issue_date, c.amount_pence, c.due_date,
            c.hours_centi, c.rate_pence, c.period_start, c.period_end, paid(),
        )
        .join(provider, provider.c.id == c.provider_id)
        .where(
            c.recipient_id == recipient_id,
            c.issue_date <= day,
            owing if issued_from is None else or_(c.issue_date >= issued_from, owing),
        )
        .order_by(c.issue_date, c.id)
    )  # fmt: skip
    make = InvoiceLine._make
    return [(make(row[:-1]), int(row[-1])) for row in session.connection().execute(statement)]


def allocations_for_money_out(*, session: Session, money_out_id: int) -> list[AllocationRow]:
    return list(
        session.exec(select(AllocationRow).where(AllocationRow.money_out_id == money_out_id))
    )


def allocated_to_invoice(
    *, session: Session, invoice_id: int, excluding_money_out: int | None = None
) -> Money:
    statement = select(func.coalesce(func.sum(AllocationRow.amount_pence), 0)).where(
        AllocationRow.invoice_id == invoice_id
    )
    if excluding_money_out is not None:
        statement = statement.where(AllocationRow.money_out_id != excluding_money_out)
    return Money(int(session.exec(statement).one()))


def money_out_without_evidence(
    *, session: Session, recipient_id: int, start: date | None = None, end: date | None = None
) -> list[MoneyOut]:
    """Money out with no document of its own and no allocated invoice that has one."""
    own = exists().where(col(DocumentLinkRow.money_out_id) == MoneyOutRow.id)
    via_invoice = (
        exists()
        .where(col(AllocationRow.money_out_id) == MoneyOutRow.id)
        .where(col(DocumentLinkRow.invoice_id) == AllocationRow.invoice_id)
    )
    rows = session.exec(
        select(MoneyOutRow)
        .where(
            MoneyOutRow.recipient_id == recipient_id,
            _in_range(MoneyOutRow.date, start, end),
            ~or_(own, via_invoice),
        )
        .order_by(col(MoneyOutRow.date), col(MoneyOutRow.id))
    )
    return [convert.money_out(r) for r in rows]


def document_rows(*, session: Session, recipient_id: int) -> list[tuple[DocumentRow, int, str]]:
    statement = (
        select(DocumentRow, BlobRow.size, BlobRow.media_type)
        .join(BlobRow, col(BlobRow.sha256) == DocumentRow.sha256)
        .where(DocumentRow.recipient_id == recipient_id)
        .order_by(col(DocumentRow.id))
    )
    return [(doc, size, media) for doc, size, media in session.exec(statement)]


def links_by_document(*, session: Session, document_ids: list[int]) -> dict[int, list[str]]:
    """Each document's links as readable tags: `money-out:12`, `invoice:3`, `money-in:4`."""
    out: dict[int, list[str]] = defaultdict(list)
    if not document_ids:
        return out
    for link in session.exec(
        select(DocumentLinkRow)
        .where(col(DocumentLinkRow.document_id).in_(document_ids))
        .order_by(col(DocumentLinkRow.id))
    ):
        if link.money_out_id is not None:
            out[link.document_id].append(f"money-out:{link.money_out_id}")
        elif link.invoice_id is not None:
            out[link.document_id].append(f"invoice:{link.invoice_id}")
        elif link.money_in_id is not None:
            out[link.document_id].append(f"money-in:{link.money_in_id}")
    return out


class LinkedRecord(NamedTuple):
    """What a document is evidence for, as a person knows it: a payment (date, payee,
    amount), an invoice (number, provider) or a money-in (date, source, amount)."""

    what: str  # "money-out", "invoice" or "money-in"
    id: int
    date: date | None
    name: str  # the payee, the invoice's provider or the money-in's source
    amount_pence: int | None
    number: str | None = None


def linked_records_by_document(
    *, session: Session, document_ids: list[int]
) -> dict[int, list[LinkedRecord]]:
    """Each document's linked payments, invoices and money-in, in one query for all of them."""
    out: dict[int, list[LinkedRecord]] = defaultdict(list)
    if not document_ids:
        return out
    link, paid, received = DocumentLinkRow, MoneyOutRow, MoneyInRow
    statement: Any = (
        core_select(
            col(link.document_id),
            col(link.money_out_id),
            col(paid.date).label("out_date"),
            col(paid.payee),
            col(paid.amount_pence).label("out_pence"),
            col(link.invoice_id),
            col(InvoiceRow.number),
            col(ProviderRow.name),
            col(link.money_in_id),
            col(received.date).label("in_date"),
            col(received.source),
            col(received.amount_pence).label("in_pence"),
        )
        .select_from(link)
        .outerjoin(paid, col(paid.id) == link.money_out_id)
        .outerjoin(InvoiceRow, col(InvoiceRow.id) == link.invoice_id)
        .outerjoin(ProviderRow, col(ProviderRow.id) == InvoiceRow.provider_id)
        .outerjoin(received, col(received.id) == link.money_in_id)
        .where(col(link.document_id).in_(document_ids))
        .order_by(col(link.id))
    )
    for r in session.execute(statement):
        if r.money_out_id is not None:
            found = LinkedRecord("money-out", r.money_out_id, r.out_date, r.payee, r.out_pence)
        elif r.invoice_id is not None:
            found = LinkedRecord("invoice", r.invoice_id, None, r.name, None, r.number)
        else:
            found = LinkedRecord("money-in", r.money_in_id, r.in_date, r.source, r.in_pence)
        out[r.document_id].append(found)
    return out


# --- Paged reads for the terminal app's tables -----------------------------------------------
# A table of 100,000 rows is read one page at a time: a filter, a sort and a COUNT, all in SQL.


def _anything():  # type: ignore[no-untyped-def]
    return and_(True)


def _has_evidence():  # type: ignore[no-untyped-def]
    """True for a money-out with its own document or an allocated invoice that has one."""
    own = exists().where(col(DocumentLinkRow.money_out_id) == MoneyOutRow.id)
    via_invoice = (
        exists()
        .where(col(AllocationRow.money_out_id) == MoneyOutRow.id)
        .where(col(DocumentLinkRow.invoice_id) == AllocationRow.invoice_id)
    )
    return or_(own, via_invoice)


def _search(text: str | None, *columns):  # type: ignore[no-untyped-def]
    """Any of `columns` contains `text`, ignoring case (ilike: the same on PostgreSQL)."""
    if not text or not text.strip():
        return and_(True)
    pattern = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern += "%"
    return or_(*(col(c).ilike(pattern, escape="\\") for c in columns))


def _ordered(statement, sort_columns: dict, sort: str, descending: bool, id_column):  # type: ignore[no-untyped-def]
    column = sort_columns.get(sort, id_column)
    first = column.desc() if descending else column.asc()
    return statement.order_by(first, id_column.desc() if descending else id_column.asc())


def _money_out_where(recipient_id: int, text, start, end, category):  # type: ignore[no-untyped-def]
    conditions = [
        MoneyOutRow.recipient_id == recipient_id,
        _in_range(MoneyOutRow.date, start, end),
        _search(
            text,
            MoneyOutRow.payee,
            MoneyOutRow.description,
            MoneyOutRow.reference,
            MoneyOutRow.category,
        ),
    ]
    if category is not None:
        conditions.append(func.lower(MoneyOutRow.category) == category.lower())
    return and_(*conditions)


def money_out_page(
    *,
    session: Session,
    recipient_id: int,
    offset: int,
    limit: int,
    text: str | None = None,
    start: date | None = None,
    end: date | None = None,
    category: str | None = None,
    sort: str = "date",
    descending: bool = True,
) -> list[tuple[MoneyOut, bool]]:
    """One page of money out, each with whether it has evidence."""
    columns = {
        "date": col(MoneyOutRow.date),
        "amount": col(MoneyOutRow.amount_pence),
        "payee": func.lower(MoneyOutRow.payee),
        "category": func.lower(MoneyOutRow.category),
    }
    statement = select(MoneyOutRow, _has_evidence()).where(
        _money_out_where(recipient_id, text, start, end, category)
    )
    statement = _ordered(statement, columns, sort, descending, col(MoneyOutRow.id))
    rows = session.exec(statement.offset(offset).limit(limit))
    return [(convert.money_out(row), bool(evidenced)) for row, evidenced in rows]


def money_out_count(
    *,
    session: Session,
    recipient_id: int,
    text: str | None = None,
    start: date | None = None,
    end: date | None = None,
    category: str | None = None,
) -> int:
    statement = select(func.count()).where(
        _money_out_where(recipient_id, text, start, end, category)
    )
    return int(session.exec(statement).one())


def _money_in_where(recipient_id: int, text, start, end, source):  # type: ignore[no-untyped-def]
    conditions = [
        MoneyInRow.recipient_id == recipient_id,
        _in_range(MoneyInRow.date, start, end),
        _search(text, MoneyInRow.reference, MoneyInRow.note, MoneyInRow.category),
    ]
    if source is not None:
        conditions.append(MoneyInRow.source == source)
    return and_(*conditions)


def money_in_page(
    *,
    session: Session,
    recipient_id: int,
    offset: int,
    limit: int,
    text: str | None = None,
    start: date | None = None,
    end: date | None = None,
    source: str | None = None,
    sort: str = "date",
    descending: bool = True,
) -> list[MoneyIn]:
    columns = {
        "date": col(MoneyInRow.date),
        "amount": col(MoneyInRow.amount_pence),
        "source": col(MoneyInRow.source),
        "reference": func.lower(MoneyInRow.reference),
    }
    statement = select(MoneyInRow).where(_money_in_where(recipient_id, text, start, end, source))
    statement = _ordered(statement, columns, sort, descending, col(MoneyInRow.id))
    return [convert.money_in(r) for r in session.exec(statement.offset(offset).limit(limit))]


def money_in_count(
    *,
    session: Session,
    recipient_id: int,
    text: str | None = None,
    start: date | None = None,
    end: date | None = None,
    source: str | None = None,
) -> int:
    statement = select(func.count()).where(_money_in_where(recipient_id, text, start, end, source))
    return int(session.exec(statement).one())


def _invoice_paid():  # type: ignore[no-untyped-def]
    """What is allocated to the invoice of the row, summed through the allocation index.

    A correlated subquery, not a join on every allocation grouped by invoice: grouping the
    whole table cost seconds on a database of many accounts, and a page sorted by date
    sums the allocations of its own rows only.
    """
    return (
        select(func.coalesce(func.sum(AllocationRow.amount_pence), 0))
        .where(AllocationRow.invoice_id == InvoiceRow.id)
        .correlate(InvoiceRow)
        .scalar_subquery()
    )


def _invoice_where(recipient_id: int, text, start, end, status, today):  # type: ignore[no-untyped-def]
    """Invoices filtered in SQL, by status too (what is allocated compared with the amount)."""
    paid = _invoice_paid()
    amount = col(InvoiceRow.amount_pence)
    by_status = {
        "unpaid": paid <= 0,
        "part-paid": and_(paid > 0, paid < amount),
        "paid": paid == amount,
        "overpaid": paid > amount,
        "overdue": and_(col(InvoiceRow.due_date) < today, paid < amount),
        "open": paid < amount,
    }
    conditions = [
        InvoiceRow.recipient_id == recipient_id,
        _in_range(InvoiceRow.issue_date, start, end),
        _search(text, InvoiceRow.number, ProviderRow.name),
    ]
    if status is not None:
        conditions.append(by_status[status])
    return and_(*conditions)


def invoice_page(
    *,
    session: Session,
    recipient_id: int,
    offset: int,
    limit: int,
    today: date,
    text: str | None = None,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
    provider_id: int | None = None,
    due_from: date | None = None,
    sort: str = "date",
    descending: bool = True,
) -> list[tuple[Invoice, Money]]:
    """One page of invoices with what is allocated to each; status one of unpaid, ..., open;
    with `due_from`, only those due on that day or later."""
    where = _invoice_where(recipient_id, text, start, end, status, today)
    columns = {
        "date": col(InvoiceRow.issue_date),
        "amount": col(InvoiceRow.amount_pence),
        "provider": func.lower(ProviderRow.name),
        "number": col(InvoiceRow.number),
        "due": col(InvoiceRow.due_date),
        "outstanding": col(InvoiceRow.amount_pence) - _invoice_paid(),
    }
    statement = (
        select(InvoiceRow, ProviderRow.name, _invoice_paid())
        .join(ProviderRow, col(ProviderRow.id) == InvoiceRow.provider_id)
        .where(where)
    )
    if provider_id is not None:
        statement = statement.where(InvoiceRow.provider_id == provider_id)
    if due_from is not None:
        statement = statement.where(col(InvoiceRow.due_date) >= due_from)
    statement = _ordered(statement, columns, sort, descending, col(InvoiceRow.id))
    rows = session.exec(statement.offset(offset).limit(limit))
    return [(convert.invoice(row, name), Money(int(done))) for row, name, done in rows]


def invoice_with_allocated(
    *, session: Session, recipient_id: int, invoice_id: int
) -> tuple[Invoice, Money] | None:
    """One of the person's invoices with all that is allocated to it (None if there is none)."""
    statement = (
        select(InvoiceRow, ProviderRow.name, _invoice_paid())
        .join(ProviderRow, col(ProviderRow.id) == InvoiceRow.provider_id)
        .where(InvoiceRow.recipient_id == recipient_id, InvoiceRow.id == invoice_id)
    )
    found = session.exec(statement).first()
    if found is None:
        return None
    row, name, paid = found
    return convert.invoice(row, name), Money(int(paid))


def invoice_count(
    *,
    session: Session,
    recipient_id: int,
    today: date,
    text: str | None = None,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
) -> int:
    where = _invoice_where(recipient_id, text, start, end, status, today)
    statement = (
        select(func.count())
        .select_from(InvoiceRow)
        .join(ProviderRow, col(ProviderRow.id) == InvoiceRow.provider_id)
        .where(where)
    )
    return int(session.exec(statement).one())


def _provider_where(recipient_id: int, text, kind):  # type: ignore[no-untyped-def]
    return and_(
        col(ProviderRow.recipient_id) == recipient_id,
        _search(text, ProviderRow.name, ProviderRow.category),
        _anything() if kind is None else col(ProviderRow.kind) == kind,
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
    statement = _ordered(
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


def _document_where(recipient_id: int, text, kind):  # type: ignore[no-untyped-def]
    return and_(
        col(DocumentRow.recipient_id) == recipient_id,
        _search(text, DocumentRow.filename, BlobRow.media_type),
        _anything() if kind is None else col(DocumentRow.kind) == kind,
    )


def document_page(
    *,
    session: Session,
    recipient_id: int,
    offset: int,
    limit: int,
    text: str | None = None,
    kind: str | None = None,
    sort: str = "added",
    descending: bool = True,
) -> list[tuple[DocumentRow, int, str]]:
    """One page of stored documents: each row with its size and media type."""
    columns = {
        "added": col(DocumentRow.id),
        "name": func.lower(DocumentRow.filename),
        "kind": col(DocumentRow.kind),
        "size": col(BlobRow.size),
    }
    base = select(DocumentRow, BlobRow.size, BlobRow.media_type).join(
        BlobRow, col(BlobRow.sha256) == DocumentRow.sha256
    )
    statement = _ordered(
        base.where(_document_where(recipient_id, text, kind)),
        columns,
        sort,
        descending,
        col(DocumentRow.id),
    )
    return [(d, s, m) for d, s, m in session.exec(statement.offset(offset).limit(limit))]


def document_count(
    *, session: Session, recipient_id: int, text: str | None = None, kind: str | None = None
) -> int:
    counted = (
        select(func.count())
        .select_from(DocumentRow)
        .join(BlobRow, col(BlobRow.sha256) == DocumentRow.sha256)
        .where(_document_where(recipient_id, text, kind))
    )
    return int(session.exec(counted).one())


def categories_in_use(*, session: Session, recipient_id: int) -> list[str]:
    """Every category named by a plan line, a provider or a money-out (for filters and hints)."""
    found: set[str] = set()
    for statement in (
        select(PlanLineRow.category)
        .join(PlanRow, col(PlanRow.id) == PlanLineRow.plan_id)
        .where(PlanRow.recipient_id == recipient_id),
        select(ProviderRow.category).where(ProviderRow.recipient_id == recipient_id),
        select(MoneyOutRow.category).where(MoneyOutRow.recipient_id == recipient_id).distinct(),
    ):
        found.update(c for c in session.exec(statement) if c)
    by_fold: dict[str, str] = {}
    for name in sorted(found):
        by_fold.setdefault(name.casefold(), name)
    return sorted(by_fold.values(), key=str.casefold)
