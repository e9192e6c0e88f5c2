"""Migration 0005: every payment gains an empty `evidence_note`; nothing else changes."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

from kentcard.core.money import Money
from kentcard.services import ledger
from kentcard.services.opening import open_context
from kentcard.services.settings import Settings
from kentcard.store.engine import make_engine, url_for
from kentcard.store.migrate import alembic_config, upgrade

FIXTURES = Path(__file__).parent.parent / "fixtures"
OLD_COLUMNS = (
    "id, recipient_id, date, amount_pence, payee, provider_id, category, description, "
    "reference, origin"
)


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as raw:
        return raw.execute(sql).fetchall()


def columns(path: Path) -> list[str]:
    return [row[1] for row in query(path, "PRAGMA table_info(money_out)")]


def payments(path: Path) -> list[tuple[Any, ...]]:
    return query(path, f"SELECT {OLD_COLUMNS} FROM money_out ORDER BY id")


def sequence(path: Path) -> list[tuple[Any, ...]]:
    return query(path, "SELECT seq FROM sqlite_sequence WHERE name = 'money_out'")


def at_0004(tmp_path: Path) -> Path:
    path = tmp_path / "db" / "k.sqlite3"
    path.parent.mkdir()
    shutil.copy(FIXTURES / "schema-0004.sqlite3", path)
    return path


def test_upgrade_from_0004_keeps_every_payment_and_adds_an_empty_note(tmp_path: Path) -> None:
    """The 0004 fixture's payments are the same after the upgrade, each with no note, and
    the table keeps AUTOINCREMENT: a new payment gets a new id, never a deleted one's."""
    path = at_0004(tmp_path)
    assert "evidence_note" not in columns(path)
    before, seq = payments(path), sequence(path)
    assert before, "the fixture must hold payments"
    engine = make_engine(url_for(path))
    upgrade(engine, backup_dir=tmp_path / "backups")
    engine.dispose()
    assert columns(path)[-1] == "evidence_note"
    assert payments(path) == before
    assert query(path, "SELECT count(*) FROM money_out WHERE evidence_note IS NOT NULL") == [(0,)]
    assert sequence(path) == seq
    assert (
        "AUTOINCREMENT"
        in query(path, "SELECT sql FROM sqlite_master WHERE name = 'money_out'")[0][0]
    )
    assert query(path, "PRAGMA foreign_key_check") == []


def test_the_upgraded_file_takes_an_explanation(tmp_path: Path) -> None:
    """After the upgrade, through the app: a payment is explained, and a new one is given an
    id after every id used before."""
    path = at_0004(tmp_path)
    [(last_id,)] = query(path, "SELECT max(id) FROM money_out")
    [(rid, shop)] = query(
        path,
        "SELECT recipient_id, id FROM money_out WHERE id NOT IN "
        "(SELECT money_out_id FROM document_link WHERE money_out_id IS NOT NULL) "
        "AND id NOT IN (SELECT money_out_id FROM allocation)",
    )
    ctx = open_context(
        Settings(db=str(path), exports=tmp_path, keep_daily=0, clock=lambda: date(2026, 12, 6))
    )
    try:
        explained = ledger.explain_missing_evidence(ctx, rid, shop, "The shop gives no receipts")
        added = ledger.add_money_out(
            ctx, rid, date=date(2026, 12, 1), amount=Money(100), payee="Shop"
        )
    finally:
        ctx.db.dispose()
    assert explained.evidence_note == "The shop gives no receipts"
    assert added.id > last_id and added.evidence_note is None


def downgrade(path: Path, revision: str) -> None:
    """Alembic's downgrade, run the way kentcard runs an upgrade (foreign keys off)."""
    from alembic import command

    engine = make_engine(url_for(path))
    config = alembic_config()
    with engine.execution_options(kentcard_write=True).connect() as connection:
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        config.attributes["connection"] = connection
        with connection.begin():
            command.downgrade(config, revision)
    engine.dispose()


def test_downgrade_to_0004_drops_only_the_note(tmp_path: Path) -> None:
    """Going back removes the column and keeps every payment, its links and the sequence."""
    path = tmp_path / "k.sqlite3"
    shutil.copy(FIXTURES / "schema-0005.sqlite3", path)
    assert query(path, "SELECT count(*) FROM money_out WHERE evidence_note IS NOT NULL") == [(1,)]
    before, seq = payments(path), sequence(path)
    links = query(path, "SELECT * FROM allocation ORDER BY id")
    downgrade(path, "0004")
    assert "evidence_note" not in columns(path)
    assert payments(path) == before
    assert sequence(path) == seq
    assert query(path, "SELECT * FROM allocation ORDER BY id") == links
    assert query(path, "SELECT version_num FROM alembic_version") == [("0004",)]
    assert (
        "AUTOINCREMENT"
        in query(path, "SELECT sql FROM sqlite_master WHERE name = 'money_out'")[0][0]
    )
    assert query(path, "PRAGMA foreign_key_check") == []
