"""Backups that are never a file copy of a live database, and checks that prove a file sound.

`VACUUM INTO` writes a consistent snapshot (WAL contents included) to a new file;
the SQLite online backup API copies one database into another in place.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kentcard.core.folders import private_folder
from kentcard.store.engine import read_only_uri

if TYPE_CHECKING:  # only a type: this module needs no SQLAlchemy to run
    from sqlalchemy import Connection

MONEY_COLUMNS = {
    "money_in": "amount_pence",
    "money_out": "amount_pence",
    "invoice": "amount_pence",
    "allocation": "amount_pence",
    "payslip": "gross_pence",
}
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
TABLES = (
    "recipient",
    "plan",
    "plan_line",
    "provider",
    "money_in",
    "money_out",
    "invoice",
    "allocation",
    "blob",
    "document",
    "document_link",
    "audit",
    "employer",
    "insurance",
    "employee",
    "pay_rate",
    "timesheet_line",
    "payslip",
    "hmrc_payment",
    "pension_payment",
)


@dataclass
class Manifest:
    """What a database holds: row counts, money totals in pence, and every document hash."""

    revision: str | None
    counts: dict[str, int]
    totals: dict[str, int]
    documents: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "counts": self.counts,
            "totals_pence": self.totals,
            "documents_sha256": self.documents,
        }


def vacuum_into(source: sqlite3.Connection, target: Path) -> Path:
    """Write a snapshot of `source` to `target` (which must not exist), mode 0600.

    Missing folders are made 0700; a folder that exists already is left as it is.
    The copy is written to `target.partial`, created empty and 0600 before SQLite
    writes a byte (VACUUM INTO accepts an empty file), and renamed only when complete;
    if anything fails, the partial file is removed and the error is raised.
    """
    partial = private_partial(target)
    try:
        source.execute("VACUUM INTO ?", (str(partial),))
        finish_partial(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def private_partial(target: Path) -> Path:
    """`target.partial`, created empty and 0600 (its folders 0700 when missing).

    `target` must not exist; a partial file left by a run that was killed half-way is
    removed first.
    """
    if target.exists() or target.is_symlink():
        raise FileExistsError(str(target))
    private_folder(target.parent)
    partial = target.with_name(target.name + ".partial")
    if partial.exists() or partial.is_symlink():
        partial.unlink()  # left by a run that was killed half-way
    fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask may have taken bits away that the owner needs
    finally:
        os.close(fd)
    return partial


def finish_partial(partial: Path, target: Path) -> None:
    """Flush a complete `partial` to the disk and give it its real name."""
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)


def open_readonly(path: Path) -> sqlite3.Connection:
    """Read `path` without writing to it or beside it (see engine.read_only_uri)."""
    return sqlite3.connect(read_only_uri(path), uri=True)


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    """SQLite's own integrity and foreign-key checks, as plain lines (empty when sound)."""
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check") if row[0] != "ok"]
    for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check"):
        problems.append(f"{table} row {rowid} refers to a missing {parent}")
    return problems


def bad_documents(connection: sqlite3.Connection) -> list[str]:
    """Stored files whose bytes no longer match their SHA-256."""
    bad = []
    for sha, size, content in connection.execute("SELECT sha256, size, content FROM blob"):
        if hashlib.sha256(content).hexdigest() != sha or len(content) != size:
            bad.append(sha)
    return bad


def manifest(connection: sqlite3.Connection) -> Manifest:
    tables = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    return manifest_of(connection.execute, tables)


# Runs one SQL statement (no parameters) and returns its rows: sqlite3's `execute`, or
# SQLAlchemy's `exec_driver_sql` on PostgreSQL (store/pg_backup.py).
Run = Callable[[str], Any]


def manifest_of(run: Run, tables: set[str]) -> Manifest:
    """The manifest of a database whose tables are `tables`, read through `run`."""
    revision = None
    if "alembic_version" in tables:
        row = run("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    counts = {t: int(run(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES if t in tables}
    totals = {
        t: int(run(f"SELECT coalesce(sum({c}), 0) FROM {t}").fetchone()[0])
        for t, c in MONEY_COLUMNS.items()
        if t in tables
    }
    documents = (
        [r[0] for r in run("SELECT sha256 FROM blob ORDER BY sha256")] if "blob" in tables else []
    )
    return Manifest(revision, counts, totals, documents)


def copy_into(source: Path, destination: sqlite3.Connection) -> None:
    """Replace the destination's contents with `source`'s, using the online backup API."""
    with closing(open_readonly(source)) as src:
        src.backup(destination)


# What a restore would lose: rows the current database has and the backup has not.
LOSS_TABLES = (
    "money_in",
    "money_out",
    "invoice",
    "document",
    "allocation",
    "provider",
    "plan",
    "recipient",
    "employee",
    "timesheet_line",
    "payslip",
    "insurance",
    "hmrc_payment",
    "pension_payment",
)


@dataclass
class LostLock:
    recipient_id: int
    name: str
    locked_to: str
    backup_locked_to: str | None

    def as_json(self) -> dict[str, Any]:  # no name: the audit log refers by id
        return {
            "recipient_id": self.recipient_id,
            "locked_to": self.locked_to,
            "backup_locked_to": self.backup_locked_to,
        }


@dataclass
class Loss:
    """Ids by table, review locks and audit lines in the current file but not in the backup."""

    entries: dict[str, list[int]] = field(default_factory=dict)
    locks: list[LostLock] = field(default_factory=list)
    audit_lines: int = 0

    @property
    def nothing(self) -> bool:
        return not (any(self.entries.values()) or self.locks or self.audit_lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "entries": {table: ids for table, ids in self.entries.items() if ids},
            "locks": [lock.as_json() for lock in self.locks],
            "audit_lines": self.audit_lines,
        }


def _tables(connection: sqlite3.Connection, schema: str) -> set[str]:
    found = connection.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type='table'")
    return {row[0] for row in found}


def missing_from(current: Path, backup: Path) -> Loss:
    """What `current` holds that `backup` does not (both only read)."""
    loss = Loss()
    with closing(open_readonly(current)) as connection:
        connection.execute("ATTACH DATABASE ? AS b", (read_only_uri(backup),))
        ours, theirs = _tables(connection, "main"), _tables(connection, "b")
        for table in LOSS_TABLES:
            if table not in ours:
                continue
            where = f"WHERE id NOT IN (SELECT id FROM b.{table})" if table in theirs else ""
            loss.entries[table] = [
                row[0]
                for row in connection.execute(f"SELECT id FROM main.{table} {where} ORDER BY id")
            ]
        if {"period_lock", "recipient"} <= ours:
            theirs_lock = (
                "(SELECT locked_to FROM b.period_lock t WHERE t.recipient_id = m.recipient_id)"
                if "period_lock" in theirs
                else "NULL"
            )
            for rid, name, locked_to, before in connection.execute(
                f"SELECT m.recipient_id, r.name, m.locked_to, {theirs_lock} AS before_to "
                "FROM main.period_lock m JOIN main.recipient r ON r.id = m.recipient_id "
                "WHERE before_to IS NULL OR before_to < m.locked_to ORDER BY m.recipient_id"
            ):
                loss.locks.append(LostLock(rid, name, str(locked_to), before))
        if "audit" in ours:
            newer = "WHERE id NOT IN (SELECT id FROM b.audit)" if "audit" in theirs else ""
            loss.audit_lines = connection.execute(
                f"SELECT count(*) FROM main.audit {newer}"
            ).fetchone()[0]
    return loss


def sequences(path: Path) -> dict[str, int]:
    """The highest id each AUTOINCREMENT table has ever handed out (deleted rows included)."""
    with closing(open_readonly(path)) as connection:
        if "sqlite_sequence" not in _tables(connection, "main"):
            return {}
        return {
            name: int(seq)
            for name, seq in connection.execute("SELECT name, seq FROM sqlite_sequence")
        }


def ledger_problems(connection: sqlite3.Connection) -> list[str]:
    triggers = {
        r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
    }
    return ledger_problems_of(connection.execute, triggers, _IMPORTED)


def ledger_problems_of(run: Run, triggers: set[str], imported: str) -> list[str]:
    """The ledger's own rules, read through `run`: no payment settles more on invoices than
    it paid, the audit log keeps its append-only triggers (`triggers`: those on the
    database), and every money record has its create line in the audit log or is listed by
    a statement import's record (`imported`: that test in the database's own SQL, with
    `{table}` for the table's name)."""
    problems = [
        f"money-out {mid} settles more on invoices than it paid"
        for (mid,) in run(
            "SELECT m.id FROM money_out m JOIN allocation a ON a.money_out_id = m.id "
            "GROUP BY m.id HAVING sum(a.amount_pence) > m.amount_pence ORDER BY m.id"
        )
    ]
    if not {"audit_no_update", "audit_no_delete"} <= triggers:
        problems.append("the audit log has lost its append-only protection")
    for table in ("money_in", "money_out", "invoice"):
        for (rid,) in run(
            f"SELECT id FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM audit a "
            f"WHERE a.entity = '{table}' AND a.entity_id = t.id AND a.action = 'create')"
            + (imported.format(table=table) if table != "invoice" else "")
            + " ORDER BY id"
        ):
            problems.append(f"{table.replace('_', '-')} {rid} has no line in the audit log")
    return problems


# An entry a statement import created has no audit line of its own: the import's one audit
# record (entity statement_batch) lists the ids it created, and the statement line it came
# from stays tied to it (statement_line.money_out_id / money_in_id) for as long as the
# person does not untie or replace that line, which the line's own audit lines record.
# Such an entry is accounted for by that record; an entry with neither is not.
_IMPORTED = (
    " AND t.id NOT IN (SELECT j.value FROM audit b, json_each(b.detail, '$.{table}_ids') j"
    " WHERE b.entity = 'statement_batch' AND b.action = 'create')"
)


def never_below(connection: Connection, table: str, seq: int) -> None:
    """Raise `table`'s AUTOINCREMENT sequence to at least `seq` (adding its row if missing)."""
    connection.exec_driver_sql(
        "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (seq, table)
    )
    connection.exec_driver_sql(
        "INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? "
        "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?) "
        "AND EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)",
        (table, seq, table, table),
    )


def holds_someone(source: sqlite3.Connection) -> bool:
    tables = source.execute("SELECT count(*) FROM sqlite_master WHERE name='recipient'")
    if tables.fetchone()[0] == 0:
        return False
    return bool(source.execute("SELECT count(*) FROM recipient").fetchone()[0])
