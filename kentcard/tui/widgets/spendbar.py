"""How much of the month's budget is spent, as a bar that turns to a warning colour when over."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class SpendBar(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"spendbar--fill", "spendbar--empty", "spendbar--over"}
    budget: reactive[int] = reactive(0)
    spent: reactive[int] = reactive(0)

    def watch_spent(self) -> None:
        self.set_class(self.spent > self.budget, "-over")

    def watch_budget(self) -> None:
        self.set_class(self.spent > self.budget, "-over")

    def render(self) -> Text:
        over = self.spent > self.budget
        if self.budget <= 0:
            percent = 100 if self.spent > 0 else 0
        else:
            percent = self.spent * 100 // self.budget
        words = f" {percent}% spent" + (" · OVER BUDGET" if over else "")
        width = max(4, self.size.width - len(words))
        filled = width if self.budget <= 0 or over else self.spent * width // self.budget
        fill = self.get_component_rich_style("spendbar--over" if over else "spendbar--fill")
        text = Text("█" * filled, fill)
        text.append("░" * (width - filled), self.get_component_rich_style("spendbar--empty"))
        text.append(words, fill if over else "")
        return text
