"""The benchmarks: each returns rows for the table (see bench/README.md for the floors)."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.floors import extract_sheets
from bench.generate import TODAY, Size, cached
from bench.timing import (
    Row,
    Timed,
    env,
    kentcard,
    median_call,
    median_process,
    python,
    run_once,
    runs,
)

TYPICAL = 500  # a typical person in the many-people database (~1,000 payments in ten years)


def month_summary(db: Path, size: Size) -> list[Row]:
    """(2) `month_summary` in-process, and `kentcard budget --json` as a whole process."""
    import sqlite3

    from kentcard.core.dates import Month
    from kentcard.services.opening import open_context
    from kentcard.services.settings import Settings
    from kentcard.services.summary import month_summary as summarise

    month = Month.of(TODAY)
    ctx = open_context(Settings.resolve(db=str(db), env=env()))
    raw = sqlite3.connect(db)
    rows = []
    try:
        for rid, who in ((min(TYPICAL, size.recipients), "typical person"), (1, "largest")):
            got = median_call(lambda rid=rid: summarise(ctx, rid, month), count=21)
            floor = median_call(
                lambda rid=rid: _summary_floor(raw, rid, month.first, TODAY), count=21
            )
            n = _count(raw, rid)
            rows.append(
                Row(
                    f"2 month_summary in-process ({who})",
                    f"{n:,} of {size.payments:,}",
                    got.seconds,
                    floor.seconds,
                    "≤ 20 ms",
                    got.seconds <= 0.020 if who == "typical person" else None,
                    note="floor: the same sums in raw sqlite3",
                )
            )
    finally:
        raw.close()
        ctx.db.dispose()
    rid = str(min(TYPICAL, size.recipients))
    subject, floor = _paired(
        kentcard("--db", str(db), "budget", "--json", "--recipient", rid),
        python("-c", "import sqlmodel"),
    )
    rows.append(
        Row(
            "2 kentcard budget --json (process)",
            f"{size.payments:,}",
            subject.seconds,
            floor.seconds,
            "≤ 1.3× import sqlmodel",
            subject.seconds <= 1.3 * floor.seconds,
            subject.peak,
        )
    )
    return rows


def _count(raw, rid: int) -> int:  # type: ignore[no-untyped-def]
    sql = "SELECT count(*) FROM money_out WHERE recipient_id = ?"
    return int(raw.execute(sql, (rid,)).fetchone()[0])


def _summary_floor(raw, rid: int, first: date, last: date) -> None:  # type: ignore[no-untyped-def]
    """The month's reads with nothing around them: no ORM, no rules, no objects.

    The same work as `month_summary`: the person, their plans and budget lines, the month's
    spending and money in by category and source, the balance, and what is still owed on
    invoices (each invoice less what payments made by then allocated to it).
    """
    span = (rid, first.isoformat(), last.isoformat())
    raw.execute("SELECT * FROM recipient WHERE id = ?", (rid,)).fetchall()
    raw.execute("SELECT * FROM plan WHERE recipient_id = ?", (rid,)).fetchall()
    raw.execute(
        "SELECT l.* FROM plan_line l JOIN plan p ON p.id = l.plan_id WHERE p.recipient_id = ?",
        (rid,),
    ).fetchall()
    raw.execute(
        "SELECT category, sum(amount_pence) FROM money_out"
        " WHERE recipient_id=? AND date BETWEEN ? AND ? GROUP BY category",
        span,
    ).fetchall()
    raw.execute(
        "SELECT source, category, sum(amount_pence) FROM money_in"
        " WHERE recipient_id=? AND date BETWEEN ? AND ? GROUP BY source, category",
        span,
    ).fetchall()
    for table in ("money_in", "money_out"):
        raw.execute(
            f"SELECT sum(amount_pence) FROM {table} WHERE recipient_id=? AND date <= ?",
            (rid, last.isoformat()),
        ).fetchone()
    raw.execute(
        "SELECT sum(max(0, i.amount_pence - coalesce((SELECT sum(a.amount_pence)"
        " FROM allocation a JOIN money_out m ON m.id = a.money_out_id"
        " WHERE a.invoice_id = i.id AND m.date <= ?), 0)))"
        " FROM invoice i WHERE i.recipient_id = ? AND i.issue_date <= ?",
        (last.isoformat(), rid, last.isoformat()),
    ).fetchone()


def _paired(subject: list[str], floor: list[str]) -> tuple[Timed, Timed]:
    """Alternate subject and floor runs, so a busy moment on the machine hits both."""
    run_once(subject), run_once(floor)
    pairs = [(run_once(subject), run_once(floor)) for _ in range(runs())]
    return (
        Timed(statistics.median(s.seconds for s, _ in pairs), max(s.peak for s, _ in pairs)),
        Timed(statistics.median(f.seconds for _, f in pairs), max(f.peak for _, f in pairs)),
    )


def startup(db: Path, size: Size) -> list[Row]:
    """(6) `kentcard --help` and `kentcard budget` against `python -c pass`."""
    rows = []
    rid = str(min(TYPICAL, size.recipients))
    for label, argv in (
        ("6 kentcard --help", kentcard("--help")),
        ("6 kentcard budget", kentcard("--db", str(db), "budget", "--recipient", rid)),
    ):
        subject, floor = _paired(argv, python("-c", "pass"))
        rows.append(
            Row(
                label,
                "-",
                subject.seconds,
                floor.seconds,
                "no goal; no UI imports (tested)",
                None,
                subject.peak,
            )
        )
    return rows


def tui(db: Path, size: Size) -> list[Row]:
    """(4) The real app under Pilot, each run its own process under /usr/bin/time -v."""
    pairs = [(_tui_run(db, floor=False), _tui_run(db, floor=True)) for _ in range(runs())]
    results, floors = [r for r, _ in pairs], [f for _, f in pairs]
    big = Size(size.payments, size.recipients).big_share
    rows = []
    for key, label, goal, limit in (
        ("launch", "4 TUI launch → dashboard", "≤ 1.5 s", 1.5),
        ("page", "4 TUI Money out first page", "≤ 0.5 s", 0.5),
        ("last", "4 TUI jump to last row", "≤ 0.3 s", 0.3),
    ):
        got = statistics.median(r[key] for r in results)
        floor = statistics.median(r[key] for r in floors)
        n = f"{size.payments:,}" if key == "launch" else f"{big:,}"
        rows.append(Row(label, n, got, floor, goal, got <= limit))
    peak = max(int(r["time_peak"]) for r in results)
    pilot_peak = max(int(r["peak"]) for r in results)
    floor_peak = max(int(r["time_peak"]) for r in floors)
    rows.append(
        Row(
            "4 TUI peak memory (time -v)",
            f"{size.payments:,}",
            None,
            None,
            "≤ 300 MB",
            peak <= 300 * 2**20,
            peak,
            note=f"in-process ru_maxrss {pilot_peak / 2**20:.0f} MB;"
            f" bare Textual {floor_peak / 2**20:.0f} MB",
        )
    )
    return rows


def _tui_run(db: Path, floor: bool) -> dict[str, float]:
    argv = ["/usr/bin/time", "-v", *python("-m", "bench.tui_probe", str(db), repr(time.time()))]
    if floor:
        argv.append("--floor")
    done = subprocess.run(argv, env=env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"TUI probe failed: {done.stderr.split('Command ')[0][-800:]}")
    times: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    for line in done.stderr.splitlines():
        if "Maximum resident set size" in line:
            times["time_peak"] = int(line.split(":")[1]) * 1024
    return times


def peer(size: Size) -> list[Row]:
    """(5) hledger `bal -M` against `kentcard report monthly --json` on the same payments."""
    db = cached(size)
    hledger = shutil.which("hledger")
    label = "5 kentcard report monthly vs hledger bal -M"
    if hledger is None:
        note = "hledger is not installed (apt-get install hledger): skipped"
        return [Row(label, f"{size.payments:,}", None, None, "< 1×", None, note=note)]
    journal = db.with_suffix(".journal")
    if not journal.exists():
        _write_journal(db, journal)
    last = f"{TODAY:%Y-%m}"
    subject, floor = _paired(
        kentcard("--db", str(db), "report", "monthly", "--from", "2016-12", "--to", last, "--json"),
        [hledger, "-f", str(journal), "bal", "-M", "expenses", "-e", TODAY.isoformat()],
    )
    note = "floor: hledger (the peer), monthly totals by category over ten years"
    return [
        Row(
            label,
            f"{size.payments:,}",
            subject.seconds,
            floor.seconds,
            "< 1× hledger",
            subject.seconds < floor.seconds,
            subject.peak,
            note,
        )
    ]


def _write_journal(db: Path, journal: Path) -> None:
    """The same payments (and refunds) as an hledger journal, one account per category."""
    import sqlite3

    raw = sqlite3.connect(db)
    lines = []
    outs = raw.execute(
        "SELECT date, payee, coalesce(category, 'Uncategorised'), amount_pence FROM money_out"
        " WHERE recipient_id = 1 ORDER BY date, id"
    )
    for day, payee, category, pence in outs:
        lines.append(f"{day} {payee}\n    expenses:{category}  £{pence // 100}.{pence % 100:02d}")
        lines.append("    assets:card\n")
    refunds = raw.execute(
        "SELECT date, coalesce(category, 'Uncategorised'), amount_pence FROM money_in"
        " WHERE recipient_id = 1 AND source = 'refund' ORDER BY date, id"
    )
    for day, category, pence in refunds:
        lines.append(f"{day} Refund\n    expenses:{category}  £-{pence // 100}.{pence % 100:02d}")
        lines.append("    assets:card\n")
    raw.close()
    journal.write_text("\n".join(lines) + "\n", encoding="utf-8")


def available(command: str) -> bool:
    """Whether `kentcard COMMAND` exists in this checkout yet."""
    done = subprocess.run(
        kentcard(command, "--help"), env=env(), capture_output=True, text=True, check=False
    )
    return done.returncode == 0


def statement_import(lines: list[int]) -> list[Row]:
    """(1) `kentcard import` of a card statement, whole process, against csv + one bulk insert."""
    if not available("import"):
        return [
            Row("1 kentcard import", f"{n:,}", None, None, "≤ 2×", None, note="not available yet")
            for n in lines
        ]
    rows = []
    for n in lines:
        with tempfile.TemporaryDirectory() as folder:
            statement = Path(folder) / "statement.csv"
            _write_statement(statement, n)
            # One person set up once; each run imports into a fresh copy of that database.
            fresh = Path(folder) / "fresh.sqlite3"
            run_once(kentcard("--db", str(fresh), "init", "--name", "Alex"))
            times, floors, peak = [], [], 0
            for _ in range(runs()):
                db = Path(folder) / "k.sqlite3"
                for leftover in Path(folder).glob("k.sqlite3*"):
                    leftover.unlink()
                for part in ("", "-wal"):
                    if Path(f"{fresh}{part}").exists():
                        shutil.copyfile(f"{fresh}{part}", f"{db}{part}")
                got = run_once(kentcard("--db", str(db), "import", str(statement)))
                times.append(got.seconds)
                peak = max(peak, got.peak)
                floor_db = Path(folder) / "floor.sqlite3"
                floor_db.unlink(missing_ok=True)
                floors.append(
                    run_once(
                        python("-m", "bench.floors", "import", str(statement), str(floor_db))
                    ).seconds
                )
        got_s, floor_s = statistics.median(times), statistics.median(floors)
        rows.append(
            Row(
                "1 kentcard import (process)",
                f"{n:,}",
                got_s,
                floor_s,
                "≤ 2× csv + bulk insert",
                got_s <= 2 * floor_s,
                peak,
                note=f"{n / got_s:,.0f} lines/s",
            )
        )
    return rows


def _write_statement(path: Path, n: int) -> None:
    """A card statement: header, then n lines over ten years, oldest first."""
    start = date(2016, 12, 1).toordinal()
    span = TODAY.toordinal() - start
    with path.open("w", encoding="utf-8") as out:
        out.write("Date,Description,Paid out,Paid in\n")
        for k in range(n):
            day = date.fromordinal(start + k * span // n)
            pence = 1000 + (k * 7919) % 30000
            if k % 50 == 0:
                out.write(
                    f"{day:%d/%m/%Y},KCC DIRECT PAYMENT {k},,{pence // 100}.{pence % 100:02d}\n"
                )
            else:
                out.write(f"{day:%d/%m/%Y},CARD PAYMENT {k},{pence // 100}.{pence % 100:02d},\n")


def export(typical: Size, large: Size) -> list[Row]:
    """(3) `kentcard export`: a typical year; and ten years (100,000 payments in the full run)
    against openpyxl write-only."""
    if not available("export"):
        return [Row("3 kentcard export", "-", None, None, "-", None, note="not available yet")]
    rows = []
    year_from = date(TODAY.year - 1, TODAY.month, TODAY.day + 1 if TODAY.day < 28 else 28)
    for size, start, label, is_typical in (
        (typical, year_from, "3 export one year, typical (xlsx)", True),
        (large, date(2016, 12, 1), "3 export ten years (xlsx)", False),
    ):
        db = cached(size)
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "review.xlsx"
            argv = kentcard(
                "--db", str(db), "export", "--from", start.isoformat(), "--to",
                TODAY.isoformat(), "--out", str(out), "--overwrite",
            )  # fmt: skip
            got = median_process(argv)
            records = _records(db, start)
            values = Path(folder) / "sheets.pickle"
            extract_sheets(out, values)
            floor_out = str(Path(folder) / "floor.xlsx")
            floor = median_process(python("-m", "bench.floors", "xlsx", str(values), floor_out))
        rows.append(
            Row(
                label,
                f"{records:,} records",
                got.seconds,
                floor.seconds,
                "≤ 2 s" if is_typical else "≤ 1.3× openpyxl write-only",
                got.seconds <= 2.0 if is_typical else got.seconds <= 1.3 * floor.seconds,
                got.peak,
                note="floor: openpyxl write-only dumping the same sheets' rows and columns",
            )
        )
    return rows


def _records(db: Path, start: date) -> int:
    import sqlite3

    raw = sqlite3.connect(db)
    total = 0
    for table, column in (("money_out", "date"), ("money_in", "date"), ("invoice", "issue_date")):
        sql = f"SELECT count(*) FROM {table} WHERE recipient_id = 1 AND {column} >= ?"
        total += raw.execute(sql, (start.isoformat(),)).fetchone()[0]
    raw.close()
    return int(total)


def main_sizes(quick: bool) -> dict[str, Size]:
    if quick:
        # The ten-year export is the typical account's whole history here (4,000 payments).
        return {
            "main": Size(20_000, 20),
            "peer": Size(10_000, 1),
            "export": Size(4_000, 1),
            "typical": Size(4_000, 1),
        }
    return {
        "main": Size(1_000_000, 1000),
        "peer": Size(100_000, 1),
        "export": Size(100_000, 1),
        "typical": Size(4_000, 1),
    }


def python_version() -> str:
    return sys.version.split()[0]
