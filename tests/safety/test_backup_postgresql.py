"""backup, restore and verify on an organisation's PostgreSQL database (a real throwaway server).

The backup is pg_dump's custom format with a manifest beside it read in the same snapshot;
restore checks the dump and its manifest before changing anything, runs in one transaction,
and checks the result against the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from kentcard.cli import app
from kentcard.core.errors import KentcardError
from kentcard.services import maintenance
from kentcard.store import pg_backup
from kentcard.store.engine import make_engine
from tests import pgserver

EXAMPLES = Path(__file__).parent.parent.parent / "examples"
RECEIPT = EXAMPLES / "receipt-bath-seat.txt"

Run = Callable[..., Any]


@pytest.fixture
def run(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Invoke `kentcard ARGS...` against a fresh organisation database, from tmp_path."""
    monkeypatch.setenv("KENTCARD_DB", pg_url)
    monkeypatch.setenv("KENTCARD_TODAY", "2026-11-25")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, db: str | None = None) -> Any:
        extra = ["--db", db] if db else []
        return runner.invoke(app, [*extra, *args], catch_exceptions=False)

    return invoke


def ok(result: Any) -> str:
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


def refused(result: Any) -> str:
    """The one error line of a command that refused (exit 2)."""
    assert result.exit_code == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return str(lines[0])


def some_records(run: Run, tmp_path: Path) -> None:
    ok(run("init", "--name", "Jo Bloggs", "--opening-balance", "100.00", "--as-of", "2026-10-31"))
    ok(run("provider", "add", "Bright Homecare", "--kind", "agency"))
    ok(run("money-in", "add", "--date", "2026-11-02", "--amount", "1000", "--source", "kcc"))
    ok(
        run(
            *("money-out", "add", "--date", "2026-11-03", "--amount", "12.50"),
            *("--payee", "Boots", "--receipt", str(RECEIPT)),
        )
    )
    ok(
        run(
            *("invoice", "add", "--provider", "Bright Homecare", "--number", "INV-1"),
            *("--date", "2026-11-04", "--amount", "300", "--file", str(EXAMPLES / "INV-1001.pdf")),
        )
    )


def manifest_now(url: str) -> dict[str, Any]:
    """The database's manifest, read now as kentcard reads it."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return pg_backup.manifest(connection).as_json()
    finally:
        engine.dispose()


def database(url: str) -> str:
    name = make_url(url).database
    assert name
    return name


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_backup_change_restore_gives_back_exactly_the_manifest(
    run: Run, pg_url: str, tmp_path: Path
) -> None:
    """A backup (0600, in db/backups/ here, with its manifest), then changes, then restore:
    the database is again what the manifest says, with one audit line for the restore."""
    some_records(run, tmp_path)
    out = ok(run("backup"))
    path = Path(out.splitlines()[0].removeprefix("Backed up to "))
    assert path.parent == tmp_path / "db" / "backups"
    assert re.fullmatch(rf"{database(pg_url)}-\d{{8}}-\d{{6}}\.pgdump", path.name)
    # (the opening balance is a money-in of its own)
    assert out.splitlines()[1] == "Checked: 2 money in, 1 money out, 1 invoices, 2 documents."
    manifest_file = path.with_name(path.name + ".manifest.json")
    assert mode(path) == 0o600 and mode(manifest_file) == 0o600
    assert not list(path.parent.glob("*.partial"))
    saved = json.loads(manifest_file.read_text())
    assert saved["dump_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert saved["database"] == "postgresql"
    now = manifest_now(pg_url)
    assert {k: saved[k] for k in now} == now  # the manifest is the database as it was
    assert len(saved["documents_sha256"]) == 2
    assert saved["totals_pence"]["money_out"] == 1250

    ok(run("money-out", "add", "--date", "2026-11-05", "--amount", "20", "--payee", "Shop"))
    ok(run("provider", "add", "Acme"))
    ok(run("money-in", "add", "--date", "2026-11-06", "--amount", "5", "--source", "other"))
    assert manifest_now(pg_url) != {k: saved[k] for k in now}

    done = ok(run("restore", str(path), "--yes"))
    assert "  money out: 1 (id 2)" in done
    assert "  providers: 1 (id 2)" in done
    assert "Checked: the restored database matches the backup's manifest" in done
    kept = Path(
        next(
            line for line in done.splitlines() if line.startswith("The database as it was")
        ).removeprefix("The database as it was is kept at ")
    )
    assert (
        json.loads(kept.with_name(kept.name + ".manifest.json").read_text())["counts"]["money_out"]
        == 2
    )

    after = manifest_now(pg_url)
    assert after["counts"]["audit"] == saved["counts"]["audit"] + 1  # the restore's own line
    after["counts"]["audit"] -= 1
    assert after == {k: saved[k] for k in now}
    assert ok(run("verify")).strip().endswith("All checks passed.")
    # no id the replaced database handed out is given again
    assert ok(run("money-out", "add", "--date", "2026-11-07", "--amount", "1", "--payee", "X")) == (
        "3\n"
    )


def test_a_corrupted_document_is_caught_by_verify_backup_and_restore(
    run: Run, pg_server: pgserver.Server, pg_url: str, tmp_path: Path
) -> None:
    some_records(run, tmp_path)
    good = tmp_path / "good.pgdump"
    ok(run("backup", "--out", str(good)))
    name = database(pg_url)
    [sha] = pg_server.sql(
        "SELECT sha256 FROM blob WHERE media_type = 'text/plain'", name, pgserver.OWNER
    ).splitlines()
    pg_server.sql(
        f"UPDATE blob SET content = 'X'::bytea || substring(content from 2) WHERE sha256 = '{sha}'",
        name,
        pgserver.OWNER,
    )

    checked = run("verify")
    assert checked.exit_code == 1
    assert f"  document {sha[:12]}… does not match its SHA-256" in checked.stderr.splitlines()

    assert refused(run("backup", "--out", str(tmp_path / "bad.pgdump"))) == (
        f"kentcard: error: no backup was made: document {sha[:12]}… does not match its "
        "SHA-256 (kentcard verify lists every problem)"
    )
    assert not (tmp_path / "bad.pgdump").exists()
    assert not (tmp_path / "bad.pgdump.partial").exists()

    # A dump of the damaged database made by pg_dump itself, with a manifest that matches it:
    # restore reads every document in it before changing anything.
    damaged = tmp_path / "damaged.pgdump"
    subprocess.run(
        [
            str(pgserver.binaries() / "pg_dump"),  # type: ignore[operator]
            *("--format=custom", "-U", pgserver.OWNER, "-d", name, f"--file={damaged}"),
        ],
        env={**os.environ, **pg_server.environ()},
        check=True,
    )
    claimed = json.loads(good.with_name("good.pgdump.manifest.json").read_text())
    claimed["dump_sha256"] = hashlib.sha256(damaged.read_bytes()).hexdigest()
    damaged.with_name("damaged.pgdump.manifest.json").write_text(json.dumps(claimed))
    audit_before = pg_server.sql("SELECT count(*) FROM audit", name, pgserver.OWNER)
    assert refused(run("restore", str(damaged), "--yes")) == (
        f"kentcard: error: path: this backup is damaged: document {sha[:12]}… does not match "
        "its SHA-256"
    )
    assert pg_server.sql("SELECT count(*) FROM audit", name, pgserver.OWNER) == audit_before
    assert not (tmp_path / "db").exists()  # not even the copy kept before a restore

    # The good backup puts the document back.
    ok(run("restore", str(good), "--yes"))
    assert ok(run("verify")).strip().endswith("All checks passed.")


def test_the_restore_check_says_plainly_when_the_result_differs_from_the_manifest(
    run: Run, tmp_path: Path
) -> None:
    """A manifest that claims more than its dump holds: the restore runs, and its check fails
    in one line naming what differs (exit 2)."""
    some_records(run, tmp_path)
    saved = tmp_path / "s.pgdump"
    ok(run("backup", "--out", str(saved)))
    manifest_file = saved.with_name("s.pgdump.manifest.json")
    claimed = json.loads(manifest_file.read_text())
    claimed["counts"]["money_out"] += 1
    claimed["totals_pence"]["money_out"] += 100
    manifest_file.write_text(json.dumps(claimed))
    line = refused(run("restore", str(saved), "--yes"))
    assert line == (
        "kentcard: error: the restored database has problems: money_out has 1 rows, the "
        "backup's manifest says 2; money_out has 1250 pence, the backup's manifest says 1350"
    )


def test_a_file_that_is_not_a_kentcard_dump_is_refused_and_nothing_changes(
    run: Run, pg_server: pgserver.Server, pg_url: str, tmp_path: Path
) -> None:
    some_records(run, tmp_path)
    name = database(pg_url)
    before = manifest_now(pg_url)

    text = tmp_path / "notes.txt"
    text.write_text("not a dump\n")
    assert refused(run("restore", str(text), "--yes")) == (
        "kentcard: error: path: this file is not a kentcard backup of a PostgreSQL database "
        "(not a pg_dump custom-format archive)"
    )

    sqlite_backup = tmp_path / "k.sqlite3"
    ok(run("backup", "--out", str(sqlite_backup), db=str(tmp_path / "own.sqlite3")))
    assert refused(run("restore", str(sqlite_backup), "--yes")) == (
        "kentcard: error: path: this is a backup of a SQLite file, not of a PostgreSQL database"
    )

    plain = tmp_path / "plain.sql"
    subprocess.run(
        [
            str(pgserver.binaries() / "pg_dump"),  # type: ignore[operator]
            *("-U", pgserver.OWNER, "-d", name, f"--file={plain}"),
        ],
        env={**os.environ, **pg_server.environ()},
        check=True,
    )
    assert "not a pg_dump custom-format archive" in refused(run("restore", str(plain), "--yes"))

    other = pg_server.empty_database("other")
    pg_server.sql("CREATE TABLE notes (id int PRIMARY KEY)", other, pgserver.OWNER)
    foreign = tmp_path / "other.pgdump"
    subprocess.run(
        [
            str(pgserver.binaries() / "pg_dump"),  # type: ignore[operator]
            *("--format=custom", "-U", pgserver.OWNER, "-d", other, f"--file={foreign}"),
        ],
        env={**os.environ, **pg_server.environ()},
        check=True,
    )
    assert refused(run("restore", str(foreign), "--yes")) == (
        "kentcard: error: path: this dump is not of a kentcard database"
    )

    saved = tmp_path / "saved.pgdump"
    ok(run("backup", "--out", str(saved)))
    manifest_file = saved.with_name("saved.pgdump.manifest.json")
    kept = manifest_file.read_text()
    manifest_file.unlink()
    assert refused(run("restore", str(saved), "--yes")) == (
        "kentcard: error: path: its manifest (saved.pgdump.manifest.json, which kentcard "
        "backup writes beside it) is missing, so the restore could not be checked"
    )
    claimed = json.loads(kept)
    claimed["dump_sha256"] = "0" * 64
    manifest_file.write_text(json.dumps(claimed))
    assert refused(run("restore", str(saved), "--yes")) == (
        "kentcard: error: path: the backup does not match its manifest (its SHA-256 "
        "differs): it was changed or damaged after it was made"
    )
    assert refused(run("restore", str(tmp_path / "missing.pgdump"), "--yes")) == (
        "kentcard: error: path: not a backup file"
    )

    assert manifest_now(pg_url) == before
    assert not (tmp_path / "db").exists()  # no copy was even kept: nothing was started


def test_a_member_of_staff_is_told_the_owner_takes_backups(
    run: Run, pg_server: pgserver.Server, pg_url: str, tmp_path: Path
) -> None:
    """pg_dump cannot read past row-level security, and a partial backup is no backup: a
    login that is not the owner gets one plain line; verify works on what it may see."""
    some_records(run, tmp_path)
    name = database(pg_url)
    ok(run("backup", "--out", str(tmp_path / "s.pgdump")))
    login = f"staff_{uuid.uuid4().hex[:8]}"
    pg_server.sql(f"CREATE ROLE {login} LOGIN PASSWORD 'staff-secret'")
    pg_server.sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {login}", name, pgserver.OWNER)
    pg_server.add_password(login, "staff-secret")
    staff = pg_server.url(name, login)
    assert refused(run("backup", db=staff)) == (
        f"kentcard: error: only the organisation's owner ({pgserver.OWNER}) takes backups; "
        f"{login} is a member of staff"
    )
    assert refused(run("restore", str(tmp_path / "s.pgdump"), "--yes", db=staff)) == (
        f"kentcard: error: only the organisation's owner ({pgserver.OWNER}) restores "
        f"backups; {login} is a member of staff"
    )
    assert not (tmp_path / "db").exists()
    assert ok(run("verify", db=staff)).strip().endswith("All checks passed.")


def test_row_level_security_and_grants_survive_a_restore(
    run: Run, pg_server: pgserver.Server, pg_url: str, tmp_path: Path
) -> None:
    """Policies, FORCE-free row-level security and grants to staff roles are in the dump and
    come back with it (roles live on the server and are not touched)."""
    some_records(run, tmp_path)
    name = database(pg_url)
    role = f"viewer_{uuid.uuid4().hex[:8]}"
    pg_server.sql(f"CREATE ROLE {role} NOLOGIN")
    for statement in (
        f"GRANT SELECT ON money_out TO {role}",
        "ALTER TABLE money_out ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY only_small ON money_out TO {role} USING (amount_pence < 10000)",
    ):
        pg_server.sql(statement, name, pgserver.OWNER)
    saved = tmp_path / "s.pgdump"
    ok(run("backup", "--out", str(saved)))
    for statement in (
        "DROP POLICY only_small ON money_out",
        "ALTER TABLE money_out DISABLE ROW LEVEL SECURITY",
        f"REVOKE SELECT ON money_out FROM {role}",
    ):
        pg_server.sql(statement, name, pgserver.OWNER)

    ok(run("restore", str(saved), "--yes"))
    assert (
        pg_server.sql(
            "SELECT policyname, roles::text, qual FROM pg_policies WHERE tablename = 'money_out'",
            name,
            pgserver.OWNER,
        )
        == f"only_small|{{{role}}}|(amount_pence < 10000)"
    )
    assert (
        pg_server.sql(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'money_out'",
            name,
            pgserver.OWNER,
        )
        == "t|f"
    )
    assert (
        pg_server.sql(
            f"SELECT has_table_privilege('{role}', 'money_out', 'SELECT'), "
            "(SELECT tableowner FROM pg_tables WHERE tablename = 'money_out')",
            name,
            pgserver.OWNER,
        )
        == f"t|{pgserver.OWNER}"
    )
    assert ok(run("verify")).strip().endswith("All checks passed.")


def recorder(folder: Path, real: Path, log: Path) -> Path:
    """A program named like `real` that notes its arguments and whether PGPASSWORD was in
    its environment (and equal to what was typed), then runs `real` itself."""
    script = folder / real.name
    script.write_text(
        "#!/bin/sh\n"
        f"printf '%s\\n' \"$0\" \"$@\" >> '{log}'\n"
        f'if [ -n "$PGPASSWORD" ]; then echo "PGPASSWORD=$PGPASSWORD" >> \'{log}.env\'; fi\n'
        f"exec '{real}' \"$@\"\n"
    )
    script.chmod(0o755)
    return script


def test_a_typed_password_reaches_the_tools_through_their_environment_only(
    pg_server: pgserver.Server, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no password file holding the owner's password, what the person typed is given
    to pg_dump and psql as PGPASSWORD, and never appears among any program's arguments."""
    monkeypatch.chdir(tmp_path)
    passfile = tmp_path / "pgpass"
    passfile.write_text("")  # nothing for the owner: only the prompt knows it
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "args.log"
    real = pgserver.binaries()
    assert real is not None
    for tool in ("pg_dump", "pg_restore", "psql"):
        recorder(folder, real / tool, log)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    asked: list[int] = []

    def prompt() -> str:
        asked.append(1)
        return pgserver.PASSWORD

    setup = make_engine(pg_url)  # (the fixture's own passfile is no longer read)
    setup.dispose()
    result = maintenance.backup(pg_url, tmp_path / "s.pgdump", maintenance.AskOnce(prompt))
    assert result.path.exists() and mode(result.path) == 0o600
    asker = maintenance.AskOnce(prompt)
    kept, report = maintenance.restore(pg_url, result.path, asker)
    assert report.ok and report.matched_manifest, report.problems
    assert kept is not None
    assert len(asked) == 2  # once for the backup, once for the whole restore

    called = log.read_text()
    assert str(folder / "pg_dump") in called and str(folder / "psql") in called
    assert pgserver.PASSWORD not in called
    seen = set(Path(f"{log}.env").read_text().splitlines())
    assert seen == {f"PGPASSWORD={pgserver.PASSWORD}"}
    for copy in (result.path, kept):
        assert pgserver.PASSWORD.encode() not in copy.read_bytes()
        assert pgserver.PASSWORD not in copy.with_name(copy.name + ".manifest.json").read_text()


def test_a_pg_dump_older_than_the_server_is_refused_plainly(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pg_dump cannot dump a newer server: one line says which version to install, and no
    file is left behind. (The only pg_dump found here says it is version 9.)"""
    some_records(run, tmp_path)
    folder = tmp_path / "old"
    folder.mkdir()
    old = folder / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setattr(pg_backup, "TOOL_FOLDERS", tmp_path / "none")
    line = refused(run("backup", "--out", str(tmp_path / "s.pgdump")))
    assert re.fullmatch(
        r"kentcard: error: pg_dump here is version 9, older than the server \(PostgreSQL "
        r"(\d+)\), and cannot dump it: install PostgreSQL \1's client tools \(or newer\)",
        line,
    ), line
    assert list(tmp_path.glob("s.pgdump*")) == []
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert refused(run("backup", "--out", str(tmp_path / "s.pgdump"))).startswith(
        "kentcard: error: pg_dump is not installed here: install PostgreSQL's client tools"
    )


def test_help_says_what_each_command_does_on_each_database() -> None:
    runner = CliRunner()
    for command, words in (
        ("backup", ("SQLite", "PostgreSQL", "pg_dump", "manifest")),
        ("restore", ("SQLite", "PostgreSQL", "manifest", "one transaction")),
        ("verify", ("SQLite", "PostgreSQL")),
    ):
        shown = " ".join(runner.invoke(app, [command, "--help"]).stdout.split())
        for word in words:
            assert word in shown, (command, word)


def test_the_address_reaches_the_client_tools_as_libpq_environment_variables() -> None:
    """Host, port, login, database and options such as sslmode become PGHOST, PGPORT,
    PGUSER, PGDATABASE, PGSSLMODE…; a password there, or an option libpq has no variable
    for, is refused in one line."""
    env = pg_backup.client_environment(
        "postgresql+psycopg://owner@db.example.org:5433/org?sslmode=verify-full"
        "&sslrootcert=/etc/ca.pem&application_name=kentcard",
        None,
    )
    expected = {
        "PGHOST": "db.example.org",
        "PGPORT": "5433",
        "PGUSER": "owner",
        "PGDATABASE": "org",
        "PGSSLMODE": "verify-full",
        "PGSSLROOTCERT": "/etc/ca.pem",
        "PGAPPNAME": "kentcard",
    }
    assert {k: env.get(k) for k in expected} == expected
    assert env.get("PGPASSWORD") == os.environ.get("PGPASSWORD")  # nothing typed: none added
    assert (
        pg_backup.client_environment("postgresql+psycopg://o@/org", "typed")["PGPASSWORD"]
        == "typed"
    )
    with pytest.raises(KentcardError, match="a password does not belong in the address"):
        pg_backup.client_environment("postgresql+psycopg://o@/org?password=x", None)
    with pytest.raises(KentcardError, match="'keepalives' cannot be handed to pg_dump"):
        pg_backup.client_environment("postgresql+psycopg://o@/org?keepalives=1", None)


def test_the_manifest_and_the_dump_are_one_moment_while_others_write(
    run: Run, pg_server: pgserver.Server, pg_url: str, tmp_path: Path
) -> None:
    """Payments (each with its audit line) are written without pause while the backup runs;
    the dump, restored into a new database, holds exactly what its manifest says."""
    some_records(run, tmp_path)
    for _ in range(3):  # a backup with something to read for a while
        ok(run("receipt", "add", str(EXAMPLES / "INV-1001.pdf"), "--money-out", "1"))
    name = database(pg_url)
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        import psycopg

        with psycopg.connect(
            host=str(pg_server.socket_dir), user=pgserver.OWNER, dbname=name
        ) as connection:
            while not stop.is_set():
                with connection.transaction():
                    new_id = connection.execute(
                        "INSERT INTO money_in (recipient_id, date, amount_pence, source, origin) "
                        "VALUES (1, '2026-11-20', 100, 'other', 'manual') RETURNING id"
                    ).fetchone()[0]  # type: ignore[index]
                    connection.execute(
                        "INSERT INTO audit (at, recipient_id, entity, entity_id, action, detail) "
                        "VALUES (now()::text, 1, 'money_in', %s, 'create', '{}')",
                        (new_id,),
                    )
                written.append(new_id)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        saved = tmp_path / "busy.pgdump"
        ok(run("backup", "--out", str(saved)))
        during = len(written)
        while len(written) < during + 20:
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
    claimed = json.loads(saved.with_name("busy.pgdump.manifest.json").read_text())
    assert 20 <= claimed["counts"]["money_in"] - 2 < len(written)  # taken part-way through

    fresh = pg_server.empty_database("r")
    done = ok(run("restore", str(saved), "--yes", db=pg_server.url(fresh)))
    assert "Checked: the restored database matches the backup's manifest" in done
    restored = manifest_now(pg_server.url(fresh))
    assert restored["counts"]["audit"] == claimed["counts"]["audit"] + 1
    restored["counts"]["audit"] -= 1
    assert restored == {k: claimed[k] for k in restored}
