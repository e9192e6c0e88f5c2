"""What every section shares: the section bar, the footer, and calm worker errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Input
from textual.worker import Worker, WorkerState

from kentcard.core.records import Recipient
from kentcard.services.context import Context
from kentcard.tui.running import kentcard_app, the_recipient
from kentcard.tui.textual_private import mark_styles_current
from kentcard.tui.widgets.footer import KeyFooter
from kentcard.tui.widgets.navbar import NavBar

if TYPE_CHECKING:
    from kentcard.tui.app import KentcardApp


class Section(Screen[None]):
    """A top-level section (a mode): header, section bar, its body, footer."""

    MODE = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave_field", "Leave the box", show=False, id="section.leave_field"),
    ]

    def __init__(self) -> None:
        super().__init__()
        # A section is made the first time it is shown, and its widgets take their styles
        # from the stylesheet as it stands when they mount. Textual would still count the new
        # screen as out of date and re-parse every stylesheet and restyle every screen (0.1-0.2 s
        # on each first visit); a later theme change still reaches it through the count.
        mark_styles_current(self)

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        yield from self.body()
        yield KeyFooter()

    def body(self) -> ComposeResult:
        yield from ()

    def action_leave_field(self) -> None:
        """Esc in a text box: out of the box, to the section's main list (or nowhere), so
        the number keys move between sections again. Esc closes nothing here."""
        if not isinstance(self.focused, Input):
            raise SkipAction()
        main = [
            widget
            for widget in self.query(self.AUTO_FOCUS or "*")
            if widget.focusable and not isinstance(widget, Input)
        ]
        self.set_focus(main[0] if main else None)

    @property
    def kapp(self) -> KentcardApp:
        return kentcard_app(self)

    @property
    def ctx(self) -> Context:
        return self.kapp.ctx

    @property
    def recipient(self) -> Recipient:
        """Whose account the sections show (known before any section opens)."""
        return the_recipient(self.kapp)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.kapp.report_error(event.worker.error)
