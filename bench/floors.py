"""Floors run as their own processes: the same work with no application around it.

python -m bench.floors import STATEMENT.csv DB    # csv module + one SQLAlchemy Core insert
python -m bench.floors xlsx ROWS.pickle OUT.xlsx  # openpyxl write-only, same sheets and rows
"""

from __future__ import annotations

import csv
import pickle
import sys
from pathlib import Path


def import_floor(statement: Path, db: Path) -> None:
    from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert

    metadata = MetaData()
    lines = Table(
        "line",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("date", String, nullable=False),
        Column("description", String, nullable=False),
        Column("amount_pence", Integer, nullable=False),
    )
    rows = []
    with statement.open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            out, money_in = record["Paid out"], record["Paid in"]
            pounds, _, pence = (out or money_in).partition(".")
            amount = int(pounds) * 100 + int(pence or 0)
            day, month, year = record["Date"].split("/")
            rows.append(
                {
                    "date": f"{year}-{month}-{day}",
                    "description": record["Description"],
                    "amount_pence": -amount if out else amount,
                }
            )
    engine = create_engine(f"sqlite:///{db}")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(lines), rows)
    engine.dispose()


def extract_sheets(workbook: Path, target: Path) -> None:
    """Every sheet's rows of values from kentcard's workbook, for the xlsx floor to write."""
    from openpyxl import load_workbook

    book = load_workbook(workbook, read_only=True)
    sheets = [(ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)]) for ws in book]
    book.close()
    target.write_bytes(pickle.dumps(sheets))


def xlsx_floor(rows: Path, out: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, values in pickle.loads(rows.read_bytes()):
        sheet = book.create_sheet(title)
        for row in values:
            sheet.append(row)
    book.save(out)


def main(argv: list[str]) -> None:
    kind, source, target = argv[0], Path(argv[1]), Path(argv[2])
    if kind == "import":
        import_floor(source, target)
    elif kind == "xlsx":
        xlsx_floor(source, target)
    else:
        raise SystemExit(f"unknown floor {kind!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
