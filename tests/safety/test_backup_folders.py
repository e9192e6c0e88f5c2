"""Folders: the app makes its own private whatever the umask, and never changes anyone else's."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.test_cli import run, setup_person  # noqa: F401  (the CLI fixture and its one account)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


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
