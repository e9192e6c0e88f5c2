"""The app's DataTable: one column may take the width the others leave, wrapping its text.

Textual's DataTable sizes each column to its widest cell, so one long text (a review
finding's detail) pushes the columns after it off the right edge. A flexible column gets
what the fixed-width columns leave (at least `minimum` cells); rows added with
`height=None` wrap their text in it, and are measured again when the table is resized.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets.data_table import ColumnKey

from kentcard.tui.textual_private import MeasuringDataTable


class Table(MeasuringDataTable):
    flexible: ColumnKey | None = None
    minimum = 20

    def flex(self, key: str, minimum: int = 20) -> None:
        """Let column `key` take the width the others leave (give those a fixed width)."""
        self.flexible, self.minimum = ColumnKey(key), minimum
        self._fit()

    def flexible_width(self) -> int:
        """The width the flexible column's text gets at the table's current size."""
        others = sum(
            column.get_render_width(self)
            for key, column in self.columns.items()
            if key != self.flexible
        )
        spare = self.size.width - self.styles.scrollbar_size_vertical - others
        return max(self.minimum, spare - 2 * self.cell_padding)

    def _fit(self) -> None:
        column = None if self.flexible is None else self.columns.get(self.flexible)
        if column is None or not self.size.width:
            return
        width = self.flexible_width()
        if (column.auto_width, column.width) != (False, width):
            column.auto_width, column.width = False, width
            # Wrapped rows were measured at the old width: measure every row again.
            self.measure_rows_again()
            self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        self._fit()

    def rows_measured(self) -> None:
        """New rows were measured: forget lines drawn before they were.

        A page drawn between adding its rows and the next idle moment (when DataTable
        measures them) was cached at the old column widths, and stayed cut off
        ("receip" for "receipt") until something else cleared the cache.
        """
        self.forget_drawn_lines()
        self.refresh()


class PagedTable(Table):
    """The table of a section that shows a long list a page at a time.

    Ctrl+Home and Ctrl+End (and Home and End) go to the first row of the whole list and
    the last row of the whole list, fetching the first or the last page when another page
    is showing; DataTable's own keys only reached the ends of the page on screen. The help
    lists them, and the line under a long table names End (the footer is full at 100
    columns already).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+home,home", "scroll_top", "First", show=False, key_display="Home"),
        Binding("ctrl+end,end", "scroll_bottom", "Last", show=False, key_display="End"),
    ]

    class Jump(Message):
        """Go to the first row of the first page (`last=False`) or the last of the last."""

        def __init__(self, last: bool) -> None:
            super().__init__()
            self.last = last

    def action_scroll_top(self) -> None:
        self.post_message(self.Jump(last=False))

    def action_scroll_bottom(self) -> None:
        self.post_message(self.Jump(last=True))
