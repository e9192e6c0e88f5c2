"""n in Evidence: attach a file to a payment or an invoice chosen from a list, in one form."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.widgets import Select

from kentcard.core import words
from kentcard.core.records import Document, DocumentKind
from kentcard.core.validate import parse_choice
from kentcard.services import browse, documents
from kentcard.services.browse import Filters
from kentcard.services.context import Context
from kentcard.tui.messages import ChoicesLoaded
from kentcard.tui.screens.money_forms import KIND_CHOICES
from kentcard.tui.widgets.form import Field, FormDialog, required, unquote_path

RECENT = 150  # payments and invoices offered, newest first; older ones: from their own section


def evidence_targets(ctx: Context, recipient_id: int) -> list[tuple[str, str]]:
    """The newest payments, those still without a receipt first, then the newest invoices;
    each as its words and its link tag (`money-out:3`)."""
    newest = Filters(sort="date", descending=True)
    payments = browse.money_out_page(ctx, recipient_id, newest, 0, RECENT).items
    bills = browse.invoice_page(ctx, recipient_id, newest, 0, RECENT).items
    ordered = sorted(payments, key=lambda p: p.evidenced)  # stable: newest first in each
    options = [
        (
            words.payment_words(p.record.date, p.record.payee, p.record.amount.pence)
            + ("" if p.evidenced else "  (no receipt yet)"),
            f"money-out:{p.record.id}",
        )
        for p in ordered
    ]
    options += [
        (
            f"{words.invoice_words(s.invoice.number, s.invoice.provider_name)}, "
            f"{words.day_words(s.invoice.issue_date)}",
            f"invoice:{s.invoice.id}",
        )
        for s in bills
    ]
    return options


class AttachToForm(FormDialog[Document]):
    """Choose the payment or invoice, the file, and what it is; saving attaches it."""

    title_text = "Attach a file to a payment or an invoice"

    def __init__(self) -> None:
        super().__init__(
            [
                Field(
                    "record",
                    "It proves",
                    parse=required(lambda t, f: t, "record"),
                    choices=[],
                ),
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
                    DocumentKind.RECEIPT.value,
                    required(lambda t, f: parse_choice(t, DocumentKind, f), "kind"),
                    choices=KIND_CHOICES,
                ),
            ]
        )

    def on_mount(self) -> None:
        select = self.query_one("#f-record", Select)
        select.prompt = "Reading payments and invoices…"
        self.load_targets()

    @work(thread=True, exit_on_error=False, group="targets")
    def load_targets(self) -> None:
        options = evidence_targets(self.kapp.ctx, self.recipient.id)
        self.post_message(ChoicesLoaded("targets", options))

    def on_choices_loaded(self, message: ChoicesLoaded) -> None:
        if message.name != "targets":
            return
        select = self.query_one("#f-record", Select)
        select.set_options(message.options)
        select.prompt = "Choose the payment or invoice" if message.options else "Nothing yet"

    def save(self, values: dict[str, Any]) -> Document:
        return documents.attach_document(
            self.kapp.ctx,
            values["file"],
            kind=values["kind"],
            **documents.target_of(values["record"]),
        )
