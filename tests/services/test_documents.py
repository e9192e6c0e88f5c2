"""Evidence: receipts and invoice files evidence a payment, are stored once and read back intact."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from kentcard.core.errors import InputError, KentcardError, NotFoundError
from kentcard.core.money import Money
from kentcard.core.records import DocumentKind
from kentcard.services.allocations import allocate
from kentcard.services.context import Context
from kentcard.services.documents import attach_document, list_documents, read_document
from kentcard.services.ledger import InvoiceClaim, add_money_out
from kentcard.services.review import Kind, review
from tests.services.helpers import (
    AGENCY,
    count,
    counts,
    invoice,
    pdf_bytes,
    pdf_file,
    person,
    provider,
)

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def pay(
    ctx: Context,
    rid: int,
    pence: int = 10_000,
    receipts: tuple[Path, ...] = (),
    claims: tuple[InvoiceClaim, ...] = (),
) -> int:
    return add_money_out(
        ctx,
        rid,
        date=date(2026, 11, 5),
        amount=Money(pence),
        payee=AGENCY,
        receipts=receipts,
        invoices=claims,
    ).id


def unevidenced(ctx: Context, rid: int) -> set[str | None]:
    """The records of November's NO_EVIDENCE findings."""
    return {f.record for f in review(ctx, rid, *NOVEMBER) if f.kind is Kind.NO_EVIDENCE}


def test_payment_with_a_receipt_is_evidenced_and_one_without_is_not(
    ctx: Context, tmp_path: Path
) -> None:
    """Only the payment with no receipt gets a NO_EVIDENCE finding, with its amount."""
    rid = person(ctx)
    with_receipt = pay(ctx, rid, receipts=(pdf_file(tmp_path),))
    bare = pay(ctx, rid, 4_321)
    assert unevidenced(ctx, rid) == {f"money-out:{bare}"}
    [finding] = [f for f in review(ctx, rid, *NOVEMBER) if f.kind is Kind.NO_EVIDENCE]
    assert finding.amount == Money(4_321)
    assert finding.date == date(2026, 11, 5)
    assert f"money-out:{with_receipt}" not in unevidenced(ctx, rid)


def test_attaching_a_receipt_later_clears_the_finding(ctx: Context, tmp_path: Path) -> None:
    """A receipt attached after the payment was logged makes it evidenced."""
    rid = person(ctx)
    bare = pay(ctx, rid)
    assert unevidenced(ctx, rid) == {f"money-out:{bare}"}
    doc = attach_document(ctx, pdf_file(tmp_path), money_out_id=bare)
    assert doc.links == (f"money-out:{bare}",)
    assert unevidenced(ctx, rid) == set()


def test_paying_an_invoice_that_has_a_document_counts_as_evidence(
    ctx: Context, tmp_path: Path
) -> None:
    """A payment allocated to an invoice with a file is evidenced; to one without, it is not."""
    rid = person(ctx)
    provider(ctx, rid)
    invoice(ctx, rid, "INV-1", 10_000, file=pdf_file(tmp_path, "invoice-1"))
    invoice(ctx, rid, "INV-2", 10_000)
    via_document = pay(ctx, rid, claims=(InvoiceClaim("INV-1"),))
    via_bare_invoice = pay(ctx, rid, claims=(InvoiceClaim("INV-2"),))
    assert unevidenced(ctx, rid) == {f"money-out:{via_bare_invoice}"}
    assert f"money-out:{via_document}" not in unevidenced(ctx, rid)


def test_document_attached_to_an_invoice_later_evidences_its_payments(
    ctx: Context, tmp_path: Path
) -> None:
    """Attaching the invoice's PDF afterwards evidences every payment allocated to it."""
    rid = person(ctx)
    provider(ctx, rid)
    inv = invoice(ctx, rid, "INV-1", 30_000)
    first, second = pay(ctx, rid), pay(ctx, rid)
    allocate(ctx, first, inv)
    allocate(ctx, second, inv)
    assert unevidenced(ctx, rid) == {f"money-out:{first}", f"money-out:{second}"}
    attach_document(ctx, pdf_file(tmp_path), invoice_id=inv, kind=DocumentKind.INVOICE)
    assert unevidenced(ctx, rid) == set()


def test_same_file_twice_is_stored_once_and_reads_back_exactly(
    ctx: Context, tmp_path: Path, db_path: Path
) -> None:
    """One file on two payments is one blob and one document with two links, read back intact."""
    rid = person(ctx)
    path = pdf_file(tmp_path, "shared")
    first = pay(ctx, rid, receipts=(path,))
    second = pay(ctx, rid)
    attach_document(ctx, path, money_out_id=second)
    assert count(db_path, "blob") == 1
    assert count(db_path, "document") == 1
    [doc] = list_documents(ctx, rid)
    assert set(doc.links) == {f"money-out:{first}", f"money-out:{second}"}
    record, content = read_document(ctx, doc.id)
    assert content == path.read_bytes() == pdf_bytes("shared")
    assert record.sha256 == hashlib.sha256(content).hexdigest()
    assert record.size == len(content)
    assert record.media_type == "application/pdf"
    assert record.filename == "shared.pdf"


def test_same_file_for_two_people_shares_one_blob(
    ctx: Context, tmp_path: Path, db_path: Path
) -> None:
    """Two people's copies of one file are two documents over a single stored blob."""
    ann, bob = person(ctx, "Ann Smith"), person(ctx, "Bob Jones")
    path = pdf_file(tmp_path, "shared")
    pay(ctx, ann, receipts=(path,))
    pay(ctx, bob, receipts=(path,))
    assert count(db_path, "blob") == 1
    assert count(db_path, "document") == 2
    assert [d.recipient_id for d in list_documents(ctx, bob)] == [bob]


def test_different_files_are_stored_separately(ctx: Context, tmp_path: Path, db_path: Path) -> None:
    """Two files with different bytes are two blobs, each read back as itself."""
    rid = person(ctx)
    pay(ctx, rid, receipts=(pdf_file(tmp_path, "one"), pdf_file(tmp_path, "two")))
    assert count(db_path, "blob") == 2
    contents = {read_document(ctx, d.id)[1] for d in list_documents(ctx, rid)}
    assert contents == {pdf_bytes("one"), pdf_bytes("two")}


def test_damaged_blob_is_refused_on_reading(ctx: Context, tmp_path: Path, db_path: Path) -> None:
    """Bytes changed behind the app's back no longer match the hash: read_document refuses."""
    rid = person(ctx)
    pay(ctx, rid, receipts=(pdf_file(tmp_path, "original"),))
    [doc] = list_documents(ctx, rid)
    assert read_document(ctx, doc.id)[1] == pdf_bytes("original")
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute("UPDATE blob SET content = ?", (pdf_bytes("tampered"),))
    with pytest.raises(KentcardError, match="damaged"):
        read_document(ctx, doc.id)


def test_attach_needs_exactly_one_target(ctx: Context, tmp_path: Path, db_path: Path) -> None:
    """A document goes on one record: none or two is an InputError on `target`."""
    rid = person(ctx)
    out = pay(ctx, rid)
    before = counts(db_path)
    for targets in ({}, {"money_out_id": out, "invoice_id": 1}):
        with pytest.raises(InputError) as caught:
            attach_document(ctx, pdf_file(tmp_path), **targets)
        assert caught.value.field == "target"
    assert counts(db_path) == before


def test_attach_to_a_missing_payment_writes_nothing(
    ctx: Context, tmp_path: Path, db_path: Path
) -> None:
    """Attaching to a money-out that does not exist is NotFound, and the file is not stored."""
    person(ctx)
    before = counts(db_path)
    with pytest.raises(NotFoundError, match="money-out 999"):
        attach_document(ctx, pdf_file(tmp_path), money_out_id=999)
    assert counts(db_path) == before


def test_reading_a_missing_document_is_not_found(ctx: Context) -> None:
    """read_document of an unknown id raises NotFoundError."""
    person(ctx)
    with pytest.raises(NotFoundError):
        read_document(ctx, 12345)


def test_same_file_twice_in_one_payment_is_one_document_and_one_link(
    ctx: Context, tmp_path: Path, db_path: Path
) -> None:
    """Listing one receipt twice on a payment stores and links it once."""
    rid = person(ctx)
    path = pdf_file(tmp_path)
    out = pay(ctx, rid, receipts=(path, path))
    assert (count(db_path, "blob"), count(db_path, "document")) == (1, 1)
    assert count(db_path, "document_link") == 1
    [doc] = list_documents(ctx, rid)
    assert doc.links == (f"money-out:{out}",)


def attachments(ctx: Context, kind: str, ident: int) -> list[dict[str, object]]:
    """The audit log's attachment lines for one record, as `kentcard audit` reads them."""
    from kentcard.services.history import record_history

    return [c.detail for c in record_history(ctx, f"{kind}:{ident}") if "attached" in c.detail]


def test_every_attachment_is_in_the_audit_log_even_of_a_file_already_stored(
    ctx: Context, tmp_path: Path
) -> None:
    """Attaching a file records on the record which document it got (sha256, name).

    The second payment gets bytes that are already stored (same blob, same document): the
    link is new all the same, so it has its audit line too.
    """
    rid = person(ctx)
    provider(ctx, rid)
    path = pdf_file(tmp_path, "shared")
    sha = hashlib.sha256(pdf_bytes("shared")).hexdigest()
    first = pay(ctx, rid, receipts=(path,))
    second = pay(ctx, rid)
    inv = invoice(ctx, rid, "INV-7", 10_000)
    doc = attach_document(ctx, path, money_out_id=second)
    attach_document(ctx, path, invoice_id=inv, kind=DocumentKind.INVOICE)
    expected = {
        "attached": f"document:{doc.id}",
        "filename": "shared.pdf",
        "sha256": sha,
        "kind": "receipt",
    }
    assert attachments(ctx, "money-out", first) == [{**expected, "to": f"money-out:{first}"}]
    assert attachments(ctx, "money-out", second) == [{**expected, "to": f"money-out:{second}"}]
    assert attachments(ctx, "invoice", inv) == [{**expected, "to": f"invoice:{inv}"}]
    attach_document(ctx, path, money_out_id=second)  # already linked: nothing changes
    assert len(attachments(ctx, "money-out", second)) == 1
