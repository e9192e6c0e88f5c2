"""A DataTable that redraws its cells after it re-measures its columns.

Textual 8.2.8 measures new rows when idle but keeps cells already drawn at the old column
width, so a table filled after its first paint shows "202" for "2026-11-25".
"""

from __future__ import annotations

from textual import events
from textual.widgets import DataTable


class Table(DataTable[object]):
    async def _on_idle(self, event: events.Idle) -> None:
        remeasure = self._require_update_dimensions or bool(self._updated_cells)
        await super()._on_idle(event)
        if remeasure:
            self._clear_caches()
            self.refresh()
