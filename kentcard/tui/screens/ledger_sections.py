"""The Money in and Money out sections."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from kentcard.core.records import DocumentKind, MoneyIn, MoneyOut
from kentcard.services import browse, ledger, providers
from kentcard.services.browse import Filters, Page, Payment
from kentcard.tui.screens.money_forms import (
    SOURCE_CHOICES,
    AttachForm,
    ExplainForm,
    MoneyInForm,
    MoneyOutForm,
)
from kentcard.tui.screens.receipt_filling import payment_says
from kentcard.tui.screens.table import Column, TableScreen

SOURCE_WORDS = dict((value, label) for label, value in SOURCE_CHOICES)


class MoneyInScreen(TableScreen[MoneyIn]):
    MODE = "money_in"
    CHOICE_LABEL = "source"
    HELP = "Money paid onto the card: KCC's payments, your contributions, refunds."
    COLUMNS: ClassVar[list[Column]] = [
        Column("date", "Date", "date"),
        Column("source", "From", "source"),
        Column("amount", "Amount", "amount", right=True),
        Column("reference", "Reference", "reference"),
        Column("note", "Note"),
    ]

    def fetch(self, filters: Filters, offset: int | None, limit: int) -> Page[MoneyIn]:
        return browse.money_in_page(self.ctx, self.recipient.id, filters, offset, limit)

    def cells(self, item: MoneyIn) -> list[object]:
        note = item.note or (f"for {item.category}" if item.category else "")
        source = SOURCE_WORDS.get(item.source.value, item.source.value)
        return [item.date, source, item.amount, item.reference, note]

    def choices(self) -> list[tuple[str, str]]:
        return list(SOURCE_CHOICES)

    def form(self, item: MoneyIn | None) -> MoneyInForm:
        return MoneyInForm(item, self.ctx.today())

    def undo_record(self, item: MoneyIn) -> MoneyIn:
        return item

    def delete(self, item: MoneyIn) -> None:
        ledger.delete_money_in(self.ctx, item.id)

    def describe(self, item: MoneyIn) -> str:
        return f"the {item.amount} received on {item.date}"


class MoneyOutScreen(TableScreen[Payment]):
    MODE = "money_out"
    HELP = (
        "Payments from the card. Each needs a receipt or an invoice: "
        "a attaches one, x says why there is none."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "attach", "Attach receipt", id="money_out.attach"),
        Binding("x", "explain", "Explain no receipt", id="money_out.explain"),
    ]
    COLUMNS: ClassVar[list[Column]] = [
        Column("date", "Date", "date"),
        Column("payee", "Paid to", "payee"),
        Column("amount", "Amount", "amount", right=True),
        Column("evidence", "Receipt"),
        Column("category", "Category", "category"),
        Column("description", "For"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.payees: list[str] = []
        self.categories: list[str] = []

    def fetch(self, filters: Filters, offset: int | None, limit: int) -> Page[Payment]:
        return browse.money_out_page(self.ctx, self.recipient.id, filters, offset, limit)

    def cells(self, item: Payment) -> list[object]:
        m = item.record
        evidence = "yes" if item.evidenced else "explained" if m.evidence_note else "MISSING"
        return [m.date, m.payee, m.amount, evidence, m.category, m.description]

    def choices(self) -> list[tuple[str, str]]:
        self.payees = [p.name for p in providers.list_providers(self.ctx, self.recipient.id)]
        self.categories = browse.categories(self.ctx, self.recipient.id)
        return [(c, c) for c in self.categories]

    def form(self, item: Payment | None) -> MoneyOutForm:
        record = item.record if item else None
        return MoneyOutForm(record, self.ctx.today(), self.payees, self.categories)

    def undo_record(self, item: Payment) -> MoneyOut:
        return item.record

    def delete(self, item: Payment) -> None:
        ledger.delete_money_out(self.ctx, item.record.id)

    def describe(self, item: Payment) -> str:
        return f"the payment of {item.record.amount} to {item.record.payee} on {item.record.date}"

    def action_attach(self) -> None:
        item = self.selected
        if item is not None:
            label = f"the payment of {item.record.amount} to {item.record.payee}"
            self._open(
                AttachForm(
                    "money_out_id",
                    item.record.id,
                    label,
                    DocumentKind.RECEIPT,
                    against=payment_says(item.record),
                )
            )

    def action_explain(self) -> None:
        item = self.selected
        if item is not None:
            self._open(ExplainForm(item.record, item.evidenced))
