"""Plan and person: the support plan's history and budget lines, and whose account this is.

`n` sets a new plan from a date (the plan before it ends the day before, as `kentcard plan
set` does), `c` corrects the latest plan (a plan from the same day replaces it), `e` changes
the person's details. Home's budget follows whichever plan is in force each month.
"""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from kentcard.core.money import format_money
from kentcard.core.records import Frequency, Plan, Recipient
from kentcard.services import plans, recipients
from kentcard.tui.screens.base import Section
from kentcard.tui.screens.plan_forms import PlanForm, RecipientForm
from kentcard.tui.widgets.plan_lines import check_lines

SHORT_WORDS = {
    Frequency.FOUR_WEEKLY: "Four-weekly",
    Frequency.MONTHLY: "Monthly",
    Frequency.WEEKLY: "Weekly",
}


class PlanRecipientLoaded(Message):
    """The plans (oldest first) and the recipient, read for the screen."""

    def __init__(self, plans: list[Plan], recipient: Recipient | None) -> None:
        super().__init__()
        self.plans = plans
        self.recipient = recipient


def recipient_text(recipient: Recipient) -> str:
    ref = escape(recipient.kcc_ref) if recipient.kcc_ref else "not given"
    card = f"ending {escape(recipient.card_last4)}" if recipient.card_last4 else "not given"
    return (
        f"[b]{escape(recipient.name)}[/b]\nKCC reference: {ref}    Kent Card: {card}\n"
        f"Weeks of budget the account may keep: {recipient.retained_weeks}"
    )


def lines_text(plan: Plan) -> Text:
    """The plan's budget lines, one a line, and how they add up against its payment."""
    text = Text()
    title = f"Budget lines of the plan from {plan.start:%-d %b %Y}"
    text.append(f"{title} (each payment {format_money(plan.per_period)}):\n", style="bold")
    width = max((len(line.category) for line in plan.lines), default=0)
    for line in plan.lines:
        text.append(f"  {line.category:<{width}}  {format_money(line.amount):>12}\n")
    message, level = check_lines(plan.lines, plan.per_period)
    styles = {"ok": "", "warning": "bold", "error": "bold"}
    text.append(message, style=styles.get(level, ""))
    return text


class PlanPersonScreen(Section):
    MODE = "plan"
    AUTO_FOCUS = "#plans"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, awaited: keys typed straight after `n` go into the form (see TableScreen).
        Binding("n", "new_plan", "New plan", id="plan.new", priority=True),
        Binding("c", "correct_plan", "Correct latest plan", id="plan.correct"),
        Binding("e", "edit_recipient", "Person's details", id="plan.person"),
    ]
    CSS = """
    PlanPersonScreen #plan-body { height: 1fr; padding: 0 1; }
    PlanPersonScreen #person { height: auto; }
    PlanPersonScreen #plans { height: auto; max-height: 8; }
    PlanPersonScreen #plan-lines-shown { height: auto; padding: 1 1 0 1; }
    PlanPersonScreen #plan-lines-shown.-warning { color: $warning; }
    PlanPersonScreen #plan-buttons { height: auto; padding: 1 0 0 0; }
    PlanPersonScreen #plan-buttons Button { margin: 0 2 0 0; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.plans: list[Plan] = []  # newest first, as the table shows them

    def body(self) -> ComposeResult:
        yield Static(
            "The support plan KCC pays to, and who the account is for. Home's budget follows "
            "the plan in force each month.",
            classes="section-help",
        )
        with VerticalScroll(id="plan-body"):
            yield Static("", id="person", classes="box")
            yield DataTable(id="plans", cursor_type="row", zebra_stripes=True)
            yield Static("", id="plan-lines-shown")
            with Horizontal(id="plan-buttons"):
                yield Button("New plan from a date (n)", id="new-plan", variant="primary")
                yield Button("Correct latest plan (c)", id="correct-plan")
                yield Button("Person's details (e)", id="edit-person")

    def on_mount(self) -> None:
        table = self.query_one("#plans", DataTable)
        table.add_column("From", key="from")
        table.add_column("To", key="to")
        table.add_column("How often", key="every")
        table.add_column(Text("KCC", justify="right"), key="council")
        table.add_column(Text("Contribution", justify="right"), key="contribution")
        table.add_column(Text("Each payment", justify="right"), key="payment")

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exit_on_error=False, group="plan-person", exclusive=True)
    def load(self) -> None:
        recipient_id = self.recipient.id
        found = plans.list_plans(self.ctx, recipient_id)
        recipient = next(
            (r for r in recipients.list_recipients(self.ctx) if r.id == recipient_id), None
        )
        self.post_message(PlanRecipientLoaded(found, recipient))

    def on_plan_recipient_loaded(self, message: PlanRecipientLoaded) -> None:
        if message.recipient is not None:
            self.kapp.recipient = message.recipient
            self.kapp.sub_title = message.recipient.name
            self.query_one("#person", Static).update(recipient_text(message.recipient))
        self.plans = sorted(message.plans, key=lambda p: p.start, reverse=True)
        table = self.query_one("#plans", DataTable)
        table.clear()
        for plan in self.plans:
            table.add_row(
                str(plan.start),
                str(plan.end) if plan.end else "in force",
                SHORT_WORDS[plan.frequency],
                Text(format_money(plan.council), justify="right"),
                Text(format_money(plan.contribution), justify="right"),
                Text(format_money(plan.per_period), justify="right"),
            )
        if self.plans:
            table.move_cursor(row=0)
        self._show_lines(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_lines(event.cursor_row)

    def _show_lines(self, row: int) -> None:
        shown = self.query_one("#plan-lines-shown", Static)
        if not self.plans:
            shown.update("No plan yet: n sets one from a date.")
            return
        plan = self.plans[min(max(row, 0), len(self.plans) - 1)]
        shown.update(lines_text(plan))
        shown.set_class(check_lines(plan.lines, plan.per_period)[1] != "ok", "-warning")

    # -- actions -----------------------------------------------------------------------------
    async def action_new_plan(self) -> None:
        latest = self.plans[0] if self.plans else None
        await self.app.push_screen(PlanForm(latest, self.ctx.today()), self._saved)

    async def action_correct_plan(self) -> None:
        if not self.plans:
            await self.action_new_plan()
            return
        latest = self.plans[0]
        form = PlanForm(latest, latest.start, correcting=True)
        await self.app.push_screen(form, self._saved)

    async def action_edit_recipient(self) -> None:
        await self.app.push_screen(RecipientForm(self.recipient), self._saved)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "new-plan": self.action_new_plan,
            "correct-plan": self.action_correct_plan,
            "edit-person": self.action_edit_recipient,
        }
        if event.button.id in actions:
            await actions[event.button.id]()

    def _saved(self, record: Recipient | Plan | None) -> None:
        if record is None:
            return
        if isinstance(record, Recipient):
            self.kapp.recipient = record
            self.kapp.sub_title = record.name
            self.notify(f"Saved: {record.name}'s details.", title="Saved")
        elif isinstance(record, Plan):
            self.notify(
                f"Saved: the plan from {record.start:%-d %b %Y}. Home's budget follows it.",
                title="Saved",
            )
        self.load()
