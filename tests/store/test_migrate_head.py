"""Start-up reads the head revision from the version files; it must agree with alembic."""

from __future__ import annotations

import shutil
from pathlib import Path

from kentcard.store.migrate import MIGRATIONS, head_from_files, head_revision


def test_head_from_files_is_alembics_head() -> None:
    """The quick reading of the version files names the same head as alembic's own."""
    assert head_from_files() == head_revision()


def test_head_from_files_gives_up_on_two_heads(tmp_path: Path) -> None:
    """With two branches (or none) it returns None, so start-up falls back to alembic."""
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, copy)
    branch = copy / "versions" / "9999_branch.py"
    branch.write_text("revision: str = '9999'\ndown_revision: str | None = '0001'\n")
    assert head_from_files(copy) is None
    assert head_from_files(tmp_path / "nowhere") is None
