"""Detaching a file attached by mistake: audited, gone from the next export, bytes still stored."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kentcard.core.errors import ConflictError, NotFoundError
from kentcard.core.money import Money
from kentcard.services import period_lock
from kentcard.services.context import Context
from kentcard.services.documents import (
    attach_document,
    detach_document,
    list_documents,
    read_document,
    target_of,
)
from kentcard.services.export import Format, export, gather
from kentcard.services.history import record_history
from kentcard.services.ledger import add_money_out
from tests.services.helpers import count, invoice, pdf_file, person, provider, rows

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 25))


@pytest.fixture
def wrong_file(tmp_path: Path) -> Path:
    path = tmp_path / "profile"
    path.write_text("# ~/.profile: executed by the command interpreter for login shells.\n")
    return path


def evidence_names(book_path: Path) -> list[str]:
    sheet = load_workbook(book_path, read_only=True)["Evidence"]
    return [str(cell) for row in sheet.iter_rows(min_row=2, values_only=True) for cell in row]


def test_detach_is_audited_leaves_the_export_and_keeps_the_bytes(
    ctx: Context, db_path: Path, tmp_path: Path, wrong_file: Path
) -> None:
    """The invoice loses the file: an audit line on the invoice names it, the next workbook's
    Evidence sheet no longer lists it, and its bytes are still in the database."""
    rid = person(ctx)
    provider(ctx, rid)
    inv = invoice(ctx, rid, "BH-2410", 24500, file=pdf_file(tmp_path, "BH-2410"))
    doc = attach_document(ctx, wrong_file, invoice_id=inv)
    before = export(ctx, rid, *NOVEMBER, Format.XLSX, tmp_path / "before.xlsx")
    assert any("profile" in text for text in evidence_names(before))

    left = detach_document(ctx, rid, doc.id, **target_of(f"invoice:{inv}"))

    assert left.links == ()
    detached = [c.detail for c in record_history(ctx, f"invoice:{inv}") if "detached" in c.detail]
    assert detached == [
        {
            "detached": f"document:{doc.id}",
            "from": f"invoice:{inv}",
            "sha256": doc.sha256,
            "filename": "profile",
            "kind": "receipt",
        }
    ]
    book = gather(ctx, rid, *NOVEMBER)
    assert [e.document.filename for e in book.evidence] == ["BH-2410.pdf"]
    after = export(ctx, rid, *NOVEMBER, Format.XLSX, tmp_path / "after.xlsx")
    assert not any("profile" in text for text in evidence_names(after))
    assert read_document(ctx, doc.id)[1] == wrong_file.read_bytes()
    assert rows(db_path, "SELECT count(*) FROM blob WHERE sha256 = ?", (doc.sha256,)) == [(1,)]
    assert [d.filename for d in list_documents(ctx, rid)].count("profile") == 1


def test_a_file_proving_two_records_keeps_the_other_link(
    ctx: Context, tmp_path: Path, wrong_file: Path
) -> None:
    """Detaching from one payment leaves the same file on the other, and in the export."""
    rid = person(ctx)
    first = add_money_out(ctx, rid, date=date(2026, 11, 3), amount=Money(1000), payee="Shop")
    second = add_money_out(ctx, rid, date=date(2026, 11, 4), amount=Money(2000), payee="Shop")
    doc = attach_document(ctx, wrong_file, money_out_id=first.id)
    attach_document(ctx, wrong_file, money_out_id=second.id)

    left = detach_document(ctx, rid, doc.id, money_out_id=first.id)

    assert left.links == (f"money-out:{second.id}",)
    assert [e.document.id for e in gather(ctx, rid, *NOVEMBER).evidence] == [doc.id]


def test_refused_in_a_locked_period_and_when_not_attached(
    ctx: Context, db_path: Path, tmp_path: Path, wrong_file: Path
) -> None:
    """A reviewed, locked record keeps its evidence (the reason names the unlock command); a
    file not attached to the record is refused; neither writes anything."""
    rid = person(ctx)
    paid = add_money_out(ctx, rid, date=date(2026, 11, 3), amount=Money(1000), payee="Shop")
    other = add_money_out(ctx, rid, date=date(2026, 11, 20), amount=Money(500), payee="Shop")
    doc = attach_document(ctx, wrong_file, money_out_id=paid.id)
    period_lock.lock_period(ctx, rid, date(2026, 11, 10), "reviewed")
    audit_lines = count(db_path, "audit")

    with pytest.raises(ConflictError, match="kentcard unlock --from 2026-11-03"):
        detach_document(ctx, rid, doc.id, money_out_id=paid.id)
    with pytest.raises(NotFoundError, match="not attached"):
        detach_document(ctx, rid, doc.id, money_out_id=other.id)

    assert count(db_path, "audit") == audit_lines
    assert list_documents(ctx, rid)[0].links == (f"money-out:{paid.id}",)
