"""Esc or Ctrl+Q on a half-filled form asks before throwing it away; u undoes a delete."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import Button, DataTable, Input, Static

from kentcard.core.money import Money
from kentcard.core.records import ProviderKind
from kentcard.services import allocations, documents, invoices, ledger, providers, recipients
from kentcard.services.ledger import InvoiceClaim
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.ledger_sections import MoneyOutScreen
from kentcard.tui.screens.money_forms import MoneyOutForm
from kentcard.tui.screens.record_sections import ProvidersScreen
from kentcard.tui.widgets.dialogs import ConfirmDialog
from tests.tui.conftest import SIZE, settle


def shown_keys(app: KentcardApp) -> set[str]:
    return {b.description for _, b, _, _ in app.screen.active_bindings.values() if b.show}


async def test_esc_closes_an_untouched_form_at_once_and_asks_for_a_typed_one(
    app: KentcardApp,
) -> None:
    """Untouched: Esc closes. Typed: Esc asks 'Discard what you typed?'; Keep editing (Esc)
    keeps every letter; Discard closes and saves nothing."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3", "n")
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutForm)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutScreen)

        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        await pilot.press("tab", "tab", *"Corner shop")  # date, amount, payee
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Discard what you typed?" in str(
            app.screen.query_one(".dialog-question", Static).render()
        )
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert labels == ["Keep editing", "Discard"]
        assert app.screen.focused is app.screen.query_one("#no", Button)
        await pilot.press("escape")  # the safe answer: back to the form
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#f-payee", Input).value == "Corner shop"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutScreen)
    assert len(ledger.list_money_out(app.ctx, app.recipient.id)) == 1  # the seeded one only


async def test_ctrl_q_on_a_typed_form_asks_before_quitting(app: KentcardApp) -> None:
    """Ctrl+Q in a form with something typed asks first; Keep editing stays in the form."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5", "n")
        await settle(pilot)
        form = app.screen
        await pilot.press(*"Sam")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and app.is_running
        assert form.query_one("#f-name", Input).value == "Sam"


async def test_undo_puts_a_deleted_payment_back_with_its_receipt_and_invoice(
    app: KentcardApp, receipt: Path
) -> None:
    """Deleting a payment that paid an invoice and had a receipt offers u; u adds it back with
    the same date, amount, payee and category, the invoice paid again and the receipt linked."""
    pid = recipients.list_recipients(app.ctx)[0].id
    paid = ledger.add_money_out(
        app.ctx,
        pid,
        date=date(2026, 11, 20),
        amount=Money(56000),
        payee="Bright Homecare",
        description="November care",
        invoices=[InvoiceClaim("INV-1")],
        receipts=[receipt],
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert "Undo delete" not in shown_keys(app)
        table = app.screen.query_one("#table", DataTable)
        assert str(table.get_row_at(0)[1]) == "Bright Homecare"
        await pilot.press("d")
        await settle(pilot)
        assert "u puts it back" in str(app.screen.query_one(".dialog-question", Static).render())
        await pilot.press("y")
        await settle(pilot)
        assert [m.id for m in ledger.list_money_out(app.ctx, pid)] != [paid.id, paid.id]
        assert paid.id not in [m.id for m in ledger.list_money_out(app.ctx, pid)]
        assert any("press u to undo" in n.message.lower() for n in app._notifications)
        assert "Undo delete" in shown_keys(app)
        await pilot.press("u")
        await settle(pilot)
        assert "Undo delete" not in shown_keys(app)
        assert any(n.message.startswith("Put back") for n in app._notifications)
        assert "Bright Homecare" in [str(c) for c in table.get_column("payee")]
    [again] = [m for m in ledger.list_money_out(app.ctx, pid) if m.payee == "Bright Homecare"]
    assert again.id != paid.id
    assert (again.date, again.amount, again.category, again.description) == (
        paid.date,
        paid.amount,
        paid.category,
        paid.description,
    )
    [state] = invoices.invoice_states(app.ctx, pid)
    assert state.outstanding == Money(0)
    assert [a.amount for a in allocations.allocations_of(app.ctx, again.id)] == [Money(56000)]
    linked = [d for d in documents.list_documents(app.ctx, pid) if d.filename == receipt.name]
    assert [d.links for d in linked] == [(f"money-out:{again.id}",)]


async def test_undo_puts_a_deleted_provider_back(app: KentcardApp) -> None:
    """A provider nobody refers to is deleted, then u brings it back with its kind and rate."""
    pid = recipients.list_recipients(app.ctx)[0].id
    providers.add_provider(
        app.ctx, pid, name="Sam Taylor", kind=ProviderKind.PA, rate=Money(1250), category="PA"
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("down", "d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ProvidersScreen)
        assert [p.name for p in providers.list_providers(app.ctx, pid)] == ["Bright Homecare"]
        await pilot.press("u")
        await settle(pilot)
    [sam] = [p for p in providers.list_providers(app.ctx, pid) if p.name == "Sam Taylor"]
    assert (sam.kind, sam.rate, sam.category) == (ProviderKind.PA, Money(1250), "PA")
