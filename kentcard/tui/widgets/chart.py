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


AXIS = 7  # the scale on the left: `£1.1k` and a space


def fit(count: int, width: int) -> tuple[int, int]:
    """How many of `count` months fit in `width` cells, and each bar's width (2 to 4).

    A month takes its two bars and a space, at least five cells so its name fits under it;
    when not all fit, the latest are shown (this month is never the one cut off).
    """
    room = max(0, width - AXIS)
    shown = max(1, min(count, room // 5))
    bar = max(2, min(4, (room // shown - 1) // 2))
    return shown, bar


class BudgetChart(Widget):
    """Each month: the budget bar, then the spent bar (warning colour when over budget).

    As many of the latest months as the width allows; the bars widen when there is room.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "chart--title",
        "chart--budget",
        "chart--spent",
        "chart--over",
    }
    months: reactive[tuple[tuple[str, int, int], ...]] = reactive(())

    def render(self) -> Text:
        title = self.get_component_rich_style("chart--title")
        if not self.months:
            return Text.assemble(("Budget and spending", title), "\nNo months to show yet.")
        height = max(2, self.size.height - 3)
        count, bar = fit(len(self.months), self.size.width or 68)
        months = self.months[-count:]
        top = max(max(b, s) for _, b, s in months) or 1
        styles = {
            k: self.get_component_rich_style(f"chart--{k}") for k in ("budget", "spent", "over")
        }
        what = "this month" if count == 1 else f"the last {count} months"
        out = Text(f"Budget and spending, {what}\n", title)
        for row in range(height, 0, -1):
            axis = short_pounds(top) if row == height else ""
            axis = short_pounds(top // 2) if row == (height + 1) // 2 and height > 3 else axis
            out.append(f"{axis:>{AXIS - 1}} ")
            for _, budget, spent in months:
                out.append(bar_cell(budget, top, row, height) * bar, styles["budget"])
                style = styles["over"] if spent > budget else styles["spent"]
                out.append(bar_cell(spent, top, row, height) * bar, style)
                out.append(" ")
            out.append("\n")
        slot = 2 * bar + 1
        out.append(" " * AXIS + "".join(f"{label[:3]:<{slot}}" for label, _, _ in months) + "\n")
        out.append(" " * AXIS)
        out.append("██", styles["budget"])
        out.append(" budget  ")
        out.append("██", styles["spent"])
        out.append(" spent  ")
        out.append("██", styles["over"])
        out.append(" over budget")
        return out
