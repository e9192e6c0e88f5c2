"""(7) Organisation mode on PostgreSQL: the benchmark database on a server, read by a member
of staff under row-level security, against the same reads in plain SQL by the owner.

A throwaway server (tests/pgserver.py: initdb and pg_ctl in a temporary folder, a Unix
socket only) gets the very rows of the SQLite benchmark database, copied table by table
with COPY and their ids kept. Then, through the real command line, `kentcard org init`
sets up the roles and row-level security, `org staff add` makes an editor's login, and
`org staff assign` gives it the typical person and the largest account (as a member of
staff with a caseload, who sees those two people of the thousand).

- `month_summary` in-process, read as that login: every row passes the policies.
- `report monthly` (`monthly_by_category`) in-process over the ten years, as that login.
- Each against its floor: the same reads written by hand in SQL, run through psycopg by
  the owner (whom row-level security does not apply to) with an explicit
  `WHERE recipient_id = …`: no SQLAlchemy, no rules, no objects, no policies.
- The terminal app launched against the PostgreSQL address as that login (the same probe
  as benchmark 4), against a bare Textual app filled by psycopg.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from bench.generate import TODAY, Size
from bench.timing import ROOT, Row, env, kentcard, median_call, python, runs

STAFF = "bench_staff"
STAFF_PASSWORD = "bench-staff-secret"
ONE = "bench_one"  # a second login whose caseload is the typical person alone
TYPICAL = 500
FIRST_MONTH = "2016-12"


def missing() -> str | None:
    """Why no PostgreSQL server can be started here, or None."""
    from tests import pgserver

    return pgserver.missing_reason()


@contextmanager
def organisation(sqlite_db: Path, size: Size) -> Iterator[dict[str, Any]]:
    """A server holding the benchmark database, set up for staff, for as long as needed."""
    from tests import pgserver

    with pgserver.running() as server:
        previous = os.environ.get("PGPASSFILE")
        os.environ["PGPASSFILE"] = str(server.passfile)
        try:
            pgserver.migrate_template(server)
            name = server.fresh_database("bench")
            started = time.perf_counter()
            rows = copy_rows(server, name, sqlite_db)
            loaded = time.perf_counter() - started
            print(f"  copied {rows:,} rows into PostgreSQL in {loaded:.0f} s", flush=True)
            owner_url = server.url(name)
            server.add_password(STAFF, STAFF_PASSWORD)
            server.add_password(ONE, STAFF_PASSWORD)
            _set_up_staff(owner_url, server, {min(TYPICAL, size.recipients), 1})
            yield {
                "server": server,
                "database": name,
                "owner": owner_url,
                "staff": server.url(name, STAFF),
                "one": server.url(name, ONE),
                "rows": rows,
                "load_seconds": loaded,
            }
        finally:
            if previous is None:
                os.environ.pop("PGPASSFILE", None)
            else:
                os.environ["PGPASSFILE"] = previous


def copy_rows(server: Any, database: str, sqlite_db: Path) -> int:
    """Every row of every kentcard table, ids kept, then the sequences moved past them.

    The copy runs as the server's superuser with triggers and foreign-key checks off for
    the session (`session_replication_role = replica`): the rows are already a consistent
    database, checked by `kentcard verify` when they were generated. The audit trigger
    that stamps a login is one of those triggers: the copied lines keep no login.
    """
    import psycopg

    from tests import pgserver

    source = sqlite3.connect(sqlite_db)
    total = 0
    try:
        tables = [
            row[0]
            for row in source.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
            )
        ]
        with psycopg.connect(
            host=str(server.socket_dir), dbname=database, user=pgserver.SUPERUSER
        ) as target:
            target.execute("SET session_replication_role = replica")
            booleans = _boolean_columns(target)
            for table in tables:
                columns = [row[1] for row in source.execute(f'PRAGMA table_info("{table}")')]
                names = ", ".join(f'"{c}"' for c in columns)
                flags = [(table, c) in booleans for c in columns]
                with target.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in source.execute(f'SELECT {names} FROM "{table}"'):
                        if any(flags):
                            row = tuple(
                                bool(v) if f and v is not None else v
                                for v, f in zip(row, flags, strict=True)
                            )
                        copy.write_row(row)
                        total += 1
                if "id" in columns:
                    target.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'),"
                        f' coalesce((SELECT max(id) FROM "{table}"), 0) + 1, false)'
                    )
            target.execute("SET session_replication_role = origin")
            target.commit()
            target.autocommit = True
            target.execute("VACUUM ANALYZE")
    finally:
        source.close()
    return total


def _boolean_columns(connection: Any) -> set[tuple[str, str]]:
    found = connection.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND data_type = 'boolean'"
    ).fetchall()
    return {(t, c) for t, c in found}


def _set_up_staff(owner_url: str, server: Any, people: set[int]) -> None:
    """`org init`, an editor's login, and its caseload, through the real command line."""
    with tempfile.TemporaryDirectory() as folder:
        password = Path(folder) / "password"
        password.write_text(STAFF_PASSWORD + "\n", encoding="utf-8")
        steps = [
            ["org", "init"],
            ["org", "staff", "add", STAFF, "--role", "editor", "--password-file", str(password)],
            *[["org", "staff", "assign", STAFF, "--recipient", str(p)] for p in sorted(people)],
            ["org", "staff", "add", ONE, "--role", "editor", "--password-file", str(password)],
            ["org", "staff", "assign", ONE, "--recipient", str(min(people - {1}, default=1))],
        ]
        for step in steps:
            done = subprocess.run(
                kentcard("--db", owner_url, *step),
                env=env(**server.environ()),
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(f"kentcard {' '.join(step[:3])} failed: {done.stderr[-500:]}")


def run(sqlite_db: Path, size: Size) -> list[Row]:
    """The benchmark's rows (or one row saying why it was skipped)."""
    reason = missing()
    if reason is not None:
        return [Row("7 PostgreSQL (skipped)", "-", None, None, "-", None, note=reason)]
    with organisation(sqlite_db, size) as org:
        rows = reads(org, size)
        rows += tui_launch(org, size)
    return rows


def reads(org: dict[str, Any], size: Size) -> list[Row]:
    """month_summary and report monthly as the staff login, against plain SQL as owner."""
    import psycopg

    from kentcard.core.dates import Month
    from kentcard.services.opening import open_context
    from kentcard.services.reports import monthly_by_category
    from kentcard.services.settings import Settings
    from kentcard.services.summary import month_summary

    month = Month.of(TODAY)
    first = Month.of(date(2016, 12, 1))
    staff = open_context(Settings.resolve(db=org["staff"], env=env()))
    owner = open_context(Settings.resolve(db=org["owner"], env=env()))
    server = org["server"]
    raw = psycopg.connect(
        host=str(server.socket_dir), dbname=org["database"], user="kentcard_owner", autocommit=True
    )
    rows = []
    try:
        for rid, who in ((min(TYPICAL, size.recipients), "typical person"), (1, "largest")):
            n = raw.execute(
                "SELECT count(*) FROM money_out WHERE recipient_id = %s", (rid,)
            ).fetchone()
            count = f"{n[0] if n else 0:,} of {size.payments:,}"
            # The same answer both ways first: the login sees this person in full.
            assert month_summary(staff, rid, month) == month_summary(owner, rid, month)
            got = median_call(partial(month_summary, staff, rid, month), count=21)
            as_owner = median_call(partial(month_summary, owner, rid, month), count=21)
            floor = median_call(partial(_summary_floor, raw, rid, month.first, TODAY), count=21)
            rows.append(
                Row(
                    f"7 PG month_summary, staff login + RLS ({who})",
                    count,
                    got.seconds,
                    floor.seconds,
                    "≤ 2× plain SQL",
                    got.seconds <= 2 * floor.seconds,
                    note=f"as the owner, no RLS: {as_owner.seconds * 1000:.1f} ms",
                )
            )
            assert monthly_by_category(staff, rid, first, month) == monthly_by_category(
                owner, rid, first, month
            )
            got = median_call(partial(monthly_by_category, staff, rid, first, month), count=11)
            as_owner = median_call(partial(monthly_by_category, owner, rid, first, month), count=11)
            floor = median_call(partial(_monthly_floor, raw, rid, first.first, TODAY), count=11)
            reads_only = median_call(
                partial(_monthly_reads, staff, rid, first.first, TODAY), count=11
            )
            rows.append(
                Row(
                    f"7 PG report monthly, staff login + RLS ({who})",
                    count,
                    got.seconds,
                    floor.seconds,
                    "≤ 2× plain SQL",
                    got.seconds <= 2 * floor.seconds,
                    note=f"120 months; as the owner, no RLS: {as_owner.seconds * 1000:.1f} ms;"
                    f" its reads alone (staff): {reads_only.seconds * 1000:.1f} ms",
                )
            )
    finally:
        raw.close()
        staff.db.dispose()
        owner.db.dispose()
    return rows


def _summary_floor(raw: Any, rid: int, first: date, last: date) -> None:
    """The month's reads by hand (as bench/suites.py's SQLite floor): the person, plans and
    lines, the month's spending and money in, the balance, and what is still owed."""
    raw.execute("SELECT * FROM recipient WHERE id = %s", (rid,)).fetchall()
    raw.execute("SELECT * FROM plan WHERE recipient_id = %s", (rid,)).fetchall()
    raw.execute(
        "SELECT l.* FROM plan_line l JOIN plan p ON p.id = l.plan_id WHERE p.recipient_id = %s",
        (rid,),
    ).fetchall()
    raw.execute(
        "SELECT category, sum(amount_pence) FROM money_out"
        " WHERE recipient_id = %s AND date BETWEEN %s AND %s GROUP BY category",
        (rid, first, last),
    ).fetchall()
    raw.execute(
        "SELECT source, category, sum(amount_pence) FROM money_in"
        " WHERE recipient_id = %s AND date BETWEEN %s AND %s GROUP BY source, category",
        (rid, first, last),
    ).fetchall()
    for table in ("money_in", "money_out"):
        raw.execute(
            f"SELECT sum(amount_pence) FROM {table} WHERE recipient_id = %s AND date <= %s",
            (rid, last),
        ).fetchone()
    raw.execute(
        "SELECT sum(greatest(0, i.amount_pence - coalesce((SELECT sum(a.amount_pence)"
        " FROM allocation a JOIN money_out m ON m.id = a.money_out_id"
        " WHERE a.invoice_id = i.id AND m.date <= %s), 0)))"
        " FROM invoice i WHERE i.recipient_id = %s AND i.issue_date <= %s",
        (last, rid, last),
    ).fetchone()


def _monthly_reads(ctx: Any, rid: int, first: date, last: date) -> None:
    """The report's own reads (what `monthly_by_category` asks the store for) without its
    month-by-month budget rules, through kentcard's store on the staff login's connection."""
    from kentcard.store import ledger, plans, recipients

    with ctx.db.connect() as connection:
        recipients.recipient(connection=connection, recipient_id=rid)
        plans.plans(connection=connection, recipient_id=rid)
        ledger.spent_by_month_and_category(
            connection=connection, recipient_id=rid, start=first, end=last
        )


def _monthly_floor(raw: Any, rid: int, first: date, last: date) -> None:
    """The report's reads by hand: the person, plans and lines, and spending less refunds
    by month and category over the whole span (one grouped query each)."""
    raw.execute("SELECT * FROM recipient WHERE id = %s", (rid,)).fetchall()
    raw.execute("SELECT * FROM plan WHERE recipient_id = %s", (rid,)).fetchall()
    raw.execute(
        "SELECT l.* FROM plan_line l JOIN plan p ON p.id = l.plan_id WHERE p.recipient_id = %s",
        (rid,),
    ).fetchall()
    raw.execute(
        "SELECT date_trunc('month', date), category, sum(amount_pence) FROM money_out"
        " WHERE recipient_id = %s AND date BETWEEN %s AND %s GROUP BY 1, 2",
        (rid, first, last),
    ).fetchall()
    raw.execute(
        "SELECT date_trunc('month', date), category, sum(amount_pence) FROM money_in"
        " WHERE recipient_id = %s AND source = 'refund' AND date BETWEEN %s AND %s"
        " GROUP BY 1, 2",
        (rid, first, last),
    ).fetchall()


def tui_launch(org: dict[str, Any], size: Size) -> list[Row]:
    """The app launched with --db the PostgreSQL address as the staff login, to the
    dashboard of the first person it may see (the largest account), then Money out's first
    page and its last row; each run its own process, against a bare Textual app filled by
    psycopg (benchmark 4's steps). The same app as the owner (no row-level security) is
    run beside them, for the note."""

    def one() -> tuple[dict[str, float], dict[str, float], dict[str, float], dict[str, float]]:
        return (
            _probe(org["staff"], floor=False),
            _probe(org["owner"], floor=True),
            _probe(org["owner"], floor=False),
            _probe(org["one"], floor=False),
        )

    one()  # the first round warms the server's and the OS's caches
    rounds = [one() for _ in range(runs())]
    big = size.big_share
    rows = []
    for key, label, goal, limit in (
        ("launch", "7 PG TUI launch → dashboard, staff login", "≤ 1.5 s", 1.5),
        ("page", "7 PG TUI Money out first page, staff login", "≤ 0.5 s", 0.5),
        ("last", "7 PG TUI jump to last row, staff login", "≤ 0.3 s", 0.3),
    ):
        got = statistics.median(r[key] for r, _, _, _ in rounds)
        floor = statistics.median(f[key] for _, f, _, _ in rounds)
        owner = statistics.median(o[key] for _, _, o, _ in rounds)
        n = f"{size.payments:,}" if key == "launch" else f"{big:,}"
        note = f"floor: bare Textual + psycopg; as the owner, no RLS: {_seconds(owner)}"
        rows.append(Row(label, n, got, floor, goal, got <= limit, note=note))
    typical = statistics.median(t["launch"] for _, _, _, t in rounds)
    rows.append(
        Row(
            "7 PG TUI launch → dashboard, one-person login",
            f"{size.payments:,}",
            typical,
            statistics.median(f["launch"] for _, f, _, _ in rounds),
            "≤ 1.5 s",
            typical <= 1.5,
            note="a login whose caseload is the typical person alone",
        )
    )
    return rows


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _probe(url: str, floor: bool) -> dict[str, float]:
    argv = python("-m", "bench.tui_probe_pg", url, repr(time.time()))
    if floor:
        argv.append("--floor")
    done = subprocess.run(argv, env=env(), cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"TUI probe failed: {done.stderr[-800:]}")
    times: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return times
