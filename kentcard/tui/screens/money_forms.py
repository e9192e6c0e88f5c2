"""Forms for money in, money out (settling invoices, attaching receipts), attaching evidence
and saying why a payment has no receipt."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.widgets import Label, SelectionList, Static

from kentcard.core.dates import parse_date
from kentcard.core.invoices import InvoiceState
from kentcard.core.money import format_money, parse_positive_money, total
from kentcard.core.records import DocumentKind, MoneyIn, MoneyOut, Source
from kentcard.core.validate import clean_text, parse_choice
from kentcard.services import browse, documents, ledger
from kentcard.tui.messages import ChoicesLoaded
from kentcard.tui.widgets.form import Field, FormDialog, optional, required, unquote_path

SOURCE_CHOICES = [
    ("KCC payment", "kcc"),
    ("My contribution", "contribution"),
    ("Refund", "refund"),
    ("Opening balance", "opening"),
    ("Other", "other"),
]
KIND_CHOICES = [(k.value.capitalize(), k.value) for k in DocumentKind]


def text_of(value: object) -> str:
    return "" if value is None else str(value)


def money_text(value: Any) -> str:
    return "" if value is None else f"{value.pence // 100}.{value.pence % 100:02d}"


def date_field(value: object, label: str = "Date (YYYY-MM-DD)", name: str = "date") -> Field:
    return Field(name, label, text_of(value), required(parse_date, name), "YYYY-MM-DD")


def amount_field(value: Any, label: str = "Amount (£)", name: str = "amount") -> Field:
    return Field(name, label, money_text(value), required(parse_positive_money, name), "e.g. 45.99")


class MoneyInForm(FormDialog):
    def __init__(
        self, record: MoneyIn | None, today: object, preset: dict[str, str] | None = None
    ) -> None:
        self.record = record
        self.title_text = "Edit money in" if record else "Add money in"
        preset = preset or {}
        source = record.source.value if record else preset.get("source", "kcc")
        super().__init__(
            [
                date_field(record.date if record else preset.get("date", today)),
                amount_field(record.amount if record else None),
                Field(
                    "source",
                    "Where it came from",
                    source,
                    required(lambda t, f: parse_choice(t, Source, f), "source"),
                    choices=SOURCE_CHOICES,
                ),
                Field(
                    "reference", "Reference on the statement", text_of(record and record.reference)
                ),
                Field("note", "Note for yourself", text_of(record and record.note)),
                Field(
                    "category",
                    "For a refund: the category it gives back to",
                    text_of(record and record.category),
                ),
            ]
        )
        if preset.get("amount"):
            self.fields["amount"].value = preset["amount"]

    def save(self, values: dict[str, Any]) -> MoneyIn:
        ctx, person = self.kapp.ctx, self.kapp.person
        if self.record is None:
            return ledger.add_money_in(ctx, person.id, **values)
        return ledger.edit_money_in(ctx, self.record.id, **values)


class MoneyOutForm(FormDialog):
    """A payment: who, how much, which of the payee's open invoices it settles, its receipt."""

    def __init__(
        self, record: MoneyOut | None, today: object, payees: list[str], categories: list[str]
    ) -> None:
        self.record = record
        self.title_text = "Edit money out" if record else "Add money out (a payment from the card)"
        self.open: dict[int, InvoiceState] = {}
        super().__init__(
            [
                date_field(record.date if record else today),
                amount_field(record.amount if record else None),
                Field(
                    "payee",
                    "Paid to",
                    text_of(record and record.payee),
                    required(lambda t, f: t.strip(), "payee"),
                    "a provider or shop",
                    suggestions=payees,
                ),
                Field(
                    "category",
                    "Budget category",
                    text_of(record and record.category),
                    suggestions=categories,
                    placeholder="e.g. Home care",
                ),
                Field("description", "What it was for", text_of(record and record.description)),
                Field(
                    "reference", "Reference on the statement", text_of(record and record.reference)
                ),
                Field(
                    "receipt",
                    "Receipt file to attach (type or paste a path)",
                    parse=optional(unquote_path, "receipt"),
                    browse=True,
                    placeholder="~/Downloads/receipt.pdf",
                ),
            ]
        )

    def compose_extra(self) -> ComposeResult:
        if self.record is not None and self.record.evidence_note:
            yield Static(
                f"No receipt, explained: {self.record.evidence_note}  (x on the table changes it)",
                id="evidence-note",
                classes="hint",
            )
        yield Label("Invoices this payment settles (Space to tick)", classes="field-label")
        yield Static(
            "Type the payee to see their unpaid invoices.", id="invoices-hint", classes="hint"
        )
        yield SelectionList[int](id="invoices")

    def on_mount(self) -> None:
        if self.raw("payee"):
            self.load_invoices(self.raw("payee"))

    def field_changed(self, name: str) -> None:
        if name == "payee":
            self.load_invoices(self.raw("payee"))

    @work(thread=True, exit_on_error=False, group="invoices", exclusive=True)
    def load_invoices(self, payee: str) -> None:
        found = (
            browse.open_invoices(self.kapp.ctx, self.kapp.person.id, payee) if payee.strip() else []
        )
        self.post_message(ChoicesLoaded("invoices", found))

    def on_choices_loaded(self, message: ChoicesLoaded) -> None:
        self.open = {s.invoice.id: s for s in message.options}
        picker = self.query_one("#invoices", SelectionList)
        picker.clear_options()
        picker.add_options(
            [
                (
                    f"{s.invoice.number}  {s.invoice.issue_date}  {s.outstanding} to pay",
                    s.invoice.id,
                )
                for s in message.options
            ]
        )
        hint = (
            "No unpaid invoices from this payee."
            if not self.open
            else f"{len(self.open)} unpaid invoice(s)."
        )
        self.query_one("#invoices-hint", Static).update(hint)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[int]) -> None:
        chosen = [self.open[i] for i in event.selection_list.selected if i in self.open]
        if chosen and not self.raw("amount").strip():
            self.set_raw("amount", money_text(total(s.outstanding for s in chosen)))

    def save(self, values: dict[str, Any]) -> MoneyOut:
        ctx, person = self.kapp.ctx, self.kapp.person
        receipt = values.pop("receipt")
        chosen = [
            self.open[i]
            for i in self.query_one("#invoices", SelectionList).selected
            if i in self.open
        ]
        claims = [ledger.InvoiceClaim(s.invoice.number) for s in chosen]
        receipts = [receipt] if receipt else []
        if self.record is None:
            return ledger.add_money_out(
                ctx, person.id, invoices=claims, receipts=receipts, **values
            )
        # One call, one transaction: a refused receipt or invoice leaves the payment as it was.
        return ledger.edit_money_out(
            ctx, self.record.id, invoices=claims, receipts=receipts, **values
        )


class AttachForm(FormDialog):
    """Attach a receipt, invoice or other document to one payment or invoice."""

    def __init__(
        self, target: str, target_id: int, label: str, kind: DocumentKind = DocumentKind.RECEIPT
    ) -> None:
        self.target, self.target_id = target, target_id
        self.title_text = f"Attach a document to {label}"
        super().__init__(
            [
                Field(
                    "file",
                    "File (type or paste a path, or Browse)",
                    parse=required(unquote_path, "file"),
                    browse=True,
                    placeholder="~/Downloads/receipt.pdf",
                ),
                Field(
                    "kind",
                    "What it is",
                    kind.value,
                    required(lambda t, f: parse_choice(t, DocumentKind, f), "kind"),
                    choices=KIND_CHOICES,
                ),
            ]
        )

    def save(self, values: dict[str, Any]) -> Any:
        return documents.attach_document(
            self.kapp.ctx, values["file"], kind=values["kind"], **{self.target: self.target_id}
        )


def describe_payment(record: MoneyOut) -> str:
    """A payment in words a person recognises: "£45.99 to Kent Mobility on 18 Nov 2026"."""
    when = f"{record.date.day} {record.date:%b %Y}"
    return f"{format_money(record.amount)} to {record.payee} on {when}"


class ExplainForm(FormDialog):
    """Say why a payment has no receipt; saving an empty box removes the explanation."""

    def __init__(self, record: MoneyOut, evidenced: bool = False) -> None:
        self.record = record
        self.evidenced = evidenced
        self.title_text = f"Why is there no receipt for {describe_payment(record)}?"
        super().__init__(
            [
                Field(
                    "reason",
                    "Why there is no receipt",
                    text_of(record.evidence_note),
                    lambda text: clean_text(text, "reason", max_length=ledger.EVIDENCE_NOTE_LIMIT),
                    "e.g. the lunch club gives no receipts",
                ),
            ]
        )

    def compose_extra(self) -> ComposeResult:
        hint = (
            f"Kept with the payment and shown to the reviewer as explained; up to "
            f"{ledger.EVIDENCE_NOTE_LIMIT} characters. Save an empty box to remove it."
        )
        if self.evidenced:
            hint += " This payment already has a receipt or a paid invoice with its file."
        yield Static(hint, id="explain-hint", classes="hint")

    def save(self, values: dict[str, Any]) -> MoneyOut:
        return ledger.explain_missing_evidence(
            self.kapp.ctx, self.kapp.person.id, self.record.id, values["reason"]
        )
