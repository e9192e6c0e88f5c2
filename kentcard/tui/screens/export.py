"""Export: the review workbook, CSV files or evidence pack for a period, with progress.

Choose a period (last month, last quarter, last six months, a reviewed period between locks,
or your own dates, checked as you type) and a format; the export runs in a thread worker that
reports its progress; the path is shown when it is written (and, in a browser, the file is
sent to the browser's downloads). An existing file is never
replaced without a Yes in a confirmation dialog.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static

from kentcard.core.dates import parse_date
from kentcard.core.errors import InputError
from kentcard.services.export import Format, default_name, export
from kentcard.services.export_periods import PeriodChoice, export_periods
from kentcard.tui.screens.base import Section
from kentcard.tui.widgets.dialogs import ConfirmDialog
from kentcard.tui.widgets.form import show_error

CUSTOM = "custom"
DEFAULT = "quarter"
FORMATS = [
    ("Workbook (.xlsx) for the reviewer", Format.XLSX.value),
    ("CSV files (a folder, one file per sheet)", Format.CSV.value),
    ("Evidence pack (.zip: workbook and every receipt)", Format.PACK.value),
]


class PeriodsLoaded(Message):
    def __init__(self, choices: list[PeriodChoice]) -> None:
        super().__init__()
        self.choices = choices


class ExportProgressed(Message):
    def __init__(self, share: float, what: str) -> None:
        super().__init__()
        self.share = share
        self.what = what


class ExportWritten(Message):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


class ExportScreen(Section):
    MODE = "export"
    # Wide enough for 2026-11-01 or 01/11/2026 and the cursor after it (the boxes' borders and
    # padding take six columns); Review's date boxes are styled in app.tcss.
    CSS = "ExportScreen #period Input { width: 19; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Export", id="export.start"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.choices: dict[str, PeriodChoice] = {}

    def body(self) -> ComposeResult:
        yield Static(
            "Make the workbook and evidence a KCC reviewer asks for. Choose the period and "
            "the format, then Export (Ctrl+S).",
            classes="section-help",
        )
        with Horizontal(classes="field-row"):
            yield Label("Period", classes="field-label")
            yield Select[str](
                [("Your own dates: type From and To", CUSTOM)],
                id="period-choice",
                allow_blank=False,
            )
        with Horizontal(id="period"):
            yield Label("From", classes="inline-label")
            yield Input(placeholder="e.g. 1/11/2026", id="from")
            yield Label("To", classes="inline-label")
            yield Input(placeholder="e.g. 30/11/2026", id="to")
        yield Static("", id="period-error", classes="field-error")
        with Horizontal(classes="field-row"):
            yield Label("Format", classes="field-label")
            yield Select[str](FORMATS, id="format", allow_blank=False, value=Format.XLSX.value)
        with Horizontal(classes="field-row"):
            yield Label("", classes="field-label")
            yield Button("Export", id="start", variant="primary")
        yield ProgressBar(total=100, id="progress", show_eta=False)
        yield Static("", id="export-status", classes="hint")

    def on_mount(self) -> None:
        self.load_periods()

    @work(thread=True, exit_on_error=False, group="export-periods")
    def load_periods(self) -> None:
        self.post_message(PeriodsLoaded(export_periods(self.ctx, self.recipient.id)))

    def on_periods_loaded(self, message: PeriodsLoaded) -> None:
        self.choices = {c.key: c for c in message.choices}
        options = [(c.label, c.key) for c in message.choices]
        options.append(("Your own dates: type From and To", CUSTOM))
        select = self.query_one("#period-choice", Select)
        select.set_options(options)
        # The last quarter is still chosen at first: it is what a KCC review usually asks for.
        keys = [c.key for c in message.choices]
        select.value = DEFAULT if DEFAULT in keys else keys[0] if keys else CUSTOM

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "period-choice" or event.value not in self.choices:
            return
        chosen = self.choices[str(event.value)]
        self.query_one("#from", Input).value = chosen.start.isoformat()
        self.query_one("#to", Input).value = chosen.end.isoformat()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Dates are checked as they are typed; typing one makes the period your own."""
        if event.input.id not in ("from", "to"):
            return
        picked = self.query_one("#period-choice", Select)
        chosen = self.choices.get(str(picked.value))
        typed = (self.query_one("#from", Input).value, self.query_one("#to", Input).value)
        preset = chosen is not None and typed == (chosen.start.isoformat(), chosen.end.isoformat())
        if not preset and picked.value != CUSTOM and self.choices:
            picked.value = CUSTOM
        self.period(quiet_when_empty=True)

    def period(self, quiet_when_empty: bool = False) -> tuple[date, date] | None:
        """The From and To dates, or None with the reason shown under them."""
        error = self.query_one("#period-error", Static)
        values: list[date] = []
        for name in ("from", "to"):
            box = self.query_one(f"#{name}", Input)
            try:
                if not box.value.strip() and quiet_when_empty:
                    box.set_class(False, "-invalid")
                    continue
                values.append(parse_date(box.value, name))
                box.set_class(False, "-invalid")
            except InputError as problem:
                box.set_class(True, "-invalid")
                show_error(error, f"{name.capitalize()}: {problem.reason}")
                return None
        if len(values) == 2 and values[1] < values[0]:
            self.query_one("#to", Input).set_class(True, "-invalid")
            show_error(error, "To: is before From")
            return None
        show_error(error, None)
        return (values[0], values[1]) if len(values) == 2 else None

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_start()

    def action_start(self) -> None:
        chosen = self.period()
        if chosen is None:
            return
        fmt = Format(str(self.query_one("#format", Select).value))
        target = Path(self.kapp.settings.exports) / default_name(*chosen, fmt)
        if target.exists() or target.is_symlink():

            def answered(replace: bool | None) -> None:
                if replace:
                    self.run_export(*chosen, fmt, target, True)
                else:
                    self.query_one("#export-status", Static).update(
                        f"Not exported: {target} is kept as it was."
                    )

            self.app.push_screen(
                ConfirmDialog(f"{target} already exists. Replace it?", yes="Yes, replace it"),
                answered,
            )
            return
        self.run_export(*chosen, fmt, target, False)

    @work(thread=True, exit_on_error=False, group="export", exclusive=True)
    def run_export(self, start: date, end: date, fmt: Format, target: Path, replace: bool) -> None:
        def progressed(share: float, what: str) -> None:
            self.post_message(ExportProgressed(share, what))

        self.post_message(ExportProgressed(0.0, "Reading the ledger"))
        written = export(
            self.ctx,
            self.recipient.id,
            start,
            end,
            fmt,
            target,
            overwrite=replace,
            progress=progressed,
        )
        self.post_message(ExportWritten(written))

    def on_export_progressed(self, message: ExportProgressed) -> None:
        self.query_one("#progress", ProgressBar).update(progress=round(message.share * 100))
        self.query_one("#export-status", Static).update(f"{message.what}…")

    def on_export_written(self, message: ExportWritten) -> None:
        self.query_one("#progress", ProgressBar).update(progress=100)
        status = f"Written: {message.path}"
        if self.app.is_web:  # in a browser (kentcard serve): the file goes to its downloads too
            if message.path.is_file():
                self.app.deliver_binary(message.path, save_filename=message.path.name)
                status += "\nAlso sent to this browser's downloads."
            else:
                status += (
                    "\nA folder cannot be sent to a browser: choose the workbook or the "
                    "evidence pack to download it."
                )
        self.query_one("#export-status", Static).update(status)
        self.notify(str(message.path), title="Exported")
