"""A start-up backup that fails (a full disk) never stops the command, leaves nothing behind,
and is tried again at the next start.

The full disk is real: the CLI runs in a child process whose file-size limit
(RLIMIT_FSIZE) is below the database's size, so SQLite's writes to the copy fail with
EFBIG, for root as for anyone (SIGXFSZ is ignored so the write fails instead of the
process being killed).
"""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import stat
import subprocess
from datetime import date
from pathlib import Path

import pytest

from kentcard.services import recipients
from kentcard.services.maintenance import AutomaticBackupError, rotate_daily
from kentcard.services.opening import open_context
from kentcard.services.settings import Settings
from kentcard.store.backup import vacuum_into
from kentcard.store.engine import url_for
from tests.safety.process import quiet_env, run_kentcard

ROOT = Path(__file__).parent.parent.parent
WEDNESDAY = "2026-11-25"  # ISO week 48
THURSDAY = "2026-11-26"


def kentcard(
    db: Path, today: str, *args: str, limit: int | None = None, keep: bool = True
) -> subprocess.CompletedProcess[str]:
    env = quiet_env(KENTCARD_DB=str(db), KENTCARD_TODAY=today)
    if not keep:
        env["KENTCARD_KEEP_DAILY"] = "0"

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # type: ignore[arg-type]

    return run_kentcard(*args, env=env, preexec=small_disk if limit is not None else None)


def set_up(db: Path) -> None:
    for args in (
        ("init", "--name", "Jo Bloggs", "--opening-balance", "100", "--as-of", "2026-10-31"),
        ("plan", "set", "--start", "2026-11-01", "--frequency", "monthly", "--council", "1000"),
    ):
        done = kentcard(db, WEDNESDAY, *args, keep=False)
        assert done.returncode == 0, done.stderr


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir())


def test_a_full_disk_does_not_stop_a_read_and_the_backup_is_made_next_start(
    tmp_path: Path,
) -> None:
    """`budget` on a full disk works, says in one line why there is no backup, leaves no
    `.partial`, and the next start makes that day's and that week's copies."""
    db = tmp_path / "db" / "k.sqlite3"
    set_up(db)
    limit = db.stat().st_size // 2  # the copy cannot be written; reading needs no room
    assert limit > 64 * 1024

    full = kentcard(db, WEDNESDAY, "budget", "--month", "2026-11", limit=limit)
    assert full.returncode == 0, full.stderr
    assert "Budget          £1,000.00" in full.stdout
    lines = full.stderr.strip().splitlines()
    assert len(lines) == 1, full.stderr
    assert "automatic backup" in lines[0] and "could not be made" in lines[0]
    assert "Traceback" not in full.stderr
    backups = db.parent / "backups"
    assert files_under(backups) == []  # no .partial, no half copy

    again = kentcard(db, THURSDAY, "budget", "--month", "2026-11")
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert files_under(backups) == [
        "daily/k-2026-11-26.sqlite3",
        "weekly/k-2026-W48.sqlite3",
    ]
    for copy in backups.rglob("*.sqlite3"):
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        with sqlite3.connect(copy) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_write_still_works_when_the_start_up_backup_fails(tmp_path: Path) -> None:
    """A failed automatic backup is a warning: the money-in the person typed is saved."""
    db = tmp_path / "db" / "k.sqlite3"
    set_up(db)
    added = kentcard(
        db,
        WEDNESDAY,
        *("money-in", "add", "--date", "2026-11-02", "--amount", "1000", "--source", "kcc"),
        limit=db.stat().st_size // 2,
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "2"
    assert len(added.stderr.strip().splitlines()) == 1
    assert files_under(db.parent / "backups") == []


def test_backup_on_a_full_disk_fails_with_one_clear_line(tmp_path: Path) -> None:
    """`kentcard backup` itself says the copy could not be written, and leaves nothing."""
    db = tmp_path / "db" / "k.sqlite3"
    set_up(db)
    done = kentcard(db, WEDNESDAY, "backup", limit=db.stat().st_size // 2)
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("kentcard: error: the backup could not be written (")
    )
    assert "Traceback" not in done.stderr
    assert files_under(db.parent / "backups") == []


def test_the_weekly_copy_is_made_later_that_week_when_it_failed(tmp_path: Path) -> None:
    """The day's copy was made but the week's failed: the next start makes the week's."""
    db = tmp_path / "k.sqlite3"
    ctx = open_context(Settings(db=str(db), exports=tmp_path / "exports", keep_daily=0))
    recipients.setup_recipient(ctx, name="Ann")
    ctx.db.dispose()
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "weekly").write_text("in the way")  # the weekly folder cannot be made

    with pytest.raises(AutomaticBackupError, match="this week's automatic backup"):
        rotate_daily(url_for(db), date(2026, 11, 25))
    assert (backups / "daily" / "k-2026-11-25.sqlite3").exists()  # the day's copy was made
    assert (backups / "weekly").is_file()

    (backups / "weekly").unlink()
    rotate_daily(url_for(db), date(2026, 11, 25))  # later the same day
    assert files_under(backups) == ["daily/k-2026-11-25.sqlite3", "weekly/k-2026-W48.sqlite3"]


def test_a_failed_rotation_keeps_the_older_copies(tmp_path: Path) -> None:
    """Old daily copies are pruned only after a new one was made."""
    db = tmp_path / "db" / "k.sqlite3"
    set_up(db)
    for day in range(18, 25):  # seven days of copies, the most kept
        done = kentcard(db, f"2026-11-{day}", "budget")
        assert done.returncode == 0 and done.stderr == "", done.stderr
    daily = db.parent / "backups" / "daily"
    before = files_under(daily)
    assert len(before) == 7
    full = kentcard(db, WEDNESDAY, "budget", limit=db.stat().st_size // 2)
    assert full.returncode == 0
    assert files_under(daily) == before


def test_the_partial_copy_is_private_from_the_start(tmp_path: Path) -> None:
    """While VACUUM INTO writes, the unfinished file is already 0600, even under umask 000."""
    source = sqlite3.connect(tmp_path / "k.sqlite3")
    source.execute("CREATE TABLE t (x)")
    source.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 500)
    source.commit()
    target = tmp_path / "out" / "copy.sqlite3"
    partial = target.with_name(target.name + ".partial")
    seen: set[int] = set()

    def watch() -> int:
        if partial.exists():
            seen.add(stat.S_IMODE(partial.stat().st_mode))
        return 0

    source.set_progress_handler(watch, 20)
    old = os.umask(0)
    try:
        vacuum_into(source, target)
    finally:
        os.umask(old)
        source.close()
    assert seen == {0o600}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
