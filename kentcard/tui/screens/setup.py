"""First run: who the account is for, their support plan, and the card's opening balance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static

from kentcard.core.dates import Month, parse_date
from kentcard.core.errors import InputError
from kentcard.core.money import Money, parse_money
from kentcard.core.records import Frequency, PlanLine, Recipient
from kentcard.core.validate import parse_card_last4, parse_choice
from kentcard.services import plans, recipients
from kentcard.tui.widgets.form import Field, FormDialog, optional, required

FREQUENCIES = [("Every four weeks", "four-weekly"), ("Monthly", "monthly"), ("Weekly", "weekly")]
LINES = 4


def parse_line(text: str, field: str) -> PlanLine | None:
    if not text.strip():
        return None
    category, sep, amount = text.rpartition("=")
    if not sep or not category.strip():
        raise InputError(field, "write it as CATEGORY = AMOUNT, e.g. Home care = 950")
    return PlanLine(category.strip(), parse_money(amount, field))


def line_parser(field: str) -> Callable[[str], PlanLine | None]:
    return lambda text: parse_line(text, field)


class SetupForm(FormDialog):
    """Asked once, on an empty database. Saving twice never makes two people."""

    title_text = "Welcome to kentcard. First, the account (you can change the plan later)"

    def __init__(self) -> None:
        self.created: Recipient | None = None
        first = Month.of(__import__("datetime").date.today()).first
        lines = [
            Field(
                f"line{n}",
                f"Budget line {n} (category = amount per period)",
                parse=line_parser(f"line{n}"),
                placeholder="Home care = 950.00",
            )
            for n in range(1, LINES + 1)
        ]
        super().__init__(
            [
                Field(
                    "name",
                    "Name of the person the card is for",
                    parse=required(lambda t, f: t.strip(), "name"),
                ),
                Field("kcc-ref", "KCC reference (if you have it)", placeholder="DP123456"),
                Field(
                    "card-last4",
                    "Last four digits of the Kent Card",
                    parse=lambda t: parse_card_last4(t),
                    placeholder="1234",
                ),
                Field(
                    "frequency",
                    "How often KCC pays",
                    "four-weekly",
                    required(lambda t, f: parse_choice(t, Frequency, f), "frequency"),
                    choices=FREQUENCIES,
                ),
                Field(
                    "start",
                    "Plan start date (YYYY-MM-DD)",
                    str(first),
                    required(parse_date, "start"),
                ),
                Field(
                    "council",
                    "KCC's amount each time (£)",
                    parse=required(parse_money, "council"),
                    placeholder="1000.00",
                ),
                Field(
                    "contribution",
                    "Your contribution each time (£)",
                    "0.00",
                    required(parse_money, "contribution"),
                ),
                *lines,
                Field(
                    "opening-balance",
                    "Card balance now (£)",
                    parse=optional(parse_money, "opening-balance"),
                    placeholder="312.40",
                ),
                Field(
                    "as-of",
                    "Date of that balance (YYYY-MM-DD)",
                    parse=optional(parse_date, "as-of"),
                ),
            ]
        )

    def save(self, values: dict[str, Any]) -> Recipient:
        ctx = self.kapp.ctx
        if self.created is None:  # a failed plan below must not make a second person
            self.created = recipients.setup_recipient(
                ctx,
                name=values["name"],
                kcc_ref=values["kcc-ref"],
                card_last4=values["card-last4"],
                opening_balance=values["opening-balance"],
                as_of=values["as-of"] or (ctx.today() if values["opening-balance"] else None),
            )
        plans.set_plan(
            ctx,
            self.created.id,
            start=values["start"],
            frequency=values["frequency"],
            council=values["council"],
            contribution=values["contribution"] or Money(0),
            lines=[values[f"line{n}"] for n in range(1, LINES + 1) if values[f"line{n}"]],
        )
        return self.created

    def action_cancel(self) -> None:
        self.dismiss(self.created)


class PersonDialog(ModalScreen[Recipient | None]):
    """This database holds several people: whose account to open.

    A short list is shown whole. A long one (a support organisation's) gets a search box:
    typing narrows the list by name (or number), Up and Down move in it, Enter opens the
    highlighted person; only the first `SHOWN` matches are listed, with how many more.
    """

    SHOWN = 30
    DEFAULT_CSS = "PersonDialog #people { max-height: 12; }"

    def __init__(self, people: list[Recipient]) -> None:
        super().__init__(classes="dialog-screen")
        self.people = people
        self.matches = people

    def compose(self) -> ComposeResult:
        long = len(self.people) > self.SHOWN
        with Vertical(id="dialog", classes="confirm"):
            title = "Type part of a name, then Enter" if long else "Enter to open"
            yield Static(f"Whose account? ({title})", classes="dialog-title")
            if long:
                yield Input(placeholder="Name or number", id="person-search")
            yield OptionList(id="people")
            yield Static("", id="people-more")

    def on_mount(self) -> None:
        self._show("")

    def _show(self, text: str) -> None:
        wanted = text.strip().casefold()
        self.matches = [
            p for p in self.people if wanted in p.name.casefold() or wanted == str(p.id)
        ]
        options = self.query_one("#people", OptionList)
        options.clear_options()
        options.add_options([p.name for p in self.matches[: self.SHOWN]])
        if self.matches:
            options.highlighted = 0
        more = len(self.matches) - self.SHOWN
        note = f"… and {more:,} more: type to narrow the list" if more > 0 else ""
        self.query_one("#people-more", Static).update(note if self.matches else "No one matches")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        chosen = self.query_one("#people", OptionList).highlighted
        if chosen is not None and chosen < len(self.matches):
            self.dismiss(self.matches[chosen])

    def on_key(self, event: events.Key) -> None:
        """Up and Down in the search box move in the list below it."""
        if isinstance(self.focused, Input) and event.key in ("up", "down"):
            event.stop()
            options = self.query_one("#people", OptionList)
            if event.key == "up":
                options.action_cursor_up()
            else:
                options.action_cursor_down()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.matches[event.option_index])
