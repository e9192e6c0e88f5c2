"""Twenty members of staff writing at once to one organisation database for 30 seconds.

Twenty OS processes (tests/org_load/worker.py), each running whole `kentcard` command
lines (money in, money out, invoices, payments of invoices) against the same PostgreSQL
database, most of them to the same two people. Afterwards:

- every write a worker was told had been saved (exit 0 and the new record's id) is in
  the database, as it was given;
- no error reached a member of staff: no exit code but 0, nothing on stderr, no exception;
- each person's figures (the month's budget, spending by category, balance, money in by
  source, what is still owed, and the lists of money in, money out and invoices) are the
  same as when the acknowledged commands are replayed one after another, in the order
  they were acknowledged, into a fresh SQLite database.

Set KENTCARD_LOAD_SECONDS to run for longer or shorter (30 by default).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from kentcard.store.engine import make_engine
from tests import pgserver
from tests.org_load.worker import CATEGORIES, PEOPLE, PROVIDER, run

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 20
SECONDS = float(os.environ.get("KENTCARD_LOAD_SECONDS", "30"))
SETUP_TIMEOUT = 120.0


def setup(db: str) -> None:
    """Five people, each with a plan, budget lines, an opening balance and the provider."""
    for number, name in enumerate(PEOPLE, start=1):
        steps = [
            ["init", "--name", name, "--opening-balance", f"{number * 100}.00",
             "--as-of", "2026-09-30"],
            ["plan", "set", "--start", "2026-04-01", "--frequency", "monthly",
             "--council", "2000.00", "--contribution", "100.00",
             *[arg for c in CATEGORIES for arg in ("--line", f"{c}=700.00")],
             "--recipient", name],
            ["provider", "add", PROVIDER, "--kind", "agency", "--category", "Home care",
             "--recipient", name],
        ]  # fmt: skip
        for argv in steps:
            done = run(["--db", db, *argv, "--json"])
            assert done["code"] == 0 and not done["stderr"], done


def figures(db: str) -> dict[str, Any]:
    """Per person: the budget of both months written to, and the three lists without ids
    (ids are the database's own and differ between the two databases)."""
    found: dict[str, Any] = {}
    for name in PEOPLE:
        for month in ("2026-10", "2026-11"):
            done = run(["--db", db, "budget", "--month", month, "--recipient", name, "--json"])
            assert done["code"] == 0 and not done["stderr"], done
            found[f"{name} budget {month}"] = json.loads(done["stdout"])
        for what in ("money-in", "money-out", "invoices"):
            done = run(["--db", db, "list", what, "--recipient", name, "--json"])
            assert done["code"] == 0 and not done["stderr"], done
            rows = [
                {k: v for k, v in row.items() if k != "id" and not k.endswith("_id")}
                for row in json.loads(done["stdout"])
            ]
            found[f"{name} {what}"] = sorted(json.dumps(row, sort_keys=True) for row in rows)
    return found


def start_workers(url: str, sync: Path, logs: Path, environ: dict[str, str]) -> list[Any]:
    worker = [sys.executable, "-m", "tests.org_load.worker"]
    return [
        subprocess.Popen(
            [*worker, url, str(i), str(sync), str(SECONDS), str(logs / f"worker-{i:02d}.jsonl")],
            cwd=ROOT,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(WORKERS)
    ]


def check_saved(entry: dict[str, Any], connection: Any) -> None:
    """The acknowledged record is in the database as it was given."""
    argv, ident = entry["argv"], entry["id"]
    table = {"money-in": "money_in", "money-out": "money_out", "payment": "money_out"}.get(
        entry["kind"], "invoice"
    )
    row = connection.execute(
        text(f"SELECT r.name, t.amount_pence FROM {table} t JOIN recipient r"
             " ON r.id = t.recipient_id WHERE t.id = :id"),
        {"id": ident},
    ).one_or_none()  # fmt: skip
    assert row is not None, f"acknowledged {entry['kind']} {ident} is missing"
    assert (row.name, row.amount_pence) == (entry["person"], entry["amount"]), entry
    if entry["kind"] == "payment":
        number = argv[argv.index("--invoice") + 1].split("=")[0]
        paid = connection.execute(
            text("SELECT a.amount_pence FROM allocation a JOIN invoice i ON i.id = a.invoice_id"
                 " WHERE a.money_out_id = :id AND i.number = :number"),
            {"id": ident, "number": number},
        ).scalar_one_or_none()  # fmt: skip
        assert paid == entry["amount"], entry


def test_twenty_staff_writing_at_once_lose_nothing_and_match_a_serial_replay(
    pg_server: pgserver.Server, pg_url: str, tmp_path: Path
) -> None:
    setup(pg_url)
    sync, logs = tmp_path / "sync", tmp_path / "logs"
    sync.mkdir()
    logs.mkdir()
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KENTCARD_")},
        **pg_server.environ(),
        "KENTCARD_TODAY": "2026-11-25",
        "KENTCARD_KEEP_DAILY": "0",
        "KENTCARD_KEEP_WEEKLY": "0",
    }
    workers = start_workers(pg_url, sync, logs, environ)
    try:
        deadline = time.monotonic() + SETUP_TIMEOUT
        while len(list(sync.glob("ready-*"))) < WORKERS:
            assert time.monotonic() < deadline, "the workers did not start"
            assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
            time.sleep(0.05)
        (sync / "go.partial").write_text(repr(time.time()), encoding="utf-8")
        (sync / "go.partial").rename(sync / "go")
        outputs = [w.communicate(timeout=SECONDS + SETUP_TIMEOUT) for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
    for w, (out, err) in zip(workers, outputs, strict=True):
        assert (w.returncode, out, err) == (0, "", ""), err[-2000:]

    entries = [
        json.loads(line)
        for log in sorted(logs.glob("*.jsonl"))
        for line in log.read_text(encoding="utf-8").splitlines()
    ]
    errors = [e for e in entries if e["id"] is None]
    assert errors == [], errors[:3]  # no refusal, no exit code, nothing on stderr
    acknowledged = sorted(entries, key=lambda e: e["acknowledged"])
    per_person = {name: sum(e["person"] == name for e in entries) for name in PEOPLE}
    assert len({e["worker"] for e in entries}) == WORKERS
    assert min(per_person.values()) > 0 and len(acknowledged) > 100 * SECONDS / 30

    engine = make_engine(pg_url)
    try:
        with engine.connect() as connection:
            for entry in acknowledged:
                check_saved(entry, connection)
            for table in ("money_in", "money_out", "invoice"):
                kinds = {"money_in": ("money-in",), "money_out": ("money-out", "payment")}
                wanted = sum(e["kind"] in kinds.get(table, ("invoice",)) for e in entries)
                count = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                # the setup wrote no records; the opening balances are money in, one each
                assert count == wanted + (len(PEOPLE) if table == "money_in" else 0), table
    finally:
        engine.dispose()

    replay = str(tmp_path / "replay.sqlite3")
    setup(replay)
    for entry in acknowledged:
        argv = list(entry["argv"])
        argv[argv.index("--db") + 1] = replay
        done = run(argv)
        assert done["code"] == 0 and not done["stderr"], done
    assert figures(pg_url) == figures(replay)

    took = max(e["acknowledged"] for e in entries) - min(e["started"] for e in entries)
    waits = sorted(e["acknowledged"] - e["started"] for e in entries)
    report = (
        f"{len(entries)} writes by {WORKERS} processes in {took:.1f} s: "
        f"{len(entries) / took:.0f} writes/s; per write median {waits[len(waits) // 2] * 1000:.0f}"
        f" ms, 99th percentile {waits[int(len(waits) * 0.99)] * 1000:.0f} ms, "
        f"longest {waits[-1] * 1000:.0f} ms; per person {per_person}"
    )
    print(report)
