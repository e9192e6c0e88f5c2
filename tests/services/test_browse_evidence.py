"""The Evidence table says what each document is for in words a person knows, in one query."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import event

from kentcard.core.money import Money
from kentcard.core.records import Source
from kentcard.services import browse, documents, invoices, ledger, providers, recipients
from kentcard.services.context import Context


def test_evidence_for_names_the_payment_invoice_and_money_in(ctx: Context, tmp_path: Path) -> None:
    """A receipt reads as its payment (date, payee, amount), an invoice file as its number and
    provider, a letter as its money-in; the tags the exports use are kept alongside."""
    person = recipients.setup_recipient(ctx, name="Jo Bloggs")
    providers.add_provider(ctx, person.id, name="Bright Homecare Ltd")
    paid = ledger.add_money_out(
        ctx, person.id, date=date(2026, 11, 20), amount=Money(4500), payee="Kent Mobility"
    )
    bill = invoices.add_invoice(
        ctx,
        person.id,
        invoices.InvoiceDraft("Bright Homecare Ltd", "BH-2413", date(2026, 11, 5), Money(65800)),
    )
    got = ledger.add_money_in(
        ctx, person.id, date=date(2026, 11, 4), amount=Money(100000), source=Source.KCC
    )
    file = tmp_path / "note.txt"
    file.write_text("evidence\n")
    documents.attach_document(ctx, file, money_out_id=paid.id)
    documents.attach_document(ctx, file, invoice_id=bill.id)
    documents.attach_document(ctx, file, money_in_id=got.id)

    page = browse.document_page(ctx, person.id, browse.Filters(sort="added"), 0, 10)

    assert [item.evidence_for for item in page.items] == [
        (
            "Payment 20 Nov 2026, Kent Mobility, £45.00",
            "Invoice BH-2413, Bright Homecare Ltd",
            "Money in 4 Nov 2026, KCC, £1,000.00",
        )
    ]
    assert page.items[0].record.links == (
        f"money-out:{paid.id}",
        f"invoice:{bill.id}",
        f"money-in:{got.id}",
    )


def test_a_page_of_evidence_reads_its_links_in_one_query(ctx: Context, tmp_path: Path) -> None:
    """Ten documents, each for its own payment: the page sends the same few queries as one."""
    person = recipients.setup_recipient(ctx, name="Jo Bloggs")

    def add_receipts(count: int) -> None:
        for n in range(count):
            paid = ledger.add_money_out(
                ctx, person.id, date=date(2026, 11, 1), amount=Money(100 + n), payee="Shop"
            )
            file = tmp_path / f"receipt-{n}-{count}.txt"
            file.write_text(f"receipt {n} of {count}\n")
            documents.attach_document(ctx, file, money_out_id=paid.id)

    def selects() -> int:
        seen: list[str] = []

        def capture(_c, _cur, statement, _p, _ctx, _many) -> None:  # type: ignore[no-untyped-def]
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        event.listen(ctx.db.engine, "before_cursor_execute", capture)
        try:
            page = browse.document_page(ctx, person.id, browse.Filters(sort="added"), 0, 100)
        finally:
            event.remove(ctx.db.engine, "before_cursor_execute", capture)
        assert all(i.evidence_for[0].startswith("Payment 1 Nov 2026, Shop, £") for i in page.items)
        return len(seen)

    add_receipts(1)
    one = selects()
    add_receipts(10)
    assert selects() == one
