"""A date far ahead, or the same entry twice, is warned about in the money forms and never
refused: the note shows as the boxes are filled, the first Ctrl+S says to check it, the
second saves."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, Static

from kentcard.core.money import Money
from kentcard.core.records import Source
from kentcard.services import ledger, recipients
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.money_forms import EntryForm, MoneyInForm, MoneyOutForm
from tests.tui.conftest import SIZE, settle


def typed(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


def note(form: EntryForm) -> str:
    box = form.query_one("#entry-notes", Static)
    return str(box.render()) if box.display else ""


def form_error(form: EntryForm) -> str:
    return str(form.query_one("#form-error", Static).render())


def fill_payment(app: KentcardApp, day: str, amount: str, payee: str) -> None:
    form = app.screen
    assert isinstance(form, MoneyOutForm)
    form.query_one("#f-date", Input).value = day
    form.query_one("#f-amount", Input).value = amount
    form.query_one("#f-payee", Input).value = payee


async def test_a_far_future_date_is_warned_about_then_saved(app: KentcardApp) -> None:
    """1 Mar 2027 is 96 days after today (25 Nov 2026): a note says so; the first Ctrl+S saves
    nothing and asks to check, the second saves the payment with that date."""
    pid = recipients.list_recipients(app.ctx)[0].id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n", "ctrl+u", *typed("1/3/2027"), "tab", *typed("12.50"), "tab")
        await pilot.press(*typed("Riverside Day Centre"))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        assert note(form) == "Check the date: 1 Mar 2027 is 96 days after today."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert form_error(form).startswith("Not saved yet: please check the note above.")
        assert [m for m in ledger.list_money_out(app.ctx, pid) if m.amount.pence == 1250] == []
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
    [saved] = [m for m in ledger.list_money_out(app.ctx, pid) if m.amount.pence == 1250]
    assert saved.date == date(2027, 3, 1)


async def test_a_date_within_two_months_saves_at_once(app: KentcardApp) -> None:
    """A payment dated next week is no mistake: no note, one Ctrl+S."""
    pid = recipients.list_recipients(app.ctx)[0].id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        fill_payment(app, "2/12/2026", "12.50", "Riverside Day Centre")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        assert note(form) == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
    assert [m.date for m in ledger.list_money_out(app.ctx, pid) if m.amount.pence == 1250] == [
        date(2026, 12, 2)
    ]


async def test_the_same_payment_twice_is_warned_about_then_saved(app: KentcardApp) -> None:
    """£45.99 to Kent Mobility on 18 Nov 2026 is already logged (the payee typed in another
    case): the note says so, and a second Ctrl+S logs it again."""
    pid = recipients.list_recipients(app.ctx)[0].id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        fill_payment(app, "18/11/2026", "45.99", "kent mobility")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        assert note(form) == (
            "Check: a payment of £45.99 to kent mobility on 18 Nov 2026 is already logged."
        )
        form.query_one("#f-amount", Input).value = "45.98"  # one penny less: no longer the same
        await settle(pilot)
        assert note(form) == ""
        form.query_one("#f-amount", Input).value = "45.99"
        await settle(pilot)
        assert "already logged" in note(form)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "Not saved yet" in form_error(form)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
    same = [m for m in ledger.list_money_out(app.ctx, pid) if m.amount.pence == 4599]
    # Kent Mobility is a shop, not a provider, so the second keeps the name as typed.
    assert [(m.date, m.payee) for m in same] == [
        (date(2026, 11, 18), "Kent Mobility"),
        (date(2026, 11, 18), "kent mobility"),
    ]


async def test_the_same_money_in_twice_is_warned_about_then_saved(app: KentcardApp) -> None:
    """KCC's £1,000.00 on 3 Nov 2026 is already logged: typing it again shows the note; a
    second Ctrl+S saves it."""
    pid = recipients.list_recipients(app.ctx)[0].id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("n", "ctrl+u", *typed("3/11/2026"), "tab", *typed("1000"))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyInForm)
        assert note(form) == "Check: £1,000.00 from KCC on 3 Nov 2026 is already logged."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "Not saved yet" in form_error(form)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyInForm)
    kcc = [m for m in ledger.list_money_in(app.ctx, pid) if m.source is Source.KCC]
    assert [(m.date, m.amount) for m in kcc] == [(date(2026, 11, 3), Money(100000))] * 2


async def test_editing_an_entry_without_changing_it_is_not_a_duplicate(app: KentcardApp) -> None:
    """A payment logged twice on purpose: changing one's description saves at once."""
    pid = recipients.list_recipients(app.ctx)[0].id
    ledger.add_money_out(
        app.ctx,
        pid,
        date=date(2026, 11, 18),
        amount=Money(4599),
        payee="Kent Mobility",
        category="Equipment",
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm) and form.record is not None
        assert note(form) == ""
        form.query_one("#f-description", Input).value = "Second bath seat"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
    assert sorted(
        m.description or "" for m in ledger.list_money_out(app.ctx, pid) if m.amount.pence == 4599
    ) == ["Bath seat", "Second bath seat"]
