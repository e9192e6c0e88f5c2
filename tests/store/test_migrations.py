"""The schema comes from migrations, matches the models, and upgrades safely."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import kentcard.store.employment_models  # noqa: F401  (its tables join the metadata)
from kentcard.store.engine import make_engine, url_for
from kentcard.store.migrate import SchemaTooNewError, _backup_before, head_revision, upgrade
from kentcard.store.models import metadata


def test_migrated_schema_equals_models(tmp_path: Path) -> None:
    """Autogenerate finds no difference between the migrated database and the models."""
    engine = make_engine(url_for(tmp_path / "k.sqlite3"))
    upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), metadata
        )
    engine.dispose()
    assert diff == []


def test_upgrade_is_recorded_and_idempotent(tmp_path: Path) -> None:
    """After an upgrade the database is at head; a second upgrade does nothing, backs up nothing."""
    engine = make_engine(url_for(tmp_path / "k.sqlite3"))
    assert upgrade(engine) is None
    assert upgrade(engine) is None
    engine.dispose()
    with sqlite3.connect(tmp_path / "k.sqlite3") as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )
    assert not (tmp_path / "backups").exists()


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    """An unknown (newer) schema revision is refused, and the file is left untouched."""
    path = tmp_path / "k.sqlite3"
    engine = make_engine(url_for(path))
    upgrade(engine)
    engine.dispose()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    engine = make_engine(url_for(path))
    with pytest.raises(SchemaTooNewError, match="newer version"):
        upgrade(engine)
    engine.dispose()
    assert path.read_bytes() == before


def test_pre_upgrade_backup_is_a_private_consistent_copy(tmp_path: Path) -> None:
    """The copy taken before a migration holds committed rows still in the WAL, mode 0600."""
    path = tmp_path / "k.sqlite3"
    engine = make_engine(url_for(path))
    upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO recipient (name, retained_weeks, created_at) VALUES ('A', 8, 'now')"
        )
    backup = _backup_before(engine, "0001", None)
    engine.dispose()
    assert backup is not None and backup.parent == tmp_path / "backups"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT name FROM recipient").fetchall() == [("A",)]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_pre_upgrade_backup_leaves_an_existing_folder_as_it_was(tmp_path: Path) -> None:
    """A backup folder that was already there keeps its mode; the copy is still 0600 and no
    `.partial` file is left beside it."""
    path = tmp_path / "k.sqlite3"
    engine = make_engine(url_for(path))
    upgrade(engine)
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    backup = _backup_before(engine, "0001", shared)
    engine.dispose()
    assert backup is not None and backup.parent == shared
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [p.name for p in shared.iterdir()] == [backup.name]
