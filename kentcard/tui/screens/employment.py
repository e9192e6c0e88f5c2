"""Employing a PA: the PAs, and for the one highlighted their timesheet lines and payslips,
with the employer's liability insurance in force today.

`n` adds a PA, `t` a timesheet line, `p` a payslip, `i` insurance. `d` deletes the
highlighted timesheet line or payslip (asked first) and `u` puts it back. A finding about a
payslip opens this section on it (`show_payslip`), one about a PA on that PA.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from kentcard.core.employment.checks import EmploymentRecords
from kentcard.core.employment.pay import rate_in_force
from kentcard.core.employment.records import (
    Employee,
    Insurance,
    Payslip,
    TimesheetLine,
    WagePayment,
)
from kentcard.core.employment.words import date_words, hours_words
from kentcard.core.money import Money, format_money
from kentcard.core.words import day_words
from kentcard.services import browse, employment
from kentcard.services.employment import PaCost, PayslipFigures
from kentcard.tui.messages import EmploymentLoaded, RecordDeleted
from kentcard.tui.screens.base import Section
from kentcard.tui.screens.employment_forms import (
    CostForm,
    EmployeeForm,
    InsuranceForm,
    PayslipForm,
    TimesheetForm,
    band_words,
    cost_words,
    kind_words,
    payment_words,
)
from kentcard.tui.widgets.dialogs import ConfirmDialog, NoticeDialog
from kentcard.tui.widgets.form import FormDialog
from kentcard.tui.widgets.table import Table

NO_INSURANCE = "No employer's liability insurance recorded"


def short_period(start: date, end: date) -> str:
    """`1 Nov – 30 Nov 2026`, and across a year `29 Dec – 25 Jan 2027` (the payslips
    table's column; Enter on a payslip shows both years)."""
    return f"{start.day} {start:%b} – {day_words(end)}"


def short_hours(minutes: int | None) -> str:
    """`7 h 30 min`, `160 h`, `45 min` (the table's column; forms say it in words)."""
    if minutes is None:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def money_cell(amount: Money | None) -> Text:
    return Text("" if amount is None else format_money(amount), justify="right")


def insurance_text(records: EmploymentRecords, today: date) -> tuple[str, bool]:
    """The insurance in force today in one line, and whether that is a warning."""
    now = [i for i in records.insurances if i.in_force_on(today)]
    if now:
        policy = max(now, key=lambda i: i.renewal)
        number = f", policy {escape(policy.policy)}" if policy.policy else ""
        last = day_words(policy.renewal - timedelta(days=1))
        return (
            f"Employer's liability insurance: {escape(policy.insurer)}{number}, to {last}.",
            False,
        )
    ended = [i for i in records.insurances if i.renewal <= today]
    before = ""
    if ended:
        latest = max(ended, key=lambda i: i.renewal)
        before = f" (the last policy ended {date_words(latest.renewal - timedelta(days=1))})"
    if ended:
        return f"{NO_INSURANCE} for today{before}: i adds the new policy.", True
    return f"{NO_INSURANCE}. The law needs it: i adds it.", True


def payslip_details(slip: Payslip, name: str, paid_by: str) -> str:
    """A payslip's every figure, one a line, for the dialog Enter opens."""
    lines = [
        ("Pay date", date_words(slip.paid_on)),
        ("Hours paid", hours_words(slip.minutes) if slip.minutes is not None else "not given"),
        ("Gross pay", format_money(slip.gross)),
        ("Tax (PAYE)", format_money(slip.tax)),
        ("Employee's NI", format_money(slip.employee_ni)),
        ("Employee's pension", format_money(slip.employee_pension)),
        ("Net pay", format_money(slip.net)),
        ("Employer's NI", format_money(slip.employer_ni)),
        ("Employer's pension", format_money(slip.employer_pension)),
        ("Holiday pay in the gross", format_money(slip.holiday_pay)),
        ("Card payment", paid_by),
    ]
    width = max(len(label) for label, _ in lines)
    period = f"{date_words(slip.period_start)} to {date_words(slip.period_end)}"
    body = "\n".join(f"{label:<{width}}  {value}" for label, value in lines)
    return f"Payslip for {name}, {period}\n\n{body}"


def paid_by(slip: Payslip, payments: dict[int, WagePayment]) -> Text:
    """The card payment of a payslip's net pay, in the payslips table: its amount (Enter
    on the payslip shows its date), or that none is linked."""
    payment = None if slip.money_out_id is None else payments.get(slip.money_out_id)
    if payment is None:
        return Text("not linked", justify="right")
    return money_cell(payment.amount)


Removed = tuple[str, TimesheetLine | Payslip, str]  # (in words, the record, the PA's name)


class EmploymentScreen(Section):
    MODE = "employment"
    AUTO_FOCUS = "#pas"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, awaited: keys typed straight after them go into the form (see TableScreen).
        Binding("n", "new", "Add PA", id="employment.new", priority=True),
        Binding("t", "new_line", "Add hours", id="employment.line", priority=True),
        Binding("p", "new_payslip", "Add payslip", id="employment.payslip", priority=True),
        Binding("i", "new_insurance", "Insurance", id="employment.insurance", priority=True),
        Binding("d,delete", "delete", "Delete", id="employment.delete"),
        Binding("u", "undo", "Undo delete", id="employment.undo"),
        # Not in the footer, which is full at 80 columns: the line at the top names it.
        Binding("c", "cost", "Cost a month", show=False, id="employment.cost"),
    ]
    CSS = """
    EmploymentScreen #insurance { height: auto; padding: 0 1; }
    EmploymentScreen #insurance.-warning { color: $text-warning; text-style: bold; }
    EmploymentScreen .table-title { height: 1; padding: 0 1; color: $primary; text-style: bold; }
    EmploymentScreen #pas { height: auto; max-height: 6; margin: 0 1; }
    EmploymentScreen #pa-records { height: 1fr; }
    EmploymentScreen .pa-side { height: 1fr; }
    EmploymentScreen .pa-side Table { height: 1fr; margin: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.records = EmploymentRecords(employees=())
        self.categories: list[str] = []
        self.chosen: int | None = None  # the highlighted PA's id
        self.lines: list[TimesheetLine] = []  # the chosen PA's, as the table shows them
        self.payslips: list[Payslip] = []
        self.target: tuple[str, int] | None = None  # ("payslip"|"employee", id) to show
        self.removed: Removed | None = None  # the last deletion, to undo
        self.loaded = False  # the records have been read once
        self.request = 0  # the latest reading asked for
        self.waiting: str | None = None  # an action asked for before they were
        self.last_day: date | None = None  # the day of the line added last, offered again

    def body(self) -> ComposeResult:
        yield Static(
            "Your PAs, their timesheets and payslips. Tab: next table. c: what a PA costs.",
            classes="section-help",
        )
        yield Static("", id="insurance")
        yield Static("PAs you employ", classes="table-title", id="pas-title")
        yield Table(id="pas", cursor_type="row", zebra_stripes=True)
        # One above the other: side by side, even 120 columns cut both tables off.
        with Vertical(id="pa-records"):
            with Vertical(classes="pa-side", id="lines-side"):
                yield Static("Timesheet lines", classes="table-title", id="lines-title")
                yield Table(id="lines", cursor_type="row", zebra_stripes=True)
            with Vertical(classes="pa-side", id="payslips-side"):
                yield Static("Payslips", classes="table-title", id="payslips-title")
                yield Table(id="payslips", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        pas = self.query_one("#pas", Table)
        pas.add_column("Name", key="name")
        pas.add_column("Started", key="start")
        pas.add_column("Age", key="band")
        pas.add_column(Text("Pay an hour now", justify="right"), key="rate")
        lines = self.query_one("#lines", Table)
        lines.add_column("Day", key="day")
        lines.add_column("Hours", key="hours")
        lines.add_column("What", key="kind")
        slips = self.query_one("#payslips", Table)
        slips.add_column("Pay period", key="period")
        slips.add_column("Paid", key="paid")
        slips.add_column(Text("Gross", justify="right"), key="gross")
        slips.add_column(Text("Net", justify="right"), key="net")
        slips.add_column(Text("Paid by card", justify="right"), key="payment")

    def on_screen_resume(self) -> None:
        self.load()

    # -- reading ---------------------------------------------------------------------------
    def load(self) -> None:
        """Read the records again. A reading started earlier (when a dialog closed, say)
        that finishes after this one is ignored, so a deletion never seems undone."""
        self.request += 1
        self.read_records(self.request)

    @work(thread=True, exit_on_error=False, group="employment")
    def read_records(self, request: int) -> None:
        found = employment.records(self.ctx, self.recipient.id)
        categories = browse.categories(self.ctx, self.recipient.id)
        self.post_message(EmploymentLoaded(found, categories, request))

    def on_employment_loaded(self, message: EmploymentLoaded) -> None:
        if message.request != self.request:
            return
        self.records, self.categories = message.records, message.categories
        self.loaded = True
        employees = list(self.records.employees)
        target, self.target = self.target, None
        if target is not None:
            kind, number = target
            if kind == "payslip":
                slip = next((s for s in self.records.payslips if s.id == number), None)
                self.chosen = slip.employee_id if slip else self.chosen
            else:
                self.chosen = number
        if self.chosen not in {e.id for e in employees}:
            self.chosen = employees[0].id if employees else None
        self._show_insurance()
        today = self.ctx.today()
        pas = self.query_one("#pas", Table)
        pas.clear()
        for employee in employees:
            rate = rate_in_force(self.records.rates, employee.id, today)
            pas.add_row(
                employee.name,
                day_words(employee.start),
                band_words(employee),
                money_cell(rate.hourly if rate else None),
            )
        ids = [e.id for e in employees]
        if self.chosen in ids:
            pas.move_cursor(row=ids.index(self.chosen))
        self._show_chosen()
        if target is not None and target[0] == "payslip":
            rows = [s.id for s in self.payslips]
            if target[1] in rows:
                table = self.query_one("#payslips", Table)
                table.move_cursor(row=rows.index(target[1]))
                table.focus()
                self.notify(
                    "The payslip it is about is highlighted: Enter shows its figures.",
                    timeout=6,
                )
        self._after_load()

    def _after_load(self) -> None:
        """Run the action asked for before the records were read (from the command palette
        straight into this section: Add a timesheet line, say)."""
        waiting, self.waiting = self.waiting, None
        if waiting:
            self.call_later(self.run_action, waiting)

    def _show_insurance(self) -> None:
        text, warning = insurance_text(self.records, self.ctx.today())
        box = self.query_one("#insurance", Static)
        box.update(text)
        box.set_class(warning, "-warning")

    def employee(self, employee_id: int | None) -> Employee | None:
        return next((e for e in self.records.employees if e.id == employee_id), None)

    def _show_chosen(self) -> None:
        """The highlighted PA's timesheet lines and payslips, newest first."""
        found = self.employee(self.chosen)
        name = found.name if found else ""
        self.query_one("#pas-title", Static).update(
            "PAs you employ" if self.records.employees else "PAs you employ: none yet, n adds one"
        )
        self.lines = sorted(
            (line for line in self.records.lines if line.employee_id == self.chosen),
            key=lambda line: (line.day, line.id),
            reverse=True,
        )
        self.payslips = sorted(
            (s for s in self.records.payslips if s.employee_id == self.chosen),
            key=lambda s: (s.period_end, s.id),
            reverse=True,
        )
        total = sum(line.minutes for line in self.lines)
        if not name:
            lines_title, slips_title = "Timesheet lines", "Payslips"
        else:
            lines_title = (
                f"Timesheet lines of {name} ({len(self.lines)}, {short_hours(total)} in all)"
                if self.lines
                else f"Timesheet lines of {name}: none yet, t adds one"
            )
            slips_title = (
                f"Payslips of {name} ({len(self.payslips)})"
                if self.payslips
                else f"Payslips of {name}: none yet, p adds one"
            )
        self.query_one("#lines-title", Static).update(escape(lines_title))
        self.query_one("#payslips-title", Static).update(escape(slips_title))
        self._fill(
            "#lines",
            [
                [day_words(line.day), short_hours(line.minutes), kind_words(line.kind)]
                for line in self.lines
            ],
        )
        payments = {p.id: p for p in self.records.payments}
        self._fill(
            "#payslips",
            [
                [
                    short_period(s.period_start, s.period_end),
                    day_words(s.paid_on),
                    money_cell(s.gross),
                    money_cell(s.net),
                    paid_by(s, payments),
                ]
                for s in self.payslips
            ],
        )

    def _fill(self, selector: str, rows: list[list[object]]) -> None:
        table = self.query_one(selector, Table)
        row = table.cursor_row
        table.clear()
        for cells in rows:
            table.add_row(*cells)
        if rows:
            table.move_cursor(row=max(0, min(row, len(rows) - 1)))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "pas":
            return
        # Where the cursor is now: the table's refill also reports row 0 on its way past.
        row = event.data_table.cursor_row
        employees = list(self.records.employees)
        if 0 <= row < len(employees):
            chosen = employees[row].id
            if chosen != self.chosen:
                self.chosen = chosen
                self._show_chosen()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter: on a PA, to their timesheet lines; on a payslip, every figure it has."""
        event.stop()
        table = event.data_table
        if table.id == "pas":
            self.query_one("#lines", Table).focus()
        elif table.id == "payslips" and 0 <= event.cursor_row < len(self.payslips):
            slip = self.payslips[event.cursor_row]
            found = self.employee(slip.employee_id)
            payment = next((p for p in self.records.payments if p.id == slip.money_out_id), None)
            paid = "not linked to a card payment"
            if payment is not None:
                paid = payment_words(payment)
            details = payslip_details(slip, found.name if found else "", paid)
            self.app.push_screen(NoticeDialog(details))

    # -- going to a record ---------------------------------------------------------------------
    def action_show_payslip(self, payslip_id: int) -> None:
        self.target = ("payslip", payslip_id)
        self.load()

    def action_show_employee(self, employee_id: int) -> None:
        self.target = ("employee", employee_id)
        self.load()

    # -- adding ----------------------------------------------------------------------------------
    @property
    def chosen_name(self) -> str | None:
        found = self.employee(self.chosen)
        return found.name if found else None

    async def _open(self, form: FormDialog[object]) -> None:
        await self.app.push_screen(form, self.saved)

    def _need_pa(self, action: str) -> bool:
        """True (and a word on what to do) when there is no PA yet to add this for."""
        if not self.loaded:
            self.waiting = action
            return True
        if self.records.employees:
            return False
        self.notify("Add a PA first: press n.", timeout=6)
        return True

    async def action_new(self) -> None:
        """A new PA (n, and "Add a PA" in the command palette)."""
        await self._open(EmployeeForm(self.ctx.today(), self.categories))

    async def action_new_line(self) -> None:
        if not self._need_pa("new_line"):
            employees = self.records.employees
            day = self.last_day or self.ctx.today()  # a week's sheet goes in day by day
            await self._open(TimesheetForm(day, employees, self.chosen_name))

    async def action_new_payslip(self) -> None:
        if not self._need_pa("new_payslip"):
            taken = {s.money_out_id for s in self.records.payslips if s.money_out_id}
            form = PayslipForm(
                self.records.employees, self.chosen_name, self.records.payments, taken
            )
            await self._open(form)

    async def action_cost(self) -> None:
        """c: what the highlighted PA would cost a month, for the hours a week asked."""
        name = self.chosen_name
        if name is None:
            self.notify("Add a PA first: press n.", timeout=6)
            return

        def worked_out(result: tuple[PaCost, int] | None) -> None:
            if result is not None:
                self.app.push_screen(NoticeDialog(cost_words(*result)))

        await self.app.push_screen(CostForm(name), worked_out)

    async def action_new_insurance(self) -> None:
        await self._open(InsuranceForm(self.ctx.today()))

    def saved(self, record: object | None) -> None:
        if record is None:
            return
        if isinstance(record, Employee):
            self.chosen = record.id
            self.notify(f"Saved: {record.name}.", timeout=4)
        elif isinstance(record, Insurance):
            self.notify(f"Saved: the insurance with {record.insurer}.", timeout=4)
        elif isinstance(record, TimesheetLine):
            self.chosen = record.employee_id
            self.last_day = record.day
            self.notify(
                f"Saved: {hours_words(record.minutes)} on {date_words(record.day)}.", timeout=4
            )
        elif isinstance(record, Payslip):
            self.chosen = record.employee_id
            period = short_period(record.period_start, record.period_end)
            self.notify(f"Saved: the payslip for {period}.", timeout=4)
        self.load()

    # -- deleting and putting back ---------------------------------------------------------
    def action_delete(self) -> None:
        focused = self.focused
        name = self.chosen_name or ""
        item: TimesheetLine | Payslip | None = None
        if focused is self.query_one("#lines", Table):
            row = self.query_one("#lines", Table).cursor_row
            if 0 <= row < len(self.lines):
                item = self.lines[row]
                what = (
                    f"the timesheet line of {name}: {hours_words(item.minutes)} "
                    f"on {date_words(item.day)}"
                )
        elif focused is self.query_one("#payslips", Table):
            row = self.query_one("#payslips", Table).cursor_row
            if 0 <= row < len(self.payslips):
                item = self.payslips[row]
                what = (
                    f"the payslip of {name} for {short_period(item.period_start, item.period_end)}"
                )
        else:
            self.notify(
                "To delete a timesheet line or a payslip, move to it first (Tab), then press d.",
                timeout=6,
            )
            return
        if item is None:
            return
        chosen = item
        question = (
            f"Delete {what}?\nThe audit log keeps a record of what it was, and u puts it "
            "back (without any file that was kept with it)."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_delete(what, chosen, name)

        self.app.push_screen(ConfirmDialog(question), answered)

    @work(thread=True, exit_on_error=False, group="delete")
    def run_delete(self, what: str, item: TimesheetLine | Payslip, name: str) -> None:
        if isinstance(item, TimesheetLine):
            employment.delete_timesheet_line(self.ctx, item.id)
        else:
            employment.delete_payslip(self.ctx, item.id)
        self.removed = (what, item, name)
        self.post_message(RecordDeleted(what))

    def on_record_deleted(self, message: RecordDeleted) -> None:
        self.notify(f"Deleted {message.description}.  Press u to undo.", timeout=10)
        self.refresh_bindings()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return self.removed is not None  # shown in the footer only after a delete
        return True

    def action_undo(self) -> None:
        if self.removed is not None:
            removed, self.removed = self.removed, None
            self.refresh_bindings()
            self.run_undo(removed)

    @work(thread=True, exit_on_error=False, group="delete")
    def run_undo(self, removed: Removed) -> None:
        what, item, name = removed
        ctx, recipient_id = self.ctx, self.recipient.id
        if isinstance(item, TimesheetLine):
            employment.add_timesheet_line(
                ctx,
                recipient_id,
                employee=name,
                day=item.day,
                minutes=item.minutes,
                kind=item.kind,
                rate=item.rate,
            )
        else:
            employment.add_payslip(
                ctx,
                recipient_id,
                employee=name,
                period_start=item.period_start,
                period_end=item.period_end,
                paid_on=item.paid_on,
                figures=PayslipFigures(
                    gross=item.gross,
                    net=item.net,
                    tax=item.tax,
                    employee_ni=item.employee_ni,
                    employee_pension=item.employee_pension,
                    employer_ni=item.employer_ni,
                    employer_pension=item.employer_pension,
                    holiday_pay=item.holiday_pay,
                    minutes=item.minutes,
                ),
                money_out_id=item.money_out_id,
            )
        self.app.call_from_thread(self._put_back, what)

    def _put_back(self, what: str) -> None:
        self.notify(f"Put back {what}.", timeout=6)
        self.load()
