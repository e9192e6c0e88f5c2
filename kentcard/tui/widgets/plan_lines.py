"""A support plan's budget lines as rows you can add and remove, checked against the payment.

Each row is what the money is for and its amount each payment. Under the rows one line says
how they add up: to the payment exactly, short of it (a warning: the rest is in no line, but
it may be saved), or above it (refused: the plan cannot budget more than KCC and you pay in).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from kentcard.core.errors import InputError
from kentcard.core.money import Money, format_money, parse_money, total
from kentcard.core.records import PlanLine


@dataclass(frozen=True, slots=True)
class LinesChecked:
    """The rows read: the lines typed, the first problem in them, and how they add up."""

    lines: list[PlanLine]
    problem: str | None
    message: str
    level: str  # "ok", "warning", "error" or "" (nothing to compare with yet)

    @property
    def refused(self) -> bool:
        return self.problem is not None or self.level == "error"


def check_lines(lines: Sequence[PlanLine], payment: Money | None) -> tuple[str, str]:
    """How the lines add up against the payment, in words, and how serious it is."""
    added = total(line.amount for line in lines)
    if payment is None:
        return f"Lines add up to {format_money(added)}", ""
    if not lines:
        return "No budget lines yet: add one for each kind of spending in the plan", "warning"
    if added == payment:
        return f"Lines add up to the payment ({format_money(payment)})", "ok"
    if added.pence < payment.pence:
        short = format_money(payment - added)
        return (
            f"Lines add up to {format_money(added)} of {format_money(payment)}: "
            f"{short} not in any line",
            "warning",
        )
    over = format_money(added - payment)
    return (
        f"Lines add up to {format_money(added)}, {over} more than the payment of "
        f"{format_money(payment)}: make them smaller to save",
        "error",
    )


class LineRow(Horizontal):
    """One budget line: what it is for, its amount each payment, and a Remove button."""

    def __init__(self, number: int, line: PlanLine | None = None) -> None:
        super().__init__(classes="line-row", id=f"line-{number}")
        self.number = number
        self.line = line

    def compose(self) -> ComposeResult:
        amount = self.line.amount if self.line else None
        yield Input(
            self.line.category if self.line else "",
            placeholder="e.g. Home care",
            classes="line-category",
            id=f"line-category-{self.number}",
        )
        yield Input(
            f"{amount.pence // 100}.{amount.pence % 100:02d}" if amount is not None else "",
            placeholder="e.g. 950.00",
            classes="line-amount",
            id=f"line-amount-{self.number}",
        )
        yield Button("Remove", classes="line-remove", id=f"line-remove-{self.number}")

    def texts(self) -> tuple[str, str]:
        category = self.query_one(".line-category", Input).value
        return category, self.query_one(".line-amount", Input).value


class PlanLines(Vertical):
    """Any number of budget lines; `checked()` reads them, `set_payment()` sets the total
    they are checked against (KCC's amount plus the contribution, as typed in the form)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "add_line", "Add a line", id="lines.add"),
    ]

    DEFAULT_CSS = """
    PlanLines { height: auto; }
    PlanLines .lines-head { height: 1; margin: 1 0 0 0; }
    PlanLines .lines-head Label { width: 1fr; text-style: bold; }
    PlanLines .lines-head .amount-head { width: 20; }
    PlanLines .lines-head .remove-head { width: 12; }
    PlanLines .line-row { height: auto; }
    PlanLines .line-category { width: 1fr; }
    PlanLines .line-amount { width: 20; }
    PlanLines .line-remove { width: 12; min-width: 12; }
    PlanLines .lines-foot { height: auto; }
    PlanLines #add-line { width: auto; }
    PlanLines #lines-check { height: auto; padding: 0 1; color: $text-muted; }
    PlanLines #lines-check.-ok { color: $success; }
    PlanLines #lines-check.-warning { color: $warning; text-style: bold; }
    PlanLines #lines-check.-error { color: $error; text-style: bold; }
    PlanLines Input > .input--placeholder { text-style: italic; }
    """

    def __init__(self, lines: Sequence[PlanLine] = (), *, rows: int = 3) -> None:
        super().__init__(id="plan-lines")
        self.start_lines = list(lines)
        self.start_rows = max(rows, len(self.start_lines) + 1)
        self.count = 0
        self.payment: Money | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="lines-head"):
            yield Label("Budget lines: what the money is for")
            yield Label("£ each payment", classes="amount-head")
            yield Label("", classes="remove-head")
        for index in range(self.start_rows):
            yield self._new_row(self.start_lines[index] if index < len(self.start_lines) else None)
        yield Static("", id="lines-check")
        with Horizontal(classes="lines-foot"):
            yield Button("Add a line", id="add-line")

    def _new_row(self, line: PlanLine | None = None) -> LineRow:
        self.count += 1
        return LineRow(self.count, line)

    def on_mount(self) -> None:
        self.refresh_check()

    # -- reading -----------------------------------------------------------------------------
    def rows(self) -> list[LineRow]:
        return list(self.query(LineRow))

    def texts(self) -> list[tuple[str, str]]:
        return [row.texts() for row in self.rows()]

    def checked(self) -> LinesChecked:
        """The lines typed so far (empty rows left out) and the first problem, marking its box."""
        lines: list[PlanLine] = []
        problem: str | None = None
        seen: set[str] = set()
        for place, row in enumerate(self.rows(), start=1):
            category, amount_text = (text.strip() for text in row.texts())
            wrong_box, reason = None, None
            if category or amount_text:
                if not category:
                    wrong_box, reason = ".line-category", "say what it is for"
                elif category.casefold() in seen:
                    wrong_box, reason = ".line-category", f"{category} is there twice"
                else:
                    try:
                        amount = parse_money(amount_text, "amount") if amount_text else None
                    except InputError as error:
                        wrong_box, reason = ".line-amount", f"amount {error.reason}"
                    else:
                        if amount is None:
                            wrong_box, reason = ".line-amount", "needs an amount"
                        elif amount.pence < 0:
                            wrong_box, reason = ".line-amount", "amount cannot be negative"
                        else:
                            lines.append(PlanLine(category, amount))
                            seen.add(category.casefold())
            for box in (".line-category", ".line-amount"):
                row.query_one(box, Input).set_class(box == wrong_box, "-invalid")
            if reason and problem is None:
                problem = f"Budget line {place}: {reason}"
        message, level = check_lines(lines, self.payment)
        return LinesChecked(lines, problem, problem or message, "error" if problem else level)

    # -- showing -----------------------------------------------------------------------------
    def set_payment(self, payment: Money | None) -> None:
        self.payment = payment
        self.refresh_check()

    def refresh_check(self) -> LinesChecked:
        result = self.checked()
        shown = self.query_one("#lines-check", Static)
        shown.update(result.message)
        for level in ("ok", "warning", "error"):
            shown.set_class(result.level == level, f"-{level}")
        return result

    # -- events ------------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if not self.is_mounted:
            return
        self.refresh_check()
        if event.input.has_focus:
            # The check stays in sight while a line is typed (in a short window the form
            # scrolls), as long as the box being typed in stays in sight too.
            self.query_one("#lines-check").scroll_visible(animate=False, immediate=True)
            event.input.scroll_visible(animate=False, immediate=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves on: from a line's name to its amount, from an amount to the next line
        (never onto a Remove button, where a second Enter would remove the line), and from
        an empty line past the lines."""
        event.stop()
        box = event.input
        row = next((r for r in self.rows() if box in r.children), None)
        if row is None:
            return
        if not any(text.strip() for text in row.texts()):
            # Enter on an empty line: the lines are done; on to what follows them.
            self.query_one("#add-line", Button).focus()
            self.screen.focus_next()
            return
        if box.has_class("line-category"):
            row.query_one(".line-amount", Input).focus()
            return
        later = self.rows()[self.rows().index(row) + 1 :]
        if later:
            later[0].query_one(".line-category", Input).focus()
        else:
            self.query_one("#add-line", Button).focus()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button == "add-line":
            event.stop()
            await self.add_line()
        elif button.startswith("line-remove-"):
            event.stop()
            await self.remove_line(int(button.removeprefix("line-remove-")))

    async def add_line(self) -> LineRow:
        row = self._new_row()
        await self.mount(row, before=self.query_one("#lines-check"))
        row.query_one(".line-category", Input).focus()
        self.refresh_check()
        return row

    async def remove_line(self, number: int) -> None:
        rows = self.rows()
        gone = next(r for r in rows if r.number == number)
        after = rows[rows.index(gone) + 1 :] or rows[: rows.index(gone)][-1:]
        await gone.remove()
        if after:
            after[0].query_one(".line-category", Input).focus()
        else:
            self.query_one("#add-line", Button).focus()
        self.refresh_check()

    async def action_add_line(self) -> None:
        await self.add_line()
