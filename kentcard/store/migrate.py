"""Bring a database to the current schema at start-up, safely.

Before any migration of a database that already holds data, a copy is taken with
`VACUUM INTO` (never a file copy of a live WAL database). A database written by a
newer kentcard is refused rather than guessed at.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from kentcard.core.errors import KentcardError
from kentcard.store.backup import vacuum_into
from kentcard.store.engine import INSUFFICIENT_PRIVILEGE, sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


class SchemaTooNewError(KentcardError):
    """The database was written by a newer version of kentcard."""


def alembic_config(migrations: Path = MIGRATIONS) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(
    engine: Engine, backup_dir: Path | None = None, migrations: Path = MIGRATIONS
) -> Path | None:
    """Migrate to head. Returns the path of the pre-migration backup, if one was taken.

    `migrations` is only ever changed by tests that prove a failing step rolls back.
    """
    if migrations == MIGRATIONS and _stamped(engine) == head_from_files(migrations):
        return None  # already current: start-up need not load alembic at all
    try:
        return _upgrade(engine, backup_dir, migrations)
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
            raise NotOwnerError(
                "this database needs setting up or upgrading for this version of kentcard, "
                "which only its owner can do; ask them to run `kentcard org init` once"
            ) from None
        raise


class NotOwnerError(KentcardError):
    """The schema needs a change that only the database's owner may make."""


def _upgrade(engine: Engine, backup_dir: Path | None, migrations: Path) -> Path | None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(migrations))
    with engine.connect() as connection:
        current = current_revision(connection)
        connection.rollback()
    if current == script.get_current_head():
        return None
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise SchemaTooNewError(
            "this database was written by a newer version of kentcard; "
            "install that version (or newer) to open it"
        )
    backup = _backup_before(engine, current, backup_dir) if current is not None else None
    _run_upgrade(engine, migrations)
    return backup


_REVISION = re.compile(r"^(down_revision|revision)\b[^=]*=\s*['\"]?([\w]+)['\"]?", re.M)


def head_from_files(migrations: Path = MIGRATIONS) -> str | None:
    """The head revision read from the version files' own lines, without importing alembic.

    The one revision no other names as its `down_revision`; None if that is not clear-cut
    (then the caller asks alembic, which is always right).
    """
    revisions: set[str] = set()
    parents: set[str | None] = set()
    for script in (migrations / "versions").glob("*.py"):
        text = script.read_text(encoding="utf-8")
        found = {m.group(1): m.group(2) for m in _REVISION.finditer(text)}
        if "revision" not in found:
            return None
        revisions.add(found["revision"])
        parents.add(found.get("down_revision"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stamped(engine: Engine) -> str | None:
    """The revision written in the database, or None (no table yet, or unreadable)."""
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
            connection.rollback()
    except DBAPIError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def _run_upgrade(engine: Engine, migrations: Path) -> None:
    from alembic import command

    config = alembic_config(migrations)
    writer = engine.execution_options(kentcard_write=True)
    with writer.connect() as connection:
        # PRAGMAs go straight to the driver: inside a transaction they do nothing.
        raw = (
            connection.connection.driver_connection if connection.dialect.name == "sqlite" else None
        )
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            config.attributes["connection"] = connection
            # One transaction around every step: alembic joins it, so a failure anywhere,
            # or a broken reference found at the end, rolls the whole upgrade back.
            with connection.begin():
                command.upgrade(config, "head")
                if (
                    raw is not None
                    and connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                ):
                    raise KentcardError("the upgraded database fails its foreign-key check")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def _backup_before(engine: Engine, revision: str, backup_dir: Path | None) -> Path | None:
    path = sqlite_path(str(engine.url))
    if path is None:
        return None
    folder = backup_dir or path.parent / "backups"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{path.stem}-before-upgrade-{revision}-{stamp}.sqlite3"
    raw = engine.raw_connection()
    try:
        # A consistent snapshot (WAL included), written beside as `.partial` and renamed
        # only when whole: a full disk never leaves a half copy that looks like a backup.
        vacuum_into(raw.driver_connection, target)  # type: ignore[arg-type]
    finally:
        raw.close()
    return target
