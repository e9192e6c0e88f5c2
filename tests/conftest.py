"""Shared fixtures: a real SQLite file per test, migrated to head, with 'today' fixed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kentcard.factory import open_context
from kentcard.services.context import Context
from kentcard.settings import Settings

TODAY = date(2026, 11, 25)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "db" / "kentcard.sqlite3"


@pytest.fixture
def settings(db_path: Path, tmp_path: Path) -> Settings:
    return Settings(db=str(db_path), exports=tmp_path / "exports", clock=lambda: TODAY)


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    context = open_context(settings)
    yield context
    context.db.dispose()
