"""Opening a database for use: settings → engine → current schema → start-up backup → context.

The command line, the app and the tests all open a database here; nothing connects at
import time.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from kentcard.export.scratch import clean_leftovers
from kentcard.services.context import Context
from kentcard.services.maintenance import AutomaticBackupError, rotate_daily
from kentcard.services.settings import Settings
from kentcard.store.engine import (
    Database,
    StorageError,
    is_read_only,
    make_engine,
    sqlite_path,
    url_for,
)
from kentcard.store.migrate import (
    SchemaTooNewError,
    alembic_config,
    current_revision,
    head_revision,
    upgrade,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine


def say_on_stderr(message: str) -> None:
    print(f"kentcard: warning: {message}", file=sys.stderr, flush=True)


def open_context(settings: Settings, warn: Callable[[str], None] = say_on_stderr) -> Context:
    """Open (creating if needed) the database, bring it to the current schema, and wrap it.

    The start-up backup is a safety net, not the task: when it cannot be made (a full
    disk), `warn` is told why in one line and the database opens all the same.
    """
    engine = make_engine(url_for(settings.db), settings.password_prompt)
    try:
        if is_read_only(engine):
            _check_readable(engine)  # nothing can be upgraded or backed up here
            return Context(db=Database(engine), clock=settings.clock)
        upgrade(engine)
        clean_leftovers(sqlite_path(url_for(settings.db)))  # of an export killed half-way
        if settings.keep_daily > 0:
            try:
                rotate_daily(
                    url_for(settings.db),
                    settings.clock(),
                    settings.keep_daily,
                    settings.keep_weekly,
                )
            except AutomaticBackupError as error:
                warn(str(error))
    except BaseException:
        engine.dispose()
        raise
    return Context(db=Database(engine), clock=settings.clock)


def _check_readable(engine: Engine) -> None:
    """A read-only database is used only when it is already at this version's schema."""
    with engine.connect() as connection:
        found = current_revision(connection)
        connection.rollback()
    if found == head_revision():
        return
    if found is None:
        raise StorageError(
            "the database has not been set up yet and cannot be written here, "
            "so it cannot be set up"
        )
    from alembic.script import ScriptDirectory

    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if found not in known:
        raise SchemaTooNewError(
            "this database was written by a newer version of kentcard; "
            "install that version (or newer) to open it"
        )
    raise StorageError(
        "this database was made by an older version of kentcard and must be upgraded by "
        "someone who can write to it (its file and its folder); it was not changed"
    )
