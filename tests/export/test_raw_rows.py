"""Data rows written as XML text make the very file openpyxl's own cell writer makes."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from kentcard.core.money import Money
from kentcard.export import tables as T
from kentcard.export import xlsx
from kentcard.export.book import MonthLine
from kentcard.services.context import Context
from kentcard.services.export import Format, export
from tests.export.ledger import END, START, Ledger
from tests.export.test_injection import PAYLOADS

STAMPED = "docProps/core.xml"  # holds the time the file was written


class Origin(StrEnum):
    MANUAL = "manual"


TEXTS = [
    "", " ", "  ", " lead", "trail ", "\tTab", "tab\tin", "\r\nCRLF", "line\nbreak\n", "\n",
    'a&b<c>d"e\'f', "&amp;", "]]>", "bad\x01char\x1f", "\ufffe\uffff", "é ß 😀 ＝", "\u3000wide",
    "word " * 40, "long\n" * 6, Origin.MANUAL, "MISSING", *PAYLOADS,
]  # fmt: skip
DAYS = [
    date(1900, 1, 1),
    date(1900, 2, 28),
    date(1900, 3, 1),
    date(2026, 11, 25),
    date(9999, 12, 31),
]
PENCE = [0, 1, -1, 5, 10, 99, 100, -56000, 11483, 999_999_999_99, 10**15 + 7, -(10**17) - 1]


def text(i: int) -> str:
    return TEXTS[i % len(TEXTS)]


def money_out_rows() -> list[tuple[Any, ...]]:
    rows = []
    for i in range(len(TEXTS) * 2):
        rows.append(
            (
                DAYS[i % len(DAYS)] if i % 11 else "2026-13-45",  # a date kept as text
                PENCE[i % len(PENCE)] if i % 7 else None,
                text(i), text(i + 1), text(i + 2) if i % 3 else None, text(i + 3),
                text(i + 4) if i % 2 else None, text(i + 5), text(i + 6),
            )
        )  # fmt: skip
    return rows


def invoice_rows() -> list[tuple[Any, ...]]:
    rows = []
    for i in range(20):
        hours = [None, Decimal("7.50"), Decimal("0.01"), Decimal("1234.25")][i % 4]
        rows.append(
            (
                DAYS[i % len(DAYS)], text(i), text(i + 7), PENCE[i % len(PENCE)], 0, -i,
                "Paid", DAYS[(i + 1) % len(DAYS)], "No", None, hours, 2150 if i % 2 else None,
                None, DAYS[2], text(i + 9),
            )
        )  # fmt: skip
    return rows


def budget_rows() -> list[tuple[Any, ...]]:
    months = [
        MonthLine(date(2026, 5, 1), date(2026, 5, 31), "May 2026", Money(1), Money(2), Money(0),
                  Money(2), Money(-3)),
        MonthLine(date(2026, 6, 1), date(2026, 6, 15), "Jun 2026 (1–15)", Money(5), Money(0),
                  Money(7), Money(0), Money(8)),
    ]  # fmt: skip
    return [
        (m, m.budget.pence, m.spent.pence, 0, 0, m.received.pence, m.paid_out.pence,
         m.balance.pence, "OK", m.first, m.last)
        for m in months
    ]  # fmt: skip


def written(tables: list[T.Table], raw: bool) -> dict[str, bytes]:
    """Every part of a workbook holding `tables`, but the time stamp."""
    wb = Workbook(write_only=True)
    styles = xlsx.Styles(wb.create_sheet("Summary"))
    for table in tables:
        xlsx._write_table(wb.create_sheet(table.name), table, styles, raw=raw)
    out = io.BytesIO()
    wb.save(out)
    with zipfile.ZipFile(out) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n != STAMPED}


def test_raw_rows_are_used_with_this_openpyxl() -> None:
    """openpyxl 3.1 without lxml streams through et_xmlfile: the fast writer is on."""
    assert xlsx.RAW_ROWS


def test_awkward_values_come_out_byte_for_byte_as_openpyxl_writes_them() -> None:
    """Empty, spaced, escaped, illegal, risky and long texts; odd numbers, days and months."""
    tables = [
        T.Table(T.MONEY_OUT, T.COLUMNS[T.MONEY_OUT], money_out_rows()),
        T.Table(T.INVOICES, T.COLUMNS[T.INVOICES], invoice_rows()),
        T.Table(T.BUDGET, T.COLUMNS[T.BUDGET], budget_rows()),
    ]
    raw, plain = written(tables, raw=True), written(tables, raw=False)
    assert raw.keys() == plain.keys()
    for name in plain:
        assert raw[name] == plain[name], name
    sheet = raw["xl/worksheets/sheet2.xml"].decode()
    assert 'xml:space="preserve"' in sheet and "&amp;amp;" in sheet and "customHeight" in sheet


@pytest.mark.parametrize("rows", [[], [(date(2026, 1, 2), 5, None, None, None, None, None,
                                        None, None)]])  # fmt: skip
def test_an_empty_or_sparse_sheet_is_the_same(rows: list[tuple[Any, ...]]) -> None:
    tables = [T.Table(T.MONEY_OUT, T.COLUMNS[T.MONEY_OUT], rows)]
    assert written(tables, raw=True) == written(tables, raw=False)


def test_the_review_workbook_is_the_same_either_way(
    ctx: Context, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole export of the test ledger, with and without the fast row writer."""
    parts = []
    for raw in (True, False):
        monkeypatch.setattr(xlsx, "RAW_ROWS", raw)
        path = export(ctx, ledger.rid, START, END, Format.XLSX, tmp_path / f"{raw}.xlsx")
        with zipfile.ZipFile(path) as archive:
            parts.append({n: archive.read(n) for n in archive.namelist() if n != STAMPED})
    assert parts[0] == parts[1]
