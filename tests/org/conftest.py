"""An organisation database set up with `kentcard org init`, and the CLI run as any login."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kentcard.cli import app
from tests import pgserver


@dataclass
class Org:
    server: pgserver.Server
    name: str
    tmp: Path

    def url(self, user: str = pgserver.OWNER) -> str:
        return self.server.url(self.name, user)

    def sql(self, statement: str, user: str = pgserver.OWNER) -> str:
        return self.server.sql(statement, self.name, user)

    def role(self, role: str) -> str:
        return f"{self.name}_{role}"


Run = Callable[..., Any]


@pytest.fixture
def org_db(pg_server: pgserver.Server, tmp_path: Path) -> Iterator[Org]:
    name = pg_server.fresh_database("org")
    yield Org(pg_server, name, tmp_path)
    pg_server.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def kc(org_db: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """`kentcard ARGS…` against the organisation database, as `user` (the owner by default)."""
    monkeypatch.setenv("KENTCARD_TODAY", "2026-11-25")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, user: str = pgserver.OWNER) -> Any:
        return runner.invoke(
            app, list(args), env={"KENTCARD_DB": org_db.url(user)}, catch_exceptions=False
        )

    return invoke


_logins = iter(range(1, 1_000_000))


def new_login(org: Org, kc: Run, role: str, assign: list[str] | None = None) -> str:
    """A member of staff made through `kentcard org staff add`, with a password file."""
    login = f"{role}{next(_logins)}_{org.name.replace('_', '')}"[:60]
    password = f"pw-{login}-é"
    secret = org.tmp / f"{login}.pw"
    secret.write_text(password + "\n", encoding="utf-8")
    done = kc("org", "staff", "add", login, "--role", role, "--password-file", str(secret))
    assert done.exit_code == 0, done.output
    org.server.add_password(login, password)
    for person in assign or []:
        done = kc("org", "staff", "assign", login, "--recipient", person)
        assert done.exit_code == 0, done.output
    return login
