"""x on Money out: say why a payment has no receipt, change it, take it back, or cancel."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input, Static

from kentcard.services import ledger, period_lock, recipients
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.ledger_sections import MoneyOutScreen
from kentcard.tui.screens.money_forms import ExplainForm, MoneyOutForm
from tests.tui.conftest import SIZE, settle
from tests.tui.test_table_widths import shown

LUNCH = "the lunch club gives no receipts"


def evidence_cells(app: KentcardApp) -> list[str]:
    table = app.screen.query_one("#table", DataTable)
    return [str(c) for c in table.get_column("evidence")]


def note_now(app: KentcardApp) -> str | None:
    [person] = recipients.list_recipients(app.ctx)
    [payment] = ledger.list_money_out(app.ctx, person.id)
    return payment.evidence_note


async def test_explain_a_payment_then_change_cancel_and_clear(app: KentcardApp) -> None:
    """x opens a dialog naming the payment; Save keeps the words and the row says
    'explained'; the next x shows them; Esc changes nothing; an empty box removes them."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutScreen)
        footer = {b.description for _, b, _, _ in app.screen.active_bindings.values() if b.show}
        assert "Explain no receipt" in footer
        assert evidence_cells(app) == ["MISSING"]
        await pilot.press("x")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ExplainForm)
        title = str(form.query_one(".dialog-title", Static).render())
        assert "£45.99 to Kent Mobility on 18 Nov 2026" in title
        box = form.query_one("#f-reason", Input)
        assert box.value == "" and form.focused is box
        await pilot.press(*"no receipt")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutScreen)
        assert evidence_cells(app) == ["explained"]
        assert note_now(app) == "no receipt"

        await pilot.press("x")
        await settle(pilot)
        box = app.screen.query_one("#f-reason", Input)
        assert box.value == "no receipt"  # the current words, ready to change
        box.value = LUNCH
        await pilot.press("enter")  # Enter in the only box saves, as in every form
        await settle(pilot)
        assert note_now(app) == LUNCH

        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one("#f-reason", Input).value = "something else"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")  # Discard what you typed
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutScreen)
        assert note_now(app) == LUNCH

        await pilot.press("enter")  # the edit form shows the explanation too
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutForm)
        assert LUNCH in str(app.screen.query_one("#evidence-note", Static).render())
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one("#f-reason", Input).value = "   "
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutScreen)
        assert evidence_cells(app) == ["MISSING"]
        assert note_now(app) is None


async def test_too_long_stays_open_with_the_reason_and_saves_nothing(app: KentcardApp) -> None:
    """201 characters: the box says what is wrong, the dialog stays, nothing is written."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        form = app.screen
        form.query_one("#f-reason", Input).value = "x" * 201
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = str(form.query_one("#e-reason", Static).render())
        assert "longer than 200 characters" in error
        assert form.query_one("#f-reason", Input).value == "x" * 201
    assert note_now(app) is None


async def test_a_locked_payment_can_be_explained_and_fits_at_80_columns(
    app: KentcardApp,
) -> None:
    """In a reviewed, locked period the payment is still explained from the app, and at
    80 columns the row shows 'explained' whole beside the amount."""
    [person] = recipients.list_recipients(app.ctx)
    period_lock.lock_period(app.ctx, person.id, date(2026, 11, 20), "reviewed")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one("#f-reason", Input).value = LUNCH
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutScreen)
        table = app.screen.query_one("#table", DataTable)
        for _ in range(100):
            if not table._require_update_dimensions:
                break
            await pilot.pause(0.02)
        [row] = [line for line in shown(table) if "Kent Mobility" in line]
        assert "£45.99" in row and "explained" in row
    assert note_now(app) == LUNCH
