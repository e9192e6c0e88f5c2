"""The services tests run on both databases: every test that takes the `ctx` fixture, and
does not read the SQLite file itself (through `db_path`), runs on a SQLite file and then
on an organisation's PostgreSQL database."""

from __future__ import annotations

from pathlib import Path

import pytest

from kentcard.services.settings import Settings
from tests.conftest import TODAY

# Modules whose tests read the SQLite file another way (a path worked out from the context).
SQLITE_ONLY_MODULES = frozenset({"tests.services.test_employment"})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    names = metafunc.fixturenames
    if metafunc.module.__name__ in SQLITE_ONLY_MODULES:
        return
    if "ctx" in names and "db_path" not in names and "database" in names:
        metafunc.parametrize("database", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database `ctx` opens: a SQLite file, or (where parametrised) PostgreSQL."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return str(tmp_path / "db" / "kentcard.sqlite3")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def settings(database: str, tmp_path: Path) -> Settings:
    return Settings(db=database, exports=tmp_path / "exports", clock=lambda: TODAY)
