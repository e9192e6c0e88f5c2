"""The app's DataTable: one column may take the width the others leave, wrapping its text.

Textual's DataTable sizes each column to its widest cell, so one long text (a review
finding's detail) pushes the columns after it off the right edge. A flexible column gets
what the fixed-width columns leave (at least `minimum` cells); rows added with
`height=None` wrap their text in it, and are measured again when the table is resized.
"""

from __future__ import annotations

from textual import events
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey


class Table(DataTable[object]):
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
            self._new_rows.update(self.rows)
            self._require_update_dimensions = True
            self.refresh()

    def _on_resize(self, _event: events.Resize) -> None:
        self._fit()
