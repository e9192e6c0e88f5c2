"""Review: everything a KCC reviewer would query for a period, each fixable from here."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Label, Static

from kentcard.core.dates import parse_date
from kentcard.core.errors import InputError
from kentcard.core.money import format_money
from kentcard.services import review
from kentcard.tui.messages import FindingsLoaded
from kentcard.tui.screens.goto import FindingOpener
from kentcard.tui.widgets.form import show_error
from kentcard.tui.widgets.table import Table


class ReviewScreen(FindingOpener):
    MODE = "review"
    AUTO_FOCUS = "#findings"  # the list, also where Esc in a date box goes

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[review.Finding] = []

    def body(self) -> ComposeResult:
        yield Static(
            "What a KCC reviewer would ask about. Choose the period, "
            "then Enter on a line to fix it.",
            classes="section-help",
        )
        with Horizontal(id="period"):
            yield Label("From", classes="inline-label")
            yield Input(placeholder="e.g. 1/11/2026", id="from")
            yield Label("To", classes="inline-label")
            yield Input(placeholder="e.g. 1/11/2026", id="to")
            yield Button("Show", id="show", variant="primary")
        yield Static("", id="period-error", classes="field-error")
        yield Table(id="findings", cursor_type="row", zebra_stripes=True)
        yield Static("", id="review-info")

    def on_mount(self) -> None:
        table = self.query_one("#findings", Table)
        what = max(len(review.kind_title(kind)) for kind in review.Kind)
        table.add_column("Date", width=10)
        table.add_column("What", width=what)
        table.add_column("Detail", key="detail", width=20)
        table.add_column(Text("Amount", justify="right"), width=11)
        # The detail wraps in what the other columns leave, so Amount always shows.
        table.flex("detail")

    def on_screen_resume(self) -> None:
        self.refresh_data()
        self.query_one("#findings", DataTable).focus()

    def period(self) -> tuple[date | None, date | None] | None:
        values: list[date | None] = []
        for name in ("from", "to"):
            text = self.query_one(f"#{name}", Input).value
            try:
                values.append(parse_date(text, name) if text.strip() else None)
            except InputError as error:
                self.query_one("#period-error", Static).update(
                    f"{name.capitalize()}: {error.reason}"
                )
                return None
        show_error(self.query_one("#period-error", Static), None)
        return values[0], values[1]

    def refresh_data(self) -> None:
        chosen = self.period()
        if chosen is not None:
            self.load(*chosen)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.refresh_data()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.refresh_data()

    @work(thread=True, exit_on_error=False, group="review", exclusive=True)
    def load(self, start: date | None, end: date | None) -> None:
        first, last = review.default_period(self.ctx, self.recipient.id)
        start_on, end_on = start or first, end or last
        if end_on < start_on:
            raise InputError("to", "is before From")
        found = review.review(self.ctx, self.recipient.id, start_on, end_on)
        self.post_message(FindingsLoaded(start_on, end_on, found))

    def on_findings_loaded(self, message: FindingsLoaded) -> None:
        for name, value in (("from", message.start), ("to", message.end)):
            box = self.query_one(f"#{name}", Input)
            if not box.value:
                box.value = str(value)
        self.findings = message.findings
        table = self.query_one("#findings", DataTable)
        row = table.cursor_row
        table.clear()
        for f in self.findings:
            amount = "" if f.amount is None else format_money(f.amount)
            table.add_row(
                str(f.date),
                review.kind_title(f.kind),
                Text(f.message),
                Text(amount, justify="right"),
                height=None,
            )
        if self.findings:
            table.move_cursor(row=min(row, len(self.findings) - 1))
        count = len(self.findings)
        noun = "thing" if count == 1 else "things"
        info = f"{count:,} {noun} a reviewer would query between {message.start} and {message.end}."
        self.query_one("#review-info", Static).update(
            info if count else f"Nothing to query between {message.start} and {message.end}."
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.findings):
            self.open_finding(self.findings[event.cursor_row])
