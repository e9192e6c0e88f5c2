"""At 80×24 the dashboard's key facts show without scrolling; every section is on the bar."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from kentcard.services.context import Context
from kentcard.services.demo import build_demo
from kentcard.services.settings import Settings
from kentcard.tui.launch import make_app
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


def screen_lines(app: object, widget: object) -> list[str]:
    """The text drawn on screen where `widget` is."""
    region = widget.region  # type: ignore[attr-defined]
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return [strips[y].text[region.x : region.right] for y in range(region.y, region.bottom)]


async def test_at_120_by_40_the_chart_has_every_month_and_payments_fit_a_line(
    settings: Settings, ctx: Context
) -> None:
    """The chart shows all twelve months, this one (November) last; each latest payment is
    one line with its receipt mark; what needs attention fills the height left."""
    build_demo(ctx)
    app = make_app(settings, ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        chart = "\n".join(screen_lines(app, screen.query_one("#chart")))
        months = ["Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct"]
        months.append("Nov")
        assert "last 12 months" in chart and all(m in chart for m in months)
        assert chart.index("Oct") < chart.index("Nov")
        recent = [line.strip() for line in screen_lines(app, screen.query_one("#recent"))]
        assert len(recent) == 5
        assert all(line.endswith(("✓ receipt", "no receipt")) for line in recent)
        footer_top = screen.query_one("Footer").region.y
        assert footer_top - screen.query_one("#chart-box").region.bottom <= 1


async def test_with_big_text_home_keeps_the_figures_and_the_list(
    settings: Settings, ctx: Context
) -> None:
    """At 64×20 (80×24 with the text made bigger) the figures go on plain lines, each whole,
    above the first things needing attention; nothing needs scrolling to be seen."""
    build_demo(ctx)
    app = make_app(settings, ctx)
    async with app.run_test(size=(64, 20)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-compact")
        figures = str(screen.query_one("#figures", Static).render())
        assert figures.count("\n") == 0
        assert all(w in figures for w in ("Budget £", "Spent £", "Remaining £"))
        balance = str(screen.query_one("#balance", Static).render())
        assert "Card balance" in balance and balance.count("\n") == 0
        assert "Possible surplus" in str(screen.query_one("#surplus-help", Static).render())
        footer_top = screen.query_one("Footer").region.y
        attention = screen.query_one("#attention", OptionList)
        assert attention.region.y + 2 <= footer_top  # the first item, two lines
        assert attention.highlighted == 0
