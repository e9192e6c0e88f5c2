"""Personal data stays private: owner-only files; errors carry no names, amounts or references."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NetworkUsed
from tests.safety.process import run_kentcard

ROOT = Path(__file__).parent.parent.parent
CANARY_NAME = "Zebedee Quixotic-Canary"
CANARY_REF = "KCCREF-CANARY-7731"
CANARY_AMOUNT = "4817.63"
CANARY_PAYEE = "Canaryfield Care Agency"


def kentcard(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_kentcard(*args, env=env)


def test_error_output_never_contains_the_persons_data(tmp_path: Path) -> None:
    """Errors after real data is stored (bad input, missing records, a broken file) leak nothing."""
    env = {
        **os.environ,
        "KENTCARD_DB": str(tmp_path / "db" / "k.sqlite3"),
        "KENTCARD_TODAY": "2026-11-25",
    }
    setup = [
        (
            "init",
            "--name",
            CANARY_NAME,
            "--kcc-ref",
            CANARY_REF,
            "--opening-balance",
            CANARY_AMOUNT,
            "--as-of",
            "2026-10-01",
        ),
        ("provider", "add", CANARY_PAYEE),
        (
            "money-out",
            "add",
            "--date",
            "2026-11-02",
            "--amount",
            CANARY_AMOUNT,
            "--payee",
            CANARY_PAYEE,
        ),
        (
            "invoice",
            "add",
            "--provider",
            CANARY_PAYEE,
            "--number",
            CANARY_REF,
            "--date",
            "2026-11-01",
            "--amount",
            CANARY_AMOUNT,
        ),
    ]
    for args in setup:
        assert kentcard(env, *args).returncode == 0
    bad = [
        ("init", "--name", CANARY_NAME),  # duplicate person
        ("provider", "add", CANARY_PAYEE),  # duplicate provider
        (
            "money-out",
            "add",
            "--date",
            "2026-11-31",
            "--amount",
            CANARY_AMOUNT,
            "--payee",
            CANARY_PAYEE,
        ),
        (
            "money-out",
            "add",
            "--date",
            "2026-11-03",
            "--amount",
            CANARY_AMOUNT + "1",
            "--payee",
            "X",
        ),
        (
            "money-out",
            "add",
            "--date",
            "2026-11-03",
            "--amount",
            "1",
            "--payee",
            CANARY_PAYEE,
            "--invoice",
            CANARY_REF + "=" + CANARY_AMOUNT + "9",
        ),
        (
            "invoice",
            "add",
            "--provider",
            CANARY_PAYEE,
            "--number",
            CANARY_REF,
            "--date",
            "2026-11-01",
            "--amount",
            CANARY_AMOUNT,
        ),  # duplicate number
        ("receipt", "add", str(tmp_path / "nope.pdf"), "--invoice", CANARY_REF),
        ("money-out", "delete", "999"),
        ("invoice", "delete", "999"),
        ("budget", "--month", "2026-13"),
        ("review", "--from", "2026-11-30", "--to", "2026-11-01"),
    ]
    outputs = []
    for args in bad:
        result = kentcard(env, *args)
        assert result.returncode != 0, args
        outputs.append(result.stderr)
    # A damaged database file: the crash path must not print data either.
    (tmp_path / "db" / "k.sqlite3-wal").unlink(missing_ok=True)
    db = tmp_path / "db" / "k.sqlite3"
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\x00" * (4096 - 100)
    db.write_bytes(bytes(data))
    outputs.append(kentcard(env, "budget").stderr)
    text = "\n".join(outputs)
    for canary in (CANARY_NAME, CANARY_REF, CANARY_AMOUNT, CANARY_PAYEE, "4,817.63"):
        assert canary not in text, f"{canary!r} leaked into error output"
    assert "Traceback" not in text


def test_exports_and_backups_folders_are_private(tmp_path: Path) -> None:
    """With a permissive umask, the database, its folder and backups are still owner-only."""
    env = {**os.environ, "KENTCARD_DB": str(tmp_path / "db" / "k.sqlite3")}
    script = (
        "import os, sys; os.umask(0); from kentcard.cli import main; "
        "sys.argv = ['kentcard'] + sys.argv[1:]; main()"
    )
    for args in (["init", "--name", "A"], ["backup"]):
        subprocess.run(
            [sys.executable, "-c", script, *args],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    db = tmp_path / "db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o700
    assert stat.S_IMODE((db / "k.sqlite3").stat().st_mode) == 0o600
    backups = db / "backups"
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    files = [p for p in backups.rglob("*") if p.is_file()]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)


def test_the_network_guard_catches_a_connection() -> None:
    """The suite-wide guard really fails an outgoing connection (so its silence means something)."""
    with pytest.raises(NetworkUsed), socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.connect(("127.0.0.1", 9))
