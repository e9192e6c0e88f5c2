"""`kentcard org …` for the database's owner: setting up, staff, who sees whom."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from kentcard.cli import app
from kentcard.store.org import NO_PERSON_DATA, POLICIES, kentcard_tables, scram_verifier
from tests import pgserver
from tests.org.conftest import Org, Run, new_login


def two_people(kc: Run) -> None:
    assert kc("init", "--name", "Ann Able", "--kcc-ref", "A1").exit_code == 0
    assert kc("init", "--name", "Bob Baker", "--kcc-ref", "B2").exit_code == 0


def test_every_table_has_a_policy_or_is_listed_as_holding_no_ones_data() -> None:
    tables = set(kentcard_tables())
    assert tables == set(POLICIES) | NO_PERSON_DATA
    assert not set(POLICIES) & NO_PERSON_DATA


def test_org_init_is_idempotent_and_enables_row_level_security(org_db: Org, kc: Run) -> None:
    first = kc("org", "init")
    assert first.exit_code == 0, first.output
    assert org_db.role("manager") in first.output
    again = kc("org", "init")
    assert again.exit_code == 0, again.output
    secured = org_db.sql(
        "SELECT relname FROM pg_class WHERE relrowsecurity AND relkind = 'r' ORDER BY relname"
    ).split()
    assert set(secured) == set(POLICIES)
    forced = org_db.sql("SELECT count(*) FROM pg_class WHERE relforcerowsecurity")
    assert forced == "0"  # the owner is not subject to it: migrations, imports, backups
    roles = org_db.sql(
        f"SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE '{org_db.name}%' "
        "ORDER BY rolname"
    )
    assert roles.splitlines() == [
        f"{org_db.role('editor')}|f",
        f"{org_db.role('manager')}|f",
        f"{org_db.role('viewer')}|f",
    ]


def test_a_table_added_later_is_covered_by_running_org_init_again(org_db: Org, kc: Run) -> None:
    assert kc("org", "init").exit_code == 0
    org_db.sql("ALTER TABLE plan_line DISABLE ROW LEVEL SECURITY")
    org_db.sql('DROP POLICY "kentcard_plan_line" ON plan_line')
    assert kc("org", "init").exit_code == 0
    assert org_db.sql("SELECT relrowsecurity FROM pg_class WHERE relname = 'plan_line'") == "t"
    assert "kentcard_plan_line" in org_db.sql("SELECT policyname FROM pg_policies")


def test_on_sqlite_every_org_command_says_it_needs_postgresql(tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "k.sqlite3"
    for args in (
        ["org", "init"],
        ["org", "staff", "add", "ann", "--role", "editor"],
        ["org", "staff", "assign", "ann", "--recipient", "1"],
        ["org", "staff", "unassign", "ann", "--recipient", "1"],
        ["org", "staff", "list"],
        ["org", "staff", "role", "ann", "--role", "viewer"],
        ["org", "import", str(db)],
    ):
        done = runner.invoke(app, ["--db", str(db), *args])
        assert done.exit_code == 2, args
        assert done.stderr.strip().splitlines() == [
            "kentcard: error: org: organisation mode needs a PostgreSQL database "
            "(--db postgresql://USER@HOST/DB); this is a SQLite file"
        ]
    assert not db.exists()


def test_staff_add_makes_a_login_that_connects_with_its_password(org_db: Org, kc: Run) -> None:
    assert kc("org", "init").exit_code == 0
    two_people(kc)
    login = new_login(org_db, kc, "editor", ["Ann Able"])
    verifier = org_db.server.sql(f"SELECT rolpassword FROM pg_authid WHERE rolname = '{login}'")
    assert verifier.startswith("SCRAM-SHA-256$4096:")
    password = (org_db.tmp / f"{login}.pw").read_text(encoding="utf-8").strip()
    with psycopg.connect(
        host=str(org_db.server.socket_dir), dbname=org_db.name, user=login, password=password
    ) as connection:
        assert connection.execute("SELECT current_user").fetchone() == (login,)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(
            host=str(org_db.server.socket_dir), dbname=org_db.name, user=login, password="wrong"
        )
    listed = json.loads(kc("org", "staff", "list", "--json").stdout)
    assert listed == [
        {
            "login": login,
            "role": "editor",
            "can_log_in": True,
            "people": [{"id": 1, "name": "Ann Able"}],
        }
    ]


def test_the_verifier_is_the_one_postgresql_makes_for_the_same_salt() -> None:
    """RFC 7677's example: user "user", password "pencil" (its salt and iteration count)."""
    import base64

    salt = base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ==")
    made = scram_verifier("pencil", salt, 4096)
    assert made == (
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
        "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
        "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="
    )


def test_bad_input_names_the_field_and_writes_nothing(org_db: Org, kc: Run) -> None:
    assert kc("org", "init").exit_code == 0
    two_people(kc)
    login = new_login(org_db, kc, "viewer")
    before = org_db.sql("SELECT count(*) FROM audit") + org_db.sql(
        "SELECT count(*) FROM staff_assignment"
    )
    pw = org_db.tmp / "pw"
    pw.write_text("secret\n", encoding="utf-8")
    cases = [
        (
            ["org", "staff", "add", "newbie", "--role", "boss", "--password-file", str(pw)],
            "--role:",
        ),
        (
            ["org", "staff", "add", "Bad Name", "--role", "editor", "--password-file", str(pw)],
            "LOGIN:",
        ),
        (["org", "staff", "add", login, "--role", "editor", "--password-file", str(pw)], "LOGIN:"),
        (
            ["org", "staff", "add", "newbie", "--role", "editor", "--password-file", str(pw) + "x"],
            "--password-file:",
        ),
        (["org", "staff", "assign", "nobody", "--recipient", "Ann Able"], "LOGIN:"),
        (["org", "staff", "assign", login, "--recipient", "Zed"], "recipient:"),
        (["org", "staff", "unassign", login, "--recipient", "Ann Able"], "--recipient:"),
        (["org", "staff", "role", "nobody", "--role", "editor"], "LOGIN:"),
        (["org", "staff", "role", login, "--role", "king"], "--role:"),
        (["org", "staff", "add", "newbie", "--role", "editor"], "--password-file:"),  # no terminal
    ]
    for args, field in cases:
        done = kc(*args)
        assert done.exit_code == 2, (args, done.output)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"kentcard: error: {field}"), (args, lines)
    after = org_db.sql("SELECT count(*) FROM audit") + org_db.sql(
        "SELECT count(*) FROM staff_assignment"
    )
    assert after == before
    assert org_db.sql("SELECT count(*) FROM pg_roles WHERE rolname = 'newbie'") == "0"


def test_each_org_change_writes_an_audit_line(org_db: Org, kc: Run) -> None:
    assert kc("org", "init").exit_code == 0
    two_people(kc)
    login = new_login(org_db, kc, "viewer", ["Bob Baker"])
    assert kc("org", "staff", "role", login, "--role", "editor").exit_code == 0
    assert kc("org", "staff", "unassign", login, "--recipient", "2").exit_code == 0
    lines = org_db.sql(
        "SELECT entity, action, recipient_id, login FROM audit "
        "WHERE entity IN ('staff', 'staff_assignment') ORDER BY id"
    ).splitlines()
    owner = pgserver.OWNER
    assert lines == [
        f"staff|create||{owner}",
        f"staff_assignment|create|2|{owner}",
        f"staff|update||{owner}",
        f"staff_assignment|delete|2|{owner}",
    ]
    listed = json.loads(kc("org", "staff", "list", "--json").stdout)
    assert listed[0]["role"] == "editor" and listed[0]["people"] == []
    assert kc("org", "staff", "assign", login, "--recipient", "Ann Able").exit_code == 0
    manager = new_login(org_db, kc, "manager")
    shown = kc("org", "staff", "list").stdout.splitlines()
    assert sorted(shown) == sorted(
        [f"{login:<20} editor   1 (Ann Able)", f"{manager:<20} manager  everyone (manager)"]
    )


def test_org_commands_are_for_the_owner(org_db: Org, kc: Run) -> None:
    assert kc("org", "init").exit_code == 0
    two_people(kc)
    manager = new_login(org_db, kc, "manager")
    done = kc("org", "staff", "assign", manager, "--recipient", "1", user=manager)
    assert done.exit_code == 2
    assert "only the database's owner" in done.stderr
    assert org_db.sql("SELECT count(*) FROM staff_assignment") == "0"
