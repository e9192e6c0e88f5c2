"""An export's temporary files stay in the app's private folder, and nothing outlives a failure.

openpyxl streams every sheet into a temporary file until the workbook is saved; by default
that is the system's temp folder (`/tmp`), where a killed export once left the account's
every payee and amount. Here the exports run in real processes with TMPDIR pointed at a
folder of the test's, on ten years of one person's account (5,000 payments), and are
killed mid-way or made to fail.
"""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from bench.generate import Size, generate
from kentcard.export import scratch

ROOT = Path(__file__).parent.parent.parent
PERIOD = ["--from", "2016-12-01", "--to", "2026-11-25"]


@pytest.fixture(scope="module")
def account(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten years of one person's payments, invoices and receipts, made once."""
    path = tmp_path_factory.mktemp("account") / "template.sqlite3"
    generate(path, Size(5000, 1))
    return path


@pytest.fixture
def db_file(tmp_path: Path, account: Path) -> Path:
    path = tmp_path / "db" / "k.sqlite3"
    path.parent.mkdir(mode=0o700)
    with closing(sqlite3.connect(account)) as source, closing(sqlite3.connect(path)) as copy:
        source.backup(copy)
    return path


@pytest.fixture
def system_temp(tmp_path: Path) -> Path:
    folder = tmp_path / "system-temp"
    folder.mkdir()
    return folder


def environment(tmp_path: Path, system_temp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENTCARD_")}
    env.update(
        TMPDIR=str(system_temp),
        HOME=str(tmp_path / "home"),
        XDG_CACHE_HOME=str(tmp_path / "home" / ".cache"),
        KENTCARD_TODAY="2026-11-25",
        KENTCARD_KEEP_DAILY="0",
    )
    return env


def kentcard(db_file: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kentcard", "--db", str(db_file), *args]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def everything_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def kill_mid_export(tmp_path: Path, db_file: Path, system_temp: Path) -> tuple[Path, Path]:
    """Start an export (umask 000) and SIGKILL it while its sheets are being written.

    Returns the target and its `.part` file, left behind by the killed process.
    """
    target = tmp_path / "out" / "review.xlsx"
    private = db_file.parent / scratch.FOLDER
    process = subprocess.Popen(
        kentcard(db_file, "export", *PERIOD, "--out", str(target)),
        cwd=ROOT,
        env=environment(tmp_path, system_temp),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.umask(0),
    )
    deadline = time.monotonic() + 120
    try:
        while True:
            sheets = list(private.glob("export-*/openpyxl.*"))
            parts = list(target.parent.glob(".review.xlsx.*.part"))
            if sheets and parts:
                break
            assert process.poll() is None, "the export ended before it could be stopped"
            assert time.monotonic() < deadline, "the export never started writing"
            time.sleep(0.002)
        # The files as the export made them, even with umask 000: owner-only.
        assert mode(private) == 0o700
        assert all(mode(p.parent) == 0o700 for p in sheets)
        assert all(mode(p) == 0o600 for p in sheets if p.exists())
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert everything_in(system_temp) == []  # nothing with personal data where others look
    assert not target.exists()
    [part] = parts
    assert part.exists() and mode(part) == 0o600
    [left] = list(private.glob("export-*"))
    assert mode(left) == 0o700
    return target, part


def test_a_killed_export_leaves_nothing_in_the_system_temp_folder_and_the_next_export_cleans(
    tmp_path: Path, db_file: Path, system_temp: Path
) -> None:
    """The sheets were in db/tmp (0700), never in TMPDIR; the next export removes what the
    killed one left there and its `.part` file beside the target, then does its own."""
    target, part = kill_mid_export(tmp_path, db_file, system_temp)
    done = subprocess.run(
        kentcard(db_file, "export", *PERIOD, "--out", str(target)),
        cwd=ROOT,
        env=environment(tmp_path, system_temp),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert not part.exists()
    assert everything_in(target.parent) == ["review.xlsx"]
    assert everything_in(db_file.parent / scratch.FOLDER) == []
    assert everything_in(system_temp) == []


def test_the_next_start_of_any_command_cleans_what_a_killed_export_left(
    tmp_path: Path, db_file: Path, system_temp: Path
) -> None:
    target, part = kill_mid_export(tmp_path, db_file, system_temp)
    done = subprocess.run(
        kentcard(db_file, "budget"),
        cwd=ROOT,
        env=environment(tmp_path, system_temp),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert not part.exists()
    assert everything_in(target.parent) == []
    assert everything_in(db_file.parent / scratch.FOLDER) == []


def test_an_export_that_fails_on_a_full_disk_leaves_nothing_behind(
    tmp_path: Path, db_file: Path, system_temp: Path
) -> None:
    """A file-size limit (a full disk, as the process sees it) stops the export half-way
    with one plain line; no `.part`, no sheet file, no scratch folder is left anywhere."""

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a plain EFBIG error, not a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    target = tmp_path / "out" / "review.xlsx"
    done = subprocess.run(
        kentcard(db_file, "export", *PERIOD, "--out", str(target)),
        cwd=ROOT,
        env=environment(tmp_path, system_temp),
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=small_files,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == "kentcard: error: cannot use a file: File too large\n"
    assert everything_in(target.parent) == []
    assert everything_in(db_file.parent / scratch.FOLDER) == []
    assert everything_in(system_temp) == []


def test_clean_up_removes_only_what_dead_exports_made(tmp_path: Path) -> None:
    """A dead process's folder and its `.part` go; a live one's stay; a journal line naming
    anything but a `.part` of that very export is never acted on."""
    db_file = tmp_path / "db" / "k.sqlite3"
    private = tmp_path / "db" / scratch.FOLDER
    private.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    gone = private / f"export-{dead}-abc123"
    gone.mkdir()
    (gone / "openpyxl.sheet.xml").write_text("<row>Jo Bloggs 560.00</row>")
    part = tmp_path / f".review.xlsx.{dead}-abc123.part"
    part.write_text("half a workbook")
    mine = tmp_path / "review-of-my-own.xlsx"
    mine.write_text("not an export's temporary file")
    other = tmp_path / f".review.xlsx.{dead}-zzz.part"  # another export's name
    other.write_text("not this export's")
    lines = [part, mine, other, tmp_path]
    (gone / scratch.JOURNAL).write_text("".join(f"{p}\n" for p in lines))
    live = private / f"export-{os.getpid()}-def456"
    live.mkdir()
    (live / "openpyxl.sheet.xml").write_text("in use")

    assert scratch.clean_leftovers(db_file) == 1
    assert not gone.exists() and not part.exists()
    assert mine.exists() and other.exists() and tmp_path.exists()
    assert (live / "openpyxl.sheet.xml").exists()


def test_a_workspace_is_made_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    db_file = tmp_path / "db" / "k.sqlite3"
    db_file.parent.mkdir()
    before = os.umask(0)
    try:
        with scratch.workspace(db_file) as work:
            assert work.folder.parent == tmp_path / "db" / scratch.FOLDER
            assert mode(work.folder.parent) == 0o700 and mode(work.folder) == 0o700
            partial = work.partial(tmp_path / "out.xlsx")
            partial.write_text("x")
            assert mode(work.folder / scratch.JOURNAL) == 0o600
    finally:
        os.umask(before)
    assert not partial.exists()  # noted, so removed with the workspace
    assert everything_in(tmp_path / "db" / scratch.FOLDER) == []
