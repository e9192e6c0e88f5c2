"""Copying a person's own SQLite account into an organisation's PostgreSQL database.

`import_file` reads a private copy of the file (the file itself is opened read-only and
never changed), brings that copy to the current schema with the project's migrations, and
copies every row into the organisation database as its owner, in one transaction: the
people, their records, documents and bytes, links, locks, statement imports and mappings,
the PA records and the audit history. Ids are global in an organisation's database, so
every row gets a new id and every foreign key is remapped; so are the ids an audit line
refers to (its `entity_id`, the `id` and `*_id` fields of its before and after snapshots,
the `*_ids` lists of a statement import, `kind:N` references), so `audit --record` and the
check that an imported entry is accounted for keep working. A record deleted before the
move keeps a history under a new id of its own, never one another record has.

Afterwards the copy is measured as `verify` measures a file (row counts, money totals and
every document's SHA-256, the bytes hashed again in the database) against the source, per
person; any difference rolls everything back.

`copy_rows` with `keep_ids=True` copies a file as it is (same ids, sequences set past
them): the upgrade tests use it to load each revision's fixture into PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    LargeBinary,
    MetaData,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert

from kentcard.core.errors import KentcardError
from kentcard.store import audit
from kentcard.store.backup import MONEY_COLUMNS, open_readonly
from kentcard.store.engine import Database, make_engine, url_for
from kentcard.store.migrate import upgrade
from kentcard.store.org import POLICIES

SKIPPED = {"alembic_version", "sqlite_sequence", "staff_assignment"}


class TransferError(KentcardError):
    """The file cannot be moved in (not a kentcard file, a person already there, a check)."""


@dataclass
class Copied:
    people: dict[int, str]  # new id → name
    counts: dict[str, int]
    sha256: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def upgraded_copy(path: Path) -> Iterator[sqlite3.Connection]:
    """A private copy of the file at the current schema (the file is only read)."""
    with tempfile.TemporaryDirectory(prefix="kentcard-import-") as folder:
        copy = Path(folder) / "source.sqlite3"
        try:
            with closing(open_readonly(path)) as source, closing(sqlite3.connect(copy)) as out:
                source.backup(out)
        except sqlite3.DatabaseError:
            raise TransferError(f"FILE: {path.name} is not a kentcard database") from None
        with closing(sqlite3.connect(copy)) as probe:
            names = {r[0] for r in probe.execute("SELECT name FROM sqlite_master")}
        if not {"recipient", "alembic_version"} <= names:
            raise TransferError(f"FILE: {path.name} is not a kentcard database")
        engine = make_engine(url_for(copy))
        try:
            upgrade(engine, backup_dir=Path(folder) / "backups")
        finally:
            engine.dispose()
        with closing(sqlite3.connect(copy)) as connection:
            yield connection


def _columns(source: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in source.execute(f'PRAGMA table_info("{table}")')]


def _value(column_type: Any, value: Any) -> Any:
    """A value as SQLite holds it, as the target column wants it."""
    if value is None:
        return None
    if isinstance(column_type, Boolean):
        return bool(value)
    if isinstance(column_type, DateTime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date) and isinstance(value, str):
        return date.fromisoformat(value[:10])
    if isinstance(column_type, LargeBinary):
        return bytes(value)
    return value


class Ids:
    """Old id → new id, per table; an id no copied row has (a deleted record's, named in
    the audit log) gets a fresh one from the table's sequence, the same each time."""

    def __init__(self, connection: Connection, keep: bool) -> None:
        self.connection = connection
        self.keep = keep
        self.map: dict[str, dict[int, int]] = {}

    def of(self, table: str, old: int) -> int:
        if self.keep:
            return old
        known = self.map.setdefault(table, {})
        if old not in known:
            known[old] = int(
                self.connection.exec_driver_sql(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", (table,)
                ).scalar_one()
            )
        return known[old]


def copy_rows(
    source: sqlite3.Connection, target: Connection, *, keep_ids: bool
) -> tuple[Ids, dict[str, int]]:
    """Copy every row of `source` into `target` (the target's schema decides the columns).
    Returns the id maps and how many rows each table received."""
    meta = MetaData()
    meta.reflect(target)
    present = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    ids = Ids(target, keep_ids)
    counts: dict[str, int] = {}
    # The audit log last: its lines name every other kind of record by id.
    order = sorted(meta.sorted_tables, key=lambda t: t.name == "audit")
    for table in order:
        if table.name in SKIPPED or table.name not in present:
            continue
        counts[table.name] = _copy_table(source, target, table, ids)
    if keep_ids:
        _sequences_past(source, target, meta)
    return ids, counts


def _copy_table(source: sqlite3.Connection, target: Connection, table: Table, ids: Ids) -> int:
    wanted = [c for c in _columns(source, table.name) if c in table.c]
    refs = {
        fk.parent.name: fk.column.table.name
        for fk in table.foreign_keys
        if fk.column.name == "id" and fk.parent.name in wanted
    }
    later = [c for c, parent in refs.items() if parent == table.name]  # self-references
    has_id = "id" in table.c and table.c.id.primary_key
    quoted = ", ".join(f'"{c}"' for c in wanted)
    order = " ORDER BY id" if has_id else ""
    rows = source.execute(f'SELECT {quoted} FROM "{table.name}"{order}').fetchall()
    if not rows:
        return 0
    prepared: list[dict[str, Any]] = []
    for row in rows:
        values = {c: _value(table.c[c].type, v) for c, v in zip(wanted, row, strict=True)}
        for column, parent in refs.items():
            if values[column] is not None and column not in later:
                values[column] = ids.of(parent, values[column])
        if table.name == "audit":
            _remap_audit(values, ids)
        prepared.append(values)
    old_ids = [v["id"] for v in prepared] if has_id else []
    deferred = {c: [v[c] for v in prepared] for c in later}
    for values in prepared:
        for column in later:
            values[column] = None
        if has_id and not ids.keep:
            del values["id"]
    if table.name == "blob":
        target.execute(pg_insert(table).on_conflict_do_nothing(index_elements=["sha256"]), prepared)
    elif has_id and not ids.keep:
        made = target.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), prepared
        ).scalars()
        ids.map.setdefault(table.name, {}).update(zip(old_ids, made, strict=True))
    else:
        target.execute(insert(table), prepared)
    for column, olds in deferred.items():
        pairs = [
            {"row": ids.of(table.name, old), "value": ids.of(table.name, ref)}
            for old, ref in zip(old_ids, olds, strict=True)
            if ref is not None
        ]
        if pairs:
            target.execute(
                update(table)
                .where(table.c.id == bindparam("row"))
                .values({column: bindparam("value")}),
                pairs,
            )
    return len(rows)


_REFERENCE = re.compile(r"^([a-z][a-z-]*):(\d+)$")


def _remap_audit(values: dict[str, Any], ids: Ids) -> None:
    if ids.keep:
        return
    from kentcard.store.models import metadata

    if "recipient_id" in values and values["recipient_id"] is not None:
        values["recipient_id"] = ids.of("recipient", values["recipient_id"])
    entity = values["entity"]
    if entity in metadata.tables and "id" in metadata.tables[entity].c:
        values["entity_id"] = ids.of(entity, values["entity_id"])
    try:
        detail = json.loads(values["detail"])
    except (TypeError, ValueError):
        return
    values["detail"] = json.dumps(
        _remap_json(detail, entity, ids, metadata), sort_keys=True, default=str
    )


def _remap_json(value: Any, table: str | None, ids: Ids, metadata: MetaData) -> Any:
    tables = metadata.tables
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out[key] = _remap_field(key, item, table, ids, metadata)
        return out
    if isinstance(value, list):
        return [_remap_json(item, None, ids, metadata) for item in value]
    if isinstance(value, str):
        found = _REFERENCE.match(value)
        if found and found.group(1).replace("-", "_") in tables:
            kind = found.group(1).replace("-", "_")
            return f"{found.group(1)}:{ids.of(kind, int(found.group(2)))}"
    return value


def _parent_of(key: str, table: str | None, metadata: MetaData) -> str | None:
    if table is not None and table in metadata.tables and key in metadata.tables[table].c:
        for fk in metadata.tables[table].c[key].foreign_keys:
            if fk.column.name == "id":
                return str(fk.column.table.name)
    base = key.removesuffix("_id")
    return base if base in metadata.tables and base != key else None


def _remap_field(key: str, item: Any, table: str | None, ids: Ids, metadata: MetaData) -> Any:
    if key in ("before", "after"):
        return _remap_json(item, table, ids, metadata)
    if isinstance(item, int) and not isinstance(item, bool):
        if key == "id" and table is not None and table in metadata.tables:
            return ids.of(table, item)
        if key.endswith("_id"):
            parent = _parent_of(key, table, metadata)
            return ids.of(parent, item) if parent else item
        return item
    if isinstance(item, list) and item and all(type(i) is int for i in item):
        base = key.removesuffix("_ids") if key.endswith("_ids") else key
        if base in metadata.tables and "id" in metadata.tables[base].c:
            return [ids.of(base, i) for i in item]
        return item
    return _remap_json(item, None, ids, metadata)


def _sequences_past(source: sqlite3.Connection, target: Connection, meta: MetaData) -> None:
    """After copying with the same ids: each sequence past every id the file handed out."""
    handed: dict[str, int] = {}
    if source.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
        handed = {n: int(s) for n, s in source.execute("SELECT name, seq FROM sqlite_sequence")}
    for table in meta.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        sequence = target.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%s, 'id')", (table.name,)
        ).scalar()
        if sequence is None:
            continue
        top = max(
            int(target.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()),
            handed.get(table.name, 0),
        )
        if top > 0:
            target.exec_driver_sql("SELECT setval(%s, %s)", (sequence, top))


# --- measuring: what `verify` compares, per person -------------------------------------


def _belongs(table: str, people: str) -> str:
    """A WHERE clause: the rows of `table` that are these people's (`people` is a list of
    ids, written out)."""
    rule = POLICIES[table]
    if rule[0] == "person":
        return f'"{rule[1]}" IN ({people})'
    if rule[0] == "parent":
        _, column, parent = rule
        return f'"{column}" IN (SELECT id FROM "{parent}" WHERE {_belongs(parent, people)})'
    if rule[0] == "audit":
        return f"recipient_id IN ({people})"
    if rule[0] == "blob":
        return f"sha256 IN (SELECT sha256 FROM document WHERE recipient_id IN ({people}))"
    return f"recipient_id IN ({people})"


@dataclass
class Measure:
    counts: dict[str, int]
    totals: dict[str, int]
    documents: list[str]


def _measure(run: Any, tables: list[str], people: str, hashed: str) -> Measure:
    counts = {
        t: int(run(f'SELECT count(*) FROM "{t}" WHERE {_belongs(t, people)}'))
        for t in tables
        if t in POLICIES and t not in ("staff_assignment",)
    }
    totals = {
        t: int(run(f'SELECT coalesce(sum("{c}"), 0) FROM "{t}" WHERE {_belongs(t, people)}'))
        for t, c in MONEY_COLUMNS.items()
        if t in tables
    }
    documents = sorted(
        run(f"SELECT group_concat_sha FROM ({hashed}) s WHERE {_belongs('blob', people)}", True)
    )
    return Measure(counts, totals, documents)


def measure_source(source: sqlite3.Connection) -> Measure:
    tables = [r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    people = ", ".join(str(r[0]) for r in source.execute("SELECT id FROM recipient")) or "NULL"

    def run(sql: str, many: bool = False) -> Any:
        if many:
            return [r[0] for r in source.execute(sql)]
        return source.execute(sql).fetchone()[0]

    measured = _measure(run, tables, people, "SELECT sha256, sha256 AS group_concat_sha FROM blob")
    # Bytes hashed again in Python: the source's own check, as verify makes it.
    for sha, content in source.execute("SELECT sha256, content FROM blob"):
        if hashlib.sha256(content).hexdigest() != sha:
            raise TransferError(f"FILE: a stored document's bytes do not match its SHA-256 ({sha})")
    return measured


def measure_target(target: Connection, people_ids: list[int]) -> Measure:
    tables = [
        r[0]
        for r in target.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
    ]
    people = ", ".join(str(i) for i in people_ids) or "NULL"

    def run(sql: str, many: bool = False) -> Any:
        if many:
            return [r[0] for r in target.exec_driver_sql(sql.replace("%", "%%"))]
        return target.exec_driver_sql(sql.replace("%", "%%")).scalar_one()

    # The bytes are hashed again in the database: a document counts under the SHA-256 of
    # what is stored, so damaged bytes show as a different list.
    hashed = "SELECT sha256, encode(sha256(content), 'hex') AS group_concat_sha FROM blob"
    return _measure(run, tables, people, hashed)


def import_file(db: Database, path: Path) -> Copied:
    """Move a person's own file in (see the module's docstring)."""
    sha = file_sha256(path)
    with upgraded_copy(path) as source:
        people = source.execute("SELECT id, name, kcc_ref FROM recipient ORDER BY id").fetchall()
        if not people:
            raise TransferError(f"FILE: {path.name} holds no one; nothing was imported")
        expected = measure_source(source)
        with db.write() as session:
            connection = session.connection()
            _refuse_people_already_there(connection, people, path)
            trigger = connection.exec_driver_sql(
                "SELECT 1 FROM pg_trigger WHERE tgname = 'audit_login' "
                "AND tgrelid = 'audit'::regclass"
            ).first()
            if trigger:  # the history keeps who made it (no login: the person's own file)
                connection.exec_driver_sql("ALTER TABLE audit DISABLE TRIGGER audit_login")
            ids, counts = copy_rows(source, connection, keep_ids=False)
            if trigger:
                connection.exec_driver_sql("ALTER TABLE audit ENABLE TRIGGER audit_login")
            new_people = {ids.of("recipient", old): name for old, name, _ in people}
            found = measure_target(connection, sorted(new_people))
            problems = _differences(expected, found)
            if problems:
                raise TransferError(
                    "org import: the copy does not match the file ("
                    + "; ".join(problems[:3])
                    + "); nothing was imported"
                )
            audit.record(
                session=session,
                entity="database",
                entity_id=0,
                action="update",
                recipient_id=next(iter(new_people)) if len(new_people) == 1 else None,
                extra={
                    "event": "import",
                    "file": path.name,
                    "file_sha256": sha,
                    "people": {str(old): ids.of("recipient", old) for old, _, _ in people},
                    "counts": counts,
                },
            )
    return Copied(new_people, counts, sha)


def _refuse_people_already_there(connection: Connection, people: list[Any], path: Path) -> None:
    for _, name, kcc_ref in people:
        same = connection.exec_driver_sql(
            "SELECT id FROM recipient WHERE lower(name) = lower(%s) "
            "OR (%s::text IS NOT NULL AND kcc_ref = %s) ORDER BY id LIMIT 1",
            (name, kcc_ref, kcc_ref),
        ).first()
        if same is not None:
            raise TransferError(
                f"FILE: {name} is already in this database (person {same[0]}, the same name "
                "or KCC reference); nothing was imported"
            )


def _differences(expected: Measure, found: Measure) -> list[str]:
    problems = [
        f"{table}: {count} rows in the file, {found.counts.get(table)} copied"
        for table, count in expected.counts.items()
        if found.counts.get(table) != count
    ]
    problems += [
        f"{table}: {total} pence in the file, {found.totals.get(table)} copied"
        for table, total in expected.totals.items()
        if found.totals.get(table) != total
    ]
    if expected.documents != found.documents:
        problems.append("the documents' SHA-256s differ")
    return problems
