"""Export and Plan and person on the section bar, Export's "Last month", and date boxes wide
enough for a whole date at 80 columns."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.export import ExportScreen
from kentcard.tui.screens.plan_person import PlanPersonScreen
from kentcard.tui.widgets.navbar import NavBar
from tests.tui.conftest import SIZE, settle


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_section_is_on_the_bar_with_its_key(
    app: KentcardApp, size: tuple[int, int]
) -> None:
    """At 80 and 120 columns the bar shows 9 Export and 0 Plan and person, whole."""
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        shown = str(app.screen.query_one(NavBar).render())
        for label in ("1 Home", "8 Reconcile", "9 Export", "0 Plan and person"):
            assert label in shown
        assert all(len(line) <= size[0] for line in shown.splitlines())


async def test_clicking_export_and_plan_on_the_bar_opens_them(app: KentcardApp) -> None:
    """A click on "9 Export" opens Export; a click on "0 Plan and person" opens that section."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for label, screen_type in (
            ("9 Export", ExportScreen),
            ("0 Plan and person", PlanPersonScreen),
        ):
            bar = app.screen.query_one(NavBar)
            lines = str(bar.render()).splitlines()
            row = next(n for n, line in enumerate(lines) if label in line)
            column = lines[row].index(label) + 2
            await pilot.click(NavBar, offset=(column + bar.styles.padding.left, row))
            await settle(pilot)
            assert isinstance(app.screen, screen_type)


async def test_last_month_fills_in_october(app: KentcardApp) -> None:
    """On 25 Nov 2026 "Last month" is 1 to 31 October 2026; the last quarter stays the default."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        choice = screen.query_one("#period-choice", Select)
        assert choice.value == "quarter"
        labels = [str(label) for label, _key in choice._options]
        assert "Last month: 1 Oct 2026 to 31 Oct 2026" in labels
        choice.value = "month"
        await settle(pilot)
        dates = (screen.query_one("#from", Input).value, screen.query_one("#to", Input).value)
        assert dates == ("2026-10-01", "2026-10-31")


@pytest.mark.parametrize("typed", ["2026-11-01", "01/11/2026"])
async def test_date_boxes_show_a_whole_date_at_80_columns(app: KentcardApp, typed: str) -> None:
    """Typed into From at 80×24, a whole date and the cursor after it fit in the box."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        box = app.screen.query_one("#from", Input)
        box.value = ""
        box.focus()
        await pilot.press(*typed)
        await settle(pilot)
        assert box.value == typed
        assert box.content_size.width >= len(typed) + 1
        assert box.scroll_offset.x == 0
