"""The same database layer on PostgreSQL: migrations from the first revision, the
password kept out of the address, and writers queued as on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kentcard.core.errors import KentcardError
from kentcard.store.engine import make_engine, url_for
from kentcard.store.migrate import head_revision, upgrade
from tests import pgserver


def test_a_password_in_the_address_is_refused() -> None:
    with pytest.raises(KentcardError, match="password does not belong in the address"):
        url_for("postgresql://staff:secret@db.example/org")


def test_postgresql_addresses_use_psycopg() -> None:
    assert url_for("postgresql://staff@db.example/org?sslmode=require") == (
        "postgresql+psycopg://staff@db.example/org?sslmode=require"
    )


def test_every_revision_upgrades_and_downgrades_on_postgresql(
    pg_server: pgserver.Server,
) -> None:
    name = pg_server.empty_database()
    engine = make_engine(pg_server.url(name))
    try:
        upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                head_revision()
            )
        from alembic import command

        from kentcard.store.migrate import alembic_config

        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        with engine.connect() as connection:
            left = connection.execute(
                text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            ).scalar()
        assert left == 1  # alembic_version alone
        upgrade(engine)
    finally:
        engine.dispose()


def test_the_password_is_asked_for_when_no_password_file_holds_it(
    pg_server: pgserver.Server, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    name = pg_server.fresh_database()
    empty = tmp_path / "pgpass"
    empty.write_text("", encoding="utf-8")
    empty.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(empty))
    asked: list[int] = []

    def prompt() -> str:
        asked.append(1)
        return pgserver.PASSWORD

    engine = make_engine(pg_server.url(name), prompt)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT current_user")).scalar() == pgserver.OWNER
        with engine.connect() as connection:  # a second connection does not ask again
            connection.execute(text("SELECT 1"))
        engine.dispose()
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    assert asked == [1]


def test_migrated_schema_equals_models_on_postgresql(pg_url: str) -> None:
    """Autogenerate finds no difference between PostgreSQL migrated to head and the models
    (server defaults compared too: a default written for SQLite would show here)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import kentcard.store.employment_models  # noqa: F401  (its tables join the metadata)
    from kentcard.store.models import metadata

    engine = make_engine(pg_url)
    try:
        with engine.connect() as connection:
            diff = compare_metadata(
                MigrationContext.configure(
                    connection, opts={"compare_type": True, "compare_server_default": True}
                ),
                metadata,
            )
    finally:
        engine.dispose()
    assert diff == []


def test_writers_queue_instead_of_failing(pg_url: str) -> None:
    """Two write transactions at once: the second waits for the first's commit and then
    sees its row, as two writers do on SQLite with BEGIN IMMEDIATE."""
    import threading

    from kentcard.store.engine import Database

    db = Database(make_engine(pg_url))
    first_holds = threading.Event()
    release = threading.Event()
    seen: list[int] = []

    def first() -> None:
        with db.write() as session:
            session.execute(text("CREATE TABLE IF NOT EXISTS queue_probe (n int)"))
            session.execute(text("INSERT INTO queue_probe VALUES (1)"))
            first_holds.set()
            release.wait(5)

    def second() -> None:
        first_holds.wait(5)
        with db.write() as session:
            seen.append(int(session.execute(text("SELECT count(*) FROM queue_probe")).scalar()))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_holds.wait(5)
    threading.Event().wait(0.3)  # the second writer is now waiting on the lock
    assert seen == []
    release.set()
    for thread in threads:
        thread.join(10)
    db.dispose()
    assert seen == [1]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("postgresql://nobody@/{db}?host={sock}", "no password supplied (put the password in"),
        ("postgresql://kentcard_owner@/no_such_db?host={sock}", 'database "no_such_db" does not'),
        ("postgresql://kentcard_owner:pw@/{db}?host={sock}", "a password does not belong"),
    ],
)
def test_a_database_that_cannot_be_reached_is_one_plain_line(
    pg_server: pgserver.Server,
    monkeypatch: pytest.MonkeyPatch,
    address: str,
    reason: str,
) -> None:
    from typer.testing import CliRunner

    from kentcard.cli import app

    name = pg_server.fresh_database()
    monkeypatch.setenv("KENTCARD_DB", address.format(db=name, sock=pg_server.socket_dir))
    result = CliRunner().invoke(app, ["budget"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kentcard: error: ")
    assert reason in lines[0]
    assert ":pw@" not in result.output + result.stderr  # the address is never echoed


def test_only_the_owner_may_set_up_or_upgrade_the_schema(pg_server: pgserver.Server) -> None:
    """A member of staff's login opening a database not yet at this version's schema is
    told, in one line, to ask the owner; nothing is changed."""
    from kentcard.store.migrate import NotOwnerError

    name = pg_server.empty_database()
    login = f"staff_{name}"
    pg_server.sql(f"CREATE ROLE {login} LOGIN PASSWORD 'staff-secret'")
    pg_server.add_password(login, "staff-secret")
    engine = make_engine(pg_server.url(name, user=login))
    try:
        with pytest.raises(NotOwnerError, match="only its owner can do"):
            upgrade(engine)
    finally:
        engine.dispose()
    tables = pg_server.sql(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", database=name
    )
    assert tables == "0"
