"""The upgrade-fixture tests on PostgreSQL: each revision's fixture database, loaded into a
PostgreSQL database made at that revision by the project's own migrations (same ids,
sequences set past them), upgrades to head with nothing lost."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, text

from kentcard.store import backup as store_backup
from kentcard.store.engine import make_engine
from kentcard.store.migrate import alembic_config, head_revision, upgrade
from kentcard.store.transfer import copy_rows
from tests import pgserver

FIXTURES = Path(__file__).parent.parent / "fixtures"


def pg_manifest(connection: Connection) -> store_backup.Manifest:
    """What `store.backup.manifest` measures of a file, measured on PostgreSQL; each
    document's hash is of the bytes as stored, worked out by the server."""
    tables = {
        r[0]
        for r in connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        )
    }
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    counts = {
        t: int(connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
        for t in store_backup.TABLES
        if t in tables
    }
    totals = {
        t: int(connection.execute(text(f"SELECT coalesce(sum({c}), 0) FROM {t}")).scalar_one())
        for t, c in store_backup.MONEY_COLUMNS.items()
        if t in tables
    }
    documents = [
        r[0]
        for r in connection.execute(
            text("SELECT encode(sha256(content), 'hex') FROM blob ORDER BY 1")
        )
    ]
    return store_backup.Manifest(revision, counts, totals, documents)


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("schema-*.sqlite3")), ids=lambda p: p.stem)
def test_every_fixture_upgrades_to_head_on_postgresql_with_nothing_lost(
    fixture: Path, pg_server: pgserver.Server
) -> None:
    revision = fixture.stem.removeprefix("schema-")
    with closing(sqlite3.connect(f"file:{fixture}?mode=ro", uri=True)) as source:
        before = store_backup.manifest(source)
    assert before.revision == revision and before.counts["money_out"] > 0 and before.documents
    name = pg_server.empty_database("up")
    engine = make_engine(pg_server.url(name))
    try:
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        with (
            engine.begin() as connection,
            closing(sqlite3.connect(f"file:{fixture}?mode=ro", uri=True)) as source,
        ):
            copy_rows(source, connection, keep_ids=True)
        with engine.connect() as connection:
            loaded = pg_manifest(connection)
        assert (loaded.revision, loaded.counts, loaded.totals, loaded.documents) == (
            before.revision,
            before.counts,
            before.totals,
            before.documents,
        )
        upgrade(engine)
        with engine.connect() as connection:
            after = pg_manifest(connection)
        assert after.revision == head_revision()
        assert {t: after.counts[t] for t in before.counts} == before.counts
        added = after.counts.keys() - before.counts.keys()  # tables a later revision made
        assert all(after.counts[t] == 0 for t in added)
        assert after.totals == before.totals | {
            t: 0 for t in after.totals.keys() - before.totals.keys()
        }
        assert after.documents == before.documents
        with engine.begin() as connection:  # the sequences are past every copied id
            made = connection.execute(
                text(
                    "INSERT INTO money_out (recipient_id, date, amount_pence, payee, origin) "
                    "VALUES (1, '2026-11-01', 100, 'After upgrade', 'manual') RETURNING id"
                )
            ).scalar_one()
        assert made > max(1, before.counts["money_out"])
    finally:
        engine.dispose()
        pg_server.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
