"""The app's sections (one screen per mode) and their dialogs."""

from __future__ import annotations

from typing import Any

from kentcard.tui.screens.dashboard import DashboardScreen
from kentcard.tui.screens.export import ExportScreen
from kentcard.tui.screens.ledger_sections import MoneyInScreen, MoneyOutScreen
from kentcard.tui.screens.reconcile import ReconcileScreen
from kentcard.tui.screens.record_sections import EvidenceScreen, InvoicesScreen, ProvidersScreen
from kentcard.tui.screens.review import ReviewScreen

SCREENS: dict[str, Any] = {
    "dashboard": DashboardScreen,
    "money_in": MoneyInScreen,
    "money_out": MoneyOutScreen,
    "invoices": InvoicesScreen,
    "providers": ProvidersScreen,
    "evidence": EvidenceScreen,
    "review": ReviewScreen,
    "reconcile": ReconcileScreen,
    "export": ExportScreen,
}
