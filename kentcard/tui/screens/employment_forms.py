"""Forms for employing a PA: a PA, a timesheet line, a payslip and insurance, each checked
as you type. Hours are typed as 7.5 or 7:20 and kept as whole minutes; money is pence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Select, Static

from kentcard.core.dates import parse_date
from kentcard.core.employment.records import (
    AgeBand,
    Employee,
    Insurance,
    Payslip,
    TimesheetLine,
    WagePayment,
    WorkKind,
)
from kentcard.core.employment.words import date_words, hours_words
from kentcard.core.errors import InputError
from kentcard.core.money import Money, format_money, parse_money, parse_positive_money
from kentcard.core.validate import parse_choice, parse_minutes, require_text
from kentcard.services import employment
from kentcard.services.employment import PaCost, PayslipFigures, RateTerms
from kentcard.tui.screens.money_forms import date_field, money_text, text_of
from kentcard.tui.widgets.form import Field, FormDialog, optional, required, unquote_path

KIND_WORDS = {
    WorkKind.CARE: "Care",
    WorkKind.TRAVEL: "Travel between visits",
    WorkKind.WAITING: "Waiting time",
    WorkKind.TRAINING: "Training",
    WorkKind.SLEEP_IN: "Sleep-in (asleep)",
    WorkKind.SLEEP_IN_AWAKE: "Sleep-in, woken to work",
    WorkKind.WAKING_NIGHT: "Waking night",
    WorkKind.HOLIDAY: "Holiday (paid leave)",
    WorkKind.SICK: "Sick",
}
KIND_CHOICES = [(KIND_WORDS[k], k.value) for k in WorkKind]

BAND_WORDS = {
    AgeBand.ADULT: "21 or over",
    AgeBand.AGE_18_20: "18 to 20",
    AgeBand.AGE_16_17: "16 or 17",
    AgeBand.APPRENTICE: "Apprentice",
}
BAND_CHOICES = [(BAND_WORDS[b], b.value) for b in AgeBand]

NO_PAYMENT = "Not linked to a card payment"


def kind_words(kind: WorkKind) -> str:
    """A timesheet line's kind as a person says it: "Sleep-in (asleep)", never `sleep-in`."""
    return KIND_WORDS[kind]


def band_words(employee: Employee) -> str:
    if employee.age_band is not None:
        return BAND_WORDS[employee.age_band]
    assert employee.date_of_birth is not None
    return f"Born {date_words(employee.date_of_birth)}"


def payment_words(payment: WagePayment) -> str:
    """`£651.00 paid 20 November 2026`."""
    return f"{format_money(payment.amount)} paid {date_words(payment.day)}"


def _not_negative(text: str, name: str) -> Money:
    money = parse_money(text, name)
    if money.pence < 0:
        raise InputError(name, "cannot be less than £0.00")
    return money


def _file_field(label: str) -> Field:
    return Field(
        "file",
        label,
        parse=optional(unquote_path, "file"),
        browse=True,
        placeholder="~/Downloads/file.pdf (optional)",
    )


def _pa_field(names: Sequence[str], chosen: str | None) -> Field:
    return Field(
        "employee",
        "PA",
        chosen or (names[0] if len(names) == 1 else ""),
        required(require_text, "employee"),
        choices=[(n, n) for n in names],
    )


class EmployeeForm(FormDialog[Employee]):
    """A new PA with their hourly rate from the day they start."""

    title_text = "Add a PA (personal assistant) you employ"

    def __init__(self, today: date, categories: list[str]) -> None:
        super().__init__(
            [
                Field("name", "Name", "", required(require_text, "name"), "e.g. Sam Carer"),
                Field(
                    "rate",
                    "Pay an hour (£)",
                    "",
                    required(parse_positive_money, "rate"),
                    "e.g. 12.50",
                ),
                date_field(today, "First day of work", "start"),
                Field(
                    "age-band",
                    "Age (for the minimum wage)",
                    AgeBand.ADULT.value,
                    required(lambda t, f: parse_choice(t, AgeBand, f), "age-band"),
                    choices=BAND_CHOICES,
                ),
                Field(
                    "category",
                    "Budget category",
                    "",
                    suggestions=categories,
                    placeholder="the plan line the wages come from",
                ),
            ]
        )

    def save(self, values: dict[str, Any]) -> Employee:
        return employment.add_employee(
            self.kapp.ctx,
            self.recipient.id,
            name=values["name"],
            start=values["start"],
            terms=RateTerms(hourly=values["rate"], category=values["category"]),
            age_band=values["age-band"],
        )


class TimesheetForm(FormDialog[TimesheetLine]):
    """Time one PA worked (or was on holiday or off sick) on one day."""

    title_text = "Add a timesheet line (time a PA worked on one day)"

    def __init__(self, today: date, employees: Sequence[Employee], chosen: str | None) -> None:
        self.employees = {e.name: e for e in employees}
        super().__init__(
            [
                _pa_field(list(self.employees), chosen),
                date_field(today, "Day worked"),
                Field(
                    "hours",
                    "Hours (7.5 or 7:30)",
                    "",
                    required(parse_minutes, "hours"),
                    "e.g. 7.5 or 7:20",
                ),
                Field(
                    "kind",
                    "What the time was",
                    WorkKind.CARE.value,
                    required(lambda t, f: parse_choice(t, WorkKind, f), "kind"),
                    choices=KIND_CHOICES,
                ),
                _file_field("Timesheet file, if any"),
            ]
        )

    def compose_field(self, spec: Field) -> ComposeResult:
        yield from super().compose_field(spec)
        if spec.name == "hours":  # the hours in words, under the box they are typed in
            yield Static("", id="hours-words", classes="hint")

    def check(self, name: str) -> tuple[Any, str | None]:
        value, problem = super().check(name)
        if name == "date" and problem is None and value is not None:
            found = self.employees.get(self.raw("employee"))
            if found is not None and not found.employed_on(value):
                return None, f"Day worked: {found.name} started on {date_words(found.start)}"
        return value, problem

    def field_changed(self, name: str) -> None:
        if name == "employee":
            self.show_field_error("date", self.check("date")[1])
        if name == "hours":
            minutes, problem = self.check("hours")
            words = "" if problem or minutes is None else f"That is {hours_words(minutes)}."
            self.query_one("#hours-words", Static).update(words)

    def save(self, values: dict[str, Any]) -> TimesheetLine:
        return employment.add_timesheet_line(
            self.kapp.ctx,
            self.recipient.id,
            employee=values["employee"],
            day=values["date"],
            minutes=values["hours"],
            kind=values["kind"],
            file=values["file"],
        )


MONEY_BOXES = [
    ("gross", "Gross pay (£)", True),
    ("tax", "Tax (PAYE) (£)", False),
    ("employee-ni", "Employee's NI (£)", False),
    ("pension", "Employee's pension (£)", False),
    ("net", "Net pay (£)", True),
    ("employer-ni", "Employer's NI (£)", False),
    ("employer-pension", "Employer's pension (£)", False),
    ("holiday-pay", "Holiday pay (£), in gross", False),
]


class PayslipForm(FormDialog[Payslip]):
    """A payslip as the payroll issued it, and the card payment of its net wage."""

    title_text = "Add a payslip (as the payroll issued it)"

    def __init__(
        self,
        employees: Sequence[Employee],
        chosen: str | None,
        payments: Sequence[WagePayment],
        taken: set[int],
    ) -> None:
        self.employees = {e.name: e for e in employees}
        # Each PA's card payments not yet linked to a payslip, newest first.
        self.payments = sorted(
            (p for p in payments if p.id not in taken), key=lambda p: p.day, reverse=True
        )
        fields = [
            _pa_field(list(self.employees), chosen),
            Field("from", "Pay period from", "", required(parse_date, "from"), "e.g. 1/11/2026"),
            Field("to", "Pay period to", "", required(parse_date, "to"), "e.g. 30/11/2026"),
            Field("paid", "Pay date", "", required(parse_date, "paid"), "e.g. 28/11/2026"),
        ]
        for name, label, needed in MONEY_BOXES:
            parse = required(_not_negative, name) if needed else optional(_not_negative, name)
            if name == "tax":  # a refund of tax shows as a minus
                parse = optional(parse_money, name)
            hint = "e.g. 650.00" if needed else "leave empty if none"
            fields.append(Field(name, label, "", parse, hint))
            if name == "net":
                fields.append(
                    Field("hours", "Hours paid (7.5 or 7:30)", "", optional(parse_minutes, "hours"))
                )
        fields.append(
            Field("money-out", "Card payment of the net pay", "", _payment_id, choices=[])
        )
        fields.append(_file_field("Payslip file, if any"))
        super().__init__(fields)

    def make_input(self, spec: Field) -> Widget:
        if spec.name == "money-out":
            return Select(
                self.payment_choices(self.fields["employee"].value),
                prompt=NO_PAYMENT,
                id="f-money-out",
            )
        return super().make_input(spec)

    def compose_field(self, spec: Field) -> ComposeResult:
        yield from super().compose_field(spec)
        if spec.name == "net":  # what the net should be, under the box it is typed in
            yield Static("", id="payslip-sums", classes="hint")
        if spec.name == "money-out":  # whether the payment chosen is the net pay
            yield Static("", id="payment-hint", classes="hint")

    def payment_choices(self, name: str) -> list[tuple[str, str]]:
        found = self.employees.get(name)
        if found is None:
            return []
        return [(payment_words(p), str(p.id)) for p in self.payments if p.employee_id == found.id]

    def check(self, name: str) -> tuple[Any, str | None]:
        value, problem = super().check(name)
        if problem is not None or value is None:
            return value, problem
        if name == "to":
            start = self.check("from")[0]
            if start is not None and value < start:
                return None, "Pay period to: is before the day it starts"
        if name == "net":
            left = self.left_after_deductions()
            if left is not None and value.pence > left.pence:
                return None, (
                    f"Net pay: is more than the gross less tax, NI and pension "
                    f"({format_money(left)}); check the payslip"
                )
        if name == "holiday-pay":
            gross = self.check("gross")[0]
            if gross is not None and value.pence > gross.pence:
                return None, "Holiday pay: is part of the gross, so cannot be more than it"
        return value, problem

    def left_after_deductions(self) -> Money | None:
        """The gross less tax, employee's NI and pension, when those boxes read right."""
        values = []
        for name in ("gross", "tax", "employee-ni", "pension"):
            value, problem = super().check(name)
            if problem is not None or (value is None and name == "gross"):
                return None
            values.append(value.pence if value is not None else 0)
        gross, *taken = values
        return Money(gross - sum(taken))

    def field_changed(self, name: str) -> None:
        if name == "employee":
            box = self.query_one("#f-money-out", Select)
            box.set_options(self.payment_choices(self.raw("employee")))
        if name == "from":
            self.show_field_error("to", self.check("to")[1])
        if name in ("gross", "tax", "employee-ni", "pension"):
            self.show_field_error("net", self.check("net")[1])
            self.show_field_error("holiday-pay", self.check("holiday-pay")[1])
        if name == "money-out" and not self.raw("net").strip():
            payment = self.chosen_payment()
            if payment is not None:  # the net pay is what was paid, unless typed otherwise
                self.set_raw("net", money_text(payment.amount))
        left = self.left_after_deductions()
        self.query_one("#payslip-sums", Static).update(
            "" if left is None else f"Gross less tax, employee's NI and pension: {left}"
        )
        self.query_one("#payment-hint", Static).update(self.payment_hint())

    def chosen_payment(self) -> WagePayment | None:
        chosen = self.check("money-out")[0]
        return next((p for p in self.payments if p.id == chosen), None)

    def payment_hint(self) -> str:
        payment = self.chosen_payment()
        net, problem = self.check("net")
        if payment is None or net is None or problem or payment.amount == net:
            return ""
        return (
            f"The card payment is {format_money(payment.amount)}, not the net pay "
            f"{format_money(net)}: a reviewer would ask why."
        )

    def save(self, values: dict[str, Any]) -> Payslip:
        zero = Money(0)
        figures = PayslipFigures(
            gross=values["gross"],
            net=values["net"],
            tax=values["tax"] or zero,
            employee_ni=values["employee-ni"] or zero,
            employee_pension=values["pension"] or zero,
            employer_ni=values["employer-ni"] or zero,
            employer_pension=values["employer-pension"] or zero,
            holiday_pay=values["holiday-pay"] or zero,
            minutes=values["hours"],
        )
        return employment.add_payslip(
            self.kapp.ctx,
            self.recipient.id,
            employee=values["employee"],
            period_start=values["from"],
            period_end=values["to"],
            paid_on=values["paid"],
            figures=figures,
            money_out_id=values["money-out"],
            file=values["file"],
        )


def _payment_id(text: str) -> int | None:
    return int(text) if text.strip() else None


class InsuranceForm(FormDialog[Insurance]):
    """Employer's liability insurance: a PA's employer must have it from their first day."""

    title_text = "Add employer's liability insurance"

    def __init__(self, today: date) -> None:
        super().__init__(
            [
                Field(
                    "insurer",
                    "Insurer",
                    "",
                    required(require_text, "insurer"),
                    "e.g. Fish Insurance",
                ),
                Field("policy", "Policy number", "", placeholder="as on the certificate"),
                Field("from", "Cover from", text_of(today), required(parse_date, "from")),
                Field(
                    "to",
                    "Renewal date",
                    "",
                    required(parse_date, "to"),
                    "the day it renews, e.g. 1/11/2027",
                ),
                Field("cover", "Cover (£), if shown", "", optional(parse_positive_money, "cover")),
                Field(
                    "premium", "Premium for the year (£)", "", optional(_not_negative, "premium")
                ),
                _file_field("Certificate file, if any"),
            ]
        )

    def check(self, name: str) -> tuple[Any, str | None]:
        value, problem = super().check(name)
        if name == "to" and problem is None and value is not None:
            start = self.check("from")[0]
            if start is not None and value <= start:
                return None, "Renewal date: must be after the cover starts"
        return value, problem

    def field_changed(self, name: str) -> None:
        if name == "from":
            self.show_field_error("to", self.check("to")[1] if self.raw("to") else None)

    def save(self, values: dict[str, Any]) -> Insurance:
        return employment.add_insurance(
            self.kapp.ctx,
            self.recipient.id,
            insurer=values["insurer"],
            start=values["from"],
            renewal=values["to"],
            policy=values["policy"],
            cover=values["cover"],
            premium=values["premium"],
            file=values["file"],
        )


class CostForm(FormDialog[tuple[PaCost, int]]):
    """What a PA would cost a month at today's rate, for the hours a week typed."""

    def __init__(self, name: str) -> None:
        self.pa_name = name
        self.title_text = f"What {name} would cost a month"
        super().__init__(
            [
                Field(
                    "hours-per-week",
                    "Hours a week (20 or 20:30)",
                    "",
                    required(parse_minutes, "hours-per-week"),
                    "e.g. 20",
                ),
            ]
        )

    def compose_extra(self) -> ComposeResult:
        yield Static(
            "An estimate at today's rate and figures: the wage, holiday cover, employer's "
            "NI and pension, and the insurance premium in force. Ctrl+S works it out.",
            classes="hint",
        )

    def save(self, values: dict[str, Any]) -> tuple[PaCost, int]:
        """The estimate, and the minutes a week it is for."""
        minutes = values["hours-per-week"]
        found = employment.employee_cost(
            self.kapp.ctx, self.recipient.id, employee=self.pa_name, minutes_per_week=minutes
        )
        return found, minutes


def cost_words(found: PaCost, minutes: int) -> str:
    """The estimate a line a figure, as `kentcard employee cost` prints it."""
    e = found.estimate
    lines = [
        ("Wage", e.wage_estimate),
        ("Holiday cover (5.6 weeks a year)", e.holiday_cover_estimate),
        ("Employer's National Insurance", e.employer_ni_estimate),
        ("Employer's pension", e.employer_pension_estimate),
        ("Insurance", e.insurance_estimate),
        ("Total a month", e.total_estimate),
    ]
    width = max(len(label) for label, _ in lines)
    body = "\n".join(f"{label:<{width}}  {format_money(m):>10}" for label, m in lines)
    text = (
        f"Estimate for {found.employee.name}: {hours_words(minutes)} a week at "
        f"{format_money(found.hourly)} an hour, paid {found.frequency.value}.\n\n{body}\n\n"
        f"About {format_money(e.per_hour_estimate)} for each hour worked."
    )
    if found.budget is not None:
        left = found.budget.pence - e.total_estimate.pence
        verdict = "left over" if left >= 0 else "more than the budget"
        text += (
            f"\nThe plan's {found.category} budget this month is {format_money(found.budget)}: "
            f"{format_money(Money(abs(left)))} {verdict}."
        )
    return text
