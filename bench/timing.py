"""Measuring: medians of repeated runs, whole processes with their peak memory, and results.

Every benchmark row is a ratio against a floor measured in the same run (these machines
are shared and noisy); absolute seconds are printed beside it for context.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_RUNS = {"count": 5}  # timed runs behind each median: 5, or 3 in a quick run


def runs() -> int:
    return _RUNS["count"]


def set_runs(count: int) -> None:
    _RUNS["count"] = count


ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TODAY = "2026-11-25"


@dataclass(frozen=True)
class Timed:
    """The median of several runs, and the largest peak resident memory seen (bytes)."""

    seconds: float
    peak: int = 0


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    name: str
    n: str
    median: float | None
    floor: float | None
    goal: str
    met: bool | None  # None: no goal to judge, or not run
    peak: int = 0
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.median is None or not self.floor:
            return None
        return self.median / self.floor


def env(**extra: str) -> dict[str, str]:
    """The environment every kentcard process gets: fixed 'today', no daily backup copies.

    The once-a-day backup (a VACUUM INTO of the whole file) is turned off: the median of
    five runs would not include it anyway, and it would fill the disk with copies.
    """
    base = {k: v for k, v in os.environ.items() if not k.startswith("KENTCARD_")}
    base.update(KENTCARD_TODAY=TODAY, KENTCARD_KEEP_DAILY="0", KENTCARD_KEEP_WEEKLY="0")
    base.update(extra)
    return base


def run_once(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> Timed:
    """Run a whole process; its wall time and peak RSS (from wait4, as /usr/bin/time reads it)."""
    # Peak RSS through /usr/bin/time: a child's own wait4 figure starts from this (large)
    # process's RSS at fork on Linux, so it would overstate small commands.
    with tempfile.NamedTemporaryFile(prefix="bench-rss-", delete=False) as report:
        pass
    timer = (
        ["/usr/bin/time", "-f", "%M", "-o", report.name] if Path("/usr/bin/time").exists() else []
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [*timer, *argv],
        env=dict(environ or env()),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:4])}... exited {process.returncode}: {stderr[-500:]}")
    text = Path(report.name).read_text().strip().splitlines()
    os.unlink(report.name)
    peak_kb = int(text[-1]) if text and text[-1].isdigit() else usage.ru_maxrss
    return Timed(elapsed, peak_kb * 1024)


def median_process(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> Timed:
    """Median wall time of `runs()` runs after one warm-up (which fills the OS file cache)."""
    run_once(argv, environ)
    results = [run_once(argv, environ) for _ in range(runs())]
    return Timed(statistics.median(r.seconds for r in results), max(r.peak for r in results))


def median_call(func: Callable[[], object], count: int = 0) -> Timed:
    """Median wall time of `count` calls (default `runs()`) in this process, after a warm-up."""
    func()
    times = []
    for _ in range(count or runs()):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return Timed(statistics.median(times))


def kentcard(*args: str) -> list[str]:
    """argv for the installed `kentcard` command."""
    return [str(BIN / "kentcard"), *args]


def python(*args: str) -> list[str]:
    return [sys.executable, *args]
