"""Tables show every column in full: sort arrows are never cut, review details wrap in place."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from kentcard.core.money import format_money
from kentcard.services.context import Context
from kentcard.services.demo import build_demo
from kentcard.services.settings import Settings
from kentcard.tui.app import KentcardApp
from kentcard.tui.launch import make_app
from tests.tui.conftest import SIZE, settle


def shown(table: DataTable[object]) -> list[str]:
    """The table's lines as drawn at its current size (header first)."""
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_sort_arrow_is_never_cut_off(app: KentcardApp) -> None:
    """Sorting by amount shows "Amount ▲" in full, though £45.99 is narrower than the label."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        assert "Date ▼" in shown(table)[0]
        await pilot.press("s", "s")  # date → payee → amount (the columns' order)
        await settle(pilot)
        assert "Amount ▲" in shown(table)[0]
        assert "Date  " in shown(table)[0] and "Date ▼" not in shown(table)[0]


@pytest.mark.parametrize("width", [80, 100, 120])
async def test_review_shows_every_column_at_each_width(
    settings: Settings, ctx: Context, width: int
) -> None:
    """At 80, 100 and 120 columns the Amount column stays on screen and no detail is lost."""
    build_demo(ctx)
    app = make_app(settings, ctx)
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#findings", DataTable)
        findings = screen.findings  # type: ignore[attr-defined]
        assert findings
        used = sum(c.get_render_width(table) for c in table.columns.values())
        assert used <= table.size.width - table.styles.scrollbar_size_vertical
        lines = shown(table)
        assert lines[0].rstrip().endswith("Amount")
        first = findings[0]
        height = table.ordered_rows[0].height
        drawn = "\n".join(lines[1 : 1 + height])
        assert all(word in drawn for word in first.message.split())
        if first.amount is not None:
            assert format_money(first.amount) in drawn
        longest = max(len(f.message) for f in findings)
        if longest > table.columns["detail"].width:  # type: ignore[index]
            assert max(row.height for row in table.ordered_rows) > 1  # wrapped, not cut
