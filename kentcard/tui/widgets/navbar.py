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
    ("reconcile", "8", "Reconcile"),
    ("export", "9", "Export"),
    ("plan", "0", "Plan and person"),
    ("employment", "-", "Employing a PA"),  # the key after 0
]


class NavBar(Static):
    """Shows where you are; click a section or press its number.

    On a terminal too narrow for one line it takes two, breaking between sections, so
    every section stays on screen (at 80 columns "7 Review" used to be cut off).
    """

    def __init__(self, current: str) -> None:
        self.current = current
        super().__init__(self.lines(10_000), classes="navbar")

    def lines(self, width: int) -> str:
        """The sections as markup, packed into lines of at most `width` cells."""
        lines: list[list[str]] = [[]]
        used = 0
        for mode, key, label in SECTIONS:
            text = f" {key} {label} "
            if lines[-1] and used + 1 + len(text) > width:
                lines.append([])
                used = 0
            used += len(text) + (1 if lines[-1] else 0)
            if mode == self.current:
                lines[-1].append(f"[reverse b]{text}[/]")
            else:
                lines[-1].append(f"[@click=app.go('{mode}')]{text}[/]")
        return "\n".join(" ".join(line) for line in lines)

    def on_resize(self) -> None:
        self.update(self.lines(self.content_size.width))
