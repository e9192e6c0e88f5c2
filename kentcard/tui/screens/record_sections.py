"""The Invoices, Providers and Evidence sections."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType

from kentcard.core import words
from kentcard.core.invoices import InvoiceState
from kentcard.core.money import Money
from kentcard.core.records import DocumentKind, Invoice, Provider
from kentcard.services import browse, documents, invoices, providers
from kentcard.services.browse import INVOICE_STATUSES, Evidence, Filters, Page
from kentcard.tui.screens.evidence_forms import AttachToForm
from kentcard.tui.screens.money_forms import AttachForm, pay_invoice_form
from kentcard.tui.screens.other_forms import KIND_CHOICES as PROVIDER_KINDS
from kentcard.tui.screens.other_forms import InvoiceForm, ProviderForm, kind_words
from kentcard.tui.screens.receipt_filling import invoice_says
from kentcard.tui.screens.table import Column, TableScreen
from kentcard.tui.widgets.dialogs import ChoiceDialog, ConfirmDialog, NoticeDialog


def status_words(item: InvoiceState) -> str:
    """An invoice's status in a word or two: OVERDUE says enough when it is late (To pay
    shows what is left), so Status and Due both fit at 80 columns."""
    return "OVERDUE" if item.overdue else item.status.value


class InvoicesScreen(TableScreen[InvoiceState]):
    MODE = "invoices"
    CHOICE_LABEL = "status"
    HELP = (
        "Providers' invoices and what is still to pay. p pays the highlighted invoice, "
        "a attaches its file."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "pay", "Pay this invoice", id="invoices.pay"),
        Binding("a", "attach", "Attach file", id="invoices.attach"),
    ]
    COLUMNS: ClassVar[list[Column]] = [
        Column("date", "Date", "date"),
        Column("provider", "Provider", "provider"),
        Column("amount", "Amount", "amount", right=True),
        Column("outstanding", "To pay", "outstanding", right=True),
        Column("due", "Due", "due"),
        Column("status", "Status"),
        Column("number", "Number", "number"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.rates: dict[str, Money | None] = {}
        self.categories: dict[str, str] = {}  # each provider's budget category
        self.all_categories: list[str] = []

    def fetch(self, filters: Filters, offset: int | None, limit: int) -> Page[InvoiceState]:
        return browse.invoice_page(self.ctx, self.recipient.id, filters, offset, limit)

    def cells(self, item: InvoiceState) -> list[object]:
        inv = item.invoice
        return [
            inv.issue_date,
            inv.provider_name,
            inv.amount,
            item.outstanding,
            inv.due_date,
            status_words(item),
            inv.number,
        ]

    def choices(self) -> list[tuple[str, str]]:
        found = providers.list_providers(self.ctx, self.recipient.id)
        self.names = [p.name for p in found]
        self.rates = {p.name: p.rate for p in found}
        self.categories = {p.name: p.category for p in found if p.category}
        self.all_categories = browse.categories(self.ctx, self.recipient.id)
        return [(s.capitalize(), s) for s in INVOICE_STATUSES]

    def form(self, item: InvoiceState | None) -> InvoiceForm:
        return InvoiceForm(item, self.ctx.today(), self.names, self.rates)

    def undo_record(self, item: InvoiceState) -> Invoice:
        return item.invoice

    def delete(self, item: InvoiceState) -> None:
        invoices.delete_invoice(self.ctx, item.invoice.id)

    def describe(self, item: InvoiceState) -> str:
        return f"invoice {item.invoice.number} from {item.invoice.provider_name}"

    def action_attach(self) -> None:
        item = self.selected
        if item is not None:
            self._open(
                AttachForm(
                    "invoice_id",
                    item.invoice.id,
                    self.describe(item),
                    DocumentKind.INVOICE,
                    against=invoice_says(item.invoice),
                )
            )

    def action_pay(self) -> None:
        """The money-out form filled in to pay what is left on the highlighted invoice."""
        item = self.selected
        if item is None:
            return
        invoice = item.invoice
        if item.outstanding.pence <= 0:
            self.notify(
                f"Invoice {invoice.number} from {invoice.provider_name} is already paid: "
                "there is nothing left to pay on it. Money out (3) shows the payment.",
                timeout=10,
            )
            return
        category = self.categories.get(invoice.provider_name, "")
        self._open(
            pay_invoice_form(item, self.ctx.today(), self.names, self.all_categories, category)
        )


class ProvidersScreen(TableScreen[Provider]):
    MODE = "providers"
    CHOICE_LABEL = "kind"
    SORT = ("name", False)
    DATED = False
    HELP = "Who you pay: agencies, personal assistants, shops, day services."
    COLUMNS: ClassVar[list[Column]] = [
        Column("name", "Name", "name"),
        Column("kind", "Kind", "kind"),
        Column("rate", "Hourly rate", "rate", right=True),
        Column("category", "Category", "category"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.categories: list[str] = []

    def fetch(self, filters: Filters, offset: int | None, limit: int) -> Page[Provider]:
        return browse.provider_page(self.ctx, self.recipient.id, filters, offset, limit)

    def cells(self, item: Provider) -> list[object]:
        return [item.name, kind_words(item.kind), item.rate, item.category]

    def choices(self) -> list[tuple[str, str]]:
        self.categories = browse.categories(self.ctx, self.recipient.id)
        return list(PROVIDER_KINDS)

    def form(self, item: Provider | None) -> ProviderForm:
        return ProviderForm(item, self.categories)

    def undo_record(self, item: Provider) -> Provider:
        return item

    def delete(self, item: Provider) -> None:
        providers.delete_provider(self.ctx, item.id)

    def describe(self, item: Provider) -> str:
        return f"provider {item.name}"

    def cannot_delete(self, item: Provider) -> str | None:
        bills, payments = providers.provider_uses(self.ctx, item.id)
        if not bills and not payments:
            return None
        uses = " and ".join(
            f"{n} {what}{'' if n == 1 else 's'}"
            for n, what in ((bills, "invoice"), (payments, "payment"))
            if n
        )
        verb = "refers" if bills + payments == 1 else "refer"
        return (
            f"{item.name} cannot be deleted: {uses} {verb} to them, and a reviewer needs to "
            "see who was paid.\n\nTo correct their details, press Enter on them instead."
        )


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size // (1024 * 1024)}.{size % (1024 * 1024) * 10 // (1024 * 1024)} MB"


def private_copy(name: str, content: bytes) -> Path:
    """Write a document to a new folder only its owner can read (0700/0600)."""
    folder = Path(tempfile.mkdtemp(prefix="kentcard-"))
    path = folder / (name.replace(os.sep, "_") or "document")
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    return path


class EvidenceScreen(TableScreen[Evidence]):
    MODE = "evidence"
    CHOICE_LABEL = "kind"
    SORT = ("added", True)
    DATED = False  # the page is not filtered by month (documents have no money date)
    FLEX = "links"  # what it proves wraps, so Kind and Size stay whole at 80 columns
    HELP = (
        "Every stored receipt, invoice and payslip. Enter or o opens one, "
        "n attaches a new one, d detaches one attached by mistake."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open", "Open", id="evidence.open"),
        Binding("n", "new", "Attach", id="evidence.new", priority=True),
        Binding("d,delete", "detach", "Detach", id="evidence.detach"),
    ]
    # The file's type and hash are in the workbook's Evidence sheet; here they only pushed
    # Kind off an 80-column screen ("rece").
    COLUMNS: ClassVar[list[Column]] = [
        Column("name", "File", "name"),
        Column("kind", "Kind", "kind"),
        Column("links", "Evidence for"),
        Column("size", "Size", "size", right=True),
    ]

    def fetch(self, filters: Filters, offset: int | None, limit: int) -> Page[Evidence]:
        return browse.document_page(self.ctx, self.recipient.id, filters, offset, limit)

    def cells(self, item: Evidence) -> list[object]:
        document = item.record
        return [
            document.filename,
            words.DOCUMENT_KIND_WORDS.get(document.kind.value, document.kind.value),
            "; ".join(item.evidence_for) or "(not linked)",
            human_size(document.size),
        ]

    def choices(self) -> list[tuple[str, str]]:
        return [(words.DOCUMENT_KIND_WORDS.get(k.value, k.value), k.value) for k in DocumentKind]

    def form(self, item: Evidence | None) -> AttachToForm | None:
        return AttachToForm() if item is None else None

    def action_edit(self) -> None:
        self.action_open()

    def action_detach(self) -> None:
        """Untie the highlighted file from the record it proves (which one, if several)."""
        item = self.selected
        if item is None:
            return
        name = item.record.filename
        links = list(zip(item.record.links, item.evidence_for, strict=False))
        if not links:
            self.app.push_screen(
                NoticeDialog(
                    f"'{name}' is not attached to anything, so no export includes it. "
                    "It stays in the database's history."
                )
            )
        elif len(links) == 1:
            self._ask_detach(item, links[0])
        else:

            def chosen(link: tuple[str, str] | None) -> None:
                if link is not None:
                    self._ask_detach(item, link)

            self.app.push_screen(
                ChoiceDialog(
                    f"'{name}' proves {len(links)} records. Detach it from which one?",
                    [(label, (tag, label)) for tag, label in links],
                ),
                chosen,
            )

    def _ask_detach(self, item: Evidence, link: tuple[str, str]) -> None:
        tag, what = link
        question = (
            f"Detach '{item.record.filename}' from {what}?\n"
            "The file stays in the history; it leaves that record and its exports."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_detach(item.record.id, tag, f"'{item.record.filename}' from {what}")

        self.app.push_screen(ConfirmDialog(question, yes="Yes, detach", no="No, keep it"), answered)

    @work(thread=True, exit_on_error=False, group="detach")
    def run_detach(self, document_id: int, tag: str, description: str) -> None:
        documents.detach_document(
            self.ctx, self.recipient.id, document_id, **documents.target_of(tag)
        )
        self.app.call_from_thread(self._detached, description)

    def _detached(self, description: str) -> None:
        self.notify(f"Detached {description}.", timeout=6)
        self.reload()

    def action_open(self) -> None:
        if self.selected is not None:
            self.open_document(self.selected.record.id)

    @work(thread=True, exit_on_error=False, group="open")
    def open_document(self, document_id: int) -> None:
        document, content = documents.read_document(self.ctx, document_id)
        path = private_copy(document.filename, content)
        viewer = shutil.which("xdg-open") or shutil.which("open")
        if viewer:
            subprocess.Popen(
                [viewer, str(path)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            message = f"Opened {document.filename} (a private copy in {path.parent})."
        else:
            message = f"No viewer here; a private copy is saved at {path}"
        self.app.call_from_thread(self.notify, message, timeout=10)
