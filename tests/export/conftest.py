"""Fixtures for the export tests: the six-month ledger and its exports, built once per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from kentcard.services.context import Context
from kentcard.services.export import Format, export
from tests.export.ledger import END, START, Ledger, build


@pytest.fixture
def ledger(ctx: Context, tmp_path: Path) -> Ledger:
    return build(ctx, tmp_path / "attached")


@pytest.fixture
def workbook(ctx: Context, ledger: Ledger, tmp_path: Path) -> Path:
    return export(ctx, ledger.rid, START, END, Format.XLSX, tmp_path / "out" / "review.xlsx")


@pytest.fixture
def pack(ctx: Context, ledger: Ledger, tmp_path: Path) -> Path:
    return export(ctx, ledger.rid, START, END, Format.PACK, tmp_path / "out" / "review.zip")
