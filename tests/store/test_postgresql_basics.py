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
