"""The Plan and person section (0) and set-up's budget lines, driven through the real app:
a plan changed from the app moves Home's budget, lines above the payment are refused and
lines below it warned, the person's details are saved with an audit line, and set-up takes
five budget lines."""

from __future__ import annotations

import json
from datetime import date

from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, Static

from kentcard.core.dates import Month
from kentcard.services import plans, recipients, summary
from kentcard.services.context import Context
from kentcard.services.settings import Settings
from kentcard.store import audit
from kentcard.tui.app import KentcardApp
from kentcard.tui.launch import make_app
from kentcard.tui.screens.dashboard import DashboardScreen
from kentcard.tui.screens.plan_forms import PlanForm, RecipientForm
from kentcard.tui.screens.plan_person import PlanPersonScreen
from kentcard.tui.screens.setup import SetupForm
from kentcard.tui.widgets.plan_lines import LineRow, PlanLines
from tests.tui.conftest import SIZE, settle

NOVEMBER = Month(2026, 11)


def text_of(app: KentcardApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_section(pilot: Pilot[None]) -> PlanPersonScreen:
    await settle(pilot)
    await pilot.press("0")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PlanPersonScreen)
    return screen


async def fill_lines(pilot: Pilot[None], lines: list[tuple[str, str]]) -> None:
    """Type each line into its row, adding rows with Ctrl+N (Add a line) as needed."""
    editor = pilot.app.screen.query_one(PlanLines)
    for place, (category, amount) in enumerate(lines):
        while len(editor.rows()) <= place:
            editor.rows()[-1].query_one(".line-category", Input).focus()
            await pilot.press("ctrl+n")
            await settle(pilot)
        row = editor.rows()[place]
        row.query_one(".line-category", Input).value = category
        row.query_one(".line-amount", Input).value = amount
    for row in editor.rows()[len(lines) :]:
        row.query_one(".line-category", Input).value = ""
        row.query_one(".line-amount", Input).value = ""
    await settle(pilot)


def check_line(app: KentcardApp) -> Static:
    return app.screen.query_one("#lines-check", Static)


async def test_a_plan_corrected_in_the_app_moves_homes_budget(app: KentcardApp) -> None:
    """c on the latest plan, new amounts and three lines, Ctrl+S: the plan is replaced, the
    section shows it, and Home's budget (and month_summary) follow: £1,284 × 13/12."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_section(pilot)
        assert screen.query_one("#plans", DataTable).row_count == 1
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PlanForm)
        assert form.query_one("#f-start", Input).value == "2026-11-01"
        form.query_one("#f-council", Input).value = "1,200.00"
        await fill_lines(pilot, [("Home care", "1100"), ("Equipment", "50"), ("Activities", "134")])
        assert str(check_line(app).render()) == "Lines add up to the payment (£1,284.00)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "£1,284.00" in str(screen.query_one("#plan-lines-shown", Static).render())
        await pilot.press("1")
        await settle(pilot)
        home = app.screen
        assert isinstance(home, DashboardScreen) and home.summary is not None
        assert home.summary.budget.pence == 139100
    [plan] = plans.list_plans(app.ctx, 1)
    assert [(line.category, line.amount.pence) for line in plan.lines] == [
        ("Home care", 110000),
        ("Equipment", 5000),
        ("Activities", 13400),
    ]
    budget = summary.month_summary(app.ctx, 1, NOVEMBER).budget
    assert budget.pence == 139100


async def test_a_new_plan_from_a_date_ends_the_one_before(app: KentcardApp) -> None:
    """n, a start of 1/12/2026 typed the UK way: November keeps its budget, the old plan ends
    on 30 November, and December's budget is the new plan's."""
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PlanForm)
        form.query_one("#f-start", Input).value = "1/12/2026"
        form.query_one("#f-contribution", Input).value = "100"
        await fill_lines(pilot, [("Home care", "1000"), ("Equipment", "100")])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PlanPersonScreen)
        assert app.screen.query_one("#plans", DataTable).row_count == 2
    old, new = plans.list_plans(app.ctx, 1)
    assert (old.end, new.start, new.end) == (date(2026, 11, 30), date(2026, 12, 1), None)
    assert new.first_payment == date(2026, 12, 1)  # the four-weekly cycle goes on: 3 Nov + 28
    assert summary.month_summary(app.ctx, 1, NOVEMBER).budget.pence == 117433
    assert summary.month_summary(app.ctx, 1, Month(2026, 12)).budget.pence == 119167


async def test_lines_above_the_payment_are_refused_and_below_it_warned(app: KentcardApp) -> None:
    """Lines of £1,200 against £1,084 are refused with a clear line and nothing saved; lines
    of £1,000 are warned about (£84.00 in no line) and saved."""
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PlanForm)
        await fill_lines(pilot, [("Home care", "1150"), ("Equipment", "50")])
        line = check_line(app)
        assert str(line.render()) == (
            "Lines add up to £1,200.00, £116.00 more than the payment of £1,084.00: "
            "make them smaller to save"
        )
        assert line.has_class("-error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert text_of(app, "#form-error").startswith("Not saved. Lines add up to £1,200.00")
        await fill_lines(pilot, [("Home care", "900"), ("Equipment", "100")])
        assert str(line.render()) == (
            "Lines add up to £1,000.00 of £1,084.00: £84.00 not in any line"
        )
        assert line.has_class("-warning") and not line.has_class("-error")
        assert text_of(app, "#form-error") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PlanPersonScreen)
        shown = str(app.screen.query_one("#plan-lines-shown", Static).render())
        assert "£84.00 not in any line" in shown
    [plan] = plans.list_plans(app.ctx, 1)
    assert sum(line.amount.pence for line in plan.lines) == 100000


async def test_a_line_with_no_name_or_a_bad_amount_is_named(app: KentcardApp) -> None:
    """A line with an amount but no name, or a name and a bad amount, stops the save and says
    which line; removing the line clears it."""
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot)
        await pilot.press("c")
        await settle(pilot)
        await fill_lines(pilot, [("Home care", "950"), ("Equipment", "50"), ("", "12")])
        assert str(check_line(app).render()) == "Budget line 3: say what it is for"
        await fill_lines(pilot, [("Home care", "950"), ("Equipment", "50"), ("Taxis", "1.234")])
        assert str(check_line(app).render()).startswith("Budget line 3: amount ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PlanForm)
        third = app.screen.query(LineRow)[2]
        await pilot.click(f"#line-remove-{third.number}")
        await settle(pilot)
        assert len(app.screen.query(LineRow)) == 2
        assert check_line(app).has_class("-warning")
    assert len(plans.list_plans(app.ctx, 1)[0].lines) == 2  # still the seeded plan's


async def test_the_persons_details_are_saved_and_audited(app: KentcardApp) -> None:
    """e opens the person's details; a new name, reference, card and weeks are saved, the
    header and the section show them, and the audit log holds the before and after."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_section(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecipientForm)
        assert form.query_one("#f-name", Input).value == "Jo Bloggs"
        for name, value in [
            ("name", "Mary Jones"),
            ("kcc-ref", "DP654321"),
            ("card-last4", "9876"),
            ("retained-weeks", "6"),
        ]:
            form.query_one(f"#f-{name}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert app.sub_title == "Mary Jones"
        shown = str(screen.query_one("#person", Static).render())
        assert "Mary Jones" in shown and "DP654321" in shown and "ending 9876" in shown
    [person] = recipients.list_recipients(app.ctx)
    assert (person.name, person.kcc_ref, person.card_last4, person.retained_weeks) == (
        "Mary Jones",
        "DP654321",
        "9876",
        6,
    )
    with app.ctx.db.read() as session:
        rows = audit.history(session=session, entity="recipient", entity_id=person.id)
    detail = json.loads(rows[-1].detail)
    assert rows[-1].action == "update"
    assert (detail["before"]["name"], detail["after"]["name"]) == ("Jo Bloggs", "Mary Jones")


async def test_a_bad_card_number_keeps_the_persons_form(app: KentcardApp) -> None:
    """Three digits for the card are named under the box and nothing changes."""
    async with app.run_test(size=SIZE) as pilot:
        await open_section(pilot)
        await pilot.click("#edit-person")
        await settle(pilot)
        app.screen.query_one("#f-card-last4", Input).value = "123"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecipientForm)
        assert "Kent Card" in text_of(app, "#e-card-last4")
    assert recipients.list_recipients(app.ctx)[0].card_last4 == "1234"


async def test_the_palette_finds_plan_and_person(app: KentcardApp) -> None:
    """Ctrl+P, "person", Enter: the person's details open from anywhere."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"person's details")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecipientForm)


async def test_setup_takes_five_budget_lines(settings: Settings, ctx: Context) -> None:
    """First run: five lines (two rows added) that add up to the payment are saved as the plan;
    the examples in empty boxes say "e.g." and the balance's date reads as that day's."""
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SetupForm)
        assert form.query_one("#f-council", Input).placeholder.startswith("e.g. ")
        labels = [str(label.render()) for label in form.query(".field-label")]
        assert "Card balance on the day you start (£, optional)" in labels
        assert "That day's date (empty: today)" in labels
        for name, value in [
            ("name", "Mary Jones"),
            ("council", "1000"),
            ("contribution", "84"),
            ("opening-balance", "312.40"),
            ("as-of", "31/10/2026"),
        ]:
            form.query_one(f"#f-{name}", Input).value = value
        lines = [
            ("Home care", "800"),
            ("Personal assistant", "150"),
            ("Equipment", "50"),
            ("Activities", "60"),
            ("Respite", "24"),
        ]
        await fill_lines(pilot, lines)
        assert len(form.query(LineRow)) == 5
        assert str(check_line(app).render()) == "Lines add up to the payment (£1,084.00)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    [person] = recipients.list_recipients(ctx)
    [plan] = plans.list_plans(ctx, person.id)
    assert [(line.category, line.amount.pence) for line in plan.lines] == [
        (category, int(amount) * 100) for category, amount in lines
    ]


async def test_setup_refuses_lines_above_the_payment(settings: Settings, ctx: Context) -> None:
    """Set-up's lines get the same check: above the payment nothing is saved, no one is made."""
    app = make_app(settings, ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SetupForm)
        form.query_one("#f-name", Input).value = "Mary Jones"
        form.query_one("#f-council", Input).value = "500"
        await fill_lines(pilot, [("Home care", "560")])
        assert check_line(app).has_class("-error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert not form.query_one("#save", Button).disabled
    assert recipients.list_recipients(ctx) == []
