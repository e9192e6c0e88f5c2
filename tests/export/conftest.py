"""Fixtures for the export tests: the six-month ledger (built once, copied per test) and exports."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kentcard.cli import app
from kentcard.services.context import Context
from kentcard.services.export import Format, export
from kentcard.services.opening import open_context
from kentcard.services.settings import Settings
from tests.conftest import TODAY
from tests.export.ledger import END, START, Ledger, build


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Ledger]:
    """The ledger built once through the services (building it takes a second or two)."""
    folder = tmp_path_factory.mktemp("ledger")
    path = folder / "template.sqlite3"
    ctx = open_context(Settings(db=str(path), exports=folder, clock=lambda: TODAY))
    try:
        ledger = build(ctx, folder / "attached")
    finally:
        ctx.db.dispose()
    return path, ledger


@pytest.fixture
def db_path(tmp_path: Path, built: tuple[Path, Ledger]) -> Path:
    """A fresh copy of the built ledger for each test, made with SQLite's backup API."""
    path = tmp_path / "db" / "kentcard.sqlite3"
    path.parent.mkdir()
    with closing(sqlite3.connect(built[0])) as source, closing(sqlite3.connect(path)) as copy:
        source.backup(copy)
    return path


@pytest.fixture
def ledger(ctx: Context, built: tuple[Path, Ledger]) -> Ledger:
    return built[1]


@pytest.fixture
def workbook(ctx: Context, ledger: Ledger, tmp_path: Path) -> Path:
    return export(ctx, ledger.rid, START, END, Format.XLSX, tmp_path / "out" / "review.xlsx")


@pytest.fixture
def pack(ctx: Context, ledger: Ledger, tmp_path: Path) -> Path:
    return export(ctx, ledger.rid, START, END, Format.PACK, tmp_path / "out" / "review.zip")


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Invoke `kentcard ARGS...` on a fresh database in tmp_path, today fixed."""
    monkeypatch.setenv("KENTCARD_DB", str(tmp_path / "db" / "k.sqlite3"))
    monkeypatch.setenv("KENTCARD_TODAY", "2026-11-25")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), catch_exceptions=False)
