"""Backup, restore and verify: keeping years of records safe in one file."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kentcard.core.errors import KentcardError
from kentcard.store import backup as store
from kentcard.store.engine import Database, cannot_write, make_engine, sqlite_path
from kentcard.store.migrate import MIGRATIONS, head_revision, upgrade

if TYPE_CHECKING:
    pass

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


def backup(url: str, out: Path | None = None) -> BackupResult:
    """Snapshot the database, check the copy, and write its manifest beside it."""
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


def _free_name(folder: Path, stem: str) -> Path:
    candidate, n = folder / f"{stem}.sqlite3", 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{stem}-{n}.sqlite3"
    return candidate


def _checked(target: Path) -> BackupResult:
    with closing(store.open_readonly(target)) as copy:
        problems = store.integrity_problems(copy) + store.bad_documents(copy)
        if problems:
            target.unlink()
            raise KentcardError("the backup failed its own check and was removed: " + problems[0])
        found = store.manifest(copy)
    manifest_path = target.with_name(target.name + ".manifest.json")
    fd = os.open(manifest_path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(found.as_json(), handle, indent=2, sort_keys=True)
    return BackupResult(target, manifest_path, found)


def verify(url: str) -> VerifyReport:
    """Integrity, foreign keys, every document's hash, and the ledger's own rules."""
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


def what_restore_loses(url: str, source: Path) -> store.Loss:
    """Check `source` as restore would, and list what the current database has that it has not."""
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


def restore(url: str, source: Path) -> tuple[Path | None, VerifyReport]:
    """Check `source`, keep the current database as a backup, then copy `source` in.

    The restored database then gets one audit line saying which backup (and its SHA-256)
    replaced which file (the kept copy) and what that file held that the backup does not;
    and every table's id sequence is raised to the highest id the replaced file had handed
    out, so that no id the audit log has already named is ever given to a new record.
    """
    from kentcard.store import audit  # the ORM loads only when a restore runs

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
    finally:
        engine.dispose()
    return kept, verify(url)


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
