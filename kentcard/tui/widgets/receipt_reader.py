"""Reading a receipt inside a form: a thread worker with a progress indicator and a time
limit, then each suggested value beside the line of the document it came from.

Nothing is filled in by reading: the person presses "Use these" (Ctrl+Y in the payment
form), and the form then fills its boxes, which they can still change before saving.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import ClassVar

from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Button, LoadingIndicator, Static

from kentcard.core import words
from kentcard.core.money import format_money
from kentcard.core.validate import format_hours
from kentcard.importers.receipt import Suggestion
from kentcard.services import receipts
from kentcard.services.receipts import Reading
from kentcard.tui.running import kentcard_app, the_recipient


@dataclass
class ReceiptRead(Message):
    """A reading finished: what it gave, or the problem in words; `turn` says which
    reading it answers (a newer one, or a time limit passed, makes it stale)."""

    turn: int
    reading: Reading | None
    problem: str | None = None


@dataclass
class SuggestionAccepted(Message):
    """The person chose to use the suggested values."""

    suggestion: Suggestion


def describe(found: Suggestion, against: dict[str, str] | None = None) -> str:
    """The values found, one a line, each with the document's line in quotes; where
    `against` (what a record says, by label) differs, that too."""
    rows = [
        ("Date", found.date and (words.day_words(found.date.value), found.date.line)),
        ("Amount", found.amount and (format_money(found.amount.value), found.amount.line)),
        ("Paid to", found.payee and (found.payee.value, found.payee.line)),
        ("Invoice", found.number and (found.number.value, found.number.line)),
    ]
    if found.hours_centi is not None and found.rate is not None:
        work_text = f"{format_hours(found.hours_centi.value)} h × {format_money(found.rate.value)}"
        rows.append(("Hours", (work_text, found.rate.line)))
    width = max((len(part[0]) for _, part in rows if part), default=0)
    lines = []
    for label, part in rows:
        if part:
            line = f"{label:<8} {part[0]:<{width}}   from “{part[1]}”"
            said = (against or {}).get(label)
            if said is not None and said.casefold() != part[0].casefold():
                line += f"   (it is {said} here)"
            lines.append(line)
        elif label in ("Date", "Amount", "Paid to"):
            lines.append(f"{label:<8} not found")
    return "\n".join(lines)


class ReceiptReader(Vertical):
    """Read the file a form names and show what it seems to say; `usable` adds the
    "Use these" button (a form with boxes to fill)."""

    DEFAULT_CSS = """
    ReceiptReader {
        height: auto;
        padding: 0 1;
        display: none;
    }
    ReceiptReader.-used {
        display: block;
    }
    ReceiptReader .reader-row {
        height: auto;
    }
    ReceiptReader #read-receipt {
        width: 22;
    }
    ReceiptReader #receipt-status {
        width: 1fr;
        padding: 1 1 0 1;
    }
    ReceiptReader LoadingIndicator {
        width: 8;
        height: 1;
        display: none;
    }
    ReceiptReader LoadingIndicator.-busy {
        display: block;
    }
    ReceiptReader #receipt-suggestions {
        display: none;
        height: auto;
    }
    ReceiptReader #receipt-suggestions.-shown {
        display: block;
    }
    ReceiptReader #use-receipt {
        display: none;
    }
    ReceiptReader #use-receipt.-shown {
        display: block;
    }
    """
    # A receipt photo takes about a second, a scanned page a few; a slow machine more.
    TIME_LIMIT: ClassVar[float] = 90.0

    def __init__(
        self, usable: bool = True, field: str = "file", against: dict[str, str] | None = None
    ) -> None:
        super().__init__(id="receipt-reader")
        self.usable, self.field, self.against = usable, field, against
        self.turn = 0
        self.suggestion: Suggestion | None = None
        self.laid_out: Size | None = None  # the size it had when last laid out

    def compose(self) -> ComposeResult:
        with Horizontal(classes="reader-row"):
            yield Button("Read it  (Ctrl+R)", id="read-receipt")
            yield LoadingIndicator(id="reading")
            yield Static(
                "Reads the date, amount and payee on this computer; nothing is filled in "
                "until you choose.",
                id="receipt-status",
                classes="hint",
            )
        yield Static("", id="receipt-suggestions")
        yield Button("Use these  (Ctrl+Y)", id="use-receipt", variant="success")

    # -- reading -----------------------------------------------------------------------------
    def read(self, path: str) -> None:
        """Start reading `path`; an earlier reading still running is forgotten."""
        self.turn += 1
        self.suggestion = None
        self.add_class("-used")  # out of the way until a file is named
        self._show_suggestion(None)
        self._busy(True, "Reading the file on this computer…")
        self.read_file(path, self.turn)
        turn = self.turn
        self.set_timer(self.TIME_LIMIT, lambda: self._too_slow(turn))

    @work(thread=True, exit_on_error=False, group="receipt", exclusive=True)
    def read_file(self, path: str, turn: int) -> None:
        kapp = kentcard_app(self)
        try:
            found = receipts.suggest_from_file(
                kapp.ctx, the_recipient(kapp).id, os.path.expanduser(path), field=self.field
            )
        except Exception as error:  # a plain line in the form; the person types instead
            self.post_message(ReceiptRead(turn, None, _problem(error)))
        else:
            self.post_message(ReceiptRead(turn, found))

    def on_receipt_read(self, message: ReceiptRead) -> None:
        message.stop()
        if message.turn != self.turn:
            return  # an older reading, or one already given up on
        self.turn += 1  # its time limit no longer applies
        reading = message.reading
        if reading is None:
            self._busy(False, f"Could not read it: {message.problem}. Type the details.")
        elif not reading.found:
            self._busy(False, f"No suggestion: {reading.reason}. Type the details.")
        else:
            self.suggestion = reading.suggestion
            check = "check each value" if self.against is None else "compare it with this record"
            self._busy(False, f"It seems to say ({check}):")
            self._show_suggestion(reading.suggestion)

    def _too_slow(self, turn: int) -> None:
        if turn == self.turn:
            self.turn += 1  # the late answer will be ignored
            self._busy(False, "Reading took too long; type the details.")

    # -- using -------------------------------------------------------------------------------
    def use(self) -> None:
        if self.suggestion is not None:
            self.post_message(SuggestionAccepted(self.suggestion))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "use-receipt":
            event.stop()
            self.use()

    # -- showing -----------------------------------------------------------------------------
    def _busy(self, busy: bool, status: str) -> None:
        self.query_one("#reading", LoadingIndicator).set_class(busy, "-busy")
        self.query_one("#read-receipt", Button).disabled = busy
        self.query_one("#receipt-status", Static).update(status)
        # Under the file's box, often below the form's fold: brought into view each time.
        self.call_after_refresh(self.scroll_visible, animate=False)

    def on_resize(self, event: events.Resize) -> None:
        """Shown for the first time, or grown or shrunk at the same width (a reading began,
        or what it found is shown): brought into view now that the screen is laid out
        again. A scroll asked for before that layout measured the reader as it was, and
        could leave Use these below the fold. A terminal resized (a new width) scrolls
        nothing."""
        before, self.laid_out = self.laid_out, event.size
        if before is None or (before.width == event.size.width and before != event.size):
            self.scroll_visible(animate=False)

    def _show_suggestion(self, found: Suggestion | None) -> None:
        box = self.query_one("#receipt-suggestions", Static)
        box.update("" if found is None else describe(found, self.against))
        box.set_class(found is not None, "-shown")
        self.query_one("#use-receipt", Button).set_class(
            found is not None and self.usable, "-shown"
        )

    @property
    def status(self) -> str:
        return str(self.query_one("#receipt-status", Static).render())

    @property
    def shown(self) -> str:
        box = self.query_one("#receipt-suggestions", Static)
        return str(box.render()) if box.has_class("-shown") else ""


def _problem(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 200 else text[:200] + "…"
