"""Review and the needs-attention list: each finding opens the form that fixes it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, OptionList, Static

from kentcard.services import documents, recipients
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.money_forms import AttachForm
from kentcard.tui.screens.other_forms import InvoiceForm
from tests.tui.conftest import SIZE, settle


async def test_review_lists_findings_and_fixes_a_missing_receipt(
    app: KentcardApp, receipt: Path
) -> None:
    """Enter on "no receipt" opens the attach form for that payment; saving clears the finding."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        table = app.screen.query_one("#findings", DataTable)
        whats = [str(table.get_row_at(r)[1]) for r in range(table.row_count)]
        assert "No receipt" in whats
        assert app.screen.query_one("#from", Input).value == "2026-10-31"
        table.move_cursor(row=whats.index("No receipt"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttachForm)
        app.screen.query_one("#f-file", Input).value = str(receipt)
        await pilot.press("ctrl+s")
        await settle(pilot)
        whats = [str(table.get_row_at(r)[1]) for r in range(table.row_count)]
        assert "No receipt" not in whats
    person = recipients.list_recipients(app.ctx)[0]
    assert documents.list_documents(app.ctx, person.id)[0].links


async def test_review_period_is_chosen_and_checked(app: KentcardApp) -> None:
    """A wrong date is named; a period before the payment shows nothing to query."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        app.screen.query_one("#to", Input).value = "2026-02-30"
        app.screen.query_one("#to", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "To:" in str(app.screen.query_one("#period-error", Static).render())
        app.screen.query_one("#to", Input).value = "2026-11-02"
        await pilot.press("enter")
        await settle(pilot)
        assert "Nothing to query" in str(app.screen.query_one("#review-info", Static).render())


async def test_attention_item_opens_the_invoice(app: KentcardApp) -> None:
    """Choosing the unpaid invoice on the dashboard opens that invoice's form."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        attention = app.screen.query_one("#attention", OptionList)
        texts = [
            str(attention.get_option_at_index(i).prompt) for i in range(attention.option_count)
        ]
        attention.highlighted = next(i for i, t in enumerate(texts) if "INV-1" in t)
        attention.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceForm)
        assert app.screen.query_one("#f-number", Input).value == "INV-1"


async def test_command_palette_lists_every_section_and_add(app: KentcardApp) -> None:
    """The palette's own provider offers going to each section and adding each record."""
    from kentcard.tui.commands import KentcardCommands

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        provider = KentcardCommands(app.screen)
        names = [name for name, _, _ in provider._commands()]
        for wanted in ("Go to Money out", "Add money in", "Add an invoice", "Next month", "Quit"):
            assert wanted in names
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "CommandPalette"
