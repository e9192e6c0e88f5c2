"""Help scrolls, says who to call first, how to make the text bigger, and how to close it."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.dashboard import DashboardScreen
from kentcard.tui.screens.help import HelpScreen
from tests.tui.conftest import settle


def on_screen(app: KentcardApp, text: str, where: str = "#help-body") -> bool:
    """`text` is drawn inside the visible part of Help's `where` (its scrolling body)."""
    region = app.screen.query_one(where).region
    strips = app.screen._compositor.render_strips()
    return any(text in strips[y].text for y in range(region.y, region.bottom))


def kcc_on_top(app: KentcardApp) -> bool:
    """KCC's number is drawn at the top of Help, above what scrolls."""
    title = app.screen.query_one("#help-title")
    body = app.screen.query_one("#help-body")
    return title.region.bottom <= body.region.y and on_screen(
        app, "KCC direct payments 0300\u00a0041\u00a03600", "#help-title"
    )


@pytest.mark.parametrize("size", [(80, 24), (64, 20)])
async def test_help_scrolls_from_who_to_call_to_its_last_line(
    app: KentcardApp, size: tuple[int, int]
) -> None:
    """The KCC number is on screen when Help opens; ↓, Page Down and End scroll it to its
    last line; "Esc to close" stays on screen throughout; Esc closes it."""
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body", VerticalScroll)
        keys = app.screen.query_one("#help-keys", Static)
        assert kcc_on_top(app)
        assert body.max_scroll_y > 0 and body.scroll_y == 0
        for key, check in (("down", lambda y: y == 1), ("pagedown", lambda y: y > 1)):
            await pilot.press(key)
            await settle(pilot)
            assert check(body.scroll_y), key
            assert keys.region.bottom <= app.screen.region.bottom and "Esc" in str(keys.render())
        await pilot.press("end")
        await settle(pilot)
        assert body.scroll_y == body.max_scroll_y
        assert on_screen(app, "End of help.") and kcc_on_top(app)
        await pilot.press("home")
        await settle(pilot)
        assert body.scroll_y == 0 and on_screen(app, "Moving around")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_help_says_how_to_make_the_text_bigger(app: KentcardApp) -> None:
    """Help names the terminal's own keys for bigger text (the app cannot change it)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = app.screen.query_one(Markdown).source
        assert "Bigger text" in text and "`Ctrl` and `+`" in text and "`Cmd` and `+`" in text
