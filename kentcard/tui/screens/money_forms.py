"""Forms for money in, money out (settling invoices, attaching receipts), attaching evidence
and saying why a payment has no receipt."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Button, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import OptionDoesNotExist

from kentcard.core import words
from kentcard.core.dates import parse_date
from kentcard.core.invoices import InvoiceState
from kentcard.core.money import Money, format_money, parse_positive_money, total
from kentcard.core.records import Document, DocumentKind, MoneyIn, MoneyOut, Source
from kentcard.core.validate import clean_text, parse_choice
from kentcard.services import allocations, browse, documents, ledger
from kentcard.tui.messages import RecordSaved
from kentcard.tui.screens.receipt_filling import ReadsReceipt
from kentcard.tui.textual_private import GutterSelectionList
from kentcard.tui.widgets.form import (
    Field,
    FormDialog,
    optional,
    required,
    save_error,
    show_error,
    unquote_path,
)

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


def money_text(value: Money | None) -> str:
    return "" if value is None else f"{value.pence // 100}.{value.pence % 100:02d}"


def date_field(value: object, label: str = "Date", name: str = "date") -> Field:
    return Field(name, label, text_of(value), required(parse_date, name), "e.g. 5/11/2026")


def amount_field(value: Money | None, label: str = "Amount (£)", name: str = "amount") -> Field:
    return Field(name, label, money_text(value), required(parse_positive_money, name), "e.g. 45.99")


FAR_AHEAD = timedelta(days=60)  # a date further ahead than this is probably a typo


class Warned(Message):
    """Saving found something to check first (a date far ahead, the same entry twice)."""

    def __init__(self, notes: tuple[str, ...]) -> None:
        super().__init__()
        self.notes = notes


class NotesFound(Message):
    """What to check about the entry as typed so far, for the note under its first boxes."""

    def __init__(self, typed: tuple[str, ...], notes: tuple[str, ...]) -> None:
        super().__init__()
        self.typed = typed
        self.notes = notes


EntryT = TypeVar("EntryT", MoneyIn, MoneyOut, covariant=True)


class EntryForm(FormDialog[EntryT], Generic[EntryT]):
    """A money-in or money-out form that warns, and never refuses, when the entry looks
    mistaken: a date more than about two months ahead, or the same entry already logged.

    The note shows as soon as the boxes say so; the first Ctrl+S with a note showing saves
    nothing and says so, the second saves the entry as it is.
    """

    NOTE_AFTER = "amount"  # the note goes under this box, near the top of the form
    WATCHED: ClassVar[tuple[str, ...]] = ("date", "amount")
    DEFAULT_CSS = """
    EntryForm .entry-notes {
        display: none;
        color: $text-warning;
        padding: 0 1;
    }
    EntryForm .entry-notes.-shown {
        display: block;
    }
    """
    record: MoneyIn | MoneyOut | None

    def __init__(self, fields: list[Field]) -> None:
        super().__init__(fields)
        self.accepted: tuple[str, ...] = ()  # notes already shown at a Ctrl+S

    def compose_field(self, spec: Field) -> ComposeResult:
        yield from super().compose_field(spec)
        if spec.name == self.NOTE_AFTER:
            yield Static("", id="entry-notes", classes="entry-notes")
            yield from self.compose_after_notes()

    def compose_after_notes(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.look_again()

    def field_changed(self, name: str) -> None:
        if name in self.WATCHED:
            self.look_again()

    # -- what to check ----------------------------------------------------------------------
    def typed_key(self) -> tuple[str, ...]:
        return tuple(self.raw(name) for name in self.WATCHED)

    def look_again(self) -> None:
        values = {}
        for name in self.WATCHED:
            values[name], problem = self.check(name)
            if problem or values[name] is None:
                self.show_notes(())
                return
        self.find_notes(self.typed_key(), values)

    @work(thread=True, exit_on_error=False, group="notes", exclusive=True)
    def find_notes(self, typed: tuple[str, ...], values: dict[str, Any]) -> None:
        try:
            found = tuple(self.notes(values))
        except Exception:  # only a hint: saving checks again and says what went wrong
            found = ()
        self.post_message(NotesFound(typed, found))

    def on_notes_found(self, message: NotesFound) -> None:
        if message.typed == self.typed_key():  # not an answer about what was typed before
            self.show_notes(message.notes)

    def show_notes(self, notes: tuple[str, ...]) -> None:
        show_error(self.query_one("#entry-notes", Static), "\n".join(notes))

    def notes(self, values: dict[str, Any]) -> list[str]:
        """What to check before saving (runs in a worker: it may read the database)."""
        found = []
        day, record = values["date"], self.record
        changed = record is None or any(
            values[name] != getattr(record, name) for name in self.WATCHED
        )
        today = self.kapp.ctx.today()
        if day - today > FAR_AHEAD and (record is None or record.date != day):
            found.append(
                f"Check the date: {words.day_words(day)} is {(day - today).days} days after today."
            )
        if changed and self.same_entries(values):
            found.append(f"Check: {self.entry_words(values)} is already logged.")
        return found

    def same_entries(self, values: dict[str, Any]) -> bool:
        raise NotImplementedError

    def entry_words(self, values: dict[str, Any]) -> str:
        raise NotImplementedError

    # -- saving: a second Ctrl+S saves what the note is about --------------------------------
    @work(thread=True, exit_on_error=False, group="save", exclusive=True)
    def run_save(self, values: dict[str, Any]) -> None:
        try:
            notes = tuple(self.notes(values))
            if notes and notes != self.accepted:
                self.post_message(Warned(notes))
                return
            record = self.save(values)
        except Exception as error:  # shown in the form; what was typed stays
            self.post_message(save_error(error))
        else:
            self.post_message(RecordSaved(record))

    def on_warned(self, message: Warned) -> None:
        self.accepted = message.notes
        self.show_notes(message.notes)
        self.query_one("#entry-notes", Static).scroll_visible()
        self.query_one("#save", Button).disabled = False
        self.query_one("#form-error", Static).update(
            "Not saved yet: please check the note above. "
            "If it is right, press Ctrl+S again to save it."
        )


class MoneyInForm(EntryForm[MoneyIn]):
    NOTE_AFTER = "source"
    WATCHED = ("date", "amount", "source")
    record: MoneyIn | None

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

    def same_entries(self, values: dict[str, Any]) -> bool:
        return bool(
            browse.same_money_in(
                self.kapp.ctx,
                self.recipient.id,
                day=values["date"],
                amount=values["amount"],
                source=values["source"],
                leave_out=self.record.id if self.record else None,
            )
        )

    def entry_words(self, values: dict[str, Any]) -> str:
        source = words.source_words(values["source"].value)
        return (
            f"{format_money(values['amount'])} from {source} on {words.day_words(values['date'])}"
        )

    def save(self, values: dict[str, Any]) -> MoneyIn:
        ctx, recipient = self.kapp.ctx, self.recipient
        if self.record is None:
            return ledger.add_money_in(ctx, recipient.id, **values)
        return ledger.edit_money_in(ctx, self.record.id, **values)


class InvoicesLoaded(Message):
    """The unpaid invoices of the payee typed in a money-out form, oldest first."""

    def __init__(self, payee: str, found: list[InvoiceState], problem: str | None) -> None:
        super().__init__()
        self.payee = payee
        self.found = found
        self.problem = problem


class TickList(GutterSelectionList[int]):
    """Invoices to tick: each line starts ☑ (ticked) or ☐ (not), so the mark never rests on a
    colour alone; the first line is highlighted as soon as the list has focus, so Space or
    Enter ticks it at once."""

    DEFAULT_CSS = """
    TickList {
        border: none;
        border-left: tall $border-blurred;
        padding: 0 0 0 1;
    }
    TickList:focus {
        border: none;
        border-left: tall $border;
    }
    """
    TICKED, UNTICKED = "☑ ", "☐ "
    GUTTER = len(TICKED)

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)  # the invoice's words, without Textual's toggle
        index = self.scroll_offset.y + y
        try:
            option = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        mark = self.TICKED if option.value in self.selected else self.UNTICKED
        style = (next(iter(line)).style or self.rich_style) + Style(meta={"option": index})
        return Strip([Segment(mark, style), *line])

    def on_focus(self) -> None:
        if self.highlighted is None and self.option_count:
            self.highlighted = 0


def payee_key(payee: str) -> str:
    return payee.strip().casefold()


class MoneyOutForm(ReadsReceipt, EntryForm[MoneyOut]):
    """A payment: who, how much, which of the payee's unpaid invoices it pays, its receipt.

    The payee's unpaid invoices are listed under Paid to; when the amount is exactly what one
    of them (or the oldest few) still owes, that invoice is proposed ticked, so a payment
    that matches its invoice settles it with no other key. The receipt file is read for a
    suggested date, amount and payee, used only if the person chooses (`ReadsReceipt`).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Shown on their buttons once a receipt file is named, not in the footer.
        Binding("ctrl+r", "read_receipt", "Read receipt", show=False, id="money_out.read_receipt"),
        Binding("ctrl+y", "use_receipt", "Use it", show=False, id="money_out.use_receipt"),
    ]

    NOTE_AFTER = "payee"
    WATCHED = ("date", "amount", "payee")
    record: MoneyOut | None

    def __init__(
        self,
        record: MoneyOut | None,
        today: object,
        payees: list[str],
        categories: list[str],
        preset: dict[str, str] | None = None,
        tick: int | None = None,
        title: str | None = None,
    ) -> None:
        self.record = record
        self.title_text = title or (
            "Edit money out" if record else "Add money out (a payment from the card)"
        )
        preset = preset or {}
        self.open: dict[int, InvoiceState] = {}
        self.listed_for: str | None = None  # the payee whose invoices the list shows
        self.proposed: tuple[int, ...] = ()  # ticked by the form, not by the person
        self.tick = tick  # an invoice to tick once the list is loaded (Pay this invoice)
        self.save_when_listed = False
        super().__init__(
            [
                date_field(record.date if record else today),
                amount_field(record.amount if record else None),
                Field(
                    "payee",
                    "Paid to",
                    text_of(record.payee if record else preset.get("payee")),
                    required(lambda t, f: t.strip(), "payee"),
                    "a provider or shop",
                    suggestions=payees,
                ),
                Field(
                    "category",
                    "Budget category",
                    text_of(record.category if record else preset.get("category")),
                    suggestions=categories,
                    placeholder="e.g. Home care",
                ),
                Field(
                    "description",
                    "What it was for",
                    text_of(record.description if record else preset.get("description")),
                ),
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
        if record is None and preset.get("amount"):
            self.fields["amount"].value = preset["amount"]

    def compose_after_notes(self) -> ComposeResult:
        yield Label(
            "Invoices it pays  (☑ pays it, ☐ does not: Space or Enter changes)",
            classes="field-label",
            id="invoices-label",
        )
        yield Static("", id="invoices-hint", classes="hint")
        picker = TickList(id="invoices")
        picker.display = False  # shown when the payee has unpaid invoices (so Tab skips it)
        yield picker

    def compose_extra(self) -> ComposeResult:
        if self.record is not None and self.record.evidence_note:
            yield Static(
                f"No receipt, explained: {self.record.evidence_note}  (x on the table changes it)",
                id="evidence-note",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.list_invoices()

    def field_changed(self, name: str) -> None:
        super().field_changed(name)
        if name == "payee":
            self.list_invoices()
        elif name == "amount":
            self.propose()
            self.show_hint()

    # -- the payee's unpaid invoices ---------------------------------------------------------
    def list_invoices(self) -> None:
        payee = self.raw("payee")
        if not payee.strip():
            self.on_invoices_loaded(InvoicesLoaded(payee, [], None))
        else:
            self.load_invoices(payee)

    @work(thread=True, exit_on_error=False, group="invoices", exclusive=True)
    def load_invoices(self, payee: str) -> None:
        try:
            found = browse.open_invoices(self.kapp.ctx, self.recipient.id, payee)
        except Exception as error:  # the form still saves a payment without invoices
            self.post_message(InvoicesLoaded(payee, [], type(error).__name__))
        else:
            self.post_message(InvoicesLoaded(payee, found, None))

    def on_invoices_loaded(self, message: InvoicesLoaded) -> None:
        if payee_key(message.payee) != payee_key(self.raw("payee")):
            return  # the payee changed again while this was read
        same = self.listed_for == payee_key(message.payee) and list(self.open) == [
            s.invoice.id for s in message.found
        ]
        if same:  # read again for the same payee (a space typed): keep what is ticked
            self.open = {s.invoice.id: s for s in message.found}
            self.after_listing(message.problem)
            return
        self.open = {s.invoice.id: s for s in message.found}
        self.listed_for = payee_key(message.payee)
        self.proposed = ()
        picker = self.query_one("#invoices", TickList)
        picker.clear_options()
        picker.add_options([(invoice_line(s), s.invoice.id) for s in message.found])
        picker.display = bool(message.found)
        if self.tick in self.open:
            picker.select(self.tick)
            self.tick = None
        else:
            self.propose()
        if message.found:  # the ticked invoice highlighted (or the first), so Space acts on it
            ticked = [i for i, invoice_id in enumerate(self.open) if invoice_id in picker.selected]
            picker.highlighted = (ticked or [0])[0]
        self.after_listing(message.problem)

    def after_listing(self, problem: str | None) -> None:
        self.show_hint(problem)
        if self.save_when_listed:
            self.save_when_listed = False
            self.action_save()

    def propose(self) -> None:
        """Tick what the amount pays exactly, unless the person has ticked or unticked since."""
        if self.record is not None or not self.open:
            return  # an edited payment keeps what it pays; more are ticked by hand
        picker = self.query_one("#invoices", TickList)
        if tuple(sorted(picker.selected)) != tuple(sorted(self.proposed)):
            return
        amount, problem = self.check("amount")
        matched = (
            allocations.matching_invoices(list(self.open.values()), amount)
            if amount is not None and problem is None
            else []
        )
        self.proposed = tuple(s.invoice.id for s in matched)
        picker.deselect_all()
        for invoice_id in self.proposed:
            picker.select(invoice_id)

    def ticked(self) -> list[InvoiceState]:
        """The ticked invoices, oldest first (as listed)."""
        ticked = set(self.query_one("#invoices", TickList).selected)
        return [state for invoice_id, state in self.open.items() if invoice_id in ticked]

    def show_hint(self, problem: str | None = None) -> None:
        self.query_one("#invoices-hint", Static).update(self.hint(problem))

    def hint(self, problem: str | None) -> str:
        payee = self.raw("payee").strip()
        if problem:
            return f"The unpaid invoices could not be read ({problem})."
        if not payee:
            return "Type who was paid to see their unpaid invoices."
        if not self.open:
            return f"No unpaid invoices from {payee}."
        chosen = self.ticked()
        if not chosen:
            count = len(self.open)
            some = "1 unpaid invoice" if count == 1 else f"{count} unpaid invoices"
            return f"{some} from {payee}. Tick the one this payment pays, if any."
        numbers = ", ".join(s.invoice.number for s in chosen)
        owed = total(s.outstanding for s in chosen)
        named = f"invoice {numbers}" if len(chosen) == 1 else f"invoices {numbers}"
        text = f"Pays {named} ({format_money(owed)})"
        if tuple(sorted(s.invoice.id for s in chosen)) == tuple(sorted(self.proposed)):
            return text + ": untick if not."
        amount, wrong = self.check("amount")
        if amount is not None and not wrong and amount != owed:
            gap = format_money(Money(abs(amount.pence - owed.pence)))
            text += (
                f"; the payment is {gap} less, so that stays to pay"
                if amount < owed
                else f"; {gap} of the payment is for something else"
            )
        return text + "."

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[int]) -> None:
        chosen = self.ticked()
        if chosen and not self.raw("amount").strip():
            self.set_raw("amount", money_text(total(s.outstanding for s in chosen)))
        self.show_hint()

    # -- saving ------------------------------------------------------------------------------
    def action_save(self) -> None:
        if payee_key(self.raw("payee")) and self.listed_for != payee_key(self.raw("payee")):
            # The payee's invoices are still being read: save once they are, with the one
            # the amount pays ticked, rather than without it.
            self.save_when_listed = True
            self.query_one("#form-error", Static).update("Saving…")
            return
        super().action_save()

    def same_entries(self, values: dict[str, Any]) -> bool:
        return bool(
            browse.same_money_out(
                self.kapp.ctx,
                self.recipient.id,
                day=values["date"],
                amount=values["amount"],
                payee=values["payee"],
                leave_out=self.record.id if self.record else None,
            )
        )

    def entry_words(self, values: dict[str, Any]) -> str:
        return (
            f"a payment of {format_money(values['amount'])} to {values['payee']} on "
            f"{words.day_words(values['date'])}"
        )

    def save(self, values: dict[str, Any]) -> MoneyOut:
        ctx, recipient = self.kapp.ctx, self.recipient
        receipt = values.pop("receipt")
        claims = [ledger.InvoiceClaim(s.invoice.number) for s in self.ticked()]
        receipts = [receipt] if receipt else []
        if self.record is None:
            return ledger.add_money_out(
                ctx, recipient.id, invoices=claims, receipts=receipts, **values
            )
        # One call, one transaction: a refused receipt or invoice leaves the payment as it was.
        return ledger.edit_money_out(
            ctx, self.record.id, invoices=claims, receipts=receipts, **values
        )


def invoice_line(state: InvoiceState) -> str:
    """`BH-2412   22 Nov 2026   £658.00 to pay`, or for one partly paid and late
    `BH-2410   30 Aug 2026   £28.00 still to pay (of £644.00), overdue`."""
    line = f"{state.invoice.number}   {words.day_words(state.invoice.issue_date)}   "
    owed = format_money(state.outstanding)
    if state.outstanding == state.invoice.amount:
        line += f"{owed} to pay"
    else:
        line += f"{owed} still to pay (of {format_money(state.invoice.amount)})"
    return line + (", overdue" if state.overdue else "")


def pay_invoice_form(
    state: InvoiceState, today: date, payees: list[str], categories: list[str], category: str
) -> MoneyOutForm:
    """The money-out form filled in to pay what is still owed on one invoice, today, with the
    invoice ticked: Ctrl+S alone settles it."""
    invoice = state.invoice
    return MoneyOutForm(
        None,
        today,
        payees,
        categories,
        preset={
            "payee": invoice.provider_name,
            "amount": money_text(state.outstanding),
            "category": category,
            "description": f"Invoice {invoice.number}",
        },
        tick=invoice.id,
        title=f"Pay invoice {invoice.number} from {invoice.provider_name}",
    )


class AttachForm(ReadsReceipt, FormDialog[Document]):
    """Attach a receipt, invoice or other document to one payment or invoice. The file is
    read as it is named, and what it says is shown beside what the record says (`against`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "read_receipt", "Read it", show=False, id="attach.read_receipt"),
    ]
    RECEIPT_FIELD = "file"
    BOXES: ClassVar[dict[str, tuple[str, str]]] = {}  # shows what the file says; fills nothing

    def __init__(
        self,
        target: str,
        target_id: int,
        label: str,
        kind: DocumentKind = DocumentKind.RECEIPT,
        against: dict[str, str] | None = None,
    ) -> None:
        self.target, self.target_id, self.against = target, target_id, against
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

    def save(self, values: dict[str, Any]) -> Document:
        return documents.attach_document(
            self.kapp.ctx, values["file"], kind=values["kind"], **{self.target: self.target_id}
        )


def describe_payment(record: MoneyOut) -> str:
    """A payment in words a person recognises: "£45.99 to Kent Mobility on 18 Nov 2026"."""
    when = f"{record.date.day} {record.date:%b %Y}"
    return f"{format_money(record.amount)} to {record.payee} on {when}"


class ExplainForm(FormDialog[MoneyOut]):
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
            self.kapp.ctx, self.recipient.id, self.record.id, values["reason"]
        )
