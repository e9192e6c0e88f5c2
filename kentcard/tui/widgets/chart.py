"""Budget against spent for a run of months, as pairs of vertical bars (integer maths only)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

BLOCKS = " ▁▂▃▄▅▆▇█"


def short_pounds(pence: int) -> str:
    pounds = pence // 100
    if pounds >= 1000:
        return f"£{pounds // 1000}.{pounds % 1000 // 100}k"
    return f"£{pounds}"


def bar_cell(value: int, top: int, row: int, height: int) -> str:
    """The character for `row` (1 = bottom) of a bar `value` high on a scale of `top`."""
    eighths = max(0, value) * height * 8 // top
    full, rest = divmod(eighths, 8)
    if row <= full:
        return BLOCKS[8]
    if row == full + 1 and rest:
        return BLOCKS[rest]
    return " "


class BudgetChart(Widget):
    """Each month: the budget bar, then the spent bar (warning colour when over budget)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"chart--budget", "chart--spent", "chart--over"}
    months: reactive[tuple[tuple[str, int, int], ...]] = reactive(())

    def render(self) -> Text:
        if not self.months:
            return Text("No months to show yet.")
        height = max(2, self.size.height - 2)
        top = max(max(b, s) for _, b, s in self.months) or 1
        styles = {
            k: self.get_component_rich_style(f"chart--{k}") for k in ("budget", "spent", "over")
        }
        out = Text()
        for row in range(height, 0, -1):
            axis = short_pounds(top) if row == height else ""
            axis = short_pounds(top // 2) if row == (height + 1) // 2 and height > 3 else axis
            out.append(f"{axis:>7} ")
            for _, budget, spent in self.months:
                out.append(bar_cell(budget, top, row, height) * 2, styles["budget"])
                style = styles["over"] if spent > budget else styles["spent"]
                out.append(bar_cell(spent, top, row, height) * 2, style)
                out.append(" ")
            out.append("\n")
        out.append(" " * 8 + "".join(f"{label[:3]:<5}" for label, _, _ in self.months) + "\n")
        out.append(" " * 8)
        out.append("██", styles["budget"])
        out.append(" budget  ")
        out.append("██", styles["spent"])
        out.append(" spent  ")
        out.append("██", styles["over"])
        out.append(" over budget")
        return out
