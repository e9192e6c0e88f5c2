"""Attaching receipts, invoices and other evidence, and reading them back intact."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from sqlmodel import Session

from kentcard.core.errors import ConflictError, InputError, KentcardError, NotFoundError
from kentcard.core.records import Document, DocumentKind
from kentcard.services.context import Context
from kentcard.services.intake import Upload, read_upload
from kentcard.store import documents as store
from kentcard.store import locks

_TARGETS = store.TARGETS


def read_files(paths: Sequence[str | os.PathLike[str]], field: str) -> list[Upload]:
    """Read and check every file before any transaction starts, so a bad one writes nothing."""
    return [read_upload(path, field) for path in paths]


def store_uploads(
    *,
    session: Session,
    recipient_id: int,
    uploads: Sequence[Upload],
    kind: DocumentKind,
    target: str,
    target_id: int,
) -> list[int]:
    """Put each upload in the database and link it to one record; returns document ids."""
    ids = []
    for upload in uploads:
        document_id = store_upload(
            session=session, recipient_id=recipient_id, upload=upload, kind=kind
        )
        store.link(session=session, document_id=document_id, target=target, target_id=target_id)
        ids.append(document_id)
    return ids


def store_upload(*, session: Session, recipient_id: int, upload: Upload, kind: DocumentKind) -> int:
    """Put one upload in the database (once per distinct file); returns its document id."""
    return store.put_document(
        session=session,
        recipient_id=recipient_id,
        sha256=upload.sha256,
        content=upload.content,
        media_type=upload.media_type,
        filename=upload.filename,
        kind=kind.value,
    )


def attach_document(
    ctx: Context,
    path: str | os.PathLike[str] | Upload,
    *,
    money_out_id: int | None = None,
    money_in_id: int | None = None,
    invoice_id: int | None = None,
    kind: DocumentKind = DocumentKind.RECEIPT,
) -> Document:
    """Store a file and link it to exactly one record. Allowed in a locked period too.

    `path` may be a file already read and checked by `read_files` (the command line reads
    it before it opens the database, so a bad file writes nothing, not even a new file).
    """
    targets = {"money_out_id": money_out_id, "money_in_id": money_in_id, "invoice_id": invoice_id}
    chosen = [(name, value) for name, value in targets.items() if value is not None]
    if len(chosen) != 1:
        raise InputError("target", "attach a document to exactly one payment or invoice")
    target, target_id = chosen[0]
    assert target_id is not None
    upload = path if isinstance(path, Upload) else read_upload(path, "file")
    with ctx.db.write() as session:
        found = store.target_owner_and_day(session=session, target=target, target_id=target_id)
        if found is None:
            raise NotFoundError(f"{_label(target)} {target_id} does not exist")
        recipient_id = found[0]
        [doc_id] = store_uploads(
            session=session,
            recipient_id=recipient_id,
            uploads=[upload],
            kind=kind,
            target=target,
            target_id=target_id,
        )
        return _document(session, recipient_id, doc_id)


def relink_documents(
    ctx: Context,
    recipient_id: int,
    document_ids: Sequence[int],
    *,
    money_out_id: int | None = None,
    money_in_id: int | None = None,
    invoice_id: int | None = None,
) -> None:
    """Link files already stored to one record again (undoing its deletion), in one
    transaction, each link with its audit line."""
    targets = {"money_out_id": money_out_id, "money_in_id": money_in_id, "invoice_id": invoice_id}
    [(target, target_id)] = [(k, v) for k, v in targets.items() if v is not None]
    assert target_id is not None
    with ctx.db.write() as session:
        for document_id in document_ids:
            if store.owner_of(session=session, document_id=document_id) != recipient_id:
                raise NotFoundError(f"document {document_id} does not exist")
            store.link(session=session, document_id=document_id, target=target, target_id=target_id)


def target_of(tag: str) -> dict[str, int]:
    """A link as the tables tag it (`money-out:3`) as the keyword `attach_document` and
    `detach_document` take (`{"money_out_id": 3}`)."""
    what, _, number = tag.partition(":")
    target = what.replace("-", "_") + "_id"
    if target not in _TARGETS or not number.isdigit():
        raise InputError("target", f"{tag!r} is not a payment, money in or invoice")
    return {target: int(number)}


def detach_document(
    ctx: Context,
    recipient_id: int,
    document_id: int,
    *,
    money_out_id: int | None = None,
    money_in_id: int | None = None,
    invoice_id: int | None = None,
) -> Document:
    """Untie a file attached by mistake from one record, with an audit line naming it.

    The file stays in the database (the audit log refers to it, and it may prove another
    record); once nothing links it, no export includes it. Refused for a record dated in a
    reviewed, locked period: what the reviewer saw as its evidence must not shrink (adding
    evidence there is allowed; taking it away needs a deliberate unlock first).
    """
    targets = {"money_out_id": money_out_id, "money_in_id": money_in_id, "invoice_id": invoice_id}
    chosen = [(name, value) for name, value in targets.items() if value is not None]
    if len(chosen) != 1:
        raise InputError("target", "detach a document from exactly one payment or invoice")
    target, target_id = chosen[0]
    assert target_id is not None
    with ctx.db.write() as session:
        if store.owner_of(session=session, document_id=document_id) != recipient_id:
            raise NotFoundError(f"document {document_id} does not exist")
        found = store.target_owner_and_day(session=session, target=target, target_id=target_id)
        if found is None or found[0] != recipient_id:
            raise NotFoundError(f"{_label(target)} {target_id} does not exist")
        day = found[1]
        limit = locks.locked_to(session=session, recipient_id=recipient_id)
        if limit is not None and day <= limit:
            raise ConflictError(
                f"file: {_label(target)} {target_id} is dated {day}, in a reviewed period "
                f"locked up to {limit}, so its evidence is kept as the reviewer saw it; to "
                f"detach the file, unlock first: kentcard unlock --from {day} --reason WHY"
            )
        if not store.unlink(
            session=session, document_id=document_id, target=target, target_id=target_id
        ):
            raise NotFoundError(
                f"document {document_id} is not attached to {_label(target)} {target_id}"
            )
        return _document(session, recipient_id, document_id)


def _label(target: str) -> str:
    return target.removesuffix("_id").replace("_", "-")


def list_documents(ctx: Context, recipient_id: int) -> list[Document]:
    with ctx.db.read() as session:
        return store.documents(session=session, recipient_id=recipient_id)


def read_document(ctx: Context, document_id: int) -> tuple[Document, bytes]:
    """A document's record and its bytes, verified against the stored SHA-256."""
    with ctx.db.read() as session:
        owner = store.owner_of(session=session, document_id=document_id)
        if owner is None:
            raise NotFoundError(f"document {document_id} does not exist")
        document = _document(session, owner, document_id)
        content = store.content_of(session=session, sha256=document.sha256)
    if content is None or hashlib.sha256(content).hexdigest() != document.sha256:
        raise KentcardError(
            f"document {document_id}: the stored file is damaged (its hash does not match)"
        )
    return document, content


def _document(session: Session, recipient_id: int, document_id: int) -> Document:
    return store.document(session=session, recipient_id=recipient_id, document_id=document_id)
