"""Databases made by each earlier schema upgrade with nothing lost; a failing step undoes all."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kentcard.store import backup as store_backup
from kentcard.store.engine import make_engine, url_for
from kentcard.store.migrate import MIGRATIONS, head_revision, upgrade

FIXTURES = Path(__file__).parent.parent / "fixtures"


def manifest(path: Path) -> store_backup.Manifest:
    with closing(sqlite3.connect(path)) as raw:
        return store_backup.manifest(raw)


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("schema-*.sqlite3")), ids=lambda p: p.stem)
def test_every_fixture_upgrades_to_head_with_nothing_lost(fixture: Path, tmp_path: Path) -> None:
    """Row counts, money totals and documents are the same after upgrading to head; tables
    a later revision adds are there, empty."""
    path = tmp_path / "k.sqlite3"
    shutil.copy(fixture, path)
    before = manifest(path)
    assert before.counts["money_out"] > 0 and before.documents, "fixture must hold data"
    engine = make_engine(url_for(path))
    upgrade(engine)
    engine.dispose()
    after = manifest(path)
    assert after.revision == head_revision()
    kept = {table: after.counts[table] for table in before.counts}
    assert (kept, after.totals, after.documents) == (
        before.counts,
        before.totals | {t: 0 for t in after.totals.keys() - before.totals.keys()},
        before.documents,
    )
    added = after.counts.keys() - before.counts.keys()  # tables a later revision made
    assert all(after.counts[table] == 0 for table in added)
    with closing(sqlite3.connect(path)) as raw:
        assert store_backup.integrity_problems(raw) == []
        assert store_backup.bad_documents(raw) == []


def test_there_is_a_fixture_for_every_revision() -> None:
    """Each migration has a fixture database made at that revision (add one with each migration)."""
    revisions = {p.stem.split("_")[0] for p in (MIGRATIONS / "versions").glob("*.py")}
    fixtures = {p.stem.removeprefix("schema-") for p in FIXTURES.glob("schema-*.sqlite3")}
    assert revisions <= fixtures


FAILING_STEP = '''"""A step that changes the schema and then fails."""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("money_out") as batch:
        batch.add_column(sa.Column("extra", sa.Integer(), nullable=True))
    op.create_table("scratch", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("DELETE FROM allocation")
    raise RuntimeError("step failed half-way")


def downgrade() -> None:
    pass
'''


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    """A step that rebuilds a table, deletes rows and then fails changes nothing at all."""
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "9999_failing.py").write_text(
        FAILING_STEP.format(head=head_revision())
    )
    path = tmp_path / "db" / "k.sqlite3"
    path.parent.mkdir()
    shutil.copy(FIXTURES / "schema-0001.sqlite3", path)
    before = manifest(path)
    with closing(sqlite3.connect(path)) as raw:
        schema_before = raw.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    engine = make_engine(url_for(path))
    with pytest.raises(RuntimeError, match="half-way"):
        upgrade(engine, migrations=migrations)
    engine.dispose()
    after = manifest(path)
    assert (after.revision, after.counts, after.totals) == ("0001", before.counts, before.totals)
    with closing(sqlite3.connect(path)) as raw:
        assert (
            raw.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema_before
        )
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    assert list((path.parent / "backups").glob("k-before-upgrade-0001-*.sqlite3"))
