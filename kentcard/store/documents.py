"""Files inside the database: bytes once per SHA-256, a document per person, links to records."""

from __future__ import annotations

import hashlib

from sqlmodel import Session, select

from kentcard.store import audit
from kentcard.store.models import BlobRow, DocumentLinkRow, DocumentRow

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
) -> DocumentRow:
    """Store the bytes unless they are already there; reuse the person's document for them."""
    if session.get(BlobRow, sha256) is None:
        session.add(
            BlobRow(sha256=sha256, size=len(content), media_type=media_type, content=content)
        )
        session.flush()
    existing = session.exec(
        select(DocumentRow).where(
            DocumentRow.recipient_id == recipient_id, DocumentRow.sha256 == sha256
        )
    ).first()
    if existing is not None:
        return existing
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
    return row


def link(*, session: Session, document_id: int, target: str, target_id: int) -> DocumentLinkRow:
    """Tie a document to one record (idempotent: linking twice keeps one link).

    Each new link is an audit line on the record it proves, naming the document, its
    SHA-256 and its name: a file already stored (the same bytes attached before, to this
    payment or another) gets no new document line, so without this nothing would say
    that this record gained it.
    """
    found = _link_of(session, document_id, target, target_id)
    if found is not None:
        return found
    row = DocumentLinkRow(document_id=document_id, **{target: target_id})
    session.add(row)
    session.flush()
    _audit_link(session, document_id, target, target_id, ("attached", "to"))
    return row


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
