"""`python -m bench [--quick] [--only 2,4,...]`: run the benchmarks and print the table.

The table is also written to bench/results/latest.md. A benchmark that cannot run (a
command not there yet, hledger missing) prints why in its row; `make bench` never fails
because a goal is missed: the table says so.
"""

from __future__ import annotations

import argparse
import platform
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bench import postgresql, suites
from bench.generate import cached
from bench.timing import Row, runs, set_runs

RESULTS = Path(__file__).with_name("results")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, medians of 3 runs: about a minute"
    )
    parser.add_argument("--only", default="", help="comma-separated benchmark numbers, e.g. 2,4")
    args = parser.parse_args()
    if args.quick:
        set_runs(3)
    chosen = {part.strip() for part in args.only.split(",") if part.strip()}
    sizes = suites.main_sizes(args.quick)
    started = time.perf_counter()
    print(f"Preparing databases ({'quick' if args.quick else 'full'} sizes)...", flush=True)
    main_db = cached(sizes["main"])
    plan: list[tuple[str, Callable[[], list[Row]]]] = [
        ("1", lambda: suites.statement_import([10_000] if args.quick else [100_000, 1_000_000])),
        ("2", lambda: suites.month_summary(main_db, sizes["main"])),
        ("3", lambda: suites.export(sizes["typical"], sizes["export"])),
        ("4", lambda: suites.tui(main_db, sizes["main"])),
        ("5", lambda: suites.peer(sizes["peer"])),
        ("6", lambda: suites.startup(main_db, sizes["main"])),
        ("7", lambda: postgresql.run(main_db, sizes["main"])),
    ]
    rows: list[Row] = []
    for number, run in plan:
        if chosen and number not in chosen:
            continue
        print(f"Benchmark {number}...", flush=True)
        try:
            rows += run()
        except Exception as error:  # one broken benchmark must not hide the others
            traceback.print_exc()
            rows.append(Row(f"{number} (failed)", "-", None, None, "-", None, note=str(error)))
    table = render(rows)
    print()
    print(table)
    took = time.perf_counter() - started
    print(f"\n({took:.0f} s in all; {summary_line(rows)})")
    RESULTS.mkdir(exist_ok=True)
    stamp = (
        f"{datetime.now():%Y-%m-%d %H:%M}, Python {suites.python_version()}, {platform.machine()}"
    )
    header = f"`make bench{' QUICK=1' if args.quick else ''}` on {stamp}:\n\n"
    (RESULTS / "latest.md").write_text(header + "```text\n" + table + "\n```\n", encoding="utf-8")


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def render(rows: list[Row]) -> str:
    headers = ["benchmark", "N", f"median of {runs()}", "floor", "ratio", "goal", "met", "peak mem"]
    body = []
    for row in rows:
        met = {True: "yes", False: "MISSED", None: "-"}[row.met]
        body.append(
            [
                row.name,
                row.n,
                seconds(row.median),
                seconds(row.floor),
                "-" if row.ratio is None else f"{row.ratio:.2f}×",
                row.goal,
                met,
                f"{row.peak / 2**20:.0f} MB" if row.peak else "-",
            ]
        )
    widths = [max(len(str(r[i])) for r in [headers, *body]) for i in range(len(headers))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for cells, row in zip(body, rows, strict=True):
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)))
        if row.note:
            lines.append(f"    {row.note}")
    return "\n".join(lines)


def summary_line(rows: list[Row]) -> str:
    judged = [r for r in rows if r.met is not None]
    missed = [r.name for r in judged if not r.met]
    return f"{len(judged) - len(missed)} of {len(judged)} goals met" + (
        f"; missed: {', '.join(missed)}" if missed else ""
    )


if __name__ == "__main__":
    main()
