"""Migration 0003: statement lines unique by person, date, fingerprint and occurrence."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kentcard.store.engine import make_engine, url_for
from kentcard.store.migrate import upgrade

FIXTURES = Path(__file__).parent.parent / "fixtures"


# What a line is; its fingerprint and occurrence are worked out again by migration 0004.
LINE = "SELECT id, recipient_id, batch_id, date, amount_pence, description, payee,"
LINE += " balance_pence, state, money_in_id, money_out_id FROM statement_line ORDER BY id"


def _upgraded_0002(tmp_path: Path) -> tuple[Path, list[tuple[object, ...]], int]:
    path = tmp_path / "k.sqlite3"
    shutil.copy(FIXTURES / "schema-0002.sqlite3", path)
    with closing(sqlite3.connect(path)) as raw:
        lines = raw.execute(LINE).fetchall()
        (sequence,) = raw.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'statement_line'"
        ).fetchone()
    engine = make_engine(url_for(path))
    upgrade(engine, backup_dir=tmp_path / "backups")
    engine.dispose()
    return path, lines, sequence


def test_upgrade_keeps_every_line_and_never_reuses_an_id(tmp_path: Path) -> None:
    """The rebuilt table holds the same lines, keeps AUTOINCREMENT and its sequence."""
    path, lines, sequence = _upgraded_0002(tmp_path)
    assert lines, "the fixture must hold statement lines"
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute(LINE).fetchall() == lines
        (sql,) = raw.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'statement_line'"
        ).fetchone()
        assert "AUTOINCREMENT" in sql
        assert "UNIQUE (recipient_id, date, fingerprint, occurrence)" in sql
        (after,) = raw.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'statement_line'"
        ).fetchone()
        assert after >= sequence
        indexes = {r[1] for r in raw.execute("PRAGMA index_list(statement_line)")}
        assert {
            "ix_statement_line_batch_id",
            "ix_statement_line_money_in_id",
            "ix_statement_line_money_out_id",
            "ix_statement_line_recipient_date",
        } <= indexes


def test_a_line_stored_twice_is_still_refused(tmp_path: Path) -> None:
    """The same person, date, fingerprint and occurrence cannot be stored a second time."""
    path, _, _ = _upgraded_0002(tmp_path)
    with closing(sqlite3.connect(path)) as raw:
        columns = "recipient_id, batch_id, fingerprint, occurrence, date, amount_pence"
        columns += ", description, state"
        copy = f"INSERT INTO statement_line ({columns}) SELECT {columns} FROM statement_line"
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            raw.execute(copy + " LIMIT 1")
