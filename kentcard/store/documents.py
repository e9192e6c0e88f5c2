"""Files inside the database: bytes once per SHA-256, a document per person, links to records.

Reads return core records (`Document`, `DocumentLine`, `LinkedRecord`); writes return ids and
write their audit lines in the caller's transaction.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from kentcard.core.errors import NotFoundError
from kentcard.core.lines import DocumentLine
from kentcard.core.records import Document
from kentcard.store import audit, convert
from kentcard.store._sql import anything, ordered, rows, search, table
from kentcard.store.models import (
    BlobRow,
    DocumentLinkRow,
    DocumentRow,
    InvoiceRow,
    MoneyInRow,
    MoneyOutRow,
    ProviderRow,
)

TARGETS = ("money_out_id", "money_in_id", "invoice_id")


def put_document(
    *,
    session: Session,
    recipient_id: int,
    sha256: str,
    content: bytes,
    media_type: str,
    filename: str,
    kind: str,
) -> int:
    """Store the bytes unless they are already there; reuse the person's document for them.
    Returns the document's id.

    The bytes are inserted without looking first: in an organisation's database they may
    already be there for another person, where row-level security hides them from this
    login. On SQLite that is INSERT … ON CONFLICT DO NOTHING; on PostgreSQL, where an
    ON CONFLICT insert must also pass the reading policy (which hides the other person's
    bytes), it is a plain INSERT in a savepoint, and a duplicate key means they are there.
    """
    values = {"sha256": sha256, "size": len(content), "media_type": media_type, "content": content}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import insert
        from sqlalchemy.exc import IntegrityError

        try:
            with session.begin_nested():
                session.execute(insert(table(BlobRow)).values(**values))
        except IntegrityError as error:
            if getattr(error.orig, "sqlstate", None) != "23505":  # not a duplicate key
                raise
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(table(BlobRow)).values(**values).on_conflict_do_nothing())
    existing = session.exec(
        select(DocumentRow).where(
            DocumentRow.recipient_id == recipient_id, DocumentRow.sha256 == sha256
        )
    ).first()
    if existing is not None:
        assert existing.id is not None
        return existing.id
    row = DocumentRow(
        recipient_id=recipient_id,
        sha256=sha256,
        filename=filename,
        kind=kind,
        added_at=audit.now_utc(),
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    audit.record(
        session=session,
        entity="document",
        entity_id=row.id,
        action="create",
        recipient_id=recipient_id,
        after=row,
    )
    return row.id


def link(*, session: Session, document_id: int, target: str, target_id: int) -> None:
    """Tie a document to one record (idempotent: linking twice keeps one link).

    Each new link is an audit line on the record it proves, naming the document, its
    SHA-256 and its name: a file already stored (the same bytes attached before, to this
    payment or another) gets no new document line, so without this nothing would say
    that this record gained it.
    """
    if _link_of(session, document_id, target, target_id) is not None:
        return
    session.add(DocumentLinkRow(document_id=document_id, **{target: target_id}))
    session.flush()
    _audit_link(session, document_id, target, target_id, ("attached", "to"))


def unlink(*, session: Session, document_id: int, target: str, target_id: int) -> bool:
    """Untie a document from one record, with an audit line on that record naming the file.

    The document and its bytes stay: the audit log refers to them, and another record may
    still be linked to the same file. Returns False when there was no such link.
    """
    found = _link_of(session, document_id, target, target_id)
    if found is None:
        return False
    session.delete(found)
    session.flush()
    _audit_link(session, document_id, target, target_id, ("detached", "from"))
    return True


def _link_of(
    session: Session, document_id: int, target: str, target_id: int
) -> DocumentLinkRow | None:
    assert target in TARGETS
    column = getattr(DocumentLinkRow, target)
    return session.exec(
        select(DocumentLinkRow).where(
            DocumentLinkRow.document_id == document_id, column == target_id
        )
    ).first()


def _audit_link(
    session: Session, document_id: int, target: str, target_id: int, words: tuple[str, str]
) -> None:
    """An audit line on the record that gained or lost the document: its own columns are
    unchanged, so the line names the file (`attached … to …` or `detached … from …`)."""
    document = session.get(DocumentRow, document_id)
    assert document is not None
    entity = target.removesuffix("_id")
    what, where = words
    audit.record(
        session=session,
        entity=entity,
        entity_id=target_id,
        action="update",
        recipient_id=document.recipient_id,
        extra={
            what: f"document:{document_id}",
            where: f"{entity.replace('_', '-')}:{target_id}",
            "sha256": document.sha256,
            "filename": document.filename,
            "kind": document.kind,
        },
    )


def unlink_all(*, session: Session, target: str, target_id: int) -> int:
    """Remove every link to a record being deleted; the documents themselves are kept."""
    assert target in TARGETS
    column = getattr(DocumentLinkRow, target)
    rows = session.exec(select(DocumentLinkRow).where(column == target_id)).all()
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def content_of(*, session: Session, sha256: str) -> bytes | None:
    blob = session.get(BlobRow, sha256)
    return None if blob is None else blob.content


def bad_blobs(*, session: Session) -> list[str]:
    """Hashes whose stored bytes no longer match their SHA-256 (or their size)."""
    bad = []
    for blob in session.exec(select(BlobRow)):
        if (
            hashlib.sha256(blob.content).hexdigest() != blob.sha256
            or len(blob.content) != blob.size
        ):
            bad.append(blob.sha256)
    return bad


# --- Reads ----------------------------------------------------------------------------------------

_TARGET_ROWS: dict[str, type[Any]] = {
    "money_out_id": MoneyOutRow,
    "money_in_id": MoneyInRow,
    "invoice_id": InvoiceRow,
}


def target_owner_and_day(
    *, session: Session, target: str, target_id: int
) -> tuple[int, date] | None:
    """The person a payment, money-in or invoice belongs to and its date (an invoice's issue
    date), or None when there is no such record."""
    record = session.get(_TARGET_ROWS[target], target_id)
    if record is None:
        return None
    return record.recipient_id, record.issue_date if target == "invoice_id" else record.date


def owner_of(*, session: Session, document_id: int) -> int | None:
    """The person a document belongs to, or None when there is no such document."""
    row = session.get(DocumentRow, document_id)
    return None if row is None else row.recipient_id


def _document_rows(
    session: Session, recipient_id: int, document_id: int | None = None
) -> list[tuple[DocumentRow, int, str]]:
    statement = (
        select(DocumentRow, BlobRow.size, BlobRow.media_type)
        .join(BlobRow, col(BlobRow.sha256) == DocumentRow.sha256)
        .where(DocumentRow.recipient_id == recipient_id)
        .order_by(col(DocumentRow.id))
    )
    if document_id is not None:
        statement = statement.where(DocumentRow.id == document_id)
    return [(doc, size, media) for doc, size, media in session.exec(statement)]


def _links_by_document(session: Session, document_ids: list[int]) -> dict[int, list[str]]:
    """Each document's links as readable tags: `money-out:12`, `invoice:3`, `money-in:4`."""
    out: dict[int, list[str]] = defaultdict(list)
    if not document_ids:
        return out
    for found in session.exec(
        select(DocumentLinkRow)
        .where(col(DocumentLinkRow.document_id).in_(document_ids))
        .order_by(col(DocumentLinkRow.id))
    ):
        if found.money_out_id is not None:
            out[found.document_id].append(f"money-out:{found.money_out_id}")
        elif found.invoice_id is not None:
            out[found.document_id].append(f"invoice:{found.invoice_id}")
        elif found.money_in_id is not None:
            out[found.document_id].append(f"money-in:{found.money_in_id}")
    return out


def documents(*, session: Session, recipient_id: int) -> list[Document]:
    """Every stored document of the person, each with its links, oldest first."""
    found = _document_rows(session, recipient_id)
    links = _links_by_document(session, [r.id for r, _, _ in found if r.id])
    return [
        convert.document(r, size, media, tuple(links.get(r.id or 0, [])))
        for r, size, media in found
    ]


def document(*, session: Session, recipient_id: int, document_id: int) -> Document:
    """One of the person's documents with its links, or NotFoundError."""
    for row, size, media in _document_rows(session, recipient_id, document_id):
        links = _links_by_document(session, [document_id])
        return convert.document(row, size, media, tuple(links.get(document_id, [])))
    raise NotFoundError(f"document {document_id} does not exist")


def document_lines(*, session: Session | Connection, recipient_id: int) -> list[DocumentLine]:
    """Every stored document of this person with its links, in one joined query."""
    doc, blob, link_table = table(DocumentRow), table(BlobRow), table(DocumentLinkRow)
    d = doc.c
    statement = (
        core_select(
            d.id, d.sha256, d.filename, blob.c.media_type, blob.c.size, d.kind, d.added_at,
            link_table.c.money_out_id, link_table.c.money_in_id, link_table.c.invoice_id,
        )
        .join(blob, blob.c.sha256 == d.sha256)
        .outerjoin(link_table, link_table.c.document_id == d.id)
        .where(d.recipient_id == recipient_id)
        .order_by(d.id, link_table.c.id)
    )  # fmt: skip
    found: dict[int, tuple[tuple[Any, ...], list[str]]] = {}
    for *head, out_id, in_id, invoice_id in rows(session, statement):
        _, links = found.setdefault(head[0], (tuple(head), []))
        if out_id is not None:
            links.append(f"money-out:{out_id}")
        elif invoice_id is not None:
            links.append(f"invoice:{invoice_id}")
        elif in_id is not None:
            links.append(f"money-in:{in_id}")
    return [DocumentLine._make((*head, tuple(links))) for head, links in found.values()]


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
    link_row, paid, received = DocumentLinkRow, MoneyOutRow, MoneyInRow
    statement: Any = (
        core_select(
            col(link_row.document_id),
            col(link_row.money_out_id),
            col(paid.date).label("out_date"),
            col(paid.payee),
            col(paid.amount_pence).label("out_pence"),
            col(link_row.invoice_id),
            col(InvoiceRow.number),
            col(ProviderRow.name),
            col(link_row.money_in_id),
            col(received.date).label("in_date"),
            col(received.source),
            col(received.amount_pence).label("in_pence"),
        )
        .select_from(link_row)
        .outerjoin(paid, col(paid.id) == link_row.money_out_id)
        .outerjoin(InvoiceRow, col(InvoiceRow.id) == link_row.invoice_id)
        .outerjoin(ProviderRow, col(ProviderRow.id) == InvoiceRow.provider_id)
        .outerjoin(received, col(received.id) == link_row.money_in_id)
        .where(col(link_row.document_id).in_(document_ids))
        .order_by(col(link_row.id))
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


def _document_where(recipient_id: int, text: str | None, kind: str | None) -> Any:
    return and_(
        col(DocumentRow.recipient_id) == recipient_id,
        search(text, col(DocumentRow.filename), col(BlobRow.media_type)),
        anything() if kind is None else col(DocumentRow.kind) == kind,
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
) -> list[Document]:
    """One page of stored documents (their links left empty: see
    `linked_records_by_document`)."""
    columns = {
        "added": col(DocumentRow.id),
        "name": func.lower(DocumentRow.filename),
        "kind": col(DocumentRow.kind),
        "size": col(BlobRow.size),
    }
    base = select(DocumentRow, BlobRow.size, BlobRow.media_type).join(
        BlobRow, col(BlobRow.sha256) == DocumentRow.sha256
    )
    statement = ordered(
        base.where(_document_where(recipient_id, text, kind)),
        columns,
        sort,
        descending,
        col(DocumentRow.id),
    )
    found = session.exec(statement.offset(offset).limit(limit))
    return [convert.document(d, s, m, ()) for d, s, m in found]


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
