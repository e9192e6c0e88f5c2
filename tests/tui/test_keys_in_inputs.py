"""Number keys type in a text box and change section elsewhere; Esc leaves a box; a number
key over a form does nothing; Esc on the first screen asks before closing the app."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from kentcard.services.context import Context
from kentcard.services.settings import Settings
from kentcard.tui.app import KentcardApp
from kentcard.tui.launch import make_app
from kentcard.tui.screens.money_forms import MoneyOutForm
from kentcard.tui.screens.reconcile import ReconcileScreen
from kentcard.tui.screens.review import ReviewScreen
from kentcard.tui.screens.setup import SetupForm
from kentcard.tui.widgets.dialogs import ConfirmDialog
from tests.tui.conftest import SIZE, settle


async def test_a_number_typed_in_a_date_box_is_typed_and_esc_leaves_the_box(
    app: KentcardApp,
) -> None:
    """In Review's From box 8 types 8 (no change of section); Esc moves to the list, where
    8 goes to Reconcile."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        box = app.screen.query_one("#from", Input)
        box.focus()
        box.value = "2026-11-0"
        await pilot.press("end", "8")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert box.value == "2026-11-08"
        # The whole date shows, the cursor after it (the box used to hide "2").
        strips = app.screen._compositor.render_strips()
        r = box.region
        drawn = [strips[y].text[r.x : r.right] for y in range(r.y, r.bottom)]
        assert any("2026-11-08" in line for line in drawn)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert isinstance(app.focused, DataTable) and app.focused.id == "findings"
        await pilot.press("8")
        await settle(pilot)
        assert isinstance(app.screen, ReconcileScreen)


async def test_a_number_key_over_a_form_changes_nothing(app: KentcardApp) -> None:
    """With the add-payment form open and a button focused, 2 leaves the form where it is."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        form.query_one("#cancel").focus()
        await pilot.press("2")
        await settle(pilot)
        assert app.screen is form


async def test_esc_on_the_first_screen_asks_before_closing(
    settings: Settings, ctx: Context
) -> None:
    """An empty database opens on set-up; Esc there asks; No goes back to set-up, Yes closes."""
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupForm)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Close kentcard?" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, SetupForm) and app.is_running
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not app.is_running
