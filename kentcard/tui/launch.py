"""Starting the terminal app: open the settings' database and hand it to the app."""

from __future__ import annotations

from kentcard.services.context import Context
from kentcard.services.opening import open_context
from kentcard.services.settings import Settings
from kentcard.tui.app import KentcardApp


def make_app(settings: Settings, context: Context | None = None) -> KentcardApp:
    """The terminal app on the settings' database (or on `context`, as the tests give it)."""
    return KentcardApp(settings, context if context is not None else open_context(settings))


def run_app(settings: Settings) -> None:
    """Open the app on the database the settings name (the command line calls this)."""
    app = make_app(settings)
    try:
        app.run()
    finally:
        app.ctx.db.dispose()
