"""A payment form that reads its receipt file: the suggestion is shown under the file's box
and fills the date, amount and payee boxes only when the person chooses "Use these".

Reading starts by itself when the box names a file that exists (picked with Browse, or
pasted), and again with Ctrl+R; it runs in a worker (`widgets/receipt_reader`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.widgets import Button, Static

from kentcard.core import words
from kentcard.core.money import format_money
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
    `read_receipt`). A form with `BOXES` to fill (a payment's date, amount and payee; an
    invoice's provider, number, date, hours, rate and amount) binds ctrl+y to
    `use_receipt`; one with none shows the values beside `against`, what the record it
    attaches to says."""

    RECEIPT_FIELD = "receipt"
    READ_FROM = "the receipt"  # as the note after Use these says it
    # The box each value read goes in, and the word the note uses for it, by the name
    # `Suggestion.parts` gives the value; filled in this order.
    BOXES: ClassVar[dict[str, tuple[str, str]]] = {
        "date": ("date", "date"),
        "amount": ("amount", "amount"),
        "payee": ("payee", "paid to"),
    }
    against: dict[str, str] | None = None

    def compose_field(self, spec: Field) -> ComposeResult:
        yield from super().compose_field(spec)
        if spec.name == self.RECEIPT_FIELD:
            yield ReceiptReader(bool(self.BOXES), self.RECEIPT_FIELD, self.against)

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
        """Fill the boxes the file gave values for; the person checks before saving."""
        plain, filled, left, boxes = message.suggestion.plain(), [], [], []
        for name, (box, word) in self.BOXES.items():
            value = plain.get(name)
            if value is None:
                continue
            choices = self.fields[box].choices
            if choices is not None:  # a list to choose from: only one of its own entries
                same = [v for _, v in choices if v.casefold() == value.casefold()]
                if not same:
                    left.append(f"{word} “{value}” is not in the list")
                    continue
                value = same[0]
            self.set_raw(box, value)
            filled.append(word)
            boxes.append(box)
        said = f"Filled in from {self.READ_FROM}: {', '.join(filled)}." if filled else ""
        if left:
            said += f" Not filled: {'; '.join(left)}."
        self.reader.query_one("#receipt-status", Static).update(
            f"{said} Check them, then Ctrl+S to save.".strip()
        )
        if boxes:
            self.query_one(f"#f-{boxes[0]}").focus()


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
