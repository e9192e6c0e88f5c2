"""Paying an invoice from the app: a payment that matches an unpaid invoice settles it with no
extra keys, the list's marks read ☐/☑, and Invoices' "Pay this invoice" fills the form in."""

from __future__ import annotations

from datetime import date

from textual import events
from textual.widgets import Input, Static

from kentcard.core.money import Money
from kentcard.core.records import InvoiceStatus
from kentcard.services import allocations, browse, invoices, ledger, recipients
from kentcard.services.context import Context
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.money_forms import MoneyOutForm, TickList
from tests.tui.conftest import SIZE, settle


def person_id(app: KentcardApp) -> int:
    return recipients.list_recipients(app.ctx)[0].id


def status_of(ctx: Context, person_id: int, number: str) -> InvoiceStatus:
    [state] = [s for s in invoices.invoice_states(ctx, person_id) if s.invoice.number == number]
    return state.status


def add_invoice(ctx: Context, person_id: int, number: str, day: date, pence: int) -> None:
    invoices.add_invoice(
        ctx, person_id, invoices.InvoiceDraft("Bright Homecare", number, day, Money(pence))
    )


def hint(form: MoneyOutForm) -> str:
    return str(form.query_one("#invoices-hint", Static).render())


def marks(form: MoneyOutForm) -> list[str]:
    """Each invoice line as the list draws it (the mark first)."""
    picker = form.query_one("#invoices", TickList)
    return [picker.render_line(y).text.strip() for y in range(picker.option_count)]


def burst(app: KentcardApp, keys: list[str]) -> None:
    """Queue keys all at once, as a fast typist or a script sends them."""
    for key in keys:
        character = " " if key == "space" else key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


def typed(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


async def test_a_payment_matching_an_unpaid_invoice_settles_it_with_no_extra_keys(
    app: KentcardApp,
) -> None:
    """£245 to the provider of a £245 unpaid invoice: the form ticks it and says so, and
    Ctrl+S pays it; the £560 invoice from the same provider stays unpaid."""
    add_invoice(app.ctx, person_id(app), "INV-2", date(2026, 11, 20), 24500)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n", "tab", *typed("245"), "tab", *typed("Bright Homecare"))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        assert hint(form) == "Pays invoice INV-2 (£245.00): untick if not."
        assert marks(form) == [
            "☐ INV-1   5 Nov 2026   £560.00 to pay",
            "☑ INV-2   20 Nov 2026   £245.00 to pay",
        ]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
    assert status_of(app.ctx, person_id(app), "INV-2") is InvoiceStatus.PAID
    assert status_of(app.ctx, person_id(app), "INV-1") is InvoiceStatus.UNPAID
    [payment] = [
        m for m in ledger.list_money_out(app.ctx, person_id(app)) if m.amount.pence == 24500
    ]
    assert payment.date == date(2026, 11, 25) and payment.category == "Home care"


async def test_keys_sent_at_once_still_settle_the_matching_invoice(app: KentcardApp) -> None:
    """Ctrl+S pressed before the payee's invoices are read waits for them: the £560 payment
    still pays INV-1 rather than being saved without it."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        burst(app, ["n", "tab", *typed("560"), "tab", *typed("bright homecare"), "ctrl+s"])
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
    assert status_of(app.ctx, person_id(app), "INV-1") is InvoiceStatus.PAID


async def test_a_payment_can_pay_the_oldest_few_invoices_it_adds_up_to(app: KentcardApp) -> None:
    """£805 = INV-1 (£560) + INV-2 (£245), oldest first: both proposed and both paid."""
    add_invoice(app.ctx, person_id(app), "INV-2", date(2026, 11, 20), 24500)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n", "tab", *typed("805"), "tab", *typed("Bright Homecare"))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        assert hint(form) == "Pays invoices INV-1, INV-2 (£805.00): untick if not."
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert status_of(app.ctx, person_id(app), "INV-1") is InvoiceStatus.PAID
    assert status_of(app.ctx, person_id(app), "INV-2") is InvoiceStatus.PAID


async def test_marks_read_ticked_or_not_and_space_acts_on_the_first_line_at_once(
    app: KentcardApp,
) -> None:
    """No match: every line reads ☐ (no X); Tab from Paid to reaches the list with its first
    line highlighted, Space ticks it (☑) and Space again unticks it, and the payment saves
    with nothing ticked."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n", "tab", *typed("100"), "tab", *typed("Bright Homecare"))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        assert marks(form) == ["☐ INV-1   5 Nov 2026   £560.00 to pay"]
        assert "X" not in marks(form)[0]
        assert hint(form) == (
            "1 unpaid invoice from Bright Homecare. Tick the one this payment pays, if any."
        )
        await pilot.press("tab")
        await settle(pilot)
        assert form.focused is form.query_one("#invoices", TickList)
        await pilot.press("space")
        await settle(pilot)
        assert marks(form) == ["☑ INV-1   5 Nov 2026   £560.00 to pay"]
        assert hint(form) == (
            "Pays invoice INV-1 (£560.00); the payment is £460.00 less, so that stays to pay."
        )
        await pilot.press("space")
        await settle(pilot)
        assert marks(form) == ["☐ INV-1   5 Nov 2026   £560.00 to pay"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
    assert status_of(app.ctx, person_id(app), "INV-1") is InvoiceStatus.UNPAID
    [payment] = [
        m for m in ledger.list_money_out(app.ctx, person_id(app)) if m.amount.pence == 10000
    ]
    assert allocations.allocations_of(app.ctx, payment.id) == []


async def test_an_unticked_proposal_stays_unticked(app: KentcardApp) -> None:
    """The person unticks the proposed invoice: the payment saves without paying it."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n", "tab", *typed("560"), "tab", *typed("Bright Homecare"), "tab")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        assert marks(form) == ["☑ INV-1   5 Nov 2026   £560.00 to pay"]
        await pilot.press("enter")  # Enter ticks and unticks too
        await settle(pilot)
        assert marks(form) == ["☐ INV-1   5 Nov 2026   £560.00 to pay"]
        form.query_one("#f-description", Input).value = "Care, first week"
        await settle(pilot)
        assert marks(form) == ["☐ INV-1   5 Nov 2026   £560.00 to pay"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
    assert status_of(app.ctx, person_id(app), "INV-1") is InvoiceStatus.UNPAID


async def test_the_list_is_near_the_top_at_80_by_24(app: KentcardApp) -> None:
    """At 80×24 the payee's invoices and the line saying what the payment pays are on screen
    without scrolling the form."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n", "tab", *typed("560"), "tab", *typed("Bright Homecare"))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        screen = app.screen.region
        for selector in ("#invoices-hint", "#invoices"):
            region = form.query_one(selector).region
            assert region.height >= 1 and screen.contains_region(region), selector
        body = form.query_one("#form-body")
        assert body.scroll_offset.y == 0
        assert body.region.contains_region(form.query_one("#invoices").region)


async def test_pay_this_invoice_settles_it_with_one_save(app: KentcardApp) -> None:
    """p on an unpaid invoice opens the payment filled in (today, the provider, what is still
    owed, the provider's category, the invoice ticked); Ctrl+S alone pays it."""
    pid = person_id(app)
    part = ledger.add_money_out(
        app.ctx, pid, date=date(2026, 11, 10), amount=Money(16000), payee="Bright Homecare"
    )
    allocations.allocate(
        app.ctx, part.id, browse.open_invoices(app.ctx, pid, "Bright Homecare")[0].invoice.id
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        assert form.title_text == "Pay invoice INV-1 from Bright Homecare"
        assert form.raw("date") == "2026-11-25"
        assert form.raw("payee") == "Bright Homecare"
        assert form.raw("amount") == "400.00"
        assert form.raw("category") == "Home care"
        assert marks(form) == ["☑ INV-1   5 Nov 2026   £400.00 still to pay (of £560.00)"]
        assert hint(form) == "Pays invoice INV-1 (£400.00)."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
    assert status_of(app.ctx, pid, "INV-1") is InvoiceStatus.PAID
    [payment] = [m for m in ledger.list_money_out(app.ctx, pid) if m.amount.pence == 40000]
    assert (payment.date, payment.payee, payment.category) == (
        date(2026, 11, 25),
        "Bright Homecare",
        "Home care",
    )
    assert payment.description == "Invoice INV-1"


async def test_pay_this_invoice_is_refused_kindly_for_a_paid_invoice(app: KentcardApp) -> None:
    """p on a paid invoice says there is nothing left to pay; no form, no payment."""
    pid = person_id(app)
    ledger.add_money_out(
        app.ctx,
        pid,
        date=date(2026, 11, 10),
        amount=Money(56000),
        payee="Bright Homecare",
        invoices=[ledger.InvoiceClaim("INV-1")],
    )
    before = ledger.list_money_out(app.ctx, pid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
        [said] = [n.message for n in app._notifications]
        assert said.startswith("Invoice INV-1 from Bright Homecare is already paid: there is")
    assert ledger.list_money_out(app.ctx, pid) == before
