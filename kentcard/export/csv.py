"""One CSV file per data sheet: UTF-8 with a byte-order mark, so Excel reads `£` right.

Money is written as plain numbers with two decimals (`560.00`), dates as `YYYY-MM-DD`, and
any text that could start a formula gets an apostrophe in front (see `safety.py`).
"""

from __future__ import annotations

import csv
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from kentcard.export import frames as F
from kentcard.export.book import ReviewBook
from kentcard.export.safety import csv_text

FILE_NAMES = {
    F.MONEY_IN: "money-in.csv",
    F.MONEY_OUT: "money-out.csv",
    F.INVOICES: "invoices.csv",
    F.BUDGET: "budget-by-month.csv",
    F.EVIDENCE: "evidence.csv",
    F.EXCEPTIONS: "exceptions.csv",
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


def write_csv_files(book: ReviewBook, folder: Path) -> list[Path]:
    """Write every data sheet into `folder` (which must exist), each file owner-only."""
    written = []
    for sheet, frame in F.data_frames(book).items():
        path = folder / FILE_NAMES[sheet]
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(descriptor, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([field(c) for c in frame.columns])
            writer.writerows(
                [field(v) for v in values] for values in frame.itertuples(index=False, name=None)
            )
            handle.flush()
            os.fsync(handle.fileno())
        written.append(path)
    return written
