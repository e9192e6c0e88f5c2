"""Home: this month's budget, spending, balance, what needs attention, and the last year."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from kentcard.core.dates import Month
from kentcard.core.invoices import InvoiceState
from kentcard.core.money import Money, format_money
from kentcard.services import browse, review, summary
from kentcard.services.context import Context
from kentcard.services.summary import MonthSummary
from kentcard.tui.messages import DashboardLoaded
from kentcard.tui.screens.goto import FindingOpener
from kentcard.tui.widgets.chart import BudgetChart
from kentcard.tui.widgets.recent import RecentPayments
from kentcard.tui.widgets.spendbar import SpendBar
from kentcard.tui.widgets.table import Table

ATTENTION_LIMIT = 10  # items in Home's "Needs attention" list; the rest are counted
UNPAID_READ = 20  # invoices not yet due read for that list (there may be more)


class MonthFigures(Protocol):
    """One month of the chart: its budget and what was spent (`summary.monthly_history`)."""

    @property
    def month(self) -> Month: ...
    @property
    def budget(self) -> Money: ...
    @property
    def spent(self) -> Money: ...


@dataclass(frozen=True)
class Overview:
    month: Month
    summary: MonthSummary
    history: list[MonthFigures]
    findings: list[review.Finding]
    unpaid: list[InvoiceState]
    recent: list[browse.Payment]


def load_overview(ctx: Context, recipient_id: int, month: Month) -> Overview:
    """Everything the home screen shows, read in one worker.

    The review is read on a second connection at the same time as the figures: both are
    mostly SQLite's own work, which runs outside Python's lock, so on two cores the screen
    waits for the longer of the two instead of their sum.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="review") as pool:
        # What is still open today, from any month, and what is said about this month as
        # at today: a month is judged on its own budget, never on the days so far.
        found = pool.submit(review.attention, ctx, recipient_id, month)
        figures = summary.month_summary(ctx, recipient_id, month)
        history = summary.monthly_history(ctx, recipient_id, month)
        # Overdue invoices are among the findings; these are the ones not yet due.
        unpaid = browse.open_not_overdue(ctx, recipient_id, UNPAID_READ)
        latest = browse.money_out_page(ctx, recipient_id, browse.Filters(), 0, 5)
        return Overview(month, figures, history, found.result(), unpaid, list(latest.items))


def read_ahead(ctx: Context, recipient_id: int) -> tuple[Month, Future[Overview]]:
    """Start reading this month's home screen now, in a thread of its own.

    The app calls this the moment it knows whose account to open, so the reading runs
    while the home screen is still being built (that is mostly Python, this mostly SQLite).
    """
    month = Month.of(ctx.today())
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="home")
    try:
        return month, pool.submit(load_overview, ctx, recipient_id, month)
    finally:
        pool.shutdown(wait=False)


def more_line(data: Overview, shown: int) -> str:
    """The line under a cut attention list: how many more, and where to see them all."""
    findings = len(data.findings)
    hidden_findings = max(0, findings - shown)
    hidden_unpaid = len(data.unpaid) - max(0, shown - findings)
    hidden = hidden_findings + hidden_unpaid
    count = f"{hidden:,}" if len(data.unpaid) < UNPAID_READ else f"at least {hidden:,}"
    if not hidden_unpaid:
        return f"… and {count} more — press 7 to see them all in Review"
    if not hidden_findings:
        return f"… and {count} more unpaid invoices — press 4 to see them in Invoices"
    return f"… and {count} more — press 7 to see them all in Review, 4 for unpaid invoices"


def figure(label: str, amount: Money, style: str = "") -> str:
    value = format_money(amount)
    return f"{label:<18}[{style or 'b'}]{value:>12}[/]"


def short_figure(label: str, amount: Money, style: str = "") -> str:
    return f"{label} [{style or 'b'}]{format_money(amount)}[/]"


def surplus_help(s: MonthSummary) -> str:
    """One line on what "Possible surplus" is, and why KCC may ask for it back."""
    keep = format_money(s.retained)
    return f"KCC may ask for any surplus back: money above the {keep} you may keep."


def things(count: int) -> str:
    return f"{count:,} thing" + ("" if count == 1 else "s")


COMPACT_WIDTH = 76  # below this (or COMPACT_HEIGHT rows) the figures go on plain lines
COMPACT_HEIGHT = 22


class DashboardScreen(FindingOpener):
    MODE = "dashboard"
    # Focus starts on the list, not on the scrolling box around it and then moved (each move
    # restyles everything inside the box).
    AUTO_FOCUS = "#attention"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "month(-1)", "Prev month", id="dashboard.prev"),
        Binding("right_square_bracket", "month(1)", "Next month", id="dashboard.next"),
        Binding("t", "this_month", "This month", show=False, id="dashboard.today"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.month: Month | None = None
        self.entries: list[tuple[review.Finding | None, str | None]] = []
        self.findings_count = 0
        self.summary: MonthSummary | None = None

    def body(self) -> ComposeResult:
        # The month's figures and the bar stay put above everything that scrolls, so they
        # and the first things needing attention fit on an 80×24 terminal. On a small or
        # short terminal (big text) the figures lose their boxes and take a line each.
        with Vertical(id="dash-top"):
            yield Static("", id="month-title")
            with Horizontal(id="figures-row"):
                yield Static("", id="figures", classes="box")
                yield Static("", id="balance", classes="box")
            yield Static("", id="surplus-help")
            yield SpendBar(id="spend-bar")
        # Wide: what needs attention fills the left, categories and the latest payments the
        # right, the chart below across the whole width. Narrow: one under the other.
        with VerticalScroll(id="dash"):
            with Horizontal(id="middle", classes="pair"):
                with Vertical(id="attention-box", classes="box"):
                    yield Static("Needs attention (Enter to fix)", classes="box-title")
                    yield OptionList(id="attention")
                with VerticalScroll(id="side"):
                    with Vertical(id="categories-box", classes="box"):
                        yield Static("Spending by category", classes="box-title")
                        yield Table(id="categories", cursor_type="none", show_cursor=False)
                    with Vertical(id="recent-box", classes="box"):
                        yield Static("Latest payments", classes="box-title")
                        yield RecentPayments(id="recent")
            with Vertical(id="chart-box", classes="box"):
                yield BudgetChart(id="chart")

    def on_mount(self) -> None:
        self.month = Month.of(self.ctx.today())
        table = self.query_one("#categories", DataTable)
        table.add_columns(
            "Category",
            Text("Budget", justify="right"),
            Text("Spent", justify="right"),
            Text("Left", justify="right"),
        )

    def on_resize(self, event: events.Resize) -> None:
        compact = event.size.width < COMPACT_WIDTH or event.size.height < COMPACT_HEIGHT
        if compact != self.has_class("-compact"):
            self.set_class(compact, "-compact")
            self._show_figures()

    def on_screen_resume(self) -> None:
        self.refresh_data()
        self.query_one("#attention", OptionList).focus()

    def refresh_data(self) -> None:
        if self.month is not None:
            self.load(self.month)

    def action_month(self, step: int) -> None:
        if self.month is not None:
            self.month = self.month.shift(step)
            self.refresh_data()

    def action_this_month(self) -> None:
        self.month = Month.of(self.ctx.today())
        self.refresh_data()

    def action_show_month(self, text: str) -> None:
        self.month = self.month_from(text)
        self.refresh_data()

    @work(thread=True, exit_on_error=False, group="dashboard", exclusive=True)
    def load(self, month: Month) -> None:
        ahead = self.kapp.take_read_ahead(month)
        if ahead is not None:
            data = ahead.result()
        else:
            data = load_overview(self.ctx, self.recipient.id, month)
        self.post_message(DashboardLoaded(data))

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        data = message.data
        if data.month != self.month:
            return
        self.summary = data.summary
        self._show_figures()
        bar = self.query_one(SpendBar)
        bar.budget, bar.spent = data.summary.budget.pence, data.summary.spent.pence
        self._show_categories(data.summary)
        self._show_attention(data)
        self.query_one(BudgetChart).months = tuple(
            (h.month.label()[:3], h.budget.pence, h.spent.pence) for h in data.history
        )
        self.query_one(RecentPayments).payments = tuple(data.recent)

    def _show_figures(self) -> None:
        """Budget, spent and left; the card balance, what is owed and any surplus."""
        s = self.summary
        if s is None:
            return
        over = s.remaining.pence < 0
        left = (
            "Overspent by" if over else "Remaining",
            -s.remaining if over else s.remaining,
            "b $error" if over else "b $success",
        )
        surplus = "b $warning" if s.possible_surplus.pence > 0 else ""
        shown = [("Budget", s.budget, ""), ("Spent", s.spent, ""), left]
        money = [
            (f"Card balance {s.balance_on.day} {s.balance_on:%b}", s.balance, ""),
            ("Unpaid invoices", s.outstanding_invoices, ""),
            ("Possible surplus", s.possible_surplus, surplus),
        ]
        compact = self.has_class("-compact")
        if compact:
            # A line each, and the surplus on the line that says what it is.
            self.query_one("#figures", Static).update(" · ".join(short_figure(*i) for i in shown))
            self.query_one("#balance", Static).update(
                " · ".join(short_figure(*i) for i in money[:2])
            )
            help_line = short_figure(*money[2]) + " [dim](KCC may ask for it back)[/]"
        else:
            self.query_one("#figures", Static).update("\n".join(figure(*i) for i in shown))
            self.query_one("#balance", Static).update("\n".join(figure(*i) for i in money))
            help_line = surplus_help(s)
        self.query_one("#surplus-help", Static).update(help_line)
        self._show_title()

    def _show_title(self) -> None:
        if self.summary is None:
            return
        month = self.summary.month
        this = "  (this month)" if month == Month.of(self.ctx.today()) else ""
        keys = "\\[ ] month" if self.has_class("-compact") else "\\[ previous month   ] next month"
        self.query_one("#month-title", Static).update(
            f"[b]{month.label()}[/]{this}    [dim]{keys}[/]"
        )

    def _show_categories(self, s: MonthSummary) -> None:
        table = self.query_one("#categories", DataTable)
        table.clear()
        for line in s.categories:
            left = Text(
                format_money(line.remaining),
                justify="right",
                style="bold red" if line.remaining.pence < 0 else "",
            )
            table.add_row(
                line.category,
                Text(format_money(line.budget), justify="right"),
                Text(format_money(line.spent), justify="right"),
                left,
            )

    def _show_attention(self, data: Overview) -> None:
        """The first ATTENTION_LIMIT items, most urgent first, then how many more there are.

        A big account can have hundreds of findings; wrapping and drawing them all held up
        the screen, and a list that long does not help anyone see what to do first. The
        first item is highlighted, so Enter fixes it straight away.
        """
        items: list[tuple[tuple[review.Finding | None, str | None], str]] = [
            (
                (f, f.record),
                f"{review.kind_title(f.kind)}: {f.message}"
                + (f" ({format_money(f.amount)})" if f.amount else ""),
            )
            for f in data.findings
        ]
        items += [
            (
                (None, f"invoice:{u.invoice.id}"),
                f"Unpaid: invoice {u.invoice.number} from {u.invoice.provider_name}, "
                f"{format_money(u.outstanding)} due {u.invoice.due_date}",
            )
            for u in data.unpaid
        ]
        shown = items[:ATTENTION_LIMIT]
        self.entries = [entry for entry, _ in shown]
        self.findings_count = len(data.findings)
        options = [Option(Text(words)) for _, words in shown]
        if len(items) > len(shown):
            options.append(Option(Text(more_line(data, len(shown)), style="italic")))
        attention = self.query_one("#attention", OptionList)
        attention.clear_options()
        attention.add_options(options or [Option(Text("Nothing needs attention."), disabled=True)])
        if options:
            attention.highlighted = 0
        title = self.query_one("#attention-box .box-title", Static)
        title.update(
            f"Needs attention: {things(len(items))} (Enter to fix)" if items else "Needs attention"
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if 0 <= event.option_index < len(self.entries):
            finding, record = self.entries[event.option_index]
            self.open_finding(finding, record)
        elif event.option_index == len(self.entries):  # the "... and N more" line
            section = "review" if len(self.entries) < self.findings_count else "invoices"
            self.app.call_later(self.app.run_action, f"go('{section}')")
