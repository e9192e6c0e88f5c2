"""The Reconcile screen driven by keys, and the period lock seen from the Money out screen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from kentcard.core.money import Money
from kentcard.services import ledger, period_lock, recipients
from kentcard.services.reconcile import LineState, list_batches, statement_lines
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.money_forms import MoneyOutForm
from kentcard.tui.screens.reconcile import ReconcileScreen
from kentcard.tui.screens.reconcile_dialogs import CreateEntryForm, ImportDialog, LockForm
from kentcard.tui.widgets.dialogs import ConfirmDialog
from tests.tui.conftest import SIZE, settle

STATEMENT = """Date,Description,Amount
03/11/2026,KENT COUNTY COUNCIL DP,1000.00
10/11/2026,BRIGHT HOMECARE,-560.00
18/11/2026,KENT MOBILITY,-45.99
20/11/2026,CAFE,-20.00
20/11/2026,CAFE,-20.00
20/11/2026,CAFE,-20.00
"""


def text_of(widget: Static) -> str:
    return str(widget.render())


def column(app: KentcardApp, table: str, index: int) -> list[str]:
    grid = app.screen.query_one(f"#{table}", DataTable)
    return [str(grid.get_row_at(r)[index]) for r in range(grid.row_count)]


def shown(app: KentcardApp) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.fixture
def cafes(app: KentcardApp) -> dict[str, str]:
    """Two £20 cafe payments logged on 20 November (so three cafe lines need decisions)."""
    pid = recipients.list_recipients(app.ctx)[0].id
    refs = {}
    for name in ("Cafe A", "Cafe B"):
        made = ledger.add_money_out(
            app.ctx, pid, date=date(2026, 11, 20), amount=Money(2000), payee=name
        )
        refs[name] = f"money-out:{made.id}"
    return refs


async def test_import_match_accept_create_and_lock(
    app: KentcardApp, cafes: dict[str, str], tmp_path: Path
) -> None:
    """From the screen: preview then import, match by hand, accept all, create, lock."""
    path = tmp_path / "card.csv"
    path.write_text(STATEMENT)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        assert isinstance(app.screen, ReconcileScreen)
        assert "No statement imported yet" in text_of(app.screen.query_one("#reconcile-info"))
        await pilot.press("i")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        dialog.query_one("#f-path", Input).value = str(tmp_path / "nope.csv")
        await settle(pilot)
        assert "no file there" in text_of(dialog.query_one("#e-path", Static))
        dialog.query_one("#f-path", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        preview = text_of(dialog.query_one("#preview", Static))
        assert "matched to entries you logged   2" in preview
        assert "new entries to add              1" in preview
        assert "need a decision from you        3" in preview
        assert list_batches(app.ctx, app.recipient.id) == []  # the preview saved nothing
        await pilot.click("#import")
        await settle(pilot)
        assert isinstance(app.screen, ReconcileScreen)
        [batch] = list_batches(app.ctx, app.recipient.id)
        assert (batch.lines, batch.stored) == (6, 6)
        assert (
            column(app, "lines", 3) == ["matched", "created", "matched"] + ["needs a decision"] * 3
        )
        # KCC's payment is named in words (not `kcc`), its date only once: the line's own.
        assert column(app, "lines", 4)[0] == "KCC"
        assert "KCC" in column(app, "entries", 2) and "kcc" not in column(app, "entries", 2)

        # Match the first cafe line to Cafe A by hand: choose the line, Tab across, pick, m.
        lines = app.screen.query_one("#lines", DataTable)
        lines.move_cursor(row=3)
        await settle(pilot)
        await pilot.press("tab")
        entries = app.screen.query_one("#entries", DataTable)
        labels = column(app, "entries", 2)
        entries.move_cursor(row=labels.index("Cafe A"))
        await pilot.press("m")
        await settle(pilot)
        found = statement_lines(app.ctx, app.recipient.id)
        assert found[3].entry == cafes["Cafe A"] and found[3].state is LineState.MATCHED
        assert found[4].suggestion == cafes["Cafe B"]

        await pilot.press("A")
        await settle(pilot)
        found = statement_lines(app.ctx, app.recipient.id)
        assert found[4].entry == cafes["Cafe B"]
        assert found[5].entry is None and found[5].state is LineState.DECISION

        # Create an entry from the last cafe line; the form names a wrong field as you type.
        lines.focus()
        lines.move_cursor(row=5)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CreateEntryForm)
        assert form.query_one("#f-payee", Input).value == "CAFE"
        form.query_one("#f-payee", Input).value = "   "
        await settle(pilot)
        assert "Paid to: is required" in text_of(form.query_one("#e-payee", Static))
        form.query_one("#f-payee", Input).value = "Riverside Cafe"
        form.query_one("#f-category", Input).value = "Day activities"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReconcileScreen)
        last = statement_lines(app.ctx, app.recipient.id)[5]
        assert last.state is LineState.CREATED
        [made] = [
            m
            for m in ledger.list_money_out(app.ctx, app.recipient.id)
            if f"money-out:{m.id}" == last.entry
        ]
        assert (made.payee, made.category, made.amount.pence) == (
            "Riverside Cafe",
            "Day activities",
            2000,
        )

        # Mark reviewed and lock, confirming first.
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LockForm)
        assert app.screen.query_one("#f-to", Input).value == "2026-11-20"
        app.screen.query_one("#f-reason", Input).value = "KCC review, November"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert period_lock.current_lock(app.ctx, app.recipient.id) is None
        await pilot.press("y")
        await settle(pilot)
        assert "Locked up to 2026-11-20." in shown(app)
        assert all("(locked)" in state for state in column(app, "lines", 3))
    lock = period_lock.current_lock(app.ctx, app.recipient.id)
    assert lock is not None
    assert (lock.locked_to, lock.reason) == (date(2026, 11, 20), "KCC review, November")


async def test_refused_actions_show_why_and_change_nothing(
    app: KentcardApp, cafes: dict[str, str], tmp_path: Path
) -> None:
    """Locking with undecided lines, or matching a wrong amount, is refused with the reason."""
    path = tmp_path / "card.csv"
    path.write_text(STATEMENT)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("8", "i")
        await settle(pilot)
        app.screen.query_one("#f-path", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.click("#import")
        await settle(pilot)
        before = statement_lines(app.ctx, app.recipient.id)
        app.screen.query_one("#lines", DataTable).move_cursor(row=3)
        await settle(pilot)
        # A money in says where it came from in words, not `opening`.
        assert column(app, "entries", 2)[0] == "Opening balance"
        app.screen.query_one("#entries", DataTable).move_cursor(row=0)  # £312.40 in, not £20 out
        await pilot.press("m")
        await settle(pilot)
        assert any("correct the entry's amount first" in m for m in shown(app))
        await pilot.press("l")
        await settle(pilot)
        app.screen.query_one("#f-reason", Input).value = "review"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert any("3 statement line(s) up to 2026-11-20 still need" in m for m in shown(app))
        assert isinstance(app.screen, ReconcileScreen)
    assert statement_lines(app.ctx, app.recipient.id) == before
    assert period_lock.current_lock(app.ctx, app.recipient.id) is None


async def test_a_locked_payment_cannot_be_edited_or_deleted_from_money_out(
    app: KentcardApp,
) -> None:
    """Editing or deleting a payment in a locked period shows why; the database is unchanged."""
    pid = recipients.list_recipients(app.ctx)[0].id
    period_lock.lock_period(app.ctx, pid, date(2026, 11, 20), "KCC")
    before = ledger.list_money_out(app.ctx, pid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert column(app, "table", 1) == ["Kent Mobility"]
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        form.query_one("#f-amount", Input).value = "50.00"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = text_of(form.query_one("#form-error", Static))
        assert "Not saved" in error and "locked up to 2026-11-20" in error
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")  # Discard what you typed
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert any("locked up to 2026-11-20" in m and "unlock" in m for m in shown(app))
        assert column(app, "table", 1) == ["Kent Mobility"]
    assert ledger.list_money_out(app.ctx, pid) == before


async def test_a_payment_with_a_new_amount_is_taken_with_a(app: KentcardApp) -> None:
    """A line whose amount changed between downloads says so, and `a` gives the payment the
    new amount in the ledger."""
    from kentcard.services.statement_import import import_statement

    pid = recipients.list_recipients(app.ctx)[0].id
    head = "Date,Description,Amount,Balance\n"
    import_statement(app.ctx, pid, (head + "05/11/2026,CAFE,-3.00,309.40\n").encode())
    import_statement(
        app.ctx,
        pid,
        (head + "05/11/2026,CAFE,-3.50,308.90\n06/11/2026,BUS,-2.00,306.90\n").encode(),
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        states = column(app, "lines", 3)
        row = states.index("needs a decision")
        assert column(app, "lines", 4)[row] == "changed from -£3.00"
        app.screen.query_one("#lines", DataTable).move_cursor(row=row)
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert "New amount taken." in shown(app)
    [cafe] = [m for m in ledger.list_money_out(app.ctx, pid) if m.payee == "CAFE"]
    assert cafe.amount == Money(350)
    states = {x.amount.pence: x.state for x in statement_lines(app.ctx, pid)}
    assert states == {-300: LineState.REPLACED, -350: LineState.MATCHED, -200: LineState.CREATED}
