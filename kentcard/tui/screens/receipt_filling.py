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

from kentcard.core import words
from kentcard.core.money import format_money, format_plain
from kentcard.core.records import Invoice, MoneyOut
from kentcard.tui.widgets.form import Field, unquote_path
from kentcard.tui.widgets.receipt_reader import ReceiptReader, SuggestionAccepted

if TYPE_CHECKING:
    from kentcard.tui.widgets.form import FormDialog

    _Base = FormDialog[Any]
else:
    _Base = object


class ReadsReceipt(_Base):
    """Mix into a form with a file box named `RECEIPT_FIELD` (bind ctrl+r to
    `read_receipt`). A form that `FILLS` has `date`, `amount` and `payee` boxes, and binds
    ctrl+y to `use_receipt`; one that does not shows the values beside `against`, what the
    record it attaches to says."""

    RECEIPT_FIELD = "receipt"
    FILLS = True
    against: dict[str, str] | None = None

    def compose_field(self, spec: Field) -> ComposeResult:
        yield from super().compose_field(spec)
        if spec.name == self.RECEIPT_FIELD:
            yield ReceiptReader(self.FILLS, self.RECEIPT_FIELD, self.against)

    @property
    def reader(self) -> ReceiptReader:
        return self.query_one(ReceiptReader)

    def field_changed(self, name: str) -> None:
        super().field_changed(name)
        if name == self.RECEIPT_FIELD:
            path = unquote_path(self.raw(self.RECEIPT_FIELD))
            if path and os.path.isfile(path):
                self.reader.read(path)

    def action_read_receipt(self) -> None:
        path = unquote_path(self.raw(self.RECEIPT_FIELD))
        if path:
            self.reader.read(path)
        else:
            label = self.fields[self.RECEIPT_FIELD].label
            self.show_field_error(self.RECEIPT_FIELD, f"{label}: choose a file to read first")

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
        if not self.FILLS:
            return
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


def payment_says(record: MoneyOut) -> dict[str, str]:
    """A payment's date, amount and payee, as a reading of its receipt shows them."""
    return {
        "Date": words.day_words(record.date),
        "Amount": format_money(record.amount),
        "Paid to": record.payee,
    }


def invoice_says(invoice: Invoice) -> dict[str, str]:
    """An invoice's date, amount, provider and number, as a reading of its file shows them."""
    return {
        "Date": words.day_words(invoice.issue_date),
        "Amount": format_money(invoice.amount),
        "Paid to": invoice.provider_name,
        "Invoice": invoice.number,
    }
