"""Alembic environment: runs on a connection handed in by kentcard.store.migrate.

On SQLite, migrations run with foreign keys OFF (a batch rebuild would otherwise
cascade-delete child rows) inside one transaction that we BEGIN ourselves, so a
failed step leaves the database exactly as it was.
"""

from __future__ import annotations

from alembic import context

import kentcard.store.employment_models  # noqa: F401  (its tables join the metadata)
from kentcard.store.models import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from kentcard.store.engine import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=sqlite,
        transactional_ddl=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - we never generate SQL scripts
    raise SystemExit("kentcard migrations run online only")
run_migrations_online()
