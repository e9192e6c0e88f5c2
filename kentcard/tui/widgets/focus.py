"""A list or table that gets focus has its first row highlighted, so Enter and Space act.

Textual's OptionList (and SelectionList) and ListView start with nothing highlighted, and
clearing their items forgets the highlight: Enter did nothing until ↓ was pressed once.
"""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import DataTable, ListView, OptionList


def highlight_first(widget: Widget) -> None:
    """Highlight the first row of `widget` if it is a list with nothing highlighted."""
    if isinstance(widget, OptionList):
        if widget.highlighted is None and widget.option_count:
            widget.action_first()  # the first row that can be chosen
    elif isinstance(widget, ListView):
        if widget.index is None and len(widget):
            widget.index = 0
    elif isinstance(widget, DataTable) and widget.row_count and widget.cursor_row < 0:
        widget.move_cursor(row=0)
