"""The command palette: every action in the app, searchable by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from kentcard.tui.app import KentcardApp

SECTIONS = [
    ("dashboard", "Home: this month at a glance"),
    ("money_in", "Money in: KCC payments, contributions, refunds"),
    ("money_out", "Money out: payments from the card"),
    ("invoices", "Invoices from providers"),
    ("providers", "Providers: agencies, PAs, shops"),
    ("evidence", "Evidence: receipts, invoices, payslips"),
    ("review", "Review: what a KCC reviewer would query"),
    ("reconcile", "Reconcile: import a statement, match its lines, lock a period"),
    ("export", "Export: the review workbook, CSV files or evidence pack for a period"),
    ("plan", "Plan and person: the support plan, its budget lines, the person's details"),
    ("employment", "Employing a PA: your PAs, their timesheets, payslips and insurance"),
]
ADDS = [
    ("money_in", "Add money in"),
    ("money_out", "Add money out (a payment)"),
    ("invoices", "Add an invoice"),
    ("providers", "Add a provider"),
    ("employment", "Add a PA (personal assistant) you employ"),
]
# Actions of the Employing a PA section (-).
PA_ACTIONS = [
    ("new_line", "Add a timesheet line (time a PA worked)", "Employing a PA"),
    ("new_payslip", "Add a PA's payslip", "Employing a PA"),
    ("new_insurance", "Add employer's liability insurance", "Employing a PA"),
]
# Actions of the Plan and person section (0), named as a person would look for them.
PLAN_ACTIONS = [
    ("new_plan", "New support plan from a date (change the plan)", "Ends the plan before it"),
    ("correct_plan", "Correct the latest plan (its amounts or budget lines)", "Replaces it"),
    (
        "edit_recipient",
        "Change the person's details (name, KCC reference, card)",
        "Plan and person",
    ),
]


class KentcardCommands(Provider):
    """Go to any section, add any record, change months, open help and settings."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = cast("KentcardApp", self.app)
        found: list[tuple[str, Callable[[], object], str]] = [
            (f"Go to {label.split(':')[0]}", partial(app.run_action, f"go('{mode}')"), label)
            for mode, label in SECTIONS
        ]
        found += [
            (label, partial(app.run_action, f"go('{mode}', 'new')"), "Opens the form")
            for mode, label in ADDS
        ]
        found += [
            (label, partial(app.run_action, f"go('plan', '{action}')"), help_text)
            for action, label, help_text in PLAN_ACTIONS
        ]
        found += [
            (label, partial(app.run_action, f"go('employment', '{action}')"), help_text)
            for action, label, help_text in PA_ACTIONS
        ]
        found += [
            ("Previous month", partial(app.run_action, "go('dashboard', 'month(-1)')"), "["),
            ("Next month", partial(app.run_action, "go('dashboard', 'month(1)')"), "]"),
            ("Help: keys, screens and where data lives", app.action_help, "?"),
            ("Settings: theme (high contrast)", app.action_settings, "F2"),
            ("Quit", app.exit, "q"),
        ]
        return found

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
