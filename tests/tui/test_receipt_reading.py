"""Adding a payment from a receipt file in the app: the file is read in a worker, the
suggestions are shown beside the lines they came from, and nothing is filled in until the
person chooses "Use these"; they can still change any box before saving."""

from __future__ import annotations

import threading
from datetime import date
from typing import TypeVar

import pytest
from textual.widgets import Button, Input, LoadingIndicator

from kentcard.core.money import Money
from kentcard.services import documents, invoices, ledger, providers, receipts, recipients
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.money_forms import AttachForm, MoneyOutForm
from kentcard.tui.screens.other_forms import InvoiceForm
from kentcard.tui.widgets.receipt_reader import ReceiptReader
from tests.receipt_fixtures import by_name
from tests.tui.conftest import SIZE, settle

TALL = (SIZE[0], 44)
F = TypeVar("F")


@pytest.fixture(autouse=True)
def text_layer_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF tests need no OCR; the one that does allows it itself."""
    monkeypatch.setenv("KENTCARD_RECEIPT_ENGINES", "text")


async def open_form(app: KentcardApp, pilot, screen: str, kind: type[F], key: str = "n") -> F:  # type: ignore[no-untyped-def]
    """Go to a screen by its key and press `key` for its form (n adds, a attaches)."""
    await settle(pilot)
    await pilot.press(screen)
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    form = app.screen
    assert isinstance(form, kind)
    return form


async def open_payment_form(app: KentcardApp, pilot) -> MoneyOutForm:  # type: ignore[no-untyped-def]
    return await open_form(app, pilot, "3", MoneyOutForm)


def boxes(form: MoneyOutForm) -> list[str]:
    return [form.raw(name) for name in ("date", "amount", "payee")]


async def test_a_receipt_is_read_shown_and_used_only_when_chosen(app: KentcardApp) -> None:
    """Naming the invoice PDF reads it; the three values show beside their lines while the
    boxes stay as they were; Ctrl+Y fills them; Ctrl+S saves the payment with the file."""
    pid = recipients.list_recipients(app.ctx)[0].id
    pdf = by_name("i01_agency.pdf").path
    async with app.run_test(size=TALL) as pilot:
        form = await open_payment_form(app, pilot)
        before = boxes(form)
        form.query_one("#f-receipt", Input).value = str(pdf)
        await settle(pilot)
        reader = form.query_one(ReceiptReader)
        assert reader.status == "It seems to say (check each value):"
        shown = [
            [part.strip() for part in line.split("   from ")] for line in reader.shown.splitlines()
        ]
        assert shown[0] == [
            "Date     3 Feb 2025",
            "“Invoice date: 3rd February 2025”",
        ]
        assert shown[1] == ["Amount   £1,245.00", "“Amount due £1,245.00”"]
        assert shown[2] == ["Paid to  Bright Homecare", "“Bright Homecare Ltd”"]
        assert boxes(form) == before  # nothing filled in by reading
        assert form.query_one("#use-receipt", Button).has_class("-shown")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert boxes(form) == ["2025-02-03", "1245.00", "Bright Homecare"]
        assert reader.status.startswith("Filled in from the receipt: date, amount, paid to.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
    [saved] = [m for m in ledger.list_money_out(app.ctx, pid) if m.date == date(2025, 2, 3)]
    assert (saved.amount, saved.payee) == (Money(124500), "Bright Homecare")
    attached = [d for d in documents.list_documents(app.ctx, pid) if d.filename == pdf.name]
    assert len(attached) == 1


async def test_the_person_can_change_a_used_value_before_saving(app: KentcardApp) -> None:
    """After Use these, a box typed over keeps what the person typed."""
    pid = recipients.list_recipients(app.ctx)[0].id
    async with app.run_test(size=TALL) as pilot:
        form = await open_payment_form(app, pilot)
        form.query_one("#f-receipt", Input).value = str(by_name("i04_pa.pdf").path)
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert boxes(form) == ["2025-11-28", "290.00", "Sarah Jones"]
        form.query_one("#f-amount", Input).value = "145.00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
    [saved] = [m for m in ledger.list_money_out(app.ctx, pid) if m.payee == "Sarah Jones"]
    assert (saved.date, saved.amount) == (date(2025, 11, 28), Money(14500))


async def test_a_photo_without_ocr_says_so_and_fills_nothing(app: KentcardApp) -> None:
    """No engine can read the photo: a plain line, no Use button, the boxes untouched, and
    Ctrl+Y does nothing."""
    async with app.run_test(size=TALL) as pilot:
        form = await open_payment_form(app, pilot)
        before = boxes(form)
        form.query_one("#f-receipt", Input).value = str(by_name("r01_clean.jpg").path)
        await settle(pilot)
        reader = form.query_one(ReceiptReader)
        assert reader.status.startswith("No suggestion: no OCR engine is available")
        assert reader.shown == ""
        assert not form.query_one("#use-receipt", Button).has_class("-shown")
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert boxes(form) == before


async def test_a_file_that_is_not_there_is_named_and_nothing_breaks(app: KentcardApp) -> None:
    """Ctrl+R on a path that does not exist: one plain line; the form stays usable."""
    async with app.run_test(size=TALL) as pilot:
        form = await open_payment_form(app, pilot)
        form.query_one("#f-receipt", Input).value = "/nowhere/receipt.pdf"
        await pilot.press("ctrl+r")
        await settle(pilot)
        reader = form.query_one(ReceiptReader)
        assert reader.status.startswith("Could not read it: receipt: does not exist")
        assert not form.query_one("#read-receipt", Button).disabled
        assert app.screen is form


async def test_a_photo_is_read_with_the_extra_while_progress_shows(
    app: KentcardApp, monkeypatch: pytest.MonkeyPatch, ocr_extra: None
) -> None:
    """OCR of a photo takes about a second: meanwhile the indicator shows and Read is
    disabled; then the shadowed taxi receipt's values are shown, the payee as the person's
    own provider is named."""
    monkeypatch.setenv("KENTCARD_RECEIPT_ENGINES", "text,rapidocr")
    pid = recipients.list_recipients(app.ctx)[0].id
    providers.add_provider(app.ctx, pid, name="Whitstable Taxis")
    # The reading waits for the test's word before it starts, so what shows while it runs
    # is seen however fast or slow this machine is; the reading itself is the real one.
    go = threading.Event()
    real = receipts.suggest_from_file

    def when_told(*args: object, **kwargs: object) -> object:
        assert go.wait(60)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(receipts, "suggest_from_file", when_told)
    async with app.run_test(size=TALL) as pilot:
        form = await open_payment_form(app, pilot)
        form.query_one("#f-receipt", Input).value = str(by_name("r04_shadow.jpg").path)
        await pilot.pause()
        reader = form.query_one(ReceiptReader)
        assert reader.status == "Reading the file on this computer…"
        assert reader.query_one(LoadingIndicator).has_class("-busy")
        assert reader.query_one("#read-receipt", Button).disabled
        go.set()
        await settle(pilot)
        assert not reader.query_one(LoadingIndicator).has_class("-busy")
        assert reader.suggestion is not None
        assert [line.split()[:3] for line in reader.shown.splitlines()] == [
            ["Date", "9", "Jun"],
            ["Amount", "£21.60", "from"],
            ["Paid", "to", "Whitstable"],
        ]
        assert reader.shown.splitlines()[2].startswith("Paid to  Whitstable Taxis ")


async def test_a_slow_reading_is_given_up_at_its_time_limit(
    app: KentcardApp, monkeypatch: pytest.MonkeyPatch, ocr_extra: None
) -> None:
    """With the time limit shorter than the OCR takes, the form says it took too long and
    ignores the answer that comes later."""
    monkeypatch.setenv("KENTCARD_RECEIPT_ENGINES", "text,rapidocr")
    monkeypatch.setattr(ReceiptReader, "TIME_LIMIT", 0.05)
    async with app.run_test(size=TALL) as pilot:
        form = await open_payment_form(app, pilot)
        form.query_one("#f-receipt", Input).value = str(by_name("r04_shadow.jpg").path)
        await settle(pilot)  # the reading finishes, late
        reader = form.query_one(ReceiptReader)
        assert reader.status == "Reading took too long; type the details."
        assert reader.shown == "" and reader.suggestion is None
        assert not reader.query_one(LoadingIndicator).has_class("-busy")
        assert not reader.query_one("#read-receipt", Button).disabled


async def test_attaching_a_file_shows_what_it_says_beside_the_payment(app: KentcardApp) -> None:
    """a on a payment: the file is read as it is named, each value shown with what the
    payment says where they differ; saving attaches it and changes nothing else."""
    pid = recipients.list_recipients(app.ctx)[0].id
    [payment] = ledger.list_money_out(app.ctx, pid)
    pdf = by_name("i03_order_date.pdf").path
    async with app.run_test(size=TALL) as pilot:
        form = await open_form(app, pilot, "3", AttachForm, key="a")
        form.query_one("#f-file", Input).value = str(pdf)
        await settle(pilot)
        reader = form.query_one(ReceiptReader)
        assert reader.status == "It seems to say (compare it with this record):"
        lines = reader.shown.splitlines()
        assert lines[0].endswith("(it is 18 Nov 2026 here)")
        assert "£239.99" in lines[1] and lines[1].endswith("(it is £45.99 here)")
        assert lines[2].endswith("(it is Kent Mobility here)")
        assert not form.query_one("#use-receipt", Button).has_class("-shown")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, AttachForm)
    assert ledger.list_money_out(app.ctx, pid) == [payment]
    assert [d.filename for d in documents.list_documents(app.ctx, pid)] == [pdf.name]


async def test_an_invoice_file_shows_its_number_and_hours_times_rate(app: KentcardApp) -> None:
    """a on an invoice: the PDF's number, date, amount and hours × rate are shown; the
    payee that agrees with the invoice has no remark."""
    async with app.run_test(size=TALL) as pilot:
        form = await open_form(app, pilot, "4", AttachForm, key="a")
        form.query_one("#f-file", Input).value = str(by_name("i01_agency.pdf").path)
        await settle(pilot)
        lines = form.query_one(ReceiptReader).shown.splitlines()
        assert [line.split()[0] for line in lines] == ["Date", "Amount", "Paid", "Invoice", "Hours"]
        assert lines[2].rstrip().endswith("from “Bright Homecare Ltd”")  # the same provider
        assert "BH-2025-0142" in lines[3] and lines[3].endswith("(it is INV-1 here)")
        assert "83 h × £15.00" in lines[4]


async def test_on_a_small_screen_what_was_read_is_scrolled_into_view(app: KentcardApp) -> None:
    """At 80×24 the reader sits below the form's fold: when the reading is done, its values
    and Use these are on the screen, not left for the person to find by scrolling."""
    async with app.run_test(size=SIZE) as pilot:
        form = await open_payment_form(app, pilot)
        form.query_one("#f-receipt", Input).value = str(by_name("i01_agency.pdf").path)
        use = form.query_one("#use-receipt", Button)

        def use_is_on_the_screen() -> bool:
            region = use.region
            if region.area == 0:
                return False
            widget, _ = app.screen.get_widget_at(region.x + 2, region.y + region.height // 2)
            return widget is use or use in widget.ancestors_with_self

        # Scrolling waits for the screen to be drawn, which a busy machine may delay.
        for _ in range(40):
            await settle(pilot)
            if use_is_on_the_screen():
                break
            await pilot.pause(0.1)
        assert use_is_on_the_screen()


INVOICE_BOXES = ("provider", "number", "date", "hours", "rate", "amount")


async def test_an_invoice_is_filled_from_its_file_when_chosen(app: KentcardApp) -> None:
    """Adding an invoice: naming its PDF reads it; Use these fills the provider (one of the
    list), number, date, hours, rate and amount; Ctrl+S saves it with the file."""
    pid = recipients.list_recipients(app.ctx)[0].id
    pdf = by_name("i01_agency.pdf").path
    async with app.run_test(size=TALL) as pilot:
        form = await open_form(app, pilot, "4", InvoiceForm)
        before = [form.raw(name) for name in INVOICE_BOXES]
        form.query_one("#f-file", Input).value = str(pdf)
        await settle(pilot)
        reader = form.query_one(ReceiptReader)
        assert "BH-2025-0142" in reader.shown and "83 h × £15.00" in reader.shown
        assert [form.raw(name) for name in INVOICE_BOXES] == before  # nothing filled yet
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert [form.raw(name) for name in INVOICE_BOXES] == [
            "Bright Homecare",
            "BH-2025-0142",
            "2025-02-03",
            "83",
            "15.00",
            "1245.00",
        ]
        assert reader.status == (
            "Filled in from the invoice: provider, number, date, hours, rate, amount. "
            "Check them, then Ctrl+S to save."
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, InvoiceForm)
    [saved] = [
        s.invoice
        for s in invoices.invoice_states(app.ctx, pid)
        if s.invoice.number == "BH-2025-0142"
    ]
    assert (saved.issue_date, saved.amount, saved.hours_centi, saved.rate) == (
        date(2025, 2, 3),
        Money(124500),
        8300,
        Money(1500),
    )
    assert [d.filename for d in documents.list_documents(app.ctx, pid)] == [pdf.name]


async def test_a_provider_not_in_the_list_is_left_for_the_person(app: KentcardApp) -> None:
    """The two-column invoice is from Kent Respite Care Ltd, not one of Jo's providers: the
    rest is filled, the provider box is left as it was, and the note says why."""
    async with app.run_test(size=TALL) as pilot:
        form = await open_form(app, pilot, "4", InvoiceForm)
        provider = form.raw("provider")
        form.query_one("#f-file", Input).value = str(by_name("i02_two_columns.pdf").path)
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert form.raw("provider") == provider
        assert (form.raw("number"), form.raw("date"), form.raw("amount")) == (
            "KRC-7781",
            "2025-10-14",
            "480.00",
        )
        status = form.query_one(ReceiptReader).status
        assert "Not filled: provider “Kent Respite Care Ltd” is not in the list." in status
