"""The Employing a PA section (-), driven through the real app: a PA, timesheet lines and a
payslip added through the forms, a typing error that saves nothing, delete and undo, and
Home's employment findings opening the section."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from textual.widgets import DataTable, Input, OptionList, Static

from kentcard.core.employment.records import TimesheetLine, WorkKind
from kentcard.core.money import Money
from kentcard.services import employment, ledger, recipients
from kentcard.services.context import Context
from kentcard.services.employment import PayslipFigures, RateTerms
from kentcard.services.review import Finding, Kind
from kentcard.services.settings import Settings
from kentcard.tui.app import KentcardApp
from kentcard.tui.launch import make_app
from kentcard.tui.screens.dashboard import DashboardScreen
from kentcard.tui.screens.employment import NO_INSURANCE, EmploymentScreen
from kentcard.tui.screens.employment_forms import (
    CostForm,
    EmployeeForm,
    PayslipForm,
    TimesheetForm,
)
from kentcard.tui.widgets.dialogs import ConfirmDialog
from tests.tui.conftest import SIZE, settle


def rows(app: KentcardApp, table: str) -> list[list[str]]:
    shown = app.screen.query_one(table, DataTable)
    return [[str(c) for c in shown.get_row_at(n)] for n in range(shown.row_count)]


def lines_of(app: KentcardApp) -> list[TimesheetLine]:
    assert app.recipient is not None
    return list(employment.records(app.ctx, app.recipient.id).lines)


def text_of(app: KentcardApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def settle_until(pilot: object, done: Callable[[], bool]) -> None:
    """Settle until `done()` (a deletion is a worker, then a reading, then a redraw)."""
    for _ in range(20):
        await settle(pilot)  # type: ignore[arg-type]
        if done():
            return


async def type_into(pilot: object, text: str) -> None:
    """Clear the focused box and type `text`, as a person would."""
    await pilot.press("ctrl+u", *text)  # type: ignore[attr-defined]


async def test_a_pa_three_timesheet_lines_and_a_payslip_added_through_the_forms(
    app: KentcardApp,
) -> None:
    """n adds a PA, t three timesheet lines (7.5, 7:30 and travel; each form offers the day
    of the line before), p a payslip tied to the card payment of its net pay; the tables
    show them, newest first, in words."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("minus")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EmploymentScreen)
        assert NO_INSURANCE in text_of(app, "#insurance")
        assert screen.query_one("#insurance").has_class("-warning")

        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, EmployeeForm)
        await pilot.press(*"Sam Carer", "tab", *"13.00", "tab")
        await type_into(pilot, "1/11/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert rows(app, "#pas") == [["Sam Carer", "1 Nov 2026", "21 or over", "£13.00"]]
        recipient = app.recipient
        assert recipient is not None
        # The wage is paid from the card before the payslip is recorded.
        ledger.add_money_out(
            app.ctx,
            recipient.id,
            date=date(2026, 11, 25),
            amount=Money(29250),
            payee="Sam Carer",
            category="Home care",
        )

        offered = "2026-11-25"  # today, then the day of the line added before
        for day, iso, hours, travel in (
            ("3/11/2026", "2026-11-03", "7.5", False),
            ("10/11/2026", "2026-11-10", "7:30", False),
            ("17/11/2026", "2026-11-17", "7.5", True),
        ):
            await pilot.press("t")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, TimesheetForm)
            assert form.query_one("#f-employee").value == "Sam Carer"  # type: ignore[attr-defined]
            assert form.raw("date") == offered
            offered = iso
            await pilot.press("tab")
            await type_into(pilot, day)
            await pilot.press("tab", *hours)
            await settle(pilot)
            assert text_of(app, "#hours-words") == "That is 7 hours 30 minutes."
            if travel:
                await pilot.press("tab", "enter", "down", "enter")
                await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen
        assert rows(app, "#lines") == [
            ["17 Nov 2026", "7 h 30 min", "Travel between visits"],
            ["10 Nov 2026", "7 h 30 min", "Care"],
            ["3 Nov 2026", "7 h 30 min", "Care"],
        ]
        assert "(3, 22 h 30 min in all)" in text_of(app, "#lines-title")

        await pilot.press("p")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PayslipForm)
        await pilot.press("tab", *"1/11/2026", "tab", *"24/11/2026", "tab", *"25/11/2026")
        await pilot.press("tab", *"292.50", "tab", "tab", "tab", "tab", *"292.50")
        await pilot.press("tab", *"22.5")
        await settle(pilot)
        assert "£292.50" in text_of(app, "#payslip-sums")
        form.query_one("#f-money-out").focus()
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        assert form.raw("money-out")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert rows(app, "#payslips") == [
            ["1 Nov – 24 Nov 2026", "25 Nov 2026", "£292.50", "£292.50", "£292.50"]
        ]

    found = employment.records(app.ctx, recipient.id)
    assert sorted(line.minutes for line in found.lines) == [450, 450, 450]
    assert {line.kind for line in found.lines} == {WorkKind.CARE, WorkKind.TRAVEL}
    (slip,) = found.payslips
    assert (slip.gross, slip.net, slip.minutes) == (Money(29250), Money(29250), 1350)
    assert slip.money_out_id == found.payments[0].id


async def test_a_typing_error_shows_the_fields_message_and_saves_nothing(
    settings: Settings, with_pa: Context
) -> None:
    """Hours typed as 7.5x: the box says what is wrong as it is typed, Ctrl+S names it and
    keeps the form open, and nothing is saved; a day before the PA started is refused too."""
    app = make_app(settings, with_pa)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("minus")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TimesheetForm)
        await pilot.press("tab")
        await type_into(pilot, "20/10/2026")
        await pilot.press("tab", *"7.5x")
        await settle(pilot)
        assert "Sam Carer started on 1 November 2026" in text_of(app, "#e-date")
        error = form.query_one("#e-hours", Static)
        assert error.has_class("-shown")
        assert str(error.render()).startswith("Hours (7.5 or 7:30): is not a number of hours")
        assert form.query_one("#f-hours", Input).has_class("-invalid")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Please correct: Day worked, Hours" in text_of(app, "#form-error")
    person = recipients.list_recipients(with_pa)[0].id
    assert len(employment.records(with_pa, person).lines) == 1  # the fixture's own


@pytest.fixture
def with_pa(seeded: Context) -> Context:
    """Jo Bloggs employs Sam Carer from 1 November at £10.00 an hour (below the minimum
    wage): 8 hours on 3 November, and a payslip paid on 25 November for them."""
    person = recipients.list_recipients(seeded)[0].id
    employment.add_employee(
        seeded,
        person,
        name="Sam Carer",
        start=date(2026, 11, 1),
        terms=RateTerms(hourly=Money(1000), category="Home care"),
    )
    employment.add_timesheet_line(
        seeded, person, employee="Sam Carer", day=date(2026, 11, 3), minutes=480
    )
    employment.add_payslip(
        seeded,
        person,
        employee="Sam Carer",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 24),
        paid_on=date(2026, 11, 25),
        figures=PayslipFigures(gross=Money(8000), net=Money(8000), minutes=480),
    )
    return seeded


@pytest.fixture
def pa_app(settings: Settings, with_pa: Context) -> Iterator[KentcardApp]:
    yield make_app(settings, with_pa)


def attention(app: KentcardApp) -> list[str]:
    shown = app.screen.query_one("#attention", OptionList)
    return [str(shown.get_option_at_index(i).prompt) for i in range(shown.option_count)]


async def choose_on_home(pilot: object, app: KentcardApp, title: str) -> None:
    """Highlight Home's first item starting `title` and press Enter on it."""
    found = attention(app)
    index = next(n for n, text in enumerate(found) if text.startswith(title))
    app.screen.query_one("#attention", OptionList).highlighted = index
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_enter_on_a_payslip_finding_on_home_opens_the_section_on_that_payslip(
    pa_app: KentcardApp,
) -> None:
    """Below the minimum wage (a payslip:N finding): Enter opens Employing a PA with Sam
    Carer chosen and the payslip highlighted; Enter there shows its figures."""
    app = pa_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await choose_on_home(pilot, app, "Below minimum wage")
        screen = app.screen
        assert isinstance(screen, EmploymentScreen)
        payslips = screen.query_one("#payslips", DataTable)
        assert screen.focused is payslips
        assert rows(app, "#payslips")[payslips.cursor_row][0] == "1 Nov – 24 Nov 2026"
        await pilot.press("enter")
        await settle(pilot)
        details = str(app.screen.query_one(".dialog-question", Static).render())
        assert "Payslip for Sam Carer, 1 November 2026 to 24 November 2026" in details
        assert "not linked to a card payment" in details


async def test_enter_on_a_finding_with_no_record_opens_the_section(pa_app: KentcardApp) -> None:
    """No insurance names no record: Enter opens Employing a PA, which says none is
    recorded, in the warning style."""
    app = pa_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await choose_on_home(pilot, app, "No insurance")
        assert isinstance(app.screen, EmploymentScreen)
        assert NO_INSURANCE in text_of(app, "#insurance")
        assert app.screen.query_one("#insurance").has_class("-warning")


async def test_a_timesheet_line_is_deleted_after_asking_and_u_puts_it_back(
    pa_app: KentcardApp,
) -> None:
    """d on a timesheet line asks first; Yes deletes it; u puts it back. d on the PAs table
    deletes nothing and says where to go."""
    app = pa_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("minus")
        await settle(pilot)
        screen = app.screen
        await pilot.press("d")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("tab")  # to the timesheet lines
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle_until(pilot, lambda: not rows(app, "#lines"))
        assert rows(app, "#lines") == []
        assert not lines_of(app)
        await pilot.press("u")
        await settle_until(pilot, lambda: bool(rows(app, "#lines")))
        assert rows(app, "#lines") == [["3 Nov 2026", "8 h", "Care"]]
        (line,) = lines_of(app)
        assert (line.day, line.minutes) == (date(2026, 11, 3), 480)


async def test_add_a_timesheet_line_from_anywhere_opens_its_form_once_the_pas_are_read(
    pa_app: KentcardApp,
) -> None:
    """The command palette's "Add a timesheet line" from Home: the section opens and its
    form follows with the PA chosen (it waits for the PAs to be read, never says "add a PA
    first" to someone who has one)."""
    app = pa_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"add a timesheet line")
        await settle(pilot)
        await pilot.press("enter")
        await settle_until(pilot, lambda: isinstance(app.screen, TimesheetForm))
        form = app.screen
        assert isinstance(form, TimesheetForm)
        assert form.raw("employee") == "Sam Carer"


@pytest.mark.parametrize("record", ["employee:1", "insurance:1", None])
async def test_other_employment_findings_open_the_section_and_never_crash(
    pa_app: KentcardApp, record: str | None
) -> None:
    """A PA's holiday (employee:N), a policy to renew (insurance:N) and a finding with no
    record all open Employing a PA; the PA a holiday finding is about is the one shown."""
    app = pa_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        kind = Kind.HOLIDAY_OVER if record == "employee:1" else Kind.NO_INSURANCE
        screen.open_finding(Finding(kind, date(2026, 11, 25), "A finding", record))
        await settle(pilot)
        assert isinstance(app.screen, EmploymentScreen)
        assert "Sam Carer" in text_of(app, "#lines-title")


async def test_the_payslip_form_checks_its_sums_as_they_are_typed(
    settings: Settings, with_pa: Context
) -> None:
    """The card payment chosen fills an empty net pay; a net pay more than the gross less
    tax, NI and pension is named under its box as it is typed, and Ctrl+S saves nothing."""
    person = recipients.list_recipients(with_pa)[0].id
    ledger.add_money_out(
        with_pa, person, date=date(2026, 11, 25), amount=Money(8000), payee="Sam Carer"
    )
    app = make_app(settings, with_pa)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("minus")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PayslipForm)
        form.query_one("#f-money-out").focus()
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        assert form.raw("net") == "80.00"
        form.query_one("#f-gross").focus()
        await pilot.press(*"70.00", "tab", *"5")
        await settle(pilot)
        assert "Gross less tax, employee's NI and pension: £65.00" in text_of(app, "#payslip-sums")
        assert "Net pay: is more than the gross less tax, NI and pension (£65.00)" in text_of(
            app, "#e-net"
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Net pay" in text_of(app, "#form-error")
    assert len(employment.records(with_pa, person).payslips) == 1  # the fixture's own


async def test_c_estimates_what_the_pa_costs_a_month(pa_app: KentcardApp) -> None:
    """c asks the hours a week and shows the estimate a month, line by line, against the
    plan line the wages come from."""
    app = pa_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("minus")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CostForm)
        await pilot.press(*"16", "ctrl+s")
        await settle_until(pilot, lambda: not isinstance(app.screen, CostForm))
        shown = str(app.screen.query_one(".dialog-question", Static).render())
        assert shown.startswith("Estimate for Sam Carer: 16 hours a week at £10.00 an hour")
        assert "Total a month" in shown and "The plan's Home care budget" in shown
