"""A section that is one big table: filter, sort, page, add, edit, delete.

Only one page of rows is ever in the widget; the database does the filtering, sorting and
counting, so 100,000 records open as fast as 100.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import AwaitMount
from textual.widgets import DataTable, Input, Select, Static

from kentcard.core.dates import parse_month
from kentcard.core.errors import InputError
from kentcard.services import undo
from kentcard.services.browse import Filters, Page
from kentcard.tui.messages import ChoicesLoaded, PageLoaded, RecordDeleted
from kentcard.tui.screens.base import Section
from kentcard.tui.widgets.dialogs import ConfirmDialog, NoticeDialog
from kentcard.tui.widgets.form import FormDialog, show_error
from kentcard.tui.widgets.table import PagedTable

PAGE_SIZE = 100
RowT = TypeVar("RowT")  # what one row of a section is (a MoneyIn, a Payment, an Evidence)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort: str | None = None
    right: bool = False


def cell(value: object, right: bool = False) -> Text:
    return Text("" if value is None else str(value), justify="right" if right else "left")


class TableScreen(Section, Generic[RowT]):
    """A section listing records of one type, `RowT`: each hook below is given one."""

    AUTO_FOCUS = "#table"  # the table, not the search box first (its blur restyles it)
    COLUMNS: ClassVar[list[Column]] = []
    CHOICE_LABEL = "category"
    SORT: ClassVar[tuple[str, bool]] = ("date", True)
    DATED = True  # False: the records have no date to filter by, so no Month box
    FLEX: str | None = None  # a column that wraps in the width the others leave
    HELP = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding runs before the next key is read (see action_new).
        Binding("n", "new", "Add", id="table.new", priority=True),
        Binding("enter", "edit", "Edit", show=False, id="table.edit"),
        Binding("d,delete", "delete", "Delete", id="table.delete"),
        Binding("u", "undo", "Undo delete", id="table.undo"),
        Binding("slash", "search", "Search", id="table.search"),
        Binding("s", "sort", "Sort", id="table.sort"),
        Binding("r", "reverse", "Reverse", show=False, id="table.reverse"),
        Binding("greater_than_sign", "page(1)", "Next page", show=False, id="table.next"),
        Binding("less_than_sign", "page(-1)", "Prev page", show=False, id="table.prev"),
        Binding("escape", "clear", "Clear filters", show=False, id="table.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = Filters(sort=self.SORT[0], descending=self.SORT[1])
        self.first_row = 0
        self.total = 0
        self.items: list[RowT] = []
        self.request = 0
        self.cursor_to: str | None = None  # "first" or "last" once the page asked for loads
        self.choices_asked = False
        self.removed: tuple[str, undo.Removed] | None = None  # the last deletion, to undo

    def body(self) -> ComposeResult:
        yield Static(self.HELP, classes="section-help")
        with Horizontal(id="filters"):
            yield Input(placeholder="Search (/)", id="filter-text")
            if self.DATED:
                yield Input(placeholder="Month YYYY-MM", id="filter-month")
            yield Select([], prompt=f"Any {self.CHOICE_LABEL}", id="filter-choice")
        yield Static("", id="filter-error", classes="field-error")
        yield PagedTable(id="table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="page-info")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in self.COLUMNS:
            table.add_column(self._header(column), key=column.key)
        if self.FLEX:
            # The long column wraps in what the others leave, so none is pushed off screen.
            self.query_one(PagedTable).flex(self.FLEX, minimum=24)

    def on_screen_resume(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    # -- hooks for each section ------------------------------------------------------------
    def fetch(self, filters: Filters, offset: int | None, limit: int) -> Page[RowT]:
        """One page from `offset`, or the last page when `offset` is None."""
        raise NotImplementedError

    def cells(self, item: RowT) -> list[object]:
        raise NotImplementedError

    def choices(self) -> list[tuple[str, str]]:
        """Options for the third filter (runs in a worker)."""
        return []

    def form(self, item: RowT | None) -> FormDialog[object] | None:
        return None

    def delete(self, item: RowT) -> None:
        raise NotImplementedError

    def describe(self, item: RowT) -> str:
        return "this record"

    def undo_record(self, item: RowT) -> undo.Record | None:
        """The record a deletion of `item` removes, kept so that u can put it back (None:
        a deletion that cannot be undone)."""
        return None

    def cannot_delete(self, item: RowT) -> str | None:
        """Why `item` cannot be deleted, said before anyone is asked (runs in a worker)."""
        return None

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        self.cursor_to = None
        self.request += 1
        self.fetch_page(self.filters, self.first_row, self.request)

    @work(thread=True, exit_on_error=False, group="page", exclusive=True)
    def fetch_page(self, filters: Filters, offset: int | None, request: int) -> None:
        """Read the page from `offset` (None: the last page) and post it."""
        self.post_message(PageLoaded(self.fetch(filters, offset, PAGE_SIZE), request))

    @work(thread=True, exit_on_error=False, group="choices")
    def load_choices(self) -> None:
        self.post_message(ChoicesLoaded("filter", self.choices()))

    def on_choices_loaded(self, message: ChoicesLoaded) -> None:
        if message.name == "filter":
            self.query_one("#filter-choice", Select).set_options(message.options)

    def on_page_loaded(self, message: PageLoaded[RowT]) -> None:
        if message.request != self.request:
            return  # an older request finished after a newer one was made
        page = message.page
        self.items, self.total, self.first_row = list(page.items), page.total, page.offset
        table = self.query_one(DataTable)
        row = table.cursor_row
        if self.cursor_to is not None:
            row = 0 if self.cursor_to == "first" else len(self.items) - 1
            self.cursor_to = None
        table.clear()
        height = None if self.FLEX else 1  # None: measured, so wrapped text gets its lines
        for item in self.items:
            table.add_row(*self._row(item), height=height)
        if self.items:
            table.move_cursor(row=max(0, min(row, len(self.items) - 1)))
        self._show_headers()
        if self.FLEX:
            self._fit_columns()
        self._show_page_info()
        if not self.choices_asked:
            # The filter's choices are not needed to show the first page: read them after.
            self.choices_asked = True
            self.load_choices()

    def _fit_columns(self) -> None:
        """Size every other column to this page's widest cell, then give the flexible one
        what is left (it was worked out from the headers alone, before any row)."""
        table = self.query_one(PagedTable)
        rows = [self._row(item) for item in self.items]
        for n, column in enumerate(self.COLUMNS):
            if column.key == self.FLEX:
                continue
            widths = [self._header(column).cell_len, *(row[n].cell_len for row in rows)]
            shown = table.columns[column.key]  # type: ignore[index]
            shown.auto_width, shown.width = False, max(widths)
        assert self.FLEX is not None
        table.flex(self.FLEX, minimum=24)

    def _row(self, item: RowT) -> list[Text]:
        return [
            cell(value, column.right)
            for value, column in zip(self.cells(item), self.COLUMNS, strict=True)
        ]

    def _header(self, column: Column) -> Text:
        """A column's label with its sort arrow, or two spaces where the arrow goes.

        DataTable measures a label once, when the column is added; a label that grew later
        (the arrow) was cut to the old width ("Amount ▲" showed as "Amount "). Keeping room
        for the arrow from the start means changing it never needs a re-measure.
        """
        mark = "  " if column.sort else ""
        if column.sort and column.sort == self.filters.sort:
            mark = " ▼" if self.filters.descending else " ▲"
        return Text(column.label + mark, justify="right" if column.right else "left")

    def _show_headers(self) -> None:
        table = self.query_one(DataTable)
        for column in self.COLUMNS:
            table.columns[column.key].label = self._header(column)  # type: ignore[index]
        table.refresh()

    def _show_page_info(self) -> None:
        if not self.total:
            text = (
                "Nothing here yet. Press n to add one."
                if self._unfiltered()
                else "Nothing matches."
            )
        else:
            first, last = self.first_row + 1, self.first_row + len(self.items)
            text = f"Showing {first:,}–{last:,} of {self.total:,}"
            if self.total > PAGE_SIZE:
                text += "   ·   > next page   < previous   End last row"
        self.query_one("#page-info", Static).update(text)

    def _unfiltered(self) -> bool:
        return not self.filters.text and self.filters.month is None and self.filters.choice is None

    # -- filters, sort, pages ------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter-text":
            self._apply(replace(self.filters, text=event.value.strip()))
        elif event.input.id == "filter-month":
            error = self.query_one("#filter-error", Static)
            try:
                month = parse_month(event.value) if event.value.strip() else None
            except InputError as problem:
                show_error(error, f"Month {problem.reason}")
                event.input.add_class("-invalid")
                return
            show_error(error, None)
            event.input.remove_class("-invalid")
            self._apply(replace(self.filters, month=month))

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "filter-choice":
            value = None if event.value is Select.NULL else str(event.value)
            self._apply(replace(self.filters, choice=value))

    def _apply(self, filters: Filters) -> None:
        if filters != self.filters:
            self.filters, self.first_row = filters, 0
            self.reload()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = next(c for c in self.COLUMNS if c.key == event.column_key.value)
        if column.sort:
            same = column.sort == self.filters.sort
            descending = not self.filters.descending if same else False
            self._apply(replace(self.filters, sort=column.sort, descending=descending))

    def action_sort(self) -> None:
        sorts = [c.sort for c in self.COLUMNS if c.sort]
        following = sorts[(sorts.index(self.filters.sort) + 1) % len(sorts)] if sorts else None
        if following:
            self._apply(replace(self.filters, sort=following, descending=following == "date"))

    def action_reverse(self) -> None:
        self._apply(replace(self.filters, descending=not self.filters.descending))

    def on_paged_table_jump(self, message: PagedTable.Jump) -> None:
        """Home/End: the first row of the first page, the last row of the last page."""
        message.stop()
        if message.last:
            here = self.first_row + len(self.items) >= self.total
        else:
            here = self.first_row == 0
        if here:  # that end of the list is on screen already
            if self.items:
                row = len(self.items) - 1 if message.last else 0
                self.query_one(DataTable).move_cursor(row=row)
            return
        self.cursor_to = "last" if message.last else "first"
        self.request += 1
        self.fetch_page(self.filters, None if message.last else 0, self.request)

    def action_page(self, step: int) -> None:
        offset = self.first_row + step * PAGE_SIZE
        if 0 <= offset < self.total:
            self.first_row = offset
            self.reload()

    def action_search(self) -> None:
        self.query_one("#filter-text", Input).focus()

    def action_clear(self) -> None:
        for box in self.query("#filters Input").results(Input):
            box.value = ""
        self.query_one("#filter-choice", Select).clear()
        self.query_one(DataTable).focus()

    # -- add, edit, delete -----------------------------------------------------------------------
    @property
    def selected(self) -> RowT | None:
        row = self.query_one(DataTable).cursor_row
        return self.items[row] if self.items and 0 <= row < len(self.items) else None

    async def action_new(self) -> None:
        if isinstance(self.focused, Input):
            raise SkipAction()  # in a text box `n` is just a letter
        shown = self._open(self.form(None))
        if shown is not None:
            # Keys typed straight after `n` wait for this, then go into the form: before,
            # they reached the table behind it while the form was being built (a digit
            # there switches section), which is why scripts had to pause before typing.
            await shown

    def action_edit(self) -> None:
        if self.selected is not None:
            self._open(self.form(self.selected))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _open(self, dialog: FormDialog[object] | None) -> AwaitMount | None:
        """Show a form; returns what to await for it to be mounted, first box focused."""
        return None if dialog is None else self.app.push_screen(dialog, self.saved)

    def saved(self, record: object | None) -> None:
        if record is not None:
            self.notify("Saved.", timeout=3)
            self.reload()

    def action_delete(self) -> None:
        item = self.selected
        if item is None:
            return
        if type(self).cannot_delete is TableScreen.cannot_delete:
            self._ask_delete(item, None)
        else:
            self.check_delete(item)

    @work(thread=True, exit_on_error=False, group="delete")
    def check_delete(self, item: RowT) -> None:
        self.app.call_from_thread(self._ask_delete, item, self.cannot_delete(item))

    def _ask_delete(self, item: RowT, refusal: str | None) -> None:
        if refusal:
            self.app.push_screen(NoticeDialog(refusal))
            return
        question = (
            f"Delete {self.describe(item)}?\n"
            "The audit log keeps a record of what it was, and u puts it back."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_delete(item)

        self.app.push_screen(ConfirmDialog(question), answered)

    @work(thread=True, exit_on_error=False, group="delete")
    def run_delete(self, item: RowT) -> None:
        record = self.undo_record(item)
        kept = None if record is None else undo.before_delete(self.ctx, record)
        self.delete(item)
        description = self.describe(item)
        if kept is not None:
            self.removed = (description, kept)
        self.post_message(RecordDeleted(description))

    def on_record_deleted(self, message: RecordDeleted) -> None:
        again = "  Press u to undo." if self.removed is not None else ""
        self.notify(f"Deleted {message.description}.{again}", timeout=10)
        self.refresh_bindings()
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return self.removed is not None  # shown in the footer only after a delete
        return True

    def action_undo(self) -> None:
        if self.removed is not None:
            removed, self.removed = self.removed, None
            self.refresh_bindings()
            self.run_undo(*removed)

    @work(thread=True, exit_on_error=False, group="delete")
    def run_undo(self, description: str, removed: undo.Removed) -> None:
        undo.put_back(self.ctx, removed)
        self.app.call_from_thread(self._put_back, description)

    def _put_back(self, description: str) -> None:
        self.notify(f"Put back {description}.", timeout=6)
        self.reload()
