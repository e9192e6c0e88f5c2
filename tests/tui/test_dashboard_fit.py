"""At 80×24 the dashboard's key facts show without scrolling; every section is on the bar."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from kentcard.demo import build_demo
from kentcard.factory import make_app
from kentcard.services.context import Context
from kentcard.settings import Settings
from kentcard.tui.widgets.navbar import SECTIONS, NavBar
from kentcard.tui.widgets.spendbar import SpendBar
from tests.tui.conftest import settle


async def test_key_facts_fit_80_by_24_without_scrolling(settings: Settings, ctx: Context) -> None:
    """Budget, spent, remaining, the bar, the card balance and two attention items are on screen."""
    build_demo(ctx)
    app = make_app(settings, ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        footer_top = screen.query_one("Footer").region.y
        for widget in (
            screen.query_one("#figures", Static),
            screen.query_one("#balance", Static),
            screen.query_one(SpendBar),
        ):
            assert widget.region.height and widget.region.bottom <= footer_top, widget
        figures = str(screen.query_one("#figures", Static).render())
        assert all(word in figures for word in ("Budget", "Spent", "Remaining"))
        assert "Card balance" in str(screen.query_one("#balance", Static).render())
        attention = screen.query_one("#attention", OptionList)
        assert attention.option_count >= 2
        shown = attention.region.intersection(screen.region)
        assert shown.y < footer_top and footer_top - shown.y >= 4  # two items, two lines each
        assert screen.query_one("#dash").scroll_y == 0


async def test_every_section_is_on_the_bar_at_80_columns(settings: Settings, ctx: Context) -> None:
    """The section bar wraps between sections at 80 columns, so none is cut off."""
    build_demo(ctx)
    app = make_app(settings, ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(NavBar)
        lines = [bar.render_line(y).text for y in range(bar.size.height)]
        assert all(len(line.rstrip()) <= 80 for line in lines)
        text = " ".join(lines)
        for _mode, key, label in SECTIONS:
            assert f"{key} {label}" in text
