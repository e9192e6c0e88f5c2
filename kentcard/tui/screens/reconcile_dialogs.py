"""The Reconcile screen's dialogs: import a statement (preview first), create an entry from a
line, and choose the period to mark reviewed and lock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from kentcard.core.dates import parse_date
from kentcard.core.errors import InputError
from kentcard.core.records import Source
from kentcard.core.validate import clean_text, parse_choice, require_text
from kentcard.services.reconcile import ReconcileLine
from kentcard.services.reconcile_actions import create_entry_from_line
from kentcard.services.statement_import import ImportReport, import_statement, read_statement
from kentcard.tui.running import kentcard_app, the_recipient
from kentcard.tui.screens.money_forms import SOURCE_CHOICES
from kentcard.tui.widgets.dialogs import FileBrowserDialog
from kentcard.tui.widgets.form import Field, FormDialog, optional, required, show_error

if TYPE_CHECKING:
    from kentcard.tui.app import KentcardApp


class PreviewReady(Message):
    """A dry run of the chosen file finished: what importing it would do."""

    def __init__(self, report: ImportReport | None, data: bytes, error: str | None) -> None:
        super().__init__()
        self.report, self.data, self.error = report, data, error


class StatementImported(Message):
    def __init__(self, report: ImportReport | None, error: str | None) -> None:
        super().__init__()
        self.report, self.error = report, error


def preview_text(report: ImportReport) -> str:
    """The dry run in words: every count, the skipped lines and the balance check."""
    counts = report.counts
    skipped = sum(report.skipped.values())
    why = ", ".join(f"{n} {reason}" for reason, n in sorted(report.skipped.items()))
    lines = [
        f"{report.total} line{'' if report.total == 1 else 's'} in the statement:",
        f"  matched to entries you logged   {counts.get('matched', 0)}",
        f"  new entries to add              {counts.get('new', 0)}",
        f"  already imported                {counts.get('already imported', 0)}",
        f"  need a decision from you        {counts.get('needs a decision', 0)}",
        f"  skipped                         {skipped}" + (f" ({why})" if why else ""),
    ]
    check = report.balance
    if check is not None and check.first_mismatch is not None:
        lines.append(
            f"The balance differs on {check.first_mismatch}: statement "
            f"{check.statement_balance}, ledger {check.ledger_balance}."
        )
    return "\n".join(lines)


class ImportDialog(ModalScreen[ImportReport | None]):
    """Choose a statement file, see what importing it would do, then import it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="import.cancel"),
    ]

    def __init__(self, start: Path) -> None:
        super().__init__(classes="dialog-screen")
        self.start = start
        self.data: bytes | None = None

    @property
    def kapp(self) -> KentcardApp:
        return kentcard_app(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form"):
            yield Static("Import a card or bank statement (CSV)", classes="dialog-title")
            with Horizontal(classes="field-row"):
                yield Label("Statement file", classes="field-label")
                yield Input(placeholder="~/Downloads/statement.csv", id="f-path")
                yield Button("Browse…", id="browse", classes="browse")
            yield Static("", id="e-path", classes="field-error")
            yield Static(
                "Enter shows what importing it would do; nothing is saved yet.", id="preview"
            )
            with Horizontal(classes="buttons"):
                yield Button("Import", id="import", variant="primary", disabled=True)
                yield Button("Cancel  (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#f-path", Input).focus()

    def path(self) -> Path:
        text = self.query_one("#f-path", Input).value.strip().strip("'\"")
        return Path(text).expanduser()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.data = None
        self.query_one("#import", Button).disabled = True
        text = event.value.strip()
        problem = None if not text or self.path().is_file() else "File: there is no file there"
        show_error(self.query_one("#e-path", Static), problem)
        event.input.set_class(bool(problem), "-invalid")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.query_one("#f-path", Input).value.strip():
            self.query_one("#preview", Static).update("Reading the statement…")
            self.run_preview(self.path())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "browse":
            folder = self.path().parent if self.path().parent.is_dir() else self.start
            self.app.push_screen(FileBrowserDialog(folder), self._picked)
        elif event.button.id == "import" and self.data is not None:
            event.button.disabled = True
            self.query_one("#preview", Static).update("Importing…")
            self.run_import(self.data, self.path().name)
        elif event.button.id == "cancel":
            self.dismiss(None)

    def _picked(self, chosen: str | None) -> None:
        if chosen:
            self.query_one("#f-path", Input).value = chosen
            self.run_preview(Path(chosen))

    @work(thread=True, exit_on_error=False, group="preview", exclusive=True)
    def run_preview(self, path: Path) -> None:
        ctx, recipient = self.kapp.ctx, the_recipient(self.kapp)
        try:
            data = read_statement(path)
            report = import_statement(ctx, recipient.id, data, filename=path.name, dry_run=True)
        except Exception as error:  # shown in the dialog; nothing was saved
            self.post_message(PreviewReady(None, b"", _plain(error)))
        else:
            self.post_message(PreviewReady(report, data, None))

    def on_preview_ready(self, message: PreviewReady) -> None:
        box = self.query_one("#preview", Static)
        if message.report is None:
            box.update(f"Cannot import this file: {message.error}. Nothing was saved.")
            return
        self.data = message.data
        box.update(preview_text(message.report) + "\n\nPress Import to save this.")
        self.query_one("#import", Button).disabled = False

    @work(thread=True, exit_on_error=False, group="import", exclusive=True)
    def run_import(self, data: bytes, filename: str) -> None:
        ctx, recipient = self.kapp.ctx, the_recipient(self.kapp)
        try:
            report = import_statement(ctx, recipient.id, data, filename=filename)
        except Exception as error:  # the import is one transaction: nothing was saved
            self.post_message(StatementImported(None, _plain(error)))
        else:
            self.post_message(StatementImported(report, None))

    def on_statement_imported(self, message: StatementImported) -> None:
        if message.report is None:
            self.query_one("#preview", Static).update(
                f"Not imported: {message.error}. Nothing was saved."
            )
            return
        self.dismiss(message.report)


def _plain(error: BaseException) -> str:
    from kentcard.tui.app import plain_error

    return plain_error(error)


def _text(limit: int) -> Callable[[str, str], str | None]:
    return lambda text, name: clean_text(text, name, max_length=limit)


class CreateEntryForm(FormDialog[ReconcileLine]):
    """Log a statement line as a new payment (who, category) or money in (where from)."""

    def __init__(self, line: ReconcileLine, categories: list[str]) -> None:
        self.line = line
        self.money_out = line.amount.pence < 0
        said = line.payee or line.description
        what = "payment" if self.money_out else "money in"
        self.title_text = f"New {what} from the statement: {line.date}, {line.amount}, {said}"
        fields = (
            [
                Field(
                    "payee",
                    "Paid to",
                    said[:120],
                    required(lambda t, f: require_text(t, f, max_length=120), "payee"),
                ),
                Field(
                    "category",
                    "Budget category",
                    parse=optional(_text(60), "category"),
                    suggestions=categories,
                    placeholder="e.g. Home care",
                ),
                Field("description", "What it was for", parse=optional(_text(500), "description")),
            ]
            if self.money_out
            else [
                Field(
                    "source",
                    "Where it came from",
                    "kcc" if "KCC" in said.upper() or "KENT" in said.upper() else "",
                    required(lambda t, f: parse_choice(t, Source, f), "source"),
                    choices=SOURCE_CHOICES,
                ),
                Field("note", "Note for yourself", line.description, optional(_text(500), "note")),
            ]
        )
        super().__init__(fields)

    def save(self, values: dict[str, Any]) -> ReconcileLine:
        return create_entry_from_line(self.kapp.ctx, self.line.id, **values)


class LockForm(FormDialog[dict[str, Any]]):
    """The last day of the reviewed period and why; the screen asks to confirm before locking."""

    title_text = "Mark reviewed and lock"

    def __init__(self, default: date | None, today: date) -> None:
        self.today = today

        def up_to_today(text: str, name: str) -> date:
            day = parse_date(text, name)
            if day > today:
                raise InputError(name, "is in the future; lock only a period already reviewed")
            return day

        super().__init__(
            [
                Field(
                    "to",
                    "Reviewed up to (date)",
                    "" if default is None else default.isoformat(),
                    required(up_to_today, "to"),
                    "e.g. 31/10/2026",
                ),
                Field(
                    "reason",
                    "Why (e.g. KCC review, March)",
                    parse=required(lambda t, f: require_text(t, f, max_length=300), "reason"),
                ),
            ]
        )

    def save(self, values: dict[str, Any]) -> dict[str, Any]:
        """Nothing is saved here: the values go back to the screen, which asks first."""
        return values
