"""Migration 0004: lines imported before it are still recognised, by the new fingerprint."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

from kentcard.services.opening import open_context
from kentcard.services.settings import Settings
from kentcard.services.statement_import import import_statement
from tests.fixtures.make_fixture import STATEMENT

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_a_statement_imported_before_the_upgrade_adds_nothing_after(tmp_path: Path) -> None:
    """The fixture's statement, imported at revision 0003 (fingerprints with the running
    balance), imported again after the upgrade is all 'already imported'."""
    path = tmp_path / "k.sqlite3"
    shutil.copy(FIXTURES / "schema-0003.sqlite3", path)
    ctx = open_context(
        Settings(db=str(path), exports=tmp_path, keep_daily=0, clock=lambda: date(2026, 12, 5))
    )
    try:
        report = import_statement(ctx, 1, STATEMENT)
    finally:
        ctx.db.dispose()
    assert report.counts["already imported"] == 4
    assert report.total == 4
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("SELECT count(*) FROM statement_line").fetchone() == (4,)
