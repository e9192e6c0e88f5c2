"""Every use of Textual's private API, in one place.

Textual offers no public way to do these few things, so they are done here and nowhere
else in the app. `tests/tui/test_textual_private.py` checks each name this module relies on
against the installed Textual, and fails with the name when an upgrade changes one; another
test fails if a private Textual name is used anywhere else in `kentcard/tui`.

What is here, and why:

- `CrashHandlingApp`: Textual's crash handler prints a traceback with local variables (which
  hold personal data). `App._fatal_error` is the only hook for an unhandled exception, and
  `App._exception` the only place the exception is kept.
- `mark_styles_current`: a new screen is counted as out of date with the stylesheet, and
  restyled in full on its first showing, unless its `_css_update_count` is the app's.
- `FooterKey`: the footer's key widget, which Textual exports only from `textual.widgets._footer`.
- `MeasuringDataTable`: DataTable re-measures rows only when they are added, and keeps lines
  drawn before a row was measured; no public method measures again or forgets them.
- `ListingDirectoryTree`: DirectoryTree says nothing when a folder's listing is in.
- `GutterSelectionList`: the width SelectionList keeps for its own tick box.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Generic, TypeVar

from rich.console import RenderableType
from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable, DirectoryTree, SelectionList
from textual.widgets._footer import FooterKey
from textual.widgets.data_table import RowKey
from textual.widgets.directory_tree import DirEntry
from textual.widgets.tree import TreeNode

__all__ = [
    "CrashHandlingApp",
    "FooterKey",
    "GutterSelectionList",
    "ListingDirectoryTree",
    "MeasuringDataTable",
    "mark_styles_current",
]

ReturnT = TypeVar("ReturnT")
ValueT = TypeVar("ValueT")


class CrashHandlingApp(App[ReturnT], Generic[ReturnT]):
    """An app that decides what is printed when a bug stops it (`crash_message`)."""

    def crash_message(self, error: BaseException | None) -> RenderableType:
        """What to print on the way out after an unhandled exception `error`."""
        raise NotImplementedError

    def _fatal_error(self) -> None:
        # Textual calls this from `App._handle_exception`, with the first unhandled
        # exception kept in `_exception`; its own version prints a traceback with locals.
        self.bell()
        self.panic(self.crash_message(self._exception))


def mark_styles_current(screen: Screen[ReturnT]) -> None:
    """Count a screen just made as styled by the stylesheet as it stands (see `Section`)."""
    screen._css_update_count = screen.app._css_update_count


class MeasuringDataTable(DataTable[object]):
    """A DataTable that can measure its rows again, and says when rows have been measured."""

    def measure_rows_again(self) -> None:
        """Measure every row again at the next idle moment (after a column's width changed)."""
        self._new_rows.update(self.rows)
        self._require_update_dimensions = True

    def forget_drawn_lines(self) -> None:
        """Drop the lines drawn so far, so the next refresh draws them afresh."""
        self._clear_caches()

    def rows_measured(self) -> None:
        """Hook: new rows have just been measured."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        self.rows_measured()


class ListingDirectoryTree(DirectoryTree):
    """A DirectoryTree that says when a folder's contents have been listed."""

    def folder_listed(self, node: TreeNode[DirEntry]) -> None:
        """Hook: `node`'s children have just been added."""

    def _populate_node(self, node: TreeNode[DirEntry], content: Iterable[Path]) -> None:
        super()._populate_node(node, content)
        self.folder_listed(node)


class GutterSelectionList(SelectionList[ValueT], Generic[ValueT]):
    """A SelectionList whose left gutter (where its tick box goes) is `GUTTER` cells wide."""

    GUTTER = 2

    def _get_left_gutter_width(self) -> int:
        return self.GUTTER
