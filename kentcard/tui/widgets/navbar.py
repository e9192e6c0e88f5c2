"""The row of sections at the top of every screen: a key and a click for each."""

from __future__ import annotations

from textual.widgets import Static

SECTIONS = [
    ("dashboard", "1", "Home"),
    ("money_in", "2", "Money in"),
    ("money_out", "3", "Money out"),
    ("invoices", "4", "Invoices"),
    ("providers", "5", "Providers"),
    ("evidence", "6", "Evidence"),
    ("review", "7", "Review"),
]


class NavBar(Static):
    """Shows where you are; click a section or press its number."""

    def __init__(self, current: str) -> None:
        parts = []
        for mode, key, label in SECTIONS:
            text = f" {key} {label} "
            if mode == current:
                parts.append(f"[reverse b]{text}[/]")
            else:
                parts.append(f"[@click=app.go('{mode}')]{text}[/]")
        super().__init__(" ".join(parts), classes="navbar")
