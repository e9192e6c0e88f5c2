"""Reconcile: statement lines beside ledger entries; match, unmatch, accept, create, lock.

The period shown is the latest import's dates (or what was just imported). Every change
calls one service in a thread worker and then reloads both tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from kentcard.core.words import source_words
from kentcard.services import browse
from kentcard.services.reconcile import (
    Batch,
    LedgerEntry,
    LineState,
    ReconcileLine,
    ledger_entries,
    list_batches,
    statement_lines,
)
from kentcard.services.reconcile_actions import (
    accept_all_suggestions,
    accept_suggestion,
    lock_reviewed,
    match_line,
    unmatch_line,
)
from kentcard.services.statement_import import ImportReport
from kentcard.tui.screens.base import Section
from kentcard.tui.screens.reconcile_dialogs import (
    CreateEntryForm,
    ImportDialog,
    LockForm,
    preview_text,
)
from kentcard.tui.widgets.dialogs import ConfirmDialog
from kentcard.tui.widgets.table import Table

MARGIN = timedelta(days=3)  # entries a few days either side can still match


@dataclass(frozen=True)
class Reconciliation:
    batches: list[Batch]
    period: tuple[date, date] | None
    lines: list[ReconcileLine]
    entries: list[LedgerEntry]
    categories: list[str]


class ReconciliationLoaded(Message):
    def __init__(self, data: Reconciliation) -> None:
        super().__init__()
        self.data = data


class LineChanged(Message):
    """A match, unmatch, acceptance or lock was saved: `said` tells the person what."""

    def __init__(self, said: str) -> None:
        super().__init__()
        self.said = said


def entry_words(ref: str, label: str) -> str:
    """An entry as a person reads it: a money in's source in words (`KCC`, not `kcc`)."""
    return source_words(label) if ref.startswith("money-in:") else label


def tied_words(line: ReconcileLine) -> str:
    """The entry a line is tied to: its date only when it is not the line's own."""
    day, _, label = (line.entry_label or "").partition("  ")
    if not label:
        return line.entry_label or str(line.entry)
    words = entry_words(str(line.entry), label)
    return words if day == str(line.date) else f"{day}  {words}"


def _money(pence_text: object) -> Text:
    return Text(str(pence_text), justify="right")


class ReconcileScreen(Section):
    MODE = "reconcile"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "import_statement", "Import", id="reconcile.import"),
        Binding("m", "match", "Match", id="reconcile.match"),
        Binding("u", "unmatch", "Unmatch", id="reconcile.unmatch"),
        Binding("a", "accept", "Accept", id="reconcile.accept"),
        Binding("A", "accept_all", "Accept all", id="reconcile.accept_all"),
        Binding("c", "create", "Create entry", id="reconcile.create"),
        Binding("l", "lock", "Reviewed: lock", id="reconcile.lock"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.period: tuple[date, date] | None = None
        self.lines: list[ReconcileLine] = []
        self.entries: list[LedgerEntry] = []
        self.categories: list[str] = []

    def body(self) -> ComposeResult:
        yield Static(
            "Card statement lines (top) with your ledger entries (below). i imports a statement. "
            "m ties the line to the entry chosen below (Tab moves between them); u unties it; "
            "a accepts the suggestion (or a payment's new amount), A all of them; "
            "c makes a new entry from the line; "
            "l marks the period reviewed and locks it.",
            classes="section-help",
        )
        yield Static("", id="reconcile-info")
        with Horizontal(id="reconcile-sides"):
            with Vertical(classes="side"):
                yield Label("Statement lines", classes="box-title")
                yield Table(id="lines", cursor_type="row", zebra_stripes=True)
            with Vertical(classes="side"):
                yield Label("Ledger entries", classes="box-title")
                yield Table(id="entries", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        lines = self.query_one("#lines", DataTable)
        lines.add_columns(
            "Date", Text("Amount", justify="right"), "Statement says", "State", "Entry"
        )
        entries = self.query_one("#entries", DataTable)
        entries.add_columns("Date", Text("Amount", justify="right"), "Entry", "On statement")

    def on_screen_resume(self) -> None:
        self.reload()
        self.query_one("#lines", DataTable).focus()

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        self.load(self.period)

    @work(thread=True, exit_on_error=False, group="reconcile", exclusive=True)
    def load(self, period: tuple[date, date] | None) -> None:
        ctx, pid = self.ctx, self.recipient.id
        batches = list_batches(ctx, pid)
        if period is None:
            dated = [b for b in batches if b.first and b.last]
            period = (dated[0].first, dated[0].last) if dated else None  # type: ignore[assignment]
        lines, entries = [], []
        if period is not None:
            lines = statement_lines(ctx, pid, start=period[0], end=period[1])
            entries = ledger_entries(ctx, pid, period[0] - MARGIN, period[1] + MARGIN)
        categories = browse.categories(ctx, pid)
        self.post_message(
            ReconciliationLoaded(Reconciliation(batches, period, lines, entries, categories))
        )

    def on_reconciliation_loaded(self, message: ReconciliationLoaded) -> None:
        data = message.data
        self.period, self.lines, self.entries = data.period, data.lines, data.entries
        self.categories = data.categories
        self._fill_lines()
        self._fill_entries()
        self.query_one("#reconcile-info", Static).update(self._info(data))

    def _info(self, data: Reconciliation) -> str:
        if data.period is None:
            return "No statement imported yet. Press i to import one."
        waiting = sum(1 for x in self.lines if x.state is LineState.DECISION)
        ideas = sum(1 for x in self.lines if x.suggestion)
        start, end = data.period
        text = f"Statement lines from {start} to {end}: {len(self.lines)}"
        text += f", {waiting} need a decision" if waiting else ", all decided"
        if ideas:
            text += f" ({ideas} with a suggestion: A accepts them all)"
        return text

    def _label(self, ref: str | None) -> str:
        found = next((e for e in self.entries if e.ref == ref), None)
        return "" if found is None else f"{found.date} {entry_words(found.ref, found.label)}"

    def _fill_lines(self) -> None:
        table = self.query_one("#lines", DataTable)
        row = table.cursor_row
        table.clear()
        for line in self.lines:
            if line.entry:
                entry = tied_words(line)
            elif line.replaces and line.replaces_amount is not None:
                was = _money(line.replaces_amount)
                entry = f"changed from {was}"
            elif line.suggestion:
                entry = f"suggest: {self._label(line.suggestion)}"
            elif line.candidates:
                entry = f"{len(line.candidates)} possible: choose one below"
            else:
                entry = "no entry: c creates one"
            state = line.state.value + (" (locked)" if line.locked else "")
            said = line.payee or line.description
            table.add_row(line.date, _money(line.amount), said, state, entry, key=str(line.id))
        if self.lines:
            table.move_cursor(row=min(max(row, 0), len(self.lines) - 1))

    def _fill_entries(self) -> None:
        table = self.query_one("#entries", DataTable)
        row = table.cursor_row
        table.clear()
        for entry in self.entries:
            where = "not on statement" if entry.line_id is None else "tied"
            label = entry_words(entry.ref, entry.label)
            label += " (from statement)" if entry.origin.value == "statement" else ""
            table.add_row(entry.date, _money(entry.amount), label, where, key=entry.ref)
        if self.entries:
            table.move_cursor(row=min(max(row, 0), len(self.entries) - 1))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Moving along the lines shows, below, the entry each is or could be tied to."""
        if event.data_table.id != "lines" or self.selected_line is None:
            return
        line = self.selected_line
        ref = line.entry or line.replaces or line.suggestion
        ref = ref or (line.candidates[0] if line.candidates else None)
        index = next((i for i, e in enumerate(self.entries) if e.ref == ref), None)
        if index is not None:
            self.query_one("#entries", DataTable).move_cursor(row=index)

    # -- what is selected --------------------------------------------------------------------
    @property
    def selected_line(self) -> ReconcileLine | None:
        row = self.query_one("#lines", DataTable).cursor_row
        return self.lines[row] if self.lines and 0 <= row < len(self.lines) else None

    @property
    def selected_entry(self) -> LedgerEntry | None:
        row = self.query_one("#entries", DataTable).cursor_row
        return self.entries[row] if self.entries and 0 <= row < len(self.entries) else None

    # -- actions ---------------------------------------------------------------------------------
    def action_import_statement(self) -> None:
        self.app.push_screen(ImportDialog(Path.home()), self._imported)

    def _imported(self, report: ImportReport | None) -> None:
        if report is None:
            return
        self.notify(preview_text(report), title="Statement imported", timeout=8)
        self.period = None  # show the newest import
        self.reload()

    def action_match(self) -> None:
        line, entry = self.selected_line, self.selected_entry
        if line is None or entry is None:
            self.notify("Choose a statement line and, below it, an entry.", timeout=4)
            return
        self.change(lambda: match_line(self.ctx, line.id, entry.ref), "Matched.")

    def action_unmatch(self) -> None:
        if (line := self.selected_line) is not None:
            said = "Unmatched. The entry stays in your ledger; delete it there if it is not wanted."
            self.change(lambda: unmatch_line(self.ctx, line.id), said)

    def action_accept(self) -> None:
        if (line := self.selected_line) is not None:
            said = "New amount taken." if line.replaces else "Suggestion accepted."
            self.change(lambda: accept_suggestion(self.ctx, line.id), said)

    def action_accept_all(self) -> None:
        if self.period is not None:
            start, end = self.period
            pid = self.recipient.id

            def accept() -> str:
                count = accept_all_suggestions(self.ctx, pid, start=start, end=end)
                return f"{count} suggestion{'' if count == 1 else 's'} accepted."

            self.change(accept, None)

    def action_create(self) -> None:
        line = self.selected_line
        if line is not None:
            self.app.push_screen(CreateEntryForm(line, self.categories), self._created)

    def _created(self, line: ReconcileLine | None) -> None:
        if line is not None:
            self.notify("Entry created from the statement line.", timeout=4)
            self.reload()

    def action_lock(self) -> None:
        default = self.period[1] if self.period else None
        if default is not None and default > self.ctx.today():
            default = self.ctx.today()
        self.app.push_screen(LockForm(default, self.ctx.today()), self._confirm_lock)

    def _confirm_lock(self, values: dict[str, Any] | None) -> None:
        if not values:
            return
        to, reason = values["to"], values["reason"]
        question = (
            f"Mark everything up to {to} as reviewed and lock it?\n"
            "Entries dated up to then cannot be changed or deleted until you unlock them "
            f"(kentcard unlock --from DATE --reason WHY). Receipts can still be attached."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                pid = self.recipient.id
                self.change(lambda: lock_reviewed(self.ctx, pid, to, reason), f"Locked up to {to}.")

        self.app.push_screen(ConfirmDialog(question, yes="Yes, lock it"), answered)

    @work(thread=True, exit_on_error=False, group="reconcile-change")
    def change(self, call: Callable[[], object], said: str | None) -> None:
        """Run one service call; errors reach the person through the worker error handler."""
        result = call()
        self.post_message(LineChanged(said or str(result)))

    def on_line_changed(self, message: LineChanged) -> None:
        self.notify(message.said, timeout=5)
        self.reload()
