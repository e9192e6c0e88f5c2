"""Backup, restore and verify: keeping years of records safe in one file, or in an
organisation's PostgreSQL database (with pg_dump and pg_restore: store/pg_backup.py)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from kentcard.core.errors import KentcardError
from kentcard.store import backup as store
from kentcard.store import pg_backup as pg
from kentcard.store.engine import (
    BUSY_TIMEOUT_MS,
    WRITE_LOCK_KEY,
    Database,
    cannot_write,
    current_login,
    is_postgresql,
    make_engine,
    sqlite_path,
)
from kentcard.store.migrate import MIGRATIONS, head_revision, upgrade

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlalchemy import Connection, Engine

KEEP_DAILY = 7
KEEP_WEEKLY = 4


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest_path: Path
    manifest: store.Manifest


@dataclass(frozen=True)
class VerifyReport:
    checked: dict[str, int]
    problems: list[str]
    # After a PostgreSQL restore: the restored database equals the backup's manifest.
    matched_manifest: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def database_file(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise KentcardError(
            "backup, restore and verify work on a SQLite file; use the server's own tools"
        )
    return path


def default_backup_dir(db_file: Path) -> Path:
    return db_file.parent / "backups"


def backup(
    url: str, out: Path | None = None, password_prompt: Callable[[], str] | None = None
) -> BackupResult:
    """Snapshot the database, check the copy, and write its manifest beside it.

    On PostgreSQL: pg_dump's custom format, in db/backups/ under the current folder
    unless `out` says where (see `_pg_backup`).
    """
    if is_postgresql(url):
        return _pg_backup(url, out, password_prompt)
    db_file = database_file(url)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = out or _free_name(default_backup_dir(db_file), f"{db_file.stem}-{stamp}")
    if target.exists():
        raise KentcardError("out: that file already exists; choose another name")
    try:
        with closing(store.open_readonly(db_file)) as source:
            store.vacuum_into(source, target)
    except sqlite3.Error as error:
        raise KentcardError(
            f"the backup could not be written ({failure_reason(error)}); nothing was changed"
        ) from error
    return _checked(target)


def _free_name(folder: Path, stem: str, suffix: str = ".sqlite3") -> Path:
    candidate, n = folder / f"{stem}{suffix}", 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}-{n}{suffix}"
    return candidate


def _checked(target: Path) -> BackupResult:
    with closing(store.open_readonly(target)) as copy:
        problems = store.integrity_problems(copy) + store.bad_documents(copy)
        if problems:
            target.unlink()
            raise KentcardError("the backup failed its own check and was removed: " + problems[0])
        found = store.manifest(copy)
    return BackupResult(target, _write_manifest(target, found.as_json()), found)


def manifest_path_of(target: Path) -> Path:
    return target.with_name(target.name + ".manifest.json")


def _write_manifest(target: Path, data: dict[str, object]) -> Path:
    manifest_path = manifest_path_of(target)
    fd = os.open(manifest_path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
    return manifest_path


def verify(url: str, password_prompt: Callable[[], str] | None = None) -> VerifyReport:
    """Integrity, foreign keys, every document's hash, and the ledger's own rules.

    On PostgreSQL the server itself keeps the file sound and enforces foreign keys; the
    rest is checked alike, in one snapshot, of what the login may see.
    """
    if is_postgresql(url):
        return _pg_verify(url, password_prompt)
    db_file = database_file(url)
    if not db_file.exists():
        raise KentcardError("there is no database at that path yet")
    with closing(store.open_readonly(db_file)) as connection:
        problems = store.integrity_problems(connection)
        problems += [
            f"document {sha[:12]}… does not match its SHA-256"
            for sha in store.bad_documents(connection)
        ]
        problems += store.ledger_problems(connection)
        found = store.manifest(connection)
    if found.revision != head_revision():
        problems.append(f"the schema is at {found.revision}, not {head_revision()}")
    return VerifyReport({**found.counts, "documents hashed": len(found.documents)}, problems)


def what_restore_loses(
    url: str, source: Path, password_prompt: Callable[[], str] | None = None
) -> store.Loss:
    """Check `source` as restore would, and list what the current database has that it has not."""
    if is_postgresql(url):
        return _pg_what_restore_loses(url, source, password_prompt)
    db_file = _restorable_target(url)
    _check_restorable(source)
    if not db_file.exists() or db_file.stat().st_size == 0:
        return store.Loss()
    try:
        return store.missing_from(db_file, source)
    except sqlite3.DatabaseError as error:
        raise KentcardError(
            f"the current database cannot be read to compare it with the backup ({error})"
        ) from None


def restore(
    url: str, source: Path, password_prompt: Callable[[], str] | None = None
) -> tuple[Path | None, VerifyReport]:
    """Check `source`, keep the current database as a backup, then copy `source` in.

    The restored database then gets one audit line saying which backup (and its SHA-256)
    replaced which file (the kept copy) and what that file held that the backup does not;
    and every table's id sequence is raised to the highest id the replaced file had handed
    out, so that no id the audit log has already named is ever given to a new record.
    """
    if is_postgresql(url):
        return _pg_restore(url, source, password_prompt)
    db_file = _restorable_target(url)
    _check_restorable(source)
    backup_sha256 = _sha256(source)
    kept = backup(url).path if db_file.exists() and db_file.stat().st_size > 0 else None
    lost = store.missing_from(kept, source) if kept is not None else store.Loss()
    used = store.sequences(kept) if kept is not None else {}
    with closing(sqlite3.connect(db_file)) as destination:
        store.copy_into(source, destination)
    engine = make_engine(url)
    try:
        upgrade(engine)
        with Database(engine).write() as session:
            connection = session.connection()
            for table, seq in used.items():
                store.never_below(connection, table, seq)
            _record_restore(session, source, backup_sha256, kept, lost)
    finally:
        engine.dispose()
    return kept, verify(url)


def _record_restore(
    session: Any, source: Path, backup_sha256: str, kept: Path | None, lost: Any
) -> None:
    """The audit line of a restore (on either database): which backup replaced what, where
    the replaced database was kept, and what it held that the backup did not."""
    from kentcard.store import audit  # the ORM loads only when a restore runs

    audit.record(
        session=session,
        entity="database",
        entity_id=0,
        action="update",
        recipient_id=None,
        extra={
            "event": "restore",
            "backup": str(source.absolute()),
            "backup_sha256": backup_sha256,
            "replaced_file_kept_at": None if kept is None else str(kept),
            "lost": lost.as_json(),
        },
    )


def _restorable_target(url: str) -> Path:
    db_file = database_file(url)
    if cannot_write(db_file):
        raise KentcardError(
            "the database is read-only here (its file or its folder cannot be written), "
            "so it cannot be replaced by a backup"
        )
    return db_file


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_restorable(source: Path) -> None:
    if source.is_symlink() or not source.is_file():
        raise KentcardError("path: not a backup file")
    try:
        with closing(store.open_readonly(source)) as connection:
            problems = store.integrity_problems(connection) + store.bad_documents(connection)
            found = store.manifest(connection)
    except sqlite3.DatabaseError:
        raise KentcardError("path: this file is not a kentcard database") from None
    if problems:
        raise KentcardError("path: this backup is damaged: " + problems[0])
    known = {p.stem.split("_")[0] for p in (MIGRATIONS / "versions").glob("*.py")}
    if found.revision is None or "recipient" not in found.counts:
        raise KentcardError("path: this file is not a kentcard database")
    if found.revision not in known:
        raise KentcardError("path: this backup was made by a newer version of kentcard")


class AutomaticBackupError(KentcardError):
    """The start-up copy could not be made; nothing was left half-written, nothing pruned."""


def failure_reason(error: BaseException) -> str:
    """Why a copy could not be written, in a few plain words (no paths, no personal data)."""
    text = str(error).lower()
    if "full" in text or getattr(error, "errno", None) == errno.ENOSPC:
        return "the disk is full"
    if isinstance(error, OSError):
        return (error.strerror or type(error).__name__).lower()
    return str(error) or type(error).__name__


def rotate_daily(
    url: str, today: date, keep_daily: int = KEEP_DAILY, keep_weekly: int = KEEP_WEEKLY
) -> Path | None:
    """Once a day, snapshot into backups/daily, and once a week into backups/weekly; prune.

    Each copy is looked for on its own, so one that failed is made at a later start (the
    day's on the next start that day, the week's on any later start that week). Returns
    the day's copy when it was made now. When a copy cannot be written, nothing is left
    behind, older copies are kept, and AutomaticBackupError says why.
    """
    db_file = sqlite_path(url)
    if db_file is None or not db_file.exists():
        return None
    folder = default_backup_dir(db_file)
    daily = folder / "daily" / f"{db_file.stem}-{today.isoformat()}.sqlite3"
    year, week, _ = today.isocalendar()
    weekly = folder / "weekly" / f"{db_file.stem}-{year}-W{week:02d}.sqlite3"
    wanted = [
        (path, keep)
        for path, keep in ((daily, keep_daily), (weekly, keep_weekly))
        if keep > 0 and not path.exists()
    ]
    if not wanted:
        return None
    made: list[Path] = []
    try:
        with closing(sqlite3.connect(db_file)) as source:
            if not store.holds_someone(source):
                return None  # nothing to lose yet
            for target, keep in wanted:
                store.vacuum_into(source, target)
                made.append(target)
                _prune(target.parent, db_file.stem, keep)
    except (sqlite3.Error, OSError) as error:
        failed = next(path for path, _ in wanted if path not in made)
        which = "today's" if failed == daily else "this week's"
        raise AutomaticBackupError(
            f"{which} automatic backup could not be made ({failure_reason(error)}); "
            "it will be tried again next time kentcard starts"
        ) from error
    return daily if daily in made else None


def _prune(folder: Path, stem: str, keep: int) -> None:
    # Names sort by date, so the oldest come first.
    found = sorted(folder.glob(f"{stem}-*.sqlite3"))
    for old in found[: max(0, len(found) - keep)]:
        old.unlink()


# ---- PostgreSQL: pg_dump and pg_restore (store/pg_backup.py) ---------------------------

PG_BACKUP_FOLDER = Path("db") / "backups"  # under the current folder, as db/ is for SQLite
NOT_SET_UP = "there is no kentcard database there yet (run kentcard init first)"


class AskOnce:
    """A password prompt that asks at most once in a command; what was typed is handed to
    the client tools (pg_dump, psql) in their environment, never on a command line."""

    def __init__(self, prompt: Callable[[], str] | None) -> None:
        self.prompt = prompt
        self.typed: str | None = None

    def __call__(self) -> str:
        if self.typed is None:
            assert self.prompt is not None
            self.typed = self.prompt()
        return self.typed


@contextmanager
def _pg(url: str, password_prompt: Callable[[], str] | None) -> Iterator[tuple[Engine, AskOnce]]:
    asker = password_prompt if isinstance(password_prompt, AskOnce) else AskOnce(password_prompt)
    engine = make_engine(url, asker if asker.prompt is not None else None)
    try:
        yield engine, asker
    finally:
        engine.dispose()


def _only_the_owner(who: pg.Who, what: str) -> None:
    if who.owner is None:
        raise KentcardError(NOT_SET_UP)
    if not who.is_owner:
        raise KentcardError(
            f"only the organisation's owner ({who.owner}) {what}; {who.login} is a member of staff"
        )


def _may_restore(who: pg.Who) -> pg.Who:
    """The owner restores; into a database kentcard has not set up yet, its owner."""
    if who.owner is not None:
        _only_the_owner(who, "restores backups")
    elif not who.is_owner:
        raise KentcardError(
            f"only the database's owner restores a backup into it; {who.login} is not"
        )
    return who


def _pg_backup(
    url: str,
    out: Path | None,
    password_prompt: Callable[[], str] | None,
    keeping: bool = False,
) -> BackupResult:
    """pg_dump into `out` (default db/backups/DATABASE-STAMP.pgdump here) and its manifest.

    `keeping`: the copy a restore keeps of the database it replaces, taken even when a
    document there is damaged (the manifest lists those as `damaged_documents`), so that a
    good backup can always be put back over a damaged database.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    name = make_url(url).database or "kentcard"
    target = out or _free_name(Path.cwd() / PG_BACKUP_FOLDER, f"{name}-{stamp}", pg.SUFFIX)
    if target.exists() or target.is_symlink():
        raise KentcardError("out: that file already exists; choose another name")
    with _pg(url, password_prompt) as (engine, asker), pg.snapshot(engine) as connection:
        _only_the_owner(pg.who(connection), "takes backups")
        tool = pg.find_tool("pg_dump", pg.server_major(connection))
        snapshot = pg.export_snapshot(connection)
        bad = pg.bad_documents(connection)
        if bad and not keeping:
            raise KentcardError(
                f"no backup was made: document {bad[0][:12]}… does not match its SHA-256 "
                "(kentcard verify lists every problem)"
            )
        found = pg.manifest(connection)
        env = pg.client_environment(url, asker.typed)
        partial = store.private_partial(target)
        try:
            pg.dump(tool, env, snapshot, partial)  # while the snapshot's transaction is open
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    try:
        entries = pg.archive_entries(pg.sibling(tool, "pg_restore"), partial)
        if entries is None or not _is_kentcard_dump(entries):
            raise KentcardError(
                "the backup failed its own check and was removed: pg_restore cannot read it"
            )
        store.finish_partial(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    written = {
        **found.as_json(),
        "database": "postgresql",
        "dump_format": "pg_dump custom",
        "dump_sha256": _sha256(target),
        "pg_dump_version": tool.major,
        **({"damaged_documents": bad} if bad else {}),
    }
    return BackupResult(target, _write_manifest(target, written), found)


def _is_kentcard_dump(entries: list[pg.Entry]) -> bool:
    names = {e.name for e in entries if e.kind == "TABLE" and e.schema == "public"}
    return {"alembic_version", "recipient"} <= names


def _pg_verify(url: str, password_prompt: Callable[[], str] | None) -> VerifyReport:
    with _pg(url, password_prompt) as (engine, _), pg.snapshot(engine) as connection:
        if "alembic_version" not in pg.tables(connection):
            raise KentcardError(NOT_SET_UP)
        try:
            problems = [
                f"document {sha[:12]}… does not match its SHA-256"
                for sha in pg.bad_documents(connection)
            ]
            problems += pg.ledger_problems(connection)
            found = pg.manifest(connection)
        except DBAPIError as error:
            if "permission denied" not in str(error.orig):
                raise
            login = current_login(connection)
            raise KentcardError(
                f"{login} may not read everything verify checks; the organisation's owner "
                "can verify the whole database"
            ) from None
    if found.revision != head_revision():
        problems.append(f"the schema is at {found.revision}, not {head_revision()}")
    return VerifyReport({**found.counts, "documents hashed": len(found.documents)}, problems)


@dataclass
class _Dump:
    """A pg_dump archive checked for restoring, with what restore needs to know of it."""

    path: Path
    sha256: str
    manifest: dict[str, Any]
    entries: list[pg.Entry]
    ids: dict[str, set[int]]
    locks: dict[int, str]  # recipient id -> locked_to


def _pg_check_restorable(tool: pg.Tool, source: Path) -> _Dump:
    """Refuse, changing nothing, a file that is not a sound kentcard dump with its manifest."""
    if source.is_symlink() or not source.is_file():
        raise KentcardError("path: not a backup file")
    with open(source, "rb") as handle:
        if handle.read(16) == b"SQLite format 3\x00":
            raise KentcardError(
                "path: this is a backup of a SQLite file, not of a PostgreSQL database"
            )
    entries = pg.archive_entries(tool, source)
    if entries is None:
        raise KentcardError(
            "path: this file is not a kentcard backup of a PostgreSQL database "
            "(not a pg_dump custom-format archive)"
        )
    if not _is_kentcard_dump(entries):
        raise KentcardError("path: this dump is not of a kentcard database")
    manifest_file = manifest_path_of(source)
    try:
        claimed = json.loads(manifest_file.read_text(encoding="utf-8"))
        assert isinstance(claimed, dict) and isinstance(claimed.get("counts"), dict)
    except FileNotFoundError:
        raise KentcardError(
            f"path: its manifest ({manifest_file.name}, which kentcard backup writes beside "
            "it) is missing, so the restore could not be checked"
        ) from None
    except (OSError, ValueError, AssertionError):
        raise KentcardError(f"path: its manifest ({manifest_file.name}) cannot be read") from None
    sha = _sha256(source)
    if claimed.get("dump_sha256") != sha:
        raise KentcardError(
            "path: the backup does not match its manifest (its SHA-256 differs): it was "
            "changed or damaged after it was made"
        )
    data = {e.name for e in entries if e.kind == "TABLE DATA" and e.schema == "public"}
    wanted = sorted(data & {"alembic_version", "blob", "audit", "period_lock", *store.LOSS_TABLES})
    ids: dict[str, set[int]] = {t: set() for t in wanted}
    locks: dict[int, str] = {}
    revision = None
    for table, row in pg.table_rows(tool, source, wanted):
        if table == "alembic_version":
            revision = row["version_num"]
        elif table == "blob":
            if pg.document_is_bad(row["sha256"], row["size"], row["content"]):
                raise KentcardError(
                    f"path: this backup is damaged: document {row['sha256'][:12]}… "
                    "does not match its SHA-256"
                )
        else:
            ids[table].add(int(row["id"]))
            if table == "period_lock":
                locks[int(row["recipient_id"])] = row["locked_to"]
    known = {p.stem.split("_")[0] for p in (MIGRATIONS / "versions").glob("*.py")}
    if revision is None:
        raise KentcardError("path: this dump is not of a kentcard database")
    if revision not in known:
        raise KentcardError("path: this backup was made by a newer version of kentcard")
    if claimed.get("revision") != revision:
        raise KentcardError("path: the backup does not match its manifest (its schema differs)")
    return _Dump(source, sha, claimed, entries, ids, locks)


def _pg_loss(connection: Connection, dump: _Dump) -> store.Loss:
    """What the database holds now that the dump does not."""
    ours = pg.tables(connection)
    loss = store.Loss()
    if "alembic_version" not in ours:
        return loss
    for table in store.LOSS_TABLES:
        if table in ours:
            kept = dump.ids.get(table, set())
            loss.entries[table] = sorted(pg.ids(connection, table) - kept)
    if {"period_lock", "recipient"} <= ours:
        for rid, name, locked_to in pg.locks(connection):
            before = dump.locks.get(rid)
            if before is None or before < locked_to:
                loss.locks.append(store.LostLock(rid, name, locked_to, before))
    if "audit" in ours:
        loss.audit_lines = len(pg.ids(connection, "audit") - dump.ids.get("audit", set()))
    return loss


def _pg_what_restore_loses(
    url: str, source: Path, password_prompt: Callable[[], str] | None
) -> store.Loss:
    with _pg(url, password_prompt) as (engine, _), pg.snapshot(engine) as connection:
        _may_restore(pg.who(connection))
        tool = pg.find_tool("pg_restore", pg.server_major(connection))
        return _pg_loss(connection, _pg_check_restorable(tool, source))


def _pg_restore(
    url: str, source: Path, password_prompt: Callable[[], str] | None
) -> tuple[Path | None, VerifyReport]:
    with _pg(url, password_prompt) as (engine, asker):
        with pg.snapshot(engine) as connection:
            who = _may_restore(pg.who(connection))
            major = pg.server_major(connection)
            tool = pg.find_tool("pg_restore", major)
            psql = pg.find_tool("psql", major)
            dump = _pg_check_restorable(tool, source)
        kept = _pg_backup(url, None, asker, keeping=True).path if who.owner else None
        with pg.snapshot(engine) as connection:
            lost = _pg_loss(connection, dump)
            used = pg.sequences(connection)
            role = who.owner or pg.database_owner(connection)
            before = pg.restore_preamble(connection, role, WRITE_LOCK_KEY, BUSY_TIMEOUT_MS)
        after = pg.keep_sequences(used, {e.name for e in dump.entries if e.kind == "SEQUENCE"})
        pg.restore(tool, psql, pg.client_environment(url, asker.typed), source, before, after)
        engine.dispose()  # the tables were replaced: start from fresh connections
        with pg.snapshot(engine) as connection:
            differences = _manifest_differences(dump.manifest, pg.manifest(connection))
        upgrade(engine)
        with Database(engine).write() as session:
            _record_restore(session, source, dump.sha256, kept, lost)
    report = _pg_verify(url, asker)
    return kept, VerifyReport(
        report.checked, differences + report.problems, matched_manifest=not differences
    )


def _manifest_differences(expected: dict[str, Any], found: store.Manifest) -> list[str]:
    """How the restored database differs from the backup's manifest (empty when equal)."""
    got = found.as_json()
    problems = []
    if expected.get("revision") != got["revision"]:
        problems.append(
            f"the schema is at {got['revision']}, the backup's manifest says "
            f"{expected.get('revision')}"
        )
    for key, unit in (("counts", "rows"), ("totals_pence", "pence")):
        claimed, have = expected.get(key) or {}, got[key]
        for table in sorted(set(claimed) | set(have)):
            if claimed.get(table) != have.get(table):
                problems.append(
                    f"{table} has {have.get(table)} {unit}, the backup's manifest says "
                    f"{claimed.get(table)}"
                )
    claimed_docs = set(expected.get("documents_sha256") or [])
    have_docs = set(got["documents_sha256"])
    problems += [
        f"document {sha[:12]}… of the backup's manifest is missing"
        for sha in sorted(claimed_docs - have_docs)
    ]
    problems += [
        f"document {sha[:12]}… is not in the backup's manifest"
        for sha in sorted(have_docs - claimed_docs)
    ]
    return problems
