"""Shared fixtures: a real SQLite file per test, migrated to head, with 'today' fixed."""

from __future__ import annotations

import importlib.util
import os
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kentcard.services.context import Context
from kentcard.services.opening import open_context
from kentcard.services.settings import Settings
from tests import pgserver

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


class NetworkUsed(AssertionError):
    """kentcard never sends anything anywhere: any socket connection fails the test."""


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test in which code tries to open a network connection (local sockets are fine)."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        raise NetworkUsed(f"a network connection was attempted to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: guarded(socket.socket(), a[0]))


# Test files that start whole processes, LibreOffice or tmux, or kill writers mid-way: they
# carry the `slow` mark, so `pytest -m "not slow"` is the quick loop (`make test` runs all).
SLOW_FILES = frozenset(
    {
        "tests/safety/test_crash.py",
        "tests/safety/test_backup_disk_full.py",
        "tests/test_layering.py",
        "tests/test_readme.py",
        "tests/tui/test_tmux_demo.py",
        "tests/tui/test_tmux_month.py",
        "tests/export/test_libreoffice.py",
        "tests/export/test_recalculated_accounts.py",
        "tests/org_load/test_twenty_writers.py",
        "tests/services/test_receipt_accuracy.py",
        "tests/web/test_browser.py",
        "tests/web/test_address.py",
        "tests/web/test_guard.py",
        "tests/web/test_proxy.py",
        "tests/web/test_postgresql.py",
    }
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(str(config.rootpath))
    for item in items:
        if Path(str(item.path)).relative_to(root).as_posix() in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


# PostgreSQL: one throwaway server for the whole run (see tests/pgserver.py), started the
# first time a test asks for it. Where PostgreSQL is not installed those tests skip with
# the reason; CI sets KENTCARD_REQUIRE_POSTGRES=1, and there a missing server fails them.
REQUIRE_POSTGRES = os.environ.get("KENTCARD_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pgserver.Server]:
    reason = pgserver.missing_reason()
    if reason is not None:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required here (KENTCARD_REQUIRE_POSTGRES=1): {reason}")
        pytest.skip(reason)
    with pgserver.running() as server:
        previous = os.environ.get("PGPASSFILE")
        os.environ["PGPASSFILE"] = str(server.passfile)
        try:
            pgserver.migrate_template(server)
            yield server
        finally:
            if previous is None:
                os.environ.pop("PGPASSFILE", None)
            else:
                os.environ["PGPASSFILE"] = previous


@pytest.fixture
def pg_url(pg_server: pgserver.Server) -> Iterator[str]:
    """A fresh organisation database at the current schema, as its owner (no password in it)."""
    name = pg_server.fresh_database()
    yield pg_server.url(name)
    pg_server.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database a test runs on: a SQLite file, then an organisation's PostgreSQL one."""
    if request.param == "sqlite":
        return str(tmp_path / "db" / "k.sqlite3")
    return str(request.getfixturevalue("pg_url"))


# Reading photos needs the `kentcard[ocr]` extra. Where it is not installed those tests skip
# with the reason; CI sets KENTCARD_REQUIRE_OCR=1, and there a missing extra fails them.
REQUIRE_OCR = os.environ.get("KENTCARD_REQUIRE_OCR") == "1"
OCR_MODULES = ("rapidocr", "onnxruntime", "pypdfium2")


@pytest.fixture(scope="session")
def ocr_extra() -> None:
    """Skip (or, under KENTCARD_REQUIRE_OCR=1, fail) a test that needs the OCR extra."""
    missing = [m for m in OCR_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        reason = f"the kentcard[ocr] extra is not installed (no {', '.join(missing)})"
        if REQUIRE_OCR:
            pytest.fail(f"OCR is required here (KENTCARD_REQUIRE_OCR=1): {reason}")
        pytest.skip(reason)
