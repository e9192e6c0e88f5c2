"""Starting the app: first-run setup, the dashboard, help, settings, and calm errors."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

from textual.widgets import Input, OptionList, Static

from kentcard.core.dates import Month
from kentcard.services import plans, recipients, summary
from kentcard.services.context import Context
from kentcard.services.settings import Settings
from kentcard.tui.app import KentcardApp
from kentcard.tui.launch import make_app
from kentcard.tui.screens.dashboard import DashboardScreen
from kentcard.tui.screens.setup import SetupForm
from kentcard.tui.widgets.spendbar import SpendBar
from tests.tui.conftest import SIZE, settle


async def type_into(pilot, widget_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one(f"#{widget_id}", Input).value = text
    await pilot.pause()


async def test_first_run_sets_up_the_person_and_plan(settings: Settings, ctx: Context) -> None:
    """On an empty database the setup form opens, and saving it creates the person and plan."""
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupForm)
        for field, text in [
            ("f-name", "Jo Bloggs"),
            ("f-kcc-ref", "DP1"),
            ("f-card-last4", "1234"),
            ("f-council", "1000.00"),
            ("f-contribution", "84.00"),
            ("line-category-1", "Home care"),
            ("line-amount-1", "950"),
            ("line-category-2", "Equipment"),
            ("line-amount-2", "50"),
            ("f-opening-balance", "312.40"),
            ("f-as-of", "2026-10-31"),
        ]:
            await type_into(pilot, field, text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    [person] = recipients.list_recipients(ctx)
    assert (person.name, person.kcc_ref, person.card_last4) == ("Jo Bloggs", "DP1", "1234")
    [plan] = plans.list_plans(ctx, person.id)
    assert [line.category for line in plan.lines] == ["Home care", "Equipment"]
    assert plan.council.pence == 100000 and plan.contribution.pence == 8400


async def test_setup_names_a_wrong_field_and_keeps_the_form(
    settings: Settings, ctx: Context
) -> None:
    """A bad amount in setup is named under its field, nothing is saved, the form stays."""
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_into(pilot, "f-name", "Jo")
        await type_into(pilot, "f-council", "12.345")
        error = app.screen.query_one("#e-council", Static)
        assert "more than two decimal places" in str(error.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SetupForm)
        assert app.screen.query_one("#f-name", Input).value == "Jo"
    assert recipients.list_recipients(ctx) == []


async def test_dashboard_shows_the_month_and_moves_between_months(app: KentcardApp) -> None:
    """The dashboard shows November's figures; ] and [ move to December and back."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        expected = summary.month_summary(app.ctx, app.recipient.id, Month(2026, 11))
        assert "November 2026" in str(screen.query_one("#month-title", Static).render())
        figures = str(screen.query_one("#figures", Static).render())
        assert "£1,174.33" in figures and str(expected.spent) in figures
        assert screen.query_one(SpendBar).spent == expected.spent.pence
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.month == Month(2026, 12)
        assert "December 2026" in str(screen.query_one("#month-title", Static).render())
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert "October 2026" in str(screen.query_one("#month-title", Static).render())


async def test_dashboard_lists_what_needs_attention(app: KentcardApp) -> None:
    """The payment without a receipt and the unpaid invoice are listed under Needs attention."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        attention = app.screen.query_one("#attention", OptionList)
        texts = [
            str(attention.get_option_at_index(i).prompt) for i in range(attention.option_count)
        ]
        assert any("Kent Mobility has no receipt" in t for t in texts)
        assert any("Unpaid: invoice INV-1" in t for t in texts)


async def test_help_lists_keys_data_location_and_kcc_line(app: KentcardApp) -> None:
    """? opens help naming the keys, the database file and KCC's phone line; Esc closes it."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = app.screen.query_one("Markdown").source  # type: ignore[attr-defined]
        assert "0300 041 3600" in text and app.settings.db in text and "`[` and `]`" in text
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_high_contrast_theme_is_remembered(settings: Settings, seeded: Context) -> None:
    """Choosing high contrast writes a private settings file; a new app starts with it."""
    app = make_app(settings, seeded)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        app.screen.query_one("#theme").value = "kentcard-high-contrast"  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("escape")
    prefs = Path(settings.db).parent / "kentcard-app.json"
    assert json.loads(prefs.read_text())["theme"] == "kentcard-high-contrast"
    assert stat.S_IMODE(prefs.stat().st_mode) == 0o600
    again = make_app(settings, seeded)
    assert again.theme == "kentcard-high-contrast"


async def test_worker_error_shows_a_message_and_the_app_goes_on(app: KentcardApp) -> None:
    """A failing database read in a worker becomes a plain notification; the app keeps running."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        good = app.ctx.clock
        app.ctx.clock = lambda: (_ for _ in ()).throw(RuntimeError("disk on fire at Jo's house"))
        await pilot.press("right_square_bracket")
        await settle(pilot)
        shown = [n.message for n in app._notifications]
        assert any("Something went wrong (RuntimeError)" in m for m in shown)
        assert not any("Jo" in m for m in shown)
        app.ctx.clock = good
        await pilot.press("2")
        await settle(pilot)
        assert app.is_running and app.screen.__class__.__name__ == "MoneyInScreen"
    assert date(2026, 11, 25) == app.ctx.today()
