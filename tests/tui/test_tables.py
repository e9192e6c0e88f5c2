"""The table sections driven by keys: add, edit, delete, filter, sort, attach, allocate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widgets import DataTable, Input, Markdown, SelectionList, Static

from kentcard.core.records import Source
from kentcard.services import (
    allocations,
    browse,
    documents,
    invoices,
    ledger,
    providers,
    recipients,
)
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.money_forms import AttachForm, MoneyInForm, MoneyOutForm
from kentcard.tui.widgets.dialogs import ConfirmDialog
from tests.tui.conftest import SIZE, settle


def cells(app: KentcardApp, column: str) -> list[str]:
    """The text of column `column` (its key) in every row on screen, top to bottom."""
    table = app.screen.query_one("#table", DataTable)
    return [str(c) for c in table.get_column(column)]


async def fill(pilot, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for name, text in values.items():
        pilot.app.screen.query_one(f"#f-{name}", Input).value = text
    await settle(pilot)


async def test_add_money_out_with_receipt_and_invoice(app: KentcardApp, receipt: Path) -> None:
    """n opens the form; ticking the payee's open invoice and a receipt path saves all three."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutForm)
        await fill(pilot, {"date": "2026-11-20", "payee": "Bright Homecare"})
        picker = app.screen.query_one("#invoices", SelectionList)
        assert picker.option_count == 1
        picker.select_all()
        await settle(pilot)
        assert app.screen.query_one("#f-amount", Input).value == "560.00"
        await fill(pilot, {"receipt": f"'{receipt}'"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, MoneyOutForm)
        assert "Bright Homecare" in cells(app, "payee")
    [payment] = [
        m for m in ledger.list_money_out(app.ctx, app.recipient.id) if m.date == date(2026, 11, 20)
    ]
    assert payment.amount.pence == 56000 and payment.category == "Home care"
    [allocation] = allocations.allocations_of(app.ctx, payment.id)
    assert allocation.amount.pence == 56000
    docs = documents.list_documents(app.ctx, app.recipient.id)
    assert [d.filename for d in docs] == ["receipt-lunch.txt"]
    assert docs[0].links == (f"money-out:{payment.id}",)


async def test_bad_amount_keeps_the_dialog_open(app: KentcardApp) -> None:
    """An amount with three decimals is named under the field; saving does nothing."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        await fill(pilot, {"amount": "12.345", "payee": "Shop"})
        assert "more than two decimal places" in str(
            app.screen.query_one("#e-amount", Static).render()
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutForm)
        assert "Amount" in str(app.screen.query_one("#form-error", Static).render())
        assert app.screen.query_one("#f-payee", Input).value == "Shop"
    assert len(ledger.list_money_out(app.ctx, app.recipient.id)) == 1


async def test_refused_save_keeps_what_was_typed(app: KentcardApp, tmp_path: Path) -> None:
    """A receipt the service refuses (empty file) leaves the form open with every value."""
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3", "n")
        await fill(pilot, {"amount": "9.99", "payee": "Shop", "receipt": str(empty)})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MoneyOutForm)
        assert "Not saved" in str(app.screen.query_one("#form-error", Static).render())
        assert app.screen.query_one("#f-amount", Input).value == "9.99"
    assert len(ledger.list_money_out(app.ctx, app.recipient.id)) == 1


async def test_edit_and_delete_money_in(app: KentcardApp) -> None:
    """Enter edits the selected money-in; d asks first, then deletes it."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert cells(app, "amount")[0] == "£1,000.00"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MoneyInForm)
        await fill(pilot, {"amount": "999.50", "reference": "KCC DP NOV"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "£999.50" in cells(app, "amount")
        kcc = [m for m in ledger.list_money_in(app.ctx, app.recipient.id) if m.source is Source.KCC]
        assert kcc[0].amount.pence == 99950 and kcc[0].reference == "KCC DP NOV"
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert "£999.50" not in cells(app, "amount")
    assert not [
        m for m in ledger.list_money_in(app.ctx, app.recipient.id) if m.source is Source.KCC
    ]


async def test_filter_by_text_month_and_choice(app: KentcardApp) -> None:
    """Typing in the search box, the month box and the category choice narrows the table."""
    pid = recipients.list_recipients(app.ctx)[0].id
    ledger.add_money_out(
        app.ctx, pid, date=date(2026, 10, 2), amount=browse_money(1000), payee="Cafe"
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert len(cells(app, "payee")) == 2
        app.screen.query_one("#filter-text", Input).value = "mobil"
        await settle(pilot)
        assert cells(app, "payee") == ["Kent Mobility"]
        app.screen.query_one("#filter-text", Input).value = ""
        app.screen.query_one("#filter-month", Input).value = "2026-10"
        await settle(pilot)
        assert cells(app, "payee") == ["Cafe"]
        app.screen.query_one("#filter-month", Input).value = "2026-13"
        await settle(pilot)
        assert "Month" in str(app.screen.query_one("#filter-error", Static).render())
        await pilot.press("escape")
        app.screen.query_one("#filter-choice").value = "Equipment"  # type: ignore[attr-defined]
        await settle(pilot)
        assert cells(app, "payee") == ["Kent Mobility"]


def browse_money(pence: int):  # type: ignore[no-untyped-def]
    from kentcard.core.money import Money

    return Money(pence)


async def test_sort_and_reverse(app: KentcardApp) -> None:
    """s sorts by the next column (payee), r reverses it."""
    ledger.add_money_out(
        app.ctx,
        recipients.list_recipients(app.ctx)[0].id,
        date=date(2026, 11, 1),
        amount=browse_money(500),
        payee="Zed",
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert cells(app, "payee") == ["Kent Mobility", "Zed"]  # newest first (18th, then 1st)
        await pilot.press("s")
        await settle(pilot)
        assert app.screen.filters.sort == "payee"  # type: ignore[attr-defined]
        assert cells(app, "payee") == ["Kent Mobility", "Zed"]
        await pilot.press("r")
        await settle(pilot)
        assert cells(app, "payee") == ["Zed", "Kent Mobility"]


async def test_attach_receipt_to_selected_payment(app: KentcardApp, receipt: Path) -> None:
    """a on a payment opens the attach form; the file is stored and the row shows evidence."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert cells(app, "evidence") == ["MISSING"]
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AttachForm)
        await fill(pilot, {"file": str(receipt)})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cells(app, "evidence") == ["yes"]
    [doc] = documents.list_documents(app.ctx, app.recipient.id)
    assert doc.filename == "receipt-lunch.txt"


async def test_invoice_form_computes_hours_times_rate(app: KentcardApp) -> None:
    """Hours and the provider's rate fill the amount when it is left empty."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#f-provider").value = "Bright Homecare"  # type: ignore[attr-defined]
        await fill(pilot, {"number": "INV-2", "date": "2026-11-20", "hours": "23.5"})
        assert app.screen.query_one("#f-rate", Input).value == "28.00"
        assert "£658.00" in str(app.screen.query_one("#computed", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "INV-2" in cells(app, "number")
    [state] = [
        s for s in invoices.invoice_states(app.ctx, app.recipient.id) if s.invoice.number == "INV-2"
    ]
    assert state.invoice.amount.pence == 65800 and state.invoice.hours_centi == 2350


async def test_add_provider_and_filter_by_kind(app: KentcardApp) -> None:
    """A provider added with the form is listed; the kind filter hides the others."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5", "n")
        await settle(pilot)
        await fill(pilot, {"name": "Sam Taylor", "rate": "12.50"})
        app.screen.query_one("#f-kind").value = "pa"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cells(app, "name") == ["Bright Homecare", "Sam Taylor"]
        app.screen.query_one("#filter-choice").value = "pa"  # type: ignore[attr-defined]
        await settle(pilot)
        assert cells(app, "name") == ["Sam Taylor"]
    [sam] = [
        p for p in providers.list_providers(app.ctx, app.recipient.id) if p.name == "Sam Taylor"
    ]
    assert sam.rate is not None and sam.rate.pence == 1250


async def test_evidence_lists_and_opens_a_private_copy(app: KentcardApp, receipt: Path) -> None:
    """Evidence shows the file, its kind in a word, the payment it is for and its size; o
    saves a 0600 copy when there is no viewer."""
    payment = ledger.list_money_out(app.ctx, recipients.list_recipients(app.ctx)[0].id)[0]
    doc = documents.attach_document(app.ctx, receipt, money_out_id=payment.id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        row = app.screen.query_one("#table", DataTable).get_row_at(0)
        assert [str(c) for c in row] == [
            "receipt-lunch.txt",
            "Receipt",
            "Payment 18 Nov 2026, Kent Mobility, £45.99",
            f"{doc.size} B",
        ]
        await pilot.press("o")
        await settle(pilot)
        [message] = [n.message for n in app._notifications if "private copy" in n.message]
    copy = Path(message.rsplit(" ", 1)[1])
    assert copy.read_bytes() == receipt.read_bytes()
    assert oct(copy.stat().st_mode & 0o777) == "0o600"


async def test_paging_shows_one_page_of_a_long_table(app: KentcardApp) -> None:
    """With 250 payments the table holds 100 rows; > shows the next page."""
    pid = recipients.list_recipients(app.ctx)[0].id
    for n in range(249):
        ledger.add_money_out(
            app.ctx,
            pid,
            date=date(2026, 1, 1 + n % 28),
            amount=browse_money(100 + n),
            payee=f"P{n}",
        )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert app.screen.query_one("#table", DataTable).row_count == 100
        assert "of 250" in str(app.screen.query_one("#page-info", Static).render())
        await pilot.press("greater_than_sign", "greater_than_sign")
        await settle(pilot)
        assert app.screen.query_one("#table", DataTable).row_count == 50
    assert browse.money_out_page(app.ctx, pid, browse.Filters(), 0, 1).total == 250


async def test_end_and_home_go_to_the_ends_of_the_whole_list(app: KentcardApp) -> None:
    """End (or Ctrl+End) shows the last page with the cursor on its last row; Home (or
    Ctrl+Home) the first row of the first page; the line under the table and the help name
    them."""
    pid = recipients.list_recipients(app.ctx)[0].id
    for n in range(249):
        ledger.add_money_out(
            app.ctx,
            pid,
            date=date(2025, 1 + n % 12, 1 + n % 28),
            amount=browse_money(100 + n),
            payee=f"P{n}",
        )
    everything = browse.money_out_page(app.ctx, pid, browse.Filters(), 0, 1000)
    ids = [p.record.id for p in everything.items]
    assert len(ids) == 250
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#table", DataTable)
        info = screen.query_one("#page-info", Static)

        def shown() -> tuple[list[int], int, str]:
            return [p.record.id for p in screen.items], table.cursor_row, str(info.render())

        assert "End last row" in shown()[2]
        for end, home in (("end", "home"), ("ctrl+end", "ctrl+home")):
            await pilot.press(end)
            await settle(pilot)
            rows, cursor, text = shown()
            assert rows == ids[200:] and cursor == 49 and "201–250 of 250" in text
            await pilot.press("up", "up", end)  # on the last page already: just the cursor
            await settle(pilot)
            assert shown()[:2] == (ids[200:], 49)
            await pilot.press(home)
            await settle(pilot)
            rows, cursor, text = shown()
            assert rows == ids[:100] and cursor == 0 and "1–100 of 250" in text
        await pilot.press("greater_than_sign", "end")  # from a middle page
        await settle(pilot)
        assert shown()[:2] == (ids[200:], 49)
        await pilot.press("question_mark")
        await settle(pilot)
        assert "the last row of the last page" in str(app.screen.query_one(Markdown).source)
