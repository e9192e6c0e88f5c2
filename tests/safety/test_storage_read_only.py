"""A database the person cannot write (a read-only folder, file or disk) opens read-only.

Reads work with one line saying so; a write is refused with one plain line and exit 2;
nothing is changed and there is never a traceback.

The failure is real: the CLI runs in a child process that obeys file permissions. Root
ignores them, so when the tests run as root the child first drops CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH from its capability bounding set (prctl PR_CAPBSET_DROP) before it
starts Python: from then on root is refused a read-only file or folder like anyone else.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.safety.process import quiet_env, run_kentcard

ROOT = Path(__file__).parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
ONE_LINE_NOTE = (
    "kentcard: note: the database is read-only here (its file or its folder cannot be "
    "written), so it can be read but nothing can be changed"
)


def obey_permissions() -> None:
    """In the child, before exec: make root subject to file permissions."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture(autouse=True)
def can_obey_permissions(tmp_path: Path) -> None:
    closed = tmp_path / "closed"
    closed.write_text("")
    os.chmod(closed, 0)
    probe = subprocess.run(
        [sys.executable, "-c", f"open({str(closed)!r})"],
        preexec_fn=obey_permissions,
        capture_output=True,
    )
    closed.unlink()
    if probe.returncode == 0:
        pytest.skip("this process cannot be made to obey file permissions (no CAP_SETPCAP)")


def kentcard(db: Path, *args: str, restricted: bool = True) -> subprocess.CompletedProcess[str]:
    env = quiet_env(KENTCARD_DB=str(db), KENTCARD_TODAY="2026-11-25")
    return run_kentcard(*args, env=env, preexec=obey_permissions if restricted else None)


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Path]:
    """A database with one person, a plan and a payment; its folder is made writable again
    afterwards so that the test's files can be cleaned up."""
    db = tmp_path / "db" / "k.sqlite3"
    for args in (
        ("init", "--name", "Jo Bloggs", "--opening-balance", "100", "--as-of", "2026-10-31"),
        ("plan", "set", "--start", "2026-11-01", "--frequency", "monthly", "--council", "1000"),
        ("money-in", "add", "--date", "2026-11-02", "--amount", "1000", "--source", "kcc"),
    ):
        done = kentcard(db, *args, restricted=False)
        assert done.returncode == 0, done.stderr
    yield db
    os.chmod(db.parent, 0o700)
    if db.exists():
        os.chmod(db, 0o600)


@pytest.mark.parametrize(
    ("folder_mode", "file_mode"),
    [(0o500, 0o400), (0o500, 0o600), (0o700, 0o400)],
    ids=["folder-and-file", "folder-only", "file-only"],
)
def test_reads_work_and_say_the_database_is_read_only(
    account: Path, folder_mode: int, file_mode: int
) -> None:
    """budget and list work on a database that cannot be written, with one line saying so."""
    os.chmod(account, file_mode)
    os.chmod(account.parent, folder_mode)
    before = digest(account.parent)

    budget = kentcard(account, "budget", "--month", "2026-11", "--json")
    assert budget.returncode == 0, budget.stderr
    assert json.loads(budget.stdout)["received"]["kcc"] == "1000.00"
    assert budget.stderr.strip().splitlines() == [ONE_LINE_NOTE]

    listed = kentcard(account, "list", "money-in", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [row["id"] for row in json.loads(listed.stdout)] == [1, 2]
    assert listed.stderr.strip().splitlines() == [ONE_LINE_NOTE]

    verified = kentcard(account, "verify")
    assert verified.returncode == 0, verified.stderr
    assert "All checks passed." in verified.stdout
    assert digest(account.parent) == before  # nothing written, not even a backup


def test_a_write_is_refused_with_one_clear_line(account: Path) -> None:
    """Adding a payment to a read-only database exits 2 with one line; the file is unchanged."""
    os.chmod(account, 0o400)
    os.chmod(account.parent, 0o500)
    before = digest(account.parent)
    added = kentcard(
        account, "money-in", "add", "--date", "2026-11-03", "--amount", "5", "--source", "other"
    )
    assert added.returncode == 2
    assert added.stderr.strip().splitlines() == [
        "kentcard: error: the database is read-only here (its file or its folder cannot be "
        "written), so nothing was saved"
    ]
    assert added.stdout == ""
    assert digest(account.parent) == before


def test_a_read_only_database_can_still_be_copied_out(account: Path, tmp_path: Path) -> None:
    """`backup --out` somewhere writable takes a checked copy of a read-only database."""
    os.chmod(account, 0o400)
    os.chmod(account.parent, 0o500)
    out = tmp_path / "copy.sqlite3"
    made = kentcard(account, "backup", "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert "Checked: 2 money in, 0 money out" in made.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_an_older_read_only_database_says_it_must_be_upgraded(tmp_path: Path) -> None:
    """A database at an earlier schema that cannot be written is not guessed at or changed."""
    folder = tmp_path / "old"
    folder.mkdir(mode=0o700)
    db = folder / "k.sqlite3"
    shutil.copy(FIXTURES / "schema-0001.sqlite3", db)
    os.chmod(db, 0o400)
    os.chmod(folder, 0o500)
    before = digest(folder)
    try:
        shown = kentcard(db, "budget")
    finally:
        os.chmod(folder, 0o700)
    assert shown.returncode == 2, shown.stderr
    lines = shown.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kentcard: error: ")
    assert "older version of kentcard" in lines[0]
    assert "upgraded by someone who can write to it" in lines[0]
    assert "Traceback" not in shown.stderr
    assert digest(folder) == before


def test_no_database_in_a_folder_that_cannot_be_written(tmp_path: Path) -> None:
    """With no database yet and a read-only folder, one line says none can be made there."""
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    try:
        shown = kentcard(folder / "k.sqlite3", "budget")
    finally:
        os.chmod(folder, 0o700)
    assert shown.returncode == 2
    lines = shown.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot be written" in lines[0], shown.stderr
    assert list(folder.iterdir()) == []
