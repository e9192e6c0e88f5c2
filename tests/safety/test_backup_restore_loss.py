"""Restore says what it would lose and asks first; afterwards no id seen before is given again.

The tests taking `run` run twice: on a SQLite file, then on an organisation's PostgreSQL
database (its backup a pg_dump with a manifest beside it).
"""

from __future__ import annotations

import hashlib
import json
import os
import pty
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from tests.test_cli import run, setup_person  # noqa: F401  (the CLI fixture and its one account)

PDF = b"%PDF-1.4\n% a receipt\n%%EOF\n"


def rows(db: Path | str, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    """Rows of a SQLite file or (an address with `://`) a PostgreSQL database."""
    if "://" not in str(db):
        with closing(sqlite3.connect(db)) as raw:
            return raw.execute(sql).fetchall()
    from sqlalchemy import create_engine

    engine = create_engine(str(db))
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.exec_driver_sql(sql)]
    finally:
        engine.dispose()


def sequences(db: Path | str) -> dict[str, int]:
    """The highest id each table has handed out (deleted rows included)."""
    if "://" not in str(db):
        return dict(rows(db, "SELECT name, seq FROM sqlite_sequence"))  # type: ignore[arg-type]
    found = rows(
        db,
        "SELECT sequencename, last_value FROM pg_sequences "
        "WHERE schemaname = 'public' AND last_value IS NOT NULL",
    )
    return {name.removesuffix("_id_seq"): value for name, value in found}


def backup_count(backup: Path, table: str) -> int:
    """Rows of `table` in a backup: read from a SQLite copy, or from a dump's manifest."""
    if backup.suffix == ".sqlite3":
        return int(rows(backup, f"SELECT count(*) FROM {table}")[0][0])
    manifest = json.loads(backup.with_name(backup.name + ".manifest.json").read_text())
    return int(manifest["counts"][table])


def suffix(db: str) -> str:
    return ".pgdump" if "://" in db else ".sqlite3"


def ok(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


def older_backup_then_more_work(run, tmp_path: Path, db: str) -> Path:  # type: ignore[no-untyped-def]  # noqa: F811
    """A backup, then two payments (one deleted), an invoice, a receipt and a lock after it."""
    setup_person(run)
    ok(run("money-in", "add", "--date", "2026-11-02", "--amount", "1000", "--source", "kcc"))
    ok(run("money-out", "add", "--date", "2026-11-03", "--amount", "50", "--payee", "Shop"))
    saved = tmp_path / "saved" / f"before{suffix(db)}"
    ok(run("backup", "--out", str(saved)))
    ok(run("money-out", "add", "--date", "2026-11-04", "--amount", "20", "--payee", "Shop"))
    ok(run("money-out", "add", "--date", "2026-11-05", "--amount", "30", "--payee", "Shop"))
    ok(run("money-out", "delete", "3"))
    ok(
        run(
            *("invoice", "add", "--provider", "Bright Homecare", "--number", "INV-1"),
            *("--date", "2026-11-04", "--amount", "20"),
        )
    )
    receipt = tmp_path / "r.pdf"
    receipt.write_bytes(PDF)
    ok(run("receipt", "add", str(receipt), "--money-out", "2"))
    ok(run("lock", "--to", "2026-11-10", "--reason", "KCC review"))
    return saved


def test_restore_without_yes_and_without_a_terminal_lists_the_loss_and_changes_nothing(
    run,  # type: ignore[no-untyped-def]  # noqa: F811
    any_db: str,
    tmp_path: Path,
) -> None:
    """The report names the entries, the lock and the audit lines only the current file has;
    with no terminal to ask on and no --yes it refuses in one line, and nothing changes."""
    saved = older_backup_then_more_work(run, tmp_path, any_db)
    db = any_db
    before = {t: rows(db, f"SELECT * FROM {t} ORDER BY id") for t in ("money_out", "audit")}
    lock = rows(db, "SELECT locked_to FROM period_lock")
    assert [str(day) for (day,) in lock] == ["2026-11-10"]

    refused = run("restore", str(saved))
    assert refused.exit_code == 2
    assert refused.stderr.strip().splitlines() == [
        "kentcard: error: restore: there is no terminal to ask on; add --yes to replace the "
        "database with this backup and lose what is listed above"
    ]
    report = refused.stdout
    assert "Restoring this backup loses what the current database holds and it does not:" in (
        report
    )
    assert "  money out: 1 (id 2)" in report
    assert "  invoices: 1 (id 1)" in report
    assert "  documents: 1 (id 1)" in report
    assert "  the review lock up to 2026-11-10 for Jo Bloggs (the backup has no lock)" in report
    newer = rows(db, "SELECT count(*) FROM audit")[0][0] - backup_count(saved, "audit")
    assert f"  {newer} lines of the audit log (every change made since the backup)" in report
    assert "money in:" not in report  # nothing of that kind was added since

    assert {t: rows(db, f"SELECT * FROM {t} ORDER BY id") for t in before} == before
    assert rows(db, "SELECT locked_to FROM period_lock") == lock


def test_restore_with_yes_records_itself_and_never_gives_an_id_again(
    run,  # type: ignore[no-untyped-def]  # noqa: F811
    any_db: str,
    tmp_path: Path,
) -> None:
    """After `restore --yes` the audit log says which backup replaced which file and what was
    lost, and a new payment's id is above every id the replaced database had handed out."""
    saved = older_backup_then_more_work(run, tmp_path, any_db)
    db = any_db
    replaced_sequences = sequences(db)
    assert replaced_sequences["money_out"] == 3  # id 3 was used, then deleted
    replaced_audit = rows(db, "SELECT max(id) FROM audit")[0][0]
    sha = hashlib.sha256(saved.read_bytes()).hexdigest()

    done = run("restore", str(saved), "--yes")
    out = ok(done)
    assert "  money out: 1 (id 2)" in out
    kept_line = next(line for line in out.splitlines() if line.startswith("The database as"))
    kept = Path(kept_line.removeprefix("The database as it was is kept at "))
    assert backup_count(kept, "money_out") == 2
    assert rows(db, "SELECT count(*) FROM money_out")[0][0] == 1
    assert rows(db, "SELECT count(*) FROM period_lock")[0][0] == 0

    for name, seq in replaced_sequences.items():
        assert sequences(db)[name] >= seq, name

    entity, action, detail = rows(
        db, "SELECT entity, action, detail FROM audit ORDER BY id DESC LIMIT 1"
    )[0]
    assert (entity, action) == ("database", "update")
    assert rows(db, "SELECT max(id) FROM audit")[0][0] > replaced_audit
    recorded = json.loads(detail)
    assert recorded["event"] == "restore"
    assert recorded["backup"] == str(saved)
    assert recorded["backup_sha256"] == sha
    assert recorded["replaced_file_kept_at"] == str(kept)
    lost = recorded["lost"]
    assert lost["entries"]["money_out"] == [2]
    assert lost["entries"]["invoice"] == [1]
    assert lost["entries"]["document"] == [1]
    assert lost["locks"] == [
        {"recipient_id": 1, "locked_to": "2026-11-10", "backup_locked_to": None}
    ]
    assert lost["audit_lines"] >= 6

    new_id = ok(run("money-out", "add", "--date", "2026-11-20", "--amount", "5", "--payee", "X"))
    assert int(new_id) == 4  # not 2, which the replaced database's audit log already names
    assert ok(run("verify")).strip().endswith("All checks passed.")


def test_restore_of_a_backup_holding_everything_says_nothing_is_lost(
    run,  # type: ignore[no-untyped-def]  # noqa: F811
    any_db: str,
    tmp_path: Path,
) -> None:
    """A backup taken just now loses nothing, and the report says so."""
    setup_person(run)
    saved = tmp_path / f"now{suffix(any_db)}"
    ok(run("backup", "--out", str(saved)))
    out = ok(run("restore", str(saved), "--yes"))
    assert "Nothing is lost: the backup holds everything the current database does." in out


def test_at_a_terminal_restore_asks_and_no_changes_nothing(tmp_path: Path) -> None:
    """With a terminal on stdin restore asks; answering no leaves the database as it was."""
    root = Path(__file__).parent.parent.parent
    env = {**os.environ, "KENTCARD_DB": str(tmp_path / "db" / "k.sqlite3")}
    env["KENTCARD_TODAY"] = "2026-11-25"

    def kentcard(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "kentcard", *args],
            env=env,
            cwd=root,
            capture_output=True,
            timeout=120,
            check=True,
        )

    kentcard("init", "--name", "Jo Bloggs")
    saved = tmp_path / "before.sqlite3"
    kentcard("backup", "--out", str(saved))
    kentcard("lock", "--to", "2026-11-10")
    parent, child = pty.openpty()
    try:
        os.write(parent, b"n\n")
        asked = subprocess.run(
            [sys.executable, "-m", "kentcard", "restore", str(saved)],
            env=env,
            cwd=root,
            stdin=child,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.close(child)
        os.close(parent)
    assert asked.returncode == 1, asked.stderr
    assert "Replace the database with this backup? [y/N]:" in asked.stdout
    assert asked.stdout.strip().endswith("Nothing was changed.")
    db = tmp_path / "db" / "k.sqlite3"
    assert rows(db, "SELECT locked_to FROM period_lock") == [("2026-11-10",)]
