"""The kentcard terminal app: sections as modes, data from services in thread workers."""

from __future__ import annotations

import os
from concurrent.futures import Future
from typing import TYPE_CHECKING, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import ModalScreen
from textual.worker import Worker, WorkerState

from kentcard.core.errors import KentcardError
from kentcard.core.records import Recipient
from kentcard.services.context import Context
from kentcard.services.recipients import list_recipients, staff_login
from kentcard.services.settings import Settings
from kentcard.tui.commands import KentcardCommands
from kentcard.tui.messages import RecipientFound
from kentcard.tui.prefs import load_prefs, save_prefs
from kentcard.tui.screens import SCREENS
from kentcard.tui.textual_private import CrashHandlingApp
from kentcard.tui.themes import STANDARD, THEMES
from kentcard.tui.widgets.focus import highlight_first

if TYPE_CHECKING:
    from kentcard.core.dates import Month
    from kentcard.tui.screens.dashboard import Overview


def plain_error(error: BaseException | None) -> str:
    """One calm line for the person: our own errors say what to fix; others never show data."""
    if isinstance(error, KentcardError):
        return str(error)
    name = type(error).__name__ if error else "unknown"
    return f"Something went wrong ({name}). Nothing was changed and your data is safe."


class KentcardApp(CrashHandlingApp[None]):
    CSS_PATH = "app.tcss"
    TITLE = "kentcard"
    MODES = SCREENS
    COMMANDS = App.COMMANDS | {KentcardCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "go('dashboard')", "Home", show=False, id="go.dashboard"),
        Binding("2", "go('money_in')", "Money in", show=False, id="go.money_in"),
        Binding("3", "go('money_out')", "Money out", show=False, id="go.money_out"),
        Binding("4", "go('invoices')", "Invoices", show=False, id="go.invoices"),
        Binding("5", "go('providers')", "Providers", show=False, id="go.providers"),
        Binding("6", "go('evidence')", "Evidence", show=False, id="go.evidence"),
        Binding("7", "go('review')", "Review", show=False, id="go.review"),
        Binding("8", "go('reconcile')", "Reconcile", show=False, id="go.reconcile"),
        Binding("9", "go('export')", "Export", show=False, id="go.export"),
        Binding("0", "go('plan')", "Plan and person", show=False, id="go.plan"),
        # The key after 0 on the top row: the numbers are all taken, and each letter is
        # some section's own key.
        Binding("minus", "go('employment')", "Employing a PA", show=False, id="go.employment"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("f2", "settings", "Settings", id="app.settings"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, settings: Settings, ctx: Context) -> None:
        super().__init__()
        self.settings = settings
        self.ctx = ctx
        self.recipient: Recipient | None = None
        self.read_ahead: tuple[Month, Future[Overview]] | None = None
        for theme in THEMES:
            self.register_theme(theme)
        chosen = load_prefs(settings).get("theme")
        self.theme = chosen if chosen in self.available_themes else STANDARD.name

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.find_recipient()

    @work(thread=True, exit_on_error=False, group="start")
    def find_recipient(self) -> None:
        self.post_message(RecipientFound(list_recipients(self.ctx), staff_login(self.ctx)))

    def on_recipient_found(self, message: RecipientFound) -> None:
        from kentcard.tui.screens.setup import PersonDialog, SetupForm

        if message.login is not None:  # a member of staff on an organisation's database
            self.title = f"kentcard · {message.login}"
        if not message.recipients:
            self.push_screen(SetupForm(), self._start)
        elif len(message.recipients) == 1:
            self._start(message.recipients[0])
        else:
            self.push_screen(PersonDialog(message.recipients), self._start)

    def _start(self, recipient: Recipient | None) -> None:
        if recipient is None:
            # Esc on the first screen: ask, rather than close without a word.
            from kentcard.tui.widgets.dialogs import ConfirmDialog

            question = "Close kentcard? Nothing has been saved yet."

            def answered(close: bool | None) -> None:
                if close:
                    self.exit()
                else:
                    self.find_recipient()

            self.push_screen(ConfirmDialog(question, yes="Yes, close"), answered)
            return
        self.recipient = recipient
        self.sub_title = recipient.name
        from kentcard.tui.screens.dashboard import read_ahead

        # Home's figures are read while its screen is built.
        self.read_ahead = read_ahead(self.ctx, recipient.id)
        self.switch_mode("dashboard")

    def take_read_ahead(self, month: Month) -> Future[Overview] | None:
        """The home screen's reading started at start-up, if it is for `month` (once only)."""
        ahead, self.read_ahead = self.read_ahead, None
        return ahead[1] if ahead is not None and ahead[0] == month else None

    async def action_go(self, mode: str, then: str | None = None) -> None:
        """Show a section (and optionally run one of its actions, e.g. `new`).

        A number key typed in a text box is typed there (the box takes it first); over a
        form or a question it does nothing, so nothing half-done is left behind; over
        Help it closes Help and goes.
        """
        from kentcard.tui.screens.help import HelpScreen

        if self.recipient is None:
            return
        if isinstance(self.screen, HelpScreen):
            await self.pop_screen()
        elif isinstance(self.screen, ModalScreen) and not isinstance(self.screen, CommandPalette):
            return
        await self.switch_mode(mode)
        if then:
            await self.screen.run_action(then)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A list or table that gets focus highlights its first row: Enter acts on it."""
        highlight_first(event.widget)

    def action_help(self) -> None:
        from kentcard.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_settings(self) -> None:
        from kentcard.tui.screens.settings import SettingsDialog

        if not isinstance(self.screen, SettingsDialog):
            self.push_screen(SettingsDialog())

    async def action_quit(self) -> None:
        """Ctrl+Q or q: a form with something typed in it asks before it is thrown away."""
        ask = getattr(self.screen, "ask_before_quitting", None)
        if ask is None or not ask():
            await super().action_quit()

    def _remember_theme(self, _theme: object) -> None:
        try:
            save_prefs(self.settings, {**load_prefs(self.settings), "theme": self.theme})
        except OSError as error:
            self.notify(f"Could not remember the theme ({error.strerror}).", severity="warning")

    def report_error(self, error: BaseException | None) -> None:
        self.notify(plain_error(error), title="Not done", severity="error", timeout=8)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.report_error(event.worker.error)

    def crash_message(self, error: BaseException | None) -> RenderableType:
        """What a bug prints on the way out: never Textual's traceback, whose local variables
        hold personal data; with KENTCARD_DEBUG set, a traceback without them."""
        if os.environ.get("KENTCARD_DEBUG"):
            from rich.traceback import Traceback

            return Traceback(show_locals=False)
        return Text(
            f"kentcard stopped: {plain_error(error)} Everything saved before "
            "this is kept. Set KENTCARD_DEBUG=1 to see the details (no personal data)."
        )
