"""A payment form that reads its receipt file: the suggestion is shown under the file's box
and fills the date, amount and payee boxes only when the person chooses "Use these".

Reading starts by itself when the box names a file that exists (picked with Browse, or
pasted), and again with Ctrl+R; it runs in a worker (`widgets/receipt_reader`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Button, Static

from kentcard.core.money import format_plain
from kentcard.tui.widgets.form import Field, unquote_path
from kentcard.tui.widgets.receipt_reader import ReceiptReader, SuggestionAccepted

if TYPE_CHECKING:
    from kentcard.tui.widgets.form import FormDialog

    _Base = FormDialog[Any]
else:
    _Base = object

RECEIPT_FIELD = "receipt"


class ReadsReceipt(_Base):
    """Mix into a form with `date`, `amount`, `payee` and `receipt` boxes (and bind
    ctrl+r to `read_receipt`, ctrl+y to `use_receipt`)."""

    def compose_field(self, spec: Field) -> ComposeResult:
        yield from super().compose_field(spec)
        if spec.name == RECEIPT_FIELD:
            yield ReceiptReader(field=RECEIPT_FIELD)

    @property
    def reader(self) -> ReceiptReader:
        return self.query_one(ReceiptReader)

    def field_changed(self, name: str) -> None:
        super().field_changed(name)
        if name == RECEIPT_FIELD:
            path = unquote_path(self.raw(RECEIPT_FIELD))
            if path and os.path.isfile(path):
                self.reader.read(path)

    def action_read_receipt(self) -> None:
        path = unquote_path(self.raw(RECEIPT_FIELD))
        if path:
            self.reader.read(path)
        else:
            self.show_field_error(RECEIPT_FIELD, "Receipt: choose a file to read first")

    def action_use_receipt(self) -> None:
        self.reader.use()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        # Textual calls the form's own handler after this one (it walks the classes), so
        # only this button is handled here, and the form's is then skipped for it.
        if event.button.id == "read-receipt":
            event.prevent_default()
            event.stop()
            self.action_read_receipt()

    def on_suggestion_accepted(self, message: SuggestionAccepted) -> None:
        """Fill the boxes the receipt gave values for; the person checks before saving."""
        found, filled = message.suggestion, []
        if found.date is not None:
            self.set_raw("date", found.date.value.isoformat())
            filled.append("date")
        if found.amount is not None:
            self.set_raw("amount", format_plain(found.amount.value))
            filled.append("amount")
        if found.payee is not None:
            self.set_raw("payee", found.payee.value)
            filled.append("paid to")
        self.reader.query_one("#receipt-status", Static).update(
            f"Filled in from the receipt: {', '.join(filled)}. Check them, then Ctrl+S to save."
        )
        self.query_one("#f-date").focus()
