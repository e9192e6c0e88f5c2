"""`python bench/pandas_reader.py`: reading a 100,000-line statement, kentcard's reader
against pandas (vectorised dates, integer pence, `hash_pandas_object` keys). Medians of five.

The pandas side does less than the reader (one known layout, no per-line errors naming the
line, no CR/DR or newest-first handling): it is the most it could gain, not a replacement.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.suites import _write_statement
from kentcard.importers.statement import parse_statement

LINES = 100_000


def statement() -> bytes:
    path = Path(tempfile.gettempdir()) / f"kentcard-bench-statement-{LINES}.csv"
    if not path.exists():
        _write_statement(path, LINES)
    return path.read_bytes()


def with_kentcard(data: bytes) -> int:
    return len(parse_statement(data).lines)


def with_pandas(data: bytes) -> int:
    import pandas as pd

    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    days = pd.to_datetime(frame["Date"], format="%d/%m/%Y")

    def pence(column: str) -> pd.Series:
        text = frame[column].str.replace(",", "", regex=False)
        whole = text.str.split(".", n=1).str[0].replace("", "0").astype("int64")
        part = text.str.split(".", n=1).str[1].fillna("0").str.ljust(2, "0").astype("int64")
        return whole * 100 + part

    amounts = pence("Paid in") - pence("Paid out")
    keys = pd.util.hash_pandas_object(
        pd.DataFrame({"day": days, "words": frame["Description"], "pence": amounts}), index=False
    )
    return len(keys)


def median_ms(read: Callable[[bytes], int], data: bytes) -> tuple[int, float]:
    read(data)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        count = read(data)
        times.append(time.perf_counter() - started)
    return count, statistics.median(times) * 1000


if __name__ == "__main__":
    data = statement()
    for name, read in (("kentcard reader", with_kentcard), ("pandas", with_pandas)):
        count, ms = median_ms(read, data)
        print(f"{name}: {count} lines, median {ms:.0f} ms")
