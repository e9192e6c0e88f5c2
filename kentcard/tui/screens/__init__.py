"""The app's sections (one screen per mode) and their dialogs.

Each section's module is imported the first time the section is shown, not when the app
starts: the forms, the reconcile and export screens and the widgets only they use cost
a tenth of a second or more to import, and the app opens on Home.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from textual.screen import Screen


def _section(module: str, name: str) -> Callable[[], Screen[Any]]:
    """Make the section `name` of `kentcard.tui.screens.<module>`, importing it then."""

    def make() -> Screen[Any]:
        screen: Screen[Any] = getattr(import_module(f"kentcard.tui.screens.{module}"), name)()
        return screen

    make.__name__ = name
    return make


SCREENS: dict[str, str | Callable[[], Screen[Any]]] = {
    "dashboard": _section("dashboard", "DashboardScreen"),
    "money_in": _section("ledger_sections", "MoneyInScreen"),
    "money_out": _section("ledger_sections", "MoneyOutScreen"),
    "invoices": _section("record_sections", "InvoicesScreen"),
    "providers": _section("record_sections", "ProvidersScreen"),
    "evidence": _section("record_sections", "EvidenceScreen"),
    "review": _section("review", "ReviewScreen"),
    "reconcile": _section("reconcile", "ReconcileScreen"),
    "export": _section("export", "ExportScreen"),
    "plan": _section("plan_person", "PlanPersonScreen"),
    "employment": _section("employment", "EmploymentScreen"),
}
