"""One CSV file per data sheet: UTF-8 with a byte-order mark, so Excel reads `£` right.

`summary.csv` holds the key figures (opening and closing balance, received, paid out,
budget, spent, counts of findings) and `README.txt` says what each file is.
Money is written as plain numbers with two decimals (`560.00`), dates as `YYYY-MM-DD`, and
any text that could start a formula gets an apostrophe in front (see `safety.py`).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from kentcard.core.money import Money
from kentcard.export import tables as T
from kentcard.export.book import ReviewBook
from kentcard.export.readme import csv_readme
from kentcard.export.safety import csv_text

SUMMARY_NAME = "summary.csv"
FILE_NAMES = {
    T.MONEY_IN: "money-in.csv",
    T.MONEY_OUT: "money-out.csv",
    T.INVOICES: "invoices.csv",
    T.BUDGET: "budget-by-month.csv",
    T.EVIDENCE: "evidence.csv",
    T.FINDINGS: "exceptions.csv",
}


def field(value: Any) -> str:
    """One CSV field: exact money, ISO dates, and text that cannot become a formula."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return csv_text(value)
    return str(value)


def money_field(pence: int | None) -> str:
    """`56000` → `560.00`, `-1` → `-0.01`: exact, from whole pence."""
    if pence is None:
        return ""
    whole, part = divmod(abs(pence), 100)
    return f"{'-' if pence < 0 else ''}{whole}.{part:02d}"


def _formatter(column: str) -> Callable[[Any], str]:
    kind = T.kind_of(column)
    if kind == "money":
        return money_field
    if kind == "month":
        return lambda line: line.first.isoformat()  # the first day covered, as in the workbook
    return field


def write_csv_files(book: ReviewBook, folder: Path) -> list[Path]:
    """Write every data sheet, `summary.csv` and a README into `folder` (which must exist),
    each file owner-only."""
    summary = (
        [
            field(f.label),
            money_field(f.value.pence) if isinstance(f.value, Money) else field(f.value),
        ]
        for f in book.figures
    )
    written = [_write(folder / SUMMARY_NAME, ["Figure", "Value"], summary)]
    for table in T.data_tables(book):
        formats = [_formatter(c) for c in table.columns]
        rows = ([f(v) for f, v in zip(formats, values, strict=True)] for values in table.rows)
        written.append(_write(folder / FILE_NAMES[table.name], list(table.columns), rows))
    readme = folder / "README.txt"
    with open(_create(readme), "w", encoding="utf-8", newline="") as handle:
        handle.write(csv_readme(book))
        handle.flush()
        os.fsync(handle.fileno())
    return [*written, readme]


def _create(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def _write(path: Path, header: list[str], rows: Iterable[list[str]]) -> Path:
    """A header and rows of fields already made safe (`field`, `money_field`)."""
    with open(_create(path), "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([field(c) for c in header])
        writer.writerows(rows)
        handle.flush()
        os.fsync(handle.fileno())
    return path
