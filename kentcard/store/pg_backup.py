"""Backups of an organisation's PostgreSQL database with the server's own client tools.

`pg_dump --format=custom` writes the dump; the manifest beside it (row counts, money totals,
document hashes, as for a SQLite backup) is read in the same snapshot: a REPEATABLE READ
transaction exports its snapshot (`pg_export_snapshot()`) and pg_dump reads through it
(`--snapshot`) while that transaction is still open. A restore turns the dump back into SQL
with `pg_restore` and runs it with `psql` in one transaction, after dropping kentcard's
tables and functions in that same transaction: it either all happens or none of it does.

Connection details reach the client tools through their environment (PGHOST, PGPORT,
PGUSER, PGDATABASE, PGSSLMODE… from the address; PGPASSFILE as it is), and the password
only when the person typed it (PGPASSWORD), never on a command line.

The same checks as on SQLite are read through `backup.manifest_of` and
`backup.ledger_problems_of` with PostgreSQL's own SQL (pg_catalog, jsonb); documents are
hashed by the server (`sha256(content)`), so no document travels to be checked.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url

from kentcard.core.errors import KentcardError
from kentcard.store import backup as common

SUFFIX = ".pgdump"
TOOL_FOLDERS = Path("/usr/lib/postgresql")

# Every libpq connection parameter that an address's query may carry, and the
# environment variable the client tools read it from (libpq's "Environment Variables").
ENVIRONMENT = {
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "passfile": "PGPASSFILE",
    "channel_binding": "PGCHANNELBINDING",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "sslmode": "PGSSLMODE",
    "sslnegotiation": "PGSSLNEGOTIATION",
    "sslcompression": "PGSSLCOMPRESSION",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcertmode": "PGSSLCERTMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcrl": "PGSSLCRL",
    "sslcrldir": "PGSSLCRLDIR",
    "sslsni": "PGSSLSNI",
    "requirepeer": "PGREQUIREPEER",
    "require_auth": "PGREQUIREAUTH",
    "ssl_min_protocol_version": "PGSSLMINPROTOCOLVERSION",
    "ssl_max_protocol_version": "PGSSLMAXPROTOCOLVERSION",
    "gssencmode": "PGGSSENCMODE",
    "krbsrvname": "PGKRBSRVNAME",
    "gsslib": "PGGSSLIB",
    "gssdelegation": "PGGSSDELEGATION",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "client_encoding": "PGCLIENTENCODING",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "load_balance_hosts": "PGLOADBALANCEHOSTS",
}


class ClientToolError(KentcardError):
    """pg_dump, pg_restore or psql is missing, too old, or refused."""


def client_environment(url: str, password: str | None) -> dict[str, str]:
    """The environment the client tools need to reach the database `url` names.

    The password goes in only when the person typed it (`password`); a password file
    (PGPASSFILE, ~/.pgpass) is read by the tools themselves, as by kentcard.
    """
    parsed = make_url(url)
    env = dict(os.environ)
    given: dict[str, object] = {
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "dbname": parsed.database,
    }
    for key, value in given.items():
        if value not in (None, ""):
            env[ENVIRONMENT[key]] = str(value)
    for key, option in parsed.query.items():
        if key == "password":
            raise KentcardError(
                "--db: a password does not belong in the address (others can read a command "
                "line); put it in a password file (PGPASSFILE) or let kentcard ask for it"
            )
        if key not in ENVIRONMENT:
            raise KentcardError(
                f"--db: the address's option {key!r} cannot be handed to pg_dump; "
                "leave it out to back up or restore"
            )
        env[ENVIRONMENT[key]] = option if isinstance(option, str) else ",".join(option)
    if password is not None:
        env["PGPASSWORD"] = password
    return env


@dataclass(frozen=True)
class Tool:
    path: Path
    major: int


def _major(path: Path) -> int | None:
    try:
        done = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    found = re.search(r"\)\s*(\d+)", done.stdout) or re.search(r"(\d+)\.", done.stdout)
    return int(found.group(1)) if done.returncode == 0 and found else None


def candidates(name: str) -> list[Path]:
    """`name` on PATH first, then each /usr/lib/postgresql/N/bin, newest first."""
    found: list[Path] = []
    on_path = shutil.which(name)
    if on_path:
        found.append(Path(on_path))

    def version(folder: Path) -> int:
        text = folder.parent.parent.name
        return int(text) if text.isdigit() else -1

    bins = sorted(TOOL_FOLDERS.glob(f"*/bin/{name}"), key=version, reverse=True)
    found += [p for p in bins if p not in found]
    return found


def find_tool(name: str, server_major: int) -> Tool:
    """The first `name` found (see `candidates`) able to work with a server of that version.

    pg_dump refuses a server newer than itself, so an older one is not used; when no
    suitable one is installed, one plain error says which version is needed.
    """
    newest: Tool | None = None
    for path in candidates(name):
        major = _major(path)
        if major is None:
            continue
        if major >= server_major:
            return Tool(path, major)
        if newest is None or major > newest.major:
            newest = Tool(path, major)
    if newest is None:
        raise ClientToolError(
            f"{name} is not installed here: install PostgreSQL's client tools, version "
            f"{server_major} or newer (Debian and Ubuntu: postgresql-client), or back up "
            "with your database server's own tools"
        )
    raise ClientToolError(
        f"{name} here is version {newest.major}, older than the server (PostgreSQL "
        f"{server_major}), and cannot {'dump' if name == 'pg_dump' else 'work with'} it: "
        f"install PostgreSQL {server_major}'s client tools (or newer)"
    )


def server_major(connection: Connection) -> int:
    return int(str(connection.exec_driver_sql("SHOW server_version_num").scalar())) // 10000


# ---- reading the database -------------------------------------------------------------


def tables(connection: Connection) -> set[str]:
    found = connection.exec_driver_sql(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public'"
    )
    return {row[0] for row in found}


def manifest(connection: Connection) -> common.Manifest:
    return common.manifest_of(connection.exec_driver_sql, tables(connection))


def bad_documents(connection: Connection) -> list[str]:
    """Stored files whose bytes no longer match their SHA-256 (hashed by the server)."""
    found = connection.exec_driver_sql(
        "SELECT sha256 FROM blob WHERE encode(sha256(content), 'hex') <> sha256 "
        "OR length(content) <> size ORDER BY sha256"
    )
    return [row[0] for row in found]


# An entry a statement import created is accounted for by the import's audit record, which
# lists the ids it made (see backup._IMPORTED); audit.detail is JSON text.
_IMPORTED = (
    " AND t.id NOT IN (SELECT j.value::bigint FROM audit b CROSS JOIN LATERAL "
    "jsonb_array_elements_text(CASE WHEN b.entity = 'statement_batch' AND b.action = 'create' "
    "AND jsonb_typeof(b.detail::jsonb -> '{table}_ids') = 'array' "
    "THEN b.detail::jsonb -> '{table}_ids' END) j "
    "WHERE b.entity = 'statement_batch' AND b.action = 'create')"
)


def ledger_problems(connection: Connection) -> list[str]:
    triggers = {
        row[0]
        for row in connection.exec_driver_sql(
            "SELECT t.tgname FROM pg_catalog.pg_trigger t "
            "JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relname = 'audit' AND NOT t.tgisinternal "
            "AND t.tgenabled <> 'D'"
        )
    }
    return common.ledger_problems_of(connection.exec_driver_sql, triggers, _IMPORTED)


@dataclass(frozen=True)
class Who:
    login: str
    owner: str | None  # the owner of kentcard's tables (None: no kentcard tables)
    is_owner: bool


def who(connection: Connection) -> Who:
    """The login, the owner of kentcard's tables, and whether the login acts as that owner.

    Where kentcard has no tables yet, the database's own owner stands in (`owner` None).
    """
    row = connection.exec_driver_sql(
        "SELECT current_user, t.tableowner, "
        "pg_has_role(current_user, coalesce(t.tableowner, pg_get_userbyid(d.datdba)), 'USAGE') "
        "FROM pg_catalog.pg_database d LEFT JOIN pg_catalog.pg_tables t "
        "ON t.schemaname = 'public' AND t.tablename = 'alembic_version' "
        "WHERE d.datname = current_database()"
    ).one()
    return Who(str(row[0]), row[1], bool(row[2]))


def sibling(tool: Tool, name: str) -> Tool:
    """Another client program from the same installation (pg_restore beside pg_dump)."""
    return Tool(tool.path.with_name(name), tool.major)


def sequences(connection: Connection) -> dict[str, int]:
    """The last id each sequence has handed out (those never used are left out)."""
    found = connection.exec_driver_sql(
        "SELECT sequencename, last_value FROM pg_catalog.pg_sequences "
        "WHERE schemaname = 'public' AND last_value IS NOT NULL"
    )
    return {row[0]: int(row[1]) for row in found}


def ids(connection: Connection, table: str) -> set[int]:
    return {row[0] for row in connection.exec_driver_sql(f"SELECT id FROM {table}")}


# ---- the dump -------------------------------------------------------------------------


def dump(tool: Tool, env: dict[str, str], snapshot: str, partial: Path) -> None:
    """pg_dump the database into `partial` (already made 0600), reading through `snapshot`."""
    done = subprocess.run(
        [
            str(tool.path),
            "--format=custom",
            "--no-password",  # never ask on the terminal: kentcard has asked already
            f"--snapshot={snapshot}",
            f"--file={partial}",
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ClientToolError(f"pg_dump could not write the backup ({_first_error(done.stderr)})")


def _first_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error:" in line.lower() or "ERROR:" in line or "FATAL:" in line:
            text = line
            for marker in ("error:", "ERROR:", "FATAL:"):
                if marker in text:
                    text = text.split(marker, 1)[1].strip()
            return text
    return lines[0] if lines else "no reason given"


@dataclass(frozen=True)
class Entry:
    kind: str  # TABLE, TABLE DATA, SEQUENCE, …
    schema: str
    name: str


def archive_entries(tool: Tool, path: Path) -> list[Entry] | None:
    """The table of contents of a custom-format archive (None: not such an archive).

    An archive this pg_restore cannot read (one written by a newer pg_dump) is an error
    that says why, not "not an archive".
    """
    with open(path, "rb") as handle:
        if handle.read(5) != b"PGDMP":  # every custom-format archive starts so
            return None
    done = subprocess.run(
        [str(tool.path), "--list", str(path)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if done.returncode != 0:
        raise ClientToolError(
            f"pg_restore (version {tool.major}) cannot read this backup "
            f"({_first_error(done.stderr)}); nothing was changed"
        )
    if "Format: CUSTOM" not in done.stdout:
        return None
    entries = []
    for line in done.stdout.splitlines():
        if not line or line.startswith(";"):
            continue
        # "214; 1259 16386 TABLE public alembic_version kentcard_owner"
        head = line.split(";", 1)[1].split()
        words = head[2:]
        for kind in ("TABLE DATA", "TABLE", "SEQUENCE SET", "SEQUENCE", "FUNCTION"):
            parts = kind.split()
            if words[: len(parts)] == parts and len(words) > len(parts) + 1:
                entries.append(Entry(kind, words[len(parts)], words[len(parts) + 1]))
                break
    return entries


_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)", re.DOTALL)


def _unescaped(found: re.Match[str]) -> str:
    code = found.group(1)
    if code[0] == "x" and len(code) > 1:
        return chr(int(code[1:], 16))
    if code[0] in "01234567":
        return chr(int(code, 8))
    return _ESCAPES.get(code, code)


def _unescape(field: str) -> str | None:
    """One field of COPY's text format (`\\N` is NULL; backslash escapes as COPY writes them)."""
    if field == r"\N":
        return None
    if "\\" not in field:
        return field
    return _ESCAPE.sub(_unescaped, field)


def table_rows(tool: Tool, path: Path, names: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each row of the named tables in the archive, as (table, {column: text or None}).

    pg_restore writes the tables' data as COPY text without connecting anywhere.
    """
    if not names:
        return
    args = [str(tool.path), "--data-only", "--file=-"]
    for name in names:
        args += ["--table", name]
    with subprocess.Popen(
        [*args, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        yield from _copy_rows(process.stdout)
        error = process.stderr.read()
        process.wait()
    if process.returncode != 0:
        raise ClientToolError(f"pg_restore could not read the backup ({_first_error(error)})")


_COPY = re.compile(r"^COPY (?:\w+|\"[^\"]+\")\.(\w+|\"[^\"]+\") \(([^)]*)\) FROM stdin;$")


def _copy_rows(lines: IO[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    table: str | None = None
    columns: list[str] = []
    for raw in lines:
        line = raw.rstrip("\n")
        if table is None:
            found = _COPY.match(line)
            if found:
                table = found.group(1).strip('"')
                columns = [c.strip().strip('"') for c in found.group(2).split(",")]
            continue
        if line == r"\.":
            table = None
            continue
        values = [_unescape(v) for v in line.split("\t")]
        yield table, dict(zip(columns, values, strict=True))


def bytea(text: str) -> bytes:
    """A bytea value as COPY writes it (hex format, `\\x…`)."""
    if not text.startswith("\\x"):
        raise ValueError("not a bytea in hex format")
    return bytes.fromhex(text[2:])


def document_is_bad(sha256: str, size: str, content: str) -> bool:
    """Whether a blob row read from an archive does not match its SHA-256 and size."""
    data = bytea(content)
    return hashlib.sha256(data).hexdigest() != sha256 or len(data) != int(size)


def restore(
    pg_restore: Tool,
    psql: Tool,
    env: dict[str, str],
    path: Path,
    before: list[str],
    after: list[str],
) -> None:
    """Run `before`, the archive's SQL and `after` in one transaction through psql.

    The archive is turned into SQL by pg_restore without ownership (`--no-owner`: every
    object belongs to whoever restores it, `before` sets that role) but with its grants,
    its row-level security and its policies. Any error rolls the whole transaction back.
    """
    command = [
        str(psql.path),
        "--no-psqlrc",
        "--quiet",
        "--no-password",
        "--single-transaction",
        "--set=ON_ERROR_STOP=1",
        f"--command={' '.join(before)}",
        "--file=-",
    ]
    if after:
        command.append(f"--command={' '.join(after)}")
    with subprocess.Popen(
        [str(pg_restore.path), "--no-owner", "--file=-", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    ) as source:
        done = subprocess.run(
            command, stdin=source.stdout, env=env, capture_output=True, text=True, check=False
        )
        assert source.stdout is not None and source.stderr is not None
        source.stdout.close()
        produced = source.stderr.read().decode("utf-8", "replace")
        source.wait()
    if source.returncode != 0:
        raise ClientToolError(
            f"pg_restore could not read the backup ({_first_error(produced)}); nothing was changed"
        )
    if done.returncode != 0:
        raise ClientToolError(
            f"the restore was refused by the server ({_first_error(done.stderr)}); "
            "nothing was changed"
        )


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def clear_statements(connection: Connection) -> list[str]:
    """SQL that drops kentcard's objects in schema public: tables (their sequences, triggers
    and policies go with them), views, other sequences and functions."""
    found = connection.exec_driver_sql(
        "SELECT c.relkind, c.relname FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
        "ORDER BY c.relname"
    ).all()
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    statements = [
        f"DROP {kinds[kind]} IF EXISTS public.{quoted(name)} CASCADE;" for kind, name in found
    ]
    functions = connection.exec_driver_sql(
        "SELECT p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid) "
        "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = 'public' AND p.prokind = 'f' ORDER BY p.proname"
    ).all()
    statements += [
        f"DROP FUNCTION IF EXISTS public.{quoted(name)}({args}) CASCADE;"
        for name, args in functions
    ]
    return statements


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """One read-only REPEATABLE READ transaction: everything read in it is one moment."""
    with engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield connection


def export_snapshot(connection: Connection) -> str:
    """A name pg_dump's --snapshot takes, for the moment `connection`'s transaction sees."""
    return str(connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar())


def locks(connection: Connection) -> list[tuple[int, str, str]]:
    """Each person's review lock: (person's id, name, locked up to)."""
    return [
        (int(rid), str(name), str(locked_to))
        for rid, name, locked_to in connection.exec_driver_sql(
            "SELECT m.recipient_id, r.name, m.locked_to FROM period_lock m "
            "JOIN recipient r ON r.id = m.recipient_id ORDER BY m.recipient_id"
        )
    ]


def database_owner(connection: Connection) -> str:
    return str(
        connection.exec_driver_sql(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
        ).scalar()
    )


def restore_preamble(
    connection: Connection, role: str, lock_key: int, timeout_ms: int
) -> list[str]:
    """What a restore's transaction runs first: as the owner, behind kentcard's write lock
    (writers queue behind the restore as behind any writer; a session that holds a table
    for long makes the restore give up, not hang), then everything of the old schema gone."""
    return [
        f"SET ROLE {quoted(role)};",
        f"SELECT pg_advisory_xact_lock({lock_key});",
        f"SET LOCAL lock_timeout = '{timeout_ms}ms';",
        *clear_statements(connection),
    ]


def keep_sequences(used: dict[str, int], restored: set[str]) -> list[str]:
    """Statements that leave each restored id sequence no lower than it was: no id the
    replaced database handed out is given again (the audit log names them)."""
    return [
        f"SELECT pg_catalog.setval('public.{quoted(name)}', "
        f"GREATEST({value}, (SELECT last_value FROM public.{quoted(name)})), true);"
        for name, value in sorted(used.items())
        if name in restored
    ]
