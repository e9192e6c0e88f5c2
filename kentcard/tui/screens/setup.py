"""First run: who the account is for, their support plan, and the card's opening balance."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static

from kentcard.core.dates import Month, parse_date
from kentcard.core.money import Money, parse_money
from kentcard.core.records import Recipient
from kentcard.core.validate import parse_card_last4
from kentcard.services import plans, recipients
from kentcard.tui.screens.plan_forms import LinesForm, plan_fields
from kentcard.tui.widgets.form import Field, optional, required


class SetupForm(LinesForm[Recipient]):
    """Asked once, on an empty database. Saving twice never makes two people.

    The budget lines are rows (as many as the plan has), checked against KCC's amount plus
    the contribution as they are typed; the examples in empty boxes start with "e.g.".
    """

    title_text = (
        "Welcome to kentcard. First, the account (you can change the plan and these details "
        "later, in Plan and person: key 0)"
    )

    def __init__(self) -> None:
        self.created: Recipient | None = None
        first = Month.of(self.kapp.ctx.today()).first
        super().__init__(
            [
                Field(
                    "name",
                    "Name of the person the card is for",
                    parse=required(lambda t, f: t.strip(), "name"),
                ),
                Field(
                    "kcc-ref",
                    "KCC reference (if you have it)",
                    placeholder="e.g. DP123456",
                ),
                Field(
                    "card-last4",
                    "Last four digits of the Kent Card",
                    parse=lambda t: parse_card_last4(t),
                    placeholder="e.g. 1234",
                ),
                Field(
                    "start",
                    "The plan starts on (date)",
                    str(first),
                    required(parse_date, "start"),
                ),
                *plan_fields("four-weekly", "", ""),
                Field(
                    "opening-balance",
                    "Card balance on the day you start (£, optional)",
                    parse=optional(parse_money, "opening-balance"),
                    placeholder="e.g. 312.40",
                ),
                Field(
                    "as-of",
                    "That day's date (empty: today)",
                    parse=optional(parse_date, "as-of"),
                    placeholder="e.g. 31/10/2026",
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
            lines=values["lines"],
        )
        note = self.shortfall_note(values)
        if note:
            self.app.call_from_thread(self.app.notify, note, title="Plan saved", severity="warning")
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

    def __init__(self, recipients: list[Recipient]) -> None:
        super().__init__(classes="dialog-screen")
        self.recipients = recipients
        self.matches = recipients

    def compose(self) -> ComposeResult:
        long = len(self.recipients) > self.SHOWN
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
            p for p in self.recipients if wanted in p.name.casefold() or wanted == str(p.id)
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
