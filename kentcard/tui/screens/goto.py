"""Going from a finding ("no receipt for money-out:12") to the form that fixes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from kentcard.core.dates import Month, parse_month
from kentcard.core.money import format_plain
from kentcard.core.records import DocumentKind
from kentcard.services import browse, providers
from kentcard.services.review import Finding, Kind
from kentcard.tui.messages import InvoiceToFix, PaymentToFix, RecordOpened, RecordToFix
from kentcard.tui.screens.base import Section

if TYPE_CHECKING:
    from kentcard.tui.widgets.form import FormDialog

# Records of the Employing a PA section, and the action that shows each there.
EMPLOYMENT_RECORDS = {"payslip": "show_payslip", "employee": "show_employee"}
# Findings about employing a PA that name no record (or name one only that section shows).
EMPLOYMENT_KINDS = frozenset(
    {
        Kind.BELOW_MINIMUM_WAGE,
        Kind.TIMESHEET_MISMATCH,
        Kind.PAY_MISMATCH,
        Kind.HMRC_DUE,
        Kind.NO_INSURANCE,
        Kind.PENSION_DUE,
        Kind.HOLIDAY_OVER,
    }
)
RECORD_FORMS = ("money-out", "invoice", "money-in")  # the records fetch_record opens

SURPLUS_HELP = (
    "The card holds more than the council lets you keep. Spend it on the plan, or ask KCC "
    "(0300 041 3600) whether they will take it back."
)


class FindingOpener(Section):
    """A section whose items can be fixed in place: Enter opens the right form."""

    def open_finding(self, finding: Finding | None, record: str | None = None) -> None:
        ref = finding.record if finding else record
        kind = finding.kind if finding else None
        if ref and ref.startswith("month:"):
            self.app.call_later(
                self.app.run_action, f"go('dashboard', 'show_month(\"{ref[6:]}\")')"
            )
        elif ref and ref.split(":", 1)[0] in EMPLOYMENT_RECORDS:
            what, number = ref.split(":", 1)
            action = f"{EMPLOYMENT_RECORDS[what]}({int(number)})"
            self.app.call_later(self.app.run_action, f"go('employment', '{action}')")
        elif ref and ref.split(":", 1)[0] in RECORD_FORMS:
            what, number = ref.split(":", 1)
            self.fetch_record(what, int(number), kind)
        elif kind in EMPLOYMENT_KINDS:
            # No insurance, HMRC not paid, a PA's holiday: the section shows what to add.
            self.app.call_later(self.app.run_action, "go('employment')")
        elif kind in (Kind.PAYMENT_MISSING,) and finding is not None:
            source = "kcc" if "KCC" in finding.message else "contribution"
            preset = {"source": source, "date": str(finding.date)}
            if finding.amount is not None:
                preset["amount"] = format_plain(finding.amount)
            from kentcard.tui.screens.money_forms import MoneyInForm

            self.app.push_screen(MoneyInForm(None, self.ctx.today(), preset), self.fixed)
        elif kind is Kind.SURPLUS:
            self.notify(SURPLUS_HELP, timeout=12)

    @work(thread=True, exit_on_error=False, group="open-record")
    def fetch_record(self, what: str, number: int, kind: Kind | None) -> None:
        ctx, recipient = self.ctx, self.recipient
        record: RecordToFix
        if what == "money-out":
            payees = [p.name for p in providers.list_providers(ctx, recipient.id)]
            record = PaymentToFix(
                browse.money_out_by_id(ctx, number),
                payees,
                browse.categories(ctx, recipient.id),
            )
        elif what == "invoice":
            found = providers.list_providers(ctx, recipient.id)
            state = browse.invoice_by_id(ctx, recipient.id, number)
            record = InvoiceToFix(state, [p.name for p in found], {p.name: p.rate for p in found})
        else:  # "money-in": open_finding sends no other kind of record here
            record = browse.money_in_by_id(ctx, number)
        self.post_message(RecordOpened(kind, record))

    def on_record_opened(self, message: RecordOpened) -> None:
        # The forms are imported when first opened: Home starts without them.
        from kentcard.tui.screens.money_forms import AttachForm, MoneyInForm, MoneyOutForm
        from kentcard.tui.screens.other_forms import InvoiceForm

        record, today = message.record, self.ctx.today()
        dialog: FormDialog[object]
        if isinstance(record, PaymentToFix) and message.kind is Kind.NO_EVIDENCE:
            payment = record.payment
            label = f"the payment of {payment.amount} to {payment.payee}"
            dialog = AttachForm("money_out_id", payment.id, label, DocumentKind.RECEIPT)
        elif isinstance(record, PaymentToFix):
            dialog = MoneyOutForm(record.payment, today, record.payees, record.categories)
        elif isinstance(record, InvoiceToFix):
            dialog = InvoiceForm(record.state, today, record.names, record.rates)
        else:
            dialog = MoneyInForm(record, today)
        self.app.push_screen(dialog, self.fixed)

    def fixed(self, result: object | None) -> None:
        if result is not None:
            self.notify("Saved.", timeout=3)
            self.refresh_data()

    def refresh_data(self) -> None:
        """Reload after a fix."""

    def month_from(self, text: str) -> Month:
        return parse_month(text)
