"""At 80×24 the table sections keep what matters on screen: amounts, due dates, status."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import DataTable, Input

from kentcard.core.money import Money
from kentcard.core.records import Source
from kentcard.services import ledger, recipients
from kentcard.services.context import Context
from kentcard.services.demo import build_demo
from kentcard.services.settings import Settings
from kentcard.tui.app import KentcardApp
from kentcard.tui.launch import make_app
from tests.tui.conftest import settle
from tests.tui.test_table_widths import shown

NARROW = (80, 24)


@pytest.fixture
def demo(settings: Settings, ctx: Context) -> KentcardApp:
    """The demo year, plus a refund with a long note and a payment with a long category."""
    build_demo(ctx)
    person = recipients.list_recipients(ctx)[0]
    ledger.add_money_in(
        ctx,
        person.id,
        date=date(2026, 11, 20),
        amount=Money(12345),
        source=Source.REFUND,
        note="Refund from Kent Mobility for the bath seat sent back",
    )
    ledger.add_money_out(
        ctx,
        person.id,
        date=date(2026, 11, 21),
        amount=Money(9999),
        payee="Kent Mobility",
        category="Short breaks and respite (agreed in review)",
    )
    return make_app(settings, ctx)


async def table_at_80(app: KentcardApp, key: str) -> list[str]:
    """The lines of section `key`'s table as drawn at 80×24 (header first)."""
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        # New rows are measured when the table is next idle; a line drawn before that is
        # kept in its cache at the old widths, so wait for the measuring first.
        for _ in range(100):
            if not table._require_update_dimensions:
                break
            await pilot.pause(0.02)
        return shown(table)


@pytest.mark.parametrize(("key", "amount"), [("2", "£123.45"), ("3", "£99.99")])
async def test_amounts_are_whole_at_80_columns(demo: KentcardApp, key: str, amount: str) -> None:
    """Money in and Money out show the Amount header and whole amounts at 80 columns, even
    beside a long note or category."""
    lines = await table_at_80(demo, key)
    assert "Amount" in lines[0]
    assert any(amount in line for line in lines[1:])


async def test_invoices_show_amount_due_and_status_at_80_columns(demo: KentcardApp) -> None:
    """Invoices show amount, what is left, the due date and an overdue status in full."""
    lines = await table_at_80(demo, "4")
    for label in ("Amount", "To pay", "Due", "Status"):
        assert label in lines[0]
    overdue = next(line for line in lines[1:] if "£644.00" in line)
    assert "£28.00" in overdue and "2026-09-13" in overdue and "OVERDUE" in overdue


async def test_evidence_says_what_each_file_is_for_at_80_columns(demo: KentcardApp) -> None:
    """Evidence names the payment (payee, amount) or the invoice a file is for, not internal
    ids, and that column is on screen at 80 columns."""
    lines = await table_at_80(demo, "6")
    assert "Evidence for" in lines[0]
    # The column wraps at 80 columns: read it down the screen, line by line.
    start, end = lines[0].index("Evidence for"), lines[0].index("Size") - 2
    text = " ".join(line[start:end].strip() for line in lines)
    assert "money-out:" not in text and "invoice:" not in text
    assert "Payment 31 Mar 2026, Kent Mobility, £32.50" in text
    assert "Payment 15 Jan 2026, HMRC, £80.00" in text
    assert "Invoice BH-2413, Bright" in text  # its last line is below the screen


@pytest.mark.parametrize(("key", "dated"), [("2", True), ("4", True), ("5", False), ("6", False)])
async def test_month_box_only_where_records_have_a_date(
    app: KentcardApp, key: str, dated: bool
) -> None:
    """Providers and Evidence have no date to filter by, so no Month box; Escape still clears
    the search there. Money in and Invoices keep it."""
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        screen = app.screen
        assert bool(screen.query("#filter-month")) is dated
        search = screen.query_one("#filter-text", Input)
        search.value = "zzz"
        await settle(pilot)
        screen.query_one("#table", DataTable).focus()
        await pilot.press("escape")
        await settle(pilot)
        assert search.value == ""
