"""Folders: the app makes its own private whatever the umask, and never changes anyone else's."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kentcard.services.maintenance import rotate_daily
from kentcard.store.engine import make_engine, url_for
from kentcard.store.migrate import upgrade
from tests.test_cli import run, setup_person  # noqa: F401  (the CLI fixture and its one account)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Run the test under `umask 000`, the worst a person's shell can set."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_backup_out_leaves_an_existing_folder_as_it_was(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """`backup --out` into a shared folder (sticky, like /tmp) does not change that folder."""
    setup_person(run)
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    mine = tmp_path / "mine"
    mine.mkdir()
    os.chmod(mine, 0o755)
    for folder in (shared, mine):
        result = run("backup", "--out", str(folder / "copy.sqlite3"))
        assert result.exit_code == 0, result.stderr
        assert mode(folder / "copy.sqlite3") == 0o600
    assert mode(shared) == 0o1777
    assert mode(mine) == 0o755


def test_backup_out_makes_each_missing_folder_private(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Every folder level `backup --out` has to create is 0700, not only the last one."""
    setup_person(run)
    target = tmp_path / "new" / "deeper" / "copy.sqlite3"
    result = run("backup", "--out", str(target))
    assert result.exit_code == 0, result.stderr
    assert mode(tmp_path / "new") == 0o700
    assert mode(tmp_path / "new" / "deeper") == 0o700
    assert mode(target) == 0o600


def test_every_folder_the_app_makes_is_private_under_umask_000(
    run,  # type: ignore[no-untyped-def]  # noqa: F811
    any_db: str,
    tmp_path: Path,
    open_umask: None,
) -> None:
    """Under `umask 000` the database folder, backups/, daily/ and weekly/ are all 0700.

    On PostgreSQL (no file of its own, no start-up copies) the folders `backup` makes
    under the current folder, db/ and db/backups/, are 0700 and the dump and its manifest 0600.
    """
    db = tmp_path / "db" / "k.sqlite3"  # the `run` fixture's database, in a folder not made yet
    setup_person(run)
    if "://" in any_db:
        made = run("backup")
        assert made.exit_code == 0, made.stderr
        assert mode(tmp_path / "db") == 0o700
        assert mode(tmp_path / "db" / "backups") == 0o700
        written = list((tmp_path / "db" / "backups").iterdir())
        assert len(written) == 2, written
        for copy in written:
            assert mode(copy) == 0o600
        return
    assert mode(db.parent) == 0o700
    assert mode(db) == 0o600
    backups = db.parent / "backups"
    assert mode(backups) == 0o700
    assert mode(backups / "daily") == 0o700
    assert mode(backups / "weekly") == 0o700
    for copy in (backups / "daily").iterdir():
        assert mode(copy) == 0o600
    made = run("backup")
    assert made.exit_code == 0, made.stderr
    for copy in backups.glob("*.sqlite3*"):
        assert mode(copy) == 0o600


def test_nested_new_database_folders_are_private_under_umask_000(
    tmp_path: Path, open_umask: None
) -> None:
    """A database some new folders deep: each level made is 0700; the one already there is not."""
    os.chmod(tmp_path, 0o755)
    path = tmp_path / "a" / "b" / "k.sqlite3"
    engine = make_engine(url_for(path))
    upgrade(engine)
    engine.dispose()
    assert mode(tmp_path / "a") == 0o700
    assert mode(tmp_path / "a" / "b") == 0o700
    assert mode(path) == 0o600
    assert mode(tmp_path) == 0o755


def test_rotation_folders_are_private_under_umask_000(tmp_path: Path, open_umask: None) -> None:
    """The start-up backup's folders are made 0700 at every level, whatever the umask."""
    from kentcard.services import recipients
    from kentcard.services.opening import open_context
    from kentcard.services.settings import Settings

    db = tmp_path / "k.sqlite3"
    ctx = open_context(Settings(db=str(db), exports=tmp_path / "exports", keep_daily=0))
    recipients.setup_recipient(ctx, name="Ann")
    ctx.db.dispose()
    assert rotate_daily(url_for(db), date(2026, 1, 5)) is not None
    for folder in ("backups", "backups/daily", "backups/weekly"):
        assert mode(tmp_path / folder) == 0o700, folder
