"""Forms for invoices (hours × rate worked out as you type) and providers."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from kentcard.core.dates import parse_date
from kentcard.core.errors import InputError
from kentcard.core.invoices import InvoiceState, hours_times_rate
from kentcard.core.money import Money, parse_money
from kentcard.core.records import Invoice, Provider, ProviderKind
from kentcard.core.validate import format_hours, parse_choice, parse_hours
from kentcard.services import documents, invoices, providers
from kentcard.tui.screens.money_forms import amount_field, date_field, money_text, text_of
from kentcard.tui.screens.receipt_filling import ReadsReceipt
from kentcard.tui.widgets.form import Field, FormDialog, optional, required, unquote_path

KIND_WORDS = {
    ProviderKind.AGENCY: "Agency",
    ProviderKind.PA: "PA",  # a personal assistant: always said as two capitals
    ProviderKind.DAY_SERVICE: "Day service",
    ProviderKind.RESPITE: "Respite",
    ProviderKind.EQUIPMENT: "Equipment",
    ProviderKind.OTHER: "Other",
}
KIND_CHOICES = [(KIND_WORDS[k], k.value) for k in ProviderKind]


def kind_words(kind: ProviderKind) -> str:
    """A provider's kind as a person says it: "PA", "Day service", never `pa`, `day-service`."""
    return KIND_WORDS[kind]


def _positive(text: str, name: str) -> Money:
    money = parse_money(text, name)
    if money.pence <= 0:
        raise InputError(name, "must be more than £0.00")
    return money


class InvoiceForm(ReadsReceipt, FormDialog[Invoice]):
    """An invoice: hours × rate worked out as the boxes are filled; its file is read for
    the provider, number, date, amount and hours × rate, used only if the person chooses
    (`ReadsReceipt`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "read_receipt", "Read file", show=False, id="invoice.read_file"),
        Binding("ctrl+y", "use_receipt", "Use it", show=False, id="invoice.use_file"),
    ]
    RECEIPT_FIELD = "file"
    READ_FROM = "the invoice"
    BOXES: ClassVar[dict[str, tuple[str, str]]] = {
        "payee": ("provider", "provider"),
        "number": ("number", "number"),
        "date": ("date", "date"),
        "hours": ("hours", "hours"),
        "rate": ("rate", "rate"),
        "amount": ("amount", "amount"),
    }

    def __init__(
        self,
        state: InvoiceState | None,
        today: object,
        names: list[str],
        rates: dict[str, Money | None],
    ) -> None:
        inv = state.invoice if state else None
        self.record, self.rates = inv, rates
        self.title_text = f"Edit invoice {inv.number}" if inv else "Add an invoice"
        choices = [(n, n) for n in names] or (
            [(inv.provider_name, inv.provider_name)] if inv else []
        )
        hours = None if inv is None or inv.hours_centi is None else format_hours(inv.hours_centi)
        amount = amount_field(
            inv.amount if inv else None, "Amount (£) — left empty, hours × rate is used"
        )
        amount.parse = optional(_positive, "amount")
        super().__init__(
            [
                Field(
                    "provider",
                    "Provider",
                    inv.provider_name if inv else "",
                    required(lambda t, f: t, "provider"),
                    choices=choices,
                ),
                Field(
                    "number",
                    "Invoice number",
                    text_of(inv and inv.number),
                    required(lambda t, f: t.strip(), "number"),
                ),
                date_field(inv.issue_date if inv else today, "Invoice date"),
                Field("hours", "Hours (e.g. 23.5)", text_of(hours), optional(parse_hours, "hours")),
                Field(
                    "rate",
                    "Hourly rate (£)",
                    money_text(inv.rate if inv else None),
                    optional(_positive, "rate"),
                ),
                amount,
                Field(
                    "period-start",
                    "Care from (date)",
                    text_of(inv and inv.period_start),
                    optional(parse_date, "period-start"),
                ),
                Field(
                    "period-end",
                    "Care to (date)",
                    text_of(inv and inv.period_end),
                    optional(parse_date, "period-end"),
                ),
                Field(
                    "due",
                    "Due date (empty = 30 days after the invoice date)",
                    text_of(inv and inv.due_date),
                    optional(parse_date, "due"),
                ),
                Field(
                    "file",
                    "Invoice file (PDF or photo)",
                    parse=optional(unquote_path, "file"),
                    browse=True,
                ),
            ]
        )

    def compose_extra(self) -> ComposeResult:
        yield Static("", id="computed", classes="hint")

    def on_mount(self) -> None:
        self.field_changed("hours")

    def computed(self) -> Money | None:
        hours, rate = self.check("hours")[0], self.check("rate")[0]
        return hours_times_rate(hours, rate) if hours and rate else None

    def field_changed(self, name: str) -> None:
        super().field_changed(name)
        if name == "provider" and not self.raw("rate") and self.rates.get(self.raw("provider")):
            self.set_raw("rate", money_text(self.rates[self.raw("provider")]))
        if name in ("hours", "rate", "amount", "provider"):
            amount = self.computed()
            text = "" if amount is None else f"Hours × rate = {amount}"
            typed = self.check("amount")[0]
            if amount is not None and typed is not None and typed != amount:
                text += f" — not the amount typed ({typed}); a reviewer would ask why"
            self.query_one("#computed", Static).update(text)

    def save(self, values: dict[str, Any]) -> Invoice:
        ctx, recipient = self.kapp.ctx, self.recipient
        amount = values["amount"] or self.computed()
        if amount is None:
            raise InputError("amount", "give the amount, or the hours and the rate")
        draft = invoices.InvoiceDraft(
            provider=values["provider"],
            number=values["number"],
            issue_date=values["date"],
            amount=amount,
            hours_centi=values["hours"],
            rate=values["rate"],
            period_start=values["period-start"],
            period_end=values["period-end"],
            due_date=values["due"],
        )
        if self.record is None:
            return invoices.add_invoice(ctx, recipient.id, draft, values["file"])
        changes = {
            k: getattr(draft, k)
            for k in invoices.InvoiceDraft.__dataclass_fields__
            if k != "provider"
        }
        record = invoices.edit_invoice(ctx, self.record.id, **changes)
        if values["file"]:
            documents.attach_document(
                ctx, values["file"], invoice_id=record.id, kind=documents.DocumentKind.INVOICE
            )
        return record


class ProviderForm(FormDialog[Provider]):
    def __init__(self, record: Provider | None, categories: list[str]) -> None:
        self.record = record
        self.title_text = f"Edit provider {record.name}" if record else "Add a provider"
        super().__init__(
            [
                Field(
                    "name",
                    "Name",
                    text_of(record and record.name),
                    required(lambda t, f: t.strip(), "name"),
                ),
                Field(
                    "kind",
                    "Kind",
                    record.kind.value if record else "other",
                    required(lambda t, f: parse_choice(t, ProviderKind, f), "kind"),
                    choices=KIND_CHOICES,
                ),
                Field(
                    "rate",
                    "Hourly rate (£), if any",
                    money_text(record.rate if record else None),
                    optional(_positive, "rate"),
                ),
                Field(
                    "category",
                    "Budget category its payments go to",
                    text_of(record and record.category),
                    suggestions=categories,
                ),
            ]
        )

    def save(self, values: dict[str, Any]) -> Provider:
        ctx, recipient = self.kapp.ctx, self.recipient
        if self.record is None:
            return providers.add_provider(ctx, recipient.id, **values)
        return providers.edit_provider(ctx, self.record.id, **values)
