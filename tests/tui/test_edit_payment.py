"""Editing a payment in its form: a ticked invoice and a receipt save together or not at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Input, SelectionList, Static

from kentcard.core.money import Money
from kentcard.services import allocations, documents, ledger, recipients
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.money_forms import MoneyOutForm
from tests.tui.conftest import SIZE, settle


async def test_edit_with_bad_receipt_changes_nothing_then_saves_whole(
    app: KentcardApp, receipt: Path, tmp_path: Path
) -> None:
    """A refused receipt leaves the payment unchanged and unallocated; a good one saves all."""
    [person] = recipients.list_recipients(app.ctx)
    payment = ledger.add_money_out(
        app.ctx,
        person.id,
        date=date(2026, 11, 24),
        amount=Money(56000),
        payee="Bright Homecare",
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("enter")  # the newest payment is the first row
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm) and form.record == payment
        picker = form.query_one("#invoices", SelectionList)
        assert picker.option_count == 1
        picker.select_all()
        form.query_one("#f-description", Input).value = "Care, November"
        form.query_one("#f-receipt", Input).value = str(tmp_path / "not-there.pdf")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Not saved" in str(form.query_one("#form-error", Static).render())
        assert payment in ledger.list_money_out(app.ctx, app.recipient.id)  # exactly as it was
        assert allocations.allocations_of(app.ctx, payment.id) == []
        form.query_one("#f-receipt", Input).value = str(receipt)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
    [edited] = [m for m in ledger.list_money_out(app.ctx, app.recipient.id) if m.id == payment.id]
    assert edited.description == "Care, November"
    assert [a.amount.pence for a in allocations.allocations_of(app.ctx, payment.id)] == [56000]
    [doc] = documents.list_documents(app.ctx, app.recipient.id)
    assert doc.links == (f"money-out:{payment.id}",)
