"""Backups are snapshots that check themselves; restore and verify refuse what is unsound."""

from __future__ import annotations

import sqlite3
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

from kentcard.core.errors import KentcardError
from kentcard.core.money import Money
from kentcard.core.records import Source
from kentcard.services import ledger, recipients
from kentcard.services.context import Context
from kentcard.services.maintenance import backup, restore, rotate_daily, verify
from kentcard.store.engine import url_for

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def fill(ctx: Context, tmp_path: Path) -> int:
    person = recipients.setup_recipient(
        ctx, name="Ann", opening_balance=Money(5000), as_of=date(2026, 1, 1)
    )
    receipt = tmp_path / "r.pdf"
    receipt.write_bytes(PDF)
    ledger.add_money_in(
        ctx, person.id, date=date(2026, 1, 2), amount=Money(100000), source=Source.KCC
    )
    ledger.add_money_out(
        ctx, person.id, date=date(2026, 1, 3), amount=Money(2500), payee="Shop", receipts=[receipt]
    )
    return person.id


def test_backup_round_trip_keeps_every_record_and_document(
    ctx: Context, db_path: Path, tmp_path: Path
) -> None:
    """A backup holds the same counts, totals and document hashes, privately, with a manifest."""
    fill(ctx, tmp_path)
    result = backup(url_for(db_path))
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(result.manifest_path.stat().st_mode) == 0o600
    assert result.manifest.counts["money_out"] == 1
    assert result.manifest.totals == {
        "money_in": 105000,
        "money_out": 2500,
        "invoice": 0,
        "allocation": 0,
        "payslip": 0,
    }
    assert len(result.manifest.documents) == 1
    with sqlite3.connect(result.path) as copy:
        assert copy.execute("SELECT content FROM blob").fetchone()[0] == PDF


def test_backup_never_overwrites(ctx: Context, db_path: Path, tmp_path: Path) -> None:
    """Asking for a backup at an existing path is refused and the file is untouched."""
    fill(ctx, tmp_path)
    target = tmp_path / "mine.sqlite3"
    target.write_bytes(b"keep me")
    with pytest.raises(KentcardError, match="exists"):
        backup(url_for(db_path), target)
    assert target.read_bytes() == b"keep me"


def test_verify_finds_a_damaged_document(ctx: Context, db_path: Path, tmp_path: Path) -> None:
    """Changing a stored file's bytes behind the app's back is reported by verify."""
    fill(ctx, tmp_path)
    assert verify(url_for(db_path)).ok
    ctx.db.dispose()
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE blob SET content = ?", (PDF + b"tampered",))
    report = verify(url_for(db_path))
    assert not report.ok
    assert any("SHA-256" in p for p in report.problems)


def test_verify_finds_a_record_missing_from_the_audit_log(
    ctx: Context, db_path: Path, tmp_path: Path
) -> None:
    """A money-out written around the services (no audit line) is reported."""
    rid = fill(ctx, tmp_path)
    ctx.db.dispose()
    with sqlite3.connect(db_path) as raw:
        raw.execute(
            "INSERT INTO money_out (recipient_id, date, amount_pence, payee, origin) "
            "VALUES (?, '2026-01-05', 100, 'Ghost', 'manual')",
            (rid,),
        )
    report = verify(url_for(db_path))
    assert any("audit log" in p for p in report.problems)


def test_restore_brings_back_the_backup_and_keeps_the_current(
    ctx: Context, db_path: Path, tmp_path: Path
) -> None:
    """Restore replaces the ledger with the backup's and keeps what was there as a backup."""
    rid = fill(ctx, tmp_path)
    saved = backup(url_for(db_path)).path
    ledger.add_money_in(ctx, rid, date=date(2026, 1, 9), amount=Money(777), source=Source.OTHER)
    ctx.db.dispose()
    kept, report = restore(url_for(db_path), saved)
    assert report.ok, report.problems
    assert kept is not None
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT count(*) FROM money_in").fetchone()[0] == 2
    with sqlite3.connect(kept) as raw:
        assert raw.execute("SELECT count(*) FROM money_in").fetchone()[0] == 3


def test_restore_refuses_a_newer_a_damaged_and_a_foreign_file(
    ctx: Context, db_path: Path, tmp_path: Path
) -> None:
    """Restore checks first: a newer schema, a corrupt or a foreign file changes nothing."""
    fill(ctx, tmp_path)
    before = verify(url_for(db_path)).checked
    newer = backup(url_for(db_path), tmp_path / "newer.sqlite3").path
    with sqlite3.connect(newer) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999'")
    foreign = tmp_path / "other.sqlite3"
    with sqlite3.connect(foreign) as raw:
        raw.execute("CREATE TABLE t (x)")
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    for path, word in [
        (newer, "newer"),
        (foreign, "not a kentcard"),
        (garbage, "not a kentcard|damaged"),
    ]:
        with pytest.raises(KentcardError, match=word):
            restore(url_for(db_path), path)
    assert verify(url_for(db_path)).checked == before


def test_daily_rotation_keeps_seven_days_and_four_weeks(
    ctx: Context, db_path: Path, tmp_path: Path
) -> None:
    """Forty days of start-ups leave 7 daily and 4 weekly backups, the newest ones."""
    fill(ctx, tmp_path)
    start = date(2026, 1, 1)
    for k in range(40):
        rotate_daily(url_for(db_path), start + timedelta(days=k))
    assert rotate_daily(url_for(db_path), start + timedelta(days=39)) is None  # once a day
    daily = sorted(p.name for p in (db_path.parent / "backups" / "daily").iterdir())
    weekly = sorted(p.name for p in (db_path.parent / "backups" / "weekly").iterdir())
    assert daily == [f"kentcard-{start + timedelta(days=k)}.sqlite3" for k in range(33, 40)]
    assert len(weekly) == 4 and weekly[-1] == "kentcard-2026-W07.sqlite3"  # 9 Feb 2026 is a Monday


def test_empty_database_is_not_backed_up_daily(ctx: Context, db_path: Path) -> None:
    """With nobody set up there is nothing to lose, so no daily file is written."""
    assert rotate_daily(url_for(db_path), date(2026, 1, 1)) is None
    assert not (db_path.parent / "backups").exists()
