"""Home's latest payments, one line each, fitted to the width they are given.

A payee's name takes what the date, the amount and the receipt mark leave, so a line never
wraps (at 120 columns `receipt ✓` used to fall onto a line of its own).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from kentcard.core.money import format_money
from kentcard.services.browse import Payment


def payment_line(day: date, payee: str, amount: str, width: int) -> str:
    """`19 Nov  TESCO STORES 2841      £8.45  `: the line before its receipt mark, so that
    with the mark (`MARK_WIDTH` cells) it takes at most `width` cells."""
    room = max(6, width - (6 + 2 + 1 + 10 + 2 + MARK_WIDTH))
    name = payee if len(payee) <= room else payee[: room - 1] + "…"
    return f"{day.day:>2} {day:%b}  {name:<{room}} {amount:>10}  "


MARK_WIDTH = len("no receipt")


class RecentPayments(Widget):
    """The last few payments: date, payee, amount, and whether a receipt is attached."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"recent--missing"}
    payments: reactive[tuple[Payment, ...]] = reactive((), layout=True)

    def render(self) -> Text:
        if not self.payments:
            return Text("No payments yet.")
        missing = self.get_component_rich_style("recent--missing")
        out = Text()
        for i, p in enumerate(self.payments):
            record = p.record
            width = self.size.width or 50
            out.append(payment_line(record.date, record.payee, format_money(record.amount), width))
            out.append("✓ receipt" if p.evidenced else "no receipt", "" if p.evidenced else missing)
            if i < len(self.payments) - 1:
                out.append("\n")
        return out
