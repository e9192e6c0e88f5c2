"""Forms for the support plan and the person: a new plan from a date, with any number of
budget lines checked against the payment as they are typed, and the person's details.

A total of lines above the payment (KCC's amount plus the contribution) is refused, as the
plan cannot budget money that is never paid in; a total below it is a warning only (the rest
is in no line) and may be saved. Set-up's first form builds on `LinesForm` too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from textual.app import ComposeResult
from textual.widgets import Input, Static

from kentcard.core.dates import parse_date
from kentcard.core.errors import InputError
from kentcard.core.expected import due_dates
from kentcard.core.money import Money, format_money, parse_money
from kentcard.core.records import Frequency, Plan, PlanLine, Recipient
from kentcard.core.validate import parse_card_last4, parse_choice
from kentcard.services import plans, recipients
from kentcard.tui.widgets.form import Field, FormDialog, optional, required
from kentcard.tui.widgets.plan_lines import PlanLines

FREQUENCIES = [("Every four weeks", "four-weekly"), ("Monthly", "monthly"), ("Weekly", "weekly")]


def money_text(money: Money | None) -> str:
    return "" if money is None else f"{money.pence // 100}.{money.pence % 100:02d}"


def next_payment(plan: Plan | None, start: date) -> date | None:
    """The first day on or after `start` that `plan`'s payments fall due (their cycle goes on)."""
    if plan is None:
        return None
    found = due_dates(replace(plan, end=None), start + timedelta(days=35))
    return next((day for day in found if day >= start), None)


def plan_fields(frequency: str, council: str, contribution: str) -> list[Field]:
    """How often KCC pays, its amount and the contribution: the plan's payment."""
    return [
        Field(
            "frequency",
            "How often KCC pays",
            frequency,
            required(lambda t, f: parse_choice(t, Frequency, f), "frequency"),
            choices=FREQUENCIES,
        ),
        Field(
            "council",
            "KCC's amount each time (£)",
            council,
            required(parse_money, "council"),
            placeholder="e.g. 1,000.00",
        ),
        Field(
            "contribution",
            "Your contribution each time (£)",
            contribution,
            optional(parse_money, "contribution"),
            placeholder="e.g. 84.00 (empty if none)",
        ),
    ]


SavedT = TypeVar("SavedT", Plan, Recipient, covariant=True)


class LinesForm(FormDialog[SavedT], Generic[SavedT]):
    """A form with budget lines after its contribution, checked against the payment live."""

    # The grey example in an empty box reads as an example, not as something filled in.
    CSS = "LinesForm Input > .input--placeholder { text-style: italic; }"
    LINES_AFTER = "contribution"

    def __init__(self, fields: Iterable[Field], lines: Sequence[PlanLine] = ()) -> None:
        self.plan_lines = PlanLines(lines)
        self.lines_refused = False  # the last save was stopped by the lines
        super().__init__(fields)

    def compose_field(self, spec: Field) -> ComposeResult:
        yield from super().compose_field(spec)
        if spec.name == self.LINES_AFTER:
            yield self.plan_lines

    def on_mount(self) -> None:
        self.plan_lines.set_payment(self.payment())

    def field_changed(self, name: str) -> None:
        if name in ("council", "contribution"):
            self.plan_lines.set_payment(self.payment())

    def on_input_changed(self, event: Input.Changed) -> None:
        """Once the lines that stopped a save are put right, the reason goes too."""
        in_lines = self.plan_lines in event.input.ancestors
        if self.lines_refused and in_lines and not self.plan_lines.checked().refused:
            self.lines_refused = False
            self.query_one("#form-error", Static).update("")

    def payment(self) -> Money | None:
        """KCC's amount plus the contribution as typed, or None while either is not an amount."""
        council, wrong = self.check("council")
        contribution, also_wrong = self.check("contribution")
        if wrong or also_wrong or council is None:
            return None
        return Money(council.pence + (contribution.pence if contribution else 0))

    def collect(self) -> dict[str, Any] | None:
        values = super().collect()
        checked = self.plan_lines.refresh_check()
        if checked.refused:
            if values is not None:
                self.lines_refused = True
                self.query_one("#form-error", Static).update(f"Not saved. {checked.message}.")
                wrong = self.plan_lines.query("Input.-invalid").results(Input)
                first = next(iter(wrong), None) or self.plan_lines.query(Input).first()
                first.focus()
            return None
        if values is not None:
            values["lines"] = checked.lines
        return values

    def snapshot(self) -> dict[str, str]:
        """What is typed, the lines included (so Esc asks before losing a line typed)."""
        shown: dict[str, str] = super().snapshot()
        for place, (category, amount) in enumerate(self.plan_lines.texts()):
            shown[f"line-{place}"] = f"{category}\n{amount}"
        return shown

    def shortfall_note(self, values: dict[str, Any]) -> str | None:
        """After a save with lines short of the payment: what is in no line."""
        lines: list[PlanLine] = values["lines"]
        payment = self.payment()
        added = sum(line.amount.pence for line in lines)
        if payment is None or not lines or added >= payment.pence:
            return None
        return f"{format_money(Money(payment.pence - added))} of each payment is in no budget line."


class PlanForm(LinesForm[Plan]):
    """A new plan from a date, as `kentcard plan set` does: the plan in force ends the day
    before; a plan from the day the latest one starts replaces it."""

    def __init__(self, latest: Plan | None, start: date, *, correcting: bool = False) -> None:
        self.latest = latest
        self.auto_first: str = ""
        if correcting and latest is not None:
            self.title_text = f"Correct the plan from {latest.start:%-d %b %Y} (it is replaced)"
            first_payment = latest.first_payment
        else:
            self.title_text = "New plan from a date (the plan before it ends the day before)"
            first_payment = next_payment(latest, start)
            self.auto_first = str(first_payment or "")
        super().__init__(
            [
                Field(
                    "start",
                    "The plan starts on" if correcting else "The new plan starts on",
                    str(start),
                    required(parse_date, "start"),
                    placeholder="e.g. 1/12/2026",
                ),
                Field(
                    "first-payment",
                    "First KCC payment due (date, optional)",
                    str(first_payment or ""),
                    optional(parse_date, "first-payment"),
                    placeholder="e.g. 3/12/2026",
                ),
                *plan_fields(
                    latest.frequency.value if latest else "four-weekly",
                    money_text(latest.council) if latest else "",
                    money_text(latest.contribution) if latest and latest.contribution else "",
                ),
            ],
            latest.lines if latest else (),
        )

    def field_changed(self, name: str) -> None:
        super().field_changed(name)
        start, wrong = self.check("start")
        if name == "start" and not wrong and self.raw("first-payment") == self.auto_first:
            # The payment day follows the start until someone types their own.
            self.auto_first = str(next_payment(self.latest, start) or "")
            self.set_raw("first-payment", self.auto_first)

    def save(self, values: dict[str, Any]) -> Plan:
        plan = plans.set_plan(
            self.kapp.ctx,
            self.recipient.id,
            start=values["start"],
            frequency=values["frequency"],
            council=values["council"],
            contribution=values["contribution"] or Money(0),
            lines=values["lines"],
            first_payment=values["first-payment"],
        )
        note = self.shortfall_note(values)
        if note:
            self.app.call_from_thread(self.app.notify, note, title="Plan saved", severity="warning")
        return plan


def parse_weeks(text: str, field: str) -> int:
    if not text.strip().isdigit():
        raise InputError(field, "must be a whole number of weeks, e.g. 8")
    weeks = int(text.strip())
    if weeks > 52:
        raise InputError(field, "must be between 0 and 52")
    return weeks


class RecipientForm(FormDialog[Recipient]):
    """The recipient the account is for: name, KCC reference, card, weeks of budget kept."""

    title_text = "The person's details"

    def __init__(self, recipient: Recipient) -> None:
        self.record = recipient
        super().__init__(
            [
                Field(
                    "name",
                    "Name of the person the card is for",
                    recipient.name,
                    required(lambda t, f: t.strip(), "name"),
                ),
                Field(
                    "kcc-ref",
                    "KCC reference (if you have it)",
                    recipient.kcc_ref or "",
                    placeholder="e.g. DP123456",
                ),
                Field(
                    "card-last4",
                    "Last four digits of the Kent Card",
                    recipient.card_last4 or "",
                    lambda t: parse_card_last4(t),
                    placeholder="e.g. 1234",
                ),
                Field(
                    "retained-weeks",
                    "Weeks of budget the account may keep (KCC's rule; usually 8)",
                    str(recipient.retained_weeks),
                    required(parse_weeks, "retained-weeks"),
                ),
            ]
        )

    def save(self, values: dict[str, Any]) -> Recipient:
        return recipients.update_recipient(
            self.kapp.ctx,
            self.record.id,
            name=values["name"],
            kcc_ref=values["kcc-ref"],
            card_last4=values["card-last4"],
            retained_weeks=values["retained-weeks"],
        )
