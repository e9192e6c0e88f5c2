"""A form is ready the moment it opens: keys typed straight after `n` land in its first box."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.ledger_sections import MoneyOutScreen
from kentcard.tui.screens.money_forms import MoneyOutForm
from tests.tui.conftest import SIZE, settle


def burst(app: KentcardApp, keys: list[str]) -> None:
    """Queue keys all at once, as a fast typist or a script sends them."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_keys_straight_after_n_go_into_the_form(app: KentcardApp) -> None:
    """`n` then "12" at once: the digits fill the date box instead of switching section."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        burst(app, ["n", "1", "2"])
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutForm)
        assert app.screen.query_one("#f-date", Input).value == "12"
        assert app.current_mode == "money_out"


async def test_first_box_has_focus_though_the_terminal_is_unfocused(app: KentcardApp) -> None:
    """With the terminal reporting no focus (a detached tmux), typing after `n` still lands."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        app.app_focus = False  # Textual's own auto-focus waits for this
        burst(app, ["n", "4", "5"])
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        assert form.query_one("#f-date", Input).value == "45"


async def test_n_is_a_letter_in_the_search_box(app: KentcardApp) -> None:
    """Typing "n" in the table's search box searches for it; no form opens."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("slash", "n")
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutScreen)
        assert app.screen.query_one("#filter-text", Input).value == "n"


async def test_tab_then_typing_at_once_fills_the_next_box(app: KentcardApp) -> None:
    """Tab and the digits after it, sent together, go to Amount; Shift+Tab goes back to Date."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        burst(app, ["n", "tab", "4", "5", "tab", "S", "shift+tab", "shift+tab"])
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        assert form.query_one("#f-date", Input).value == "2026-11-25"
        assert form.query_one("#f-amount", Input).value == "45"
        assert form.query_one("#f-payee", Input).value == "S"
        assert form.focused is form.query_one("#f-date", Input)
