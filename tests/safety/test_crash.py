"""Killing a writing process at random moments loses nothing it acknowledged, half-writes nothing.

50 trials by default; KENTCARD_SOAK=1 runs 500. Run with `-s` to see the figures.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from kentcard.services.maintenance import verify
from kentcard.store.engine import url_for

ROOT = Path(__file__).parent.parent.parent
TRIALS = 500 if os.environ.get("KENTCARD_SOAK") == "1" else 50


def start_writer(db: Path, mode: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.safety.writer", str(db), mode, str(count)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def prepare(tmp_path: Path) -> Path:
    db = tmp_path / "k.sqlite3"
    env = {**os.environ, "KENTCARD_DB": str(db), "KENTCARD_KEEP_DAILY": "0"}
    for args in (["init", "--name", "Crash Test"], ["provider", "add", "Agency"]):
        subprocess.run(
            [sys.executable, "-m", "kentcard", *args],
            env=env,
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
    return db


def sound(db: Path) -> None:
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []


def no_half_actions(raw: sqlite3.Connection) -> None:
    """Each action was one transaction: a payment always has its evidence, an invoice its PDF."""
    unproven = raw.execute(
        "SELECT count(*) FROM money_out m WHERE NOT EXISTS "
        "(SELECT 1 FROM document_link l WHERE l.money_out_id = m.id) AND NOT EXISTS "
        "(SELECT 1 FROM allocation a JOIN document_link l ON l.invoice_id = a.invoice_id "
        " WHERE a.money_out_id = m.id)"
    ).fetchone()[0]
    bare_invoices = raw.execute(
        "SELECT count(*) FROM invoice i WHERE NOT EXISTS "
        "(SELECT 1 FROM document_link l WHERE l.invoice_id = i.id)"
    ).fetchone()[0]
    orphans = raw.execute(
        "SELECT count(*) FROM blob b WHERE NOT EXISTS "
        "(SELECT 1 FROM document d WHERE d.sha256 = b.sha256)"
    ).fetchone()[0]
    assert (unproven, bare_invoices, orphans) == (0, 0, 0)


def test_sigkill_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    """After every SIGKILL the file is sound, and every acknowledged record is there intact."""
    db = prepare(tmp_path)
    rng = random.Random(20261125)
    acked: list[tuple[str, int, int]] = []
    kills = 0
    for _ in range(TRIALS):
        writer = start_writer(db, "mixed", 100_000)
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "READY"
        time.sleep(rng.uniform(0.0, 0.25))
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate()
        kills += writer.returncode == -signal.SIGKILL
        for line in out.splitlines():
            if line.startswith("ACK "):
                kind, rid, pence = line.split()[1:]
                acked.append((kind, int(rid), int(pence)))
        sound(db)
    with sqlite3.connect(db) as raw:
        lost = [
            (kind, rid)
            for kind, rid, pence in acked
            if raw.execute(f"SELECT amount_pence FROM {kind} WHERE id = ?", (rid,)).fetchone()
            != (pence,)
        ]
        no_half_actions(raw)
        unaudited = raw.execute(
            "SELECT count(*) FROM money_out m WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE "
            "a.entity = 'money_out' AND a.entity_id = m.id AND a.action = 'create')"
        ).fetchone()[0]
    report = verify(url_for(db))
    print(f"\ncrash: trials={TRIALS} kills={kills} records_checked={len(acked)} lost={len(lost)}")
    assert kills == TRIALS
    assert acked, "the writer never got to commit anything; the trial proves nothing"
    assert lost == []
    assert unaudited == 0
    assert report.ok, report.problems


def test_two_processes_writing_at_once_lose_no_update(tmp_path: Path) -> None:
    """Two writers × 500 money-in entries: all 1,000 land, neither sees 'database is locked'."""
    db = prepare(tmp_path)
    writers = [start_writer(db, "money-in", 500) for _ in range(2)]
    results = [w.communicate(timeout=300) for w in writers]
    for writer, (_, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err[-500:]
        assert "locked" not in err
    acked = [line for out, _ in results for line in out.splitlines() if line.startswith("ACK ")]
    assert len(acked) == 1000
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT count(*), sum(amount_pence) FROM money_in").fetchone() == (
            1000,
            2 * sum(100 + i for i in range(500)),
        )
    sound(db)


def test_writer_runs_to_the_end_when_not_killed(tmp_path: Path) -> None:
    """The writer itself works (so a kill test that finds records is not vacuous)."""
    db = prepare(tmp_path)
    writer = start_writer(db, "mixed", 6)
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert sum(line.startswith("ACK ") for line in out.splitlines()) == 8  # 2 invoices pay twice
