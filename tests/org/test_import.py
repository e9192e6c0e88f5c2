"""`kentcard org import FILE`: a person's own account moves into the organisation's
database whole (records, documents, locks, statements, PA records, history), under new
ids, checked as `verify` checks a file; the file itself is never changed."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from kentcard.services.demo import build_demo
from kentcard.services.opening import open_context
from kentcard.services.settings import Settings
from tests.conftest import TODAY
from tests.org.conftest import Org, Run, new_login

FIXTURES = Path(__file__).parents[1] / "fixtures"
FIXTURE = FIXTURES / "schema-0007.sqlite3"
MONEY = {"money_in": "amount_pence", "money_out": "amount_pence", "invoice": "amount_pence"}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_counts(path: Path, tables: list[str]) -> dict[str, int]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
        return {t: source.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def person_counts(org: Org, person: int, tables: list[str]) -> dict[str, int]:
    return {
        t: int(org.sql(f"SELECT count(*) FROM {t} WHERE recipient_id = {person}")) for t in tables
    }


PERSON_TABLES = [
    "money_in",
    "money_out",
    "invoice",
    "provider",
    "plan",
    "document",
    "period_lock",
    "statement_batch",
    "statement_line",
    "employee",
    "payslip",
    "timesheet_line",
    "pension_payment",
    "employer",
    "insurance",
]


@pytest.fixture
def copied_fixture(tmp_path: Path) -> Path:
    path = tmp_path / "their-own.sqlite3"
    shutil.copy(FIXTURE, path)
    path.chmod(0o400)  # the import only ever reads it
    return path


def test_a_persons_file_moves_in_whole_under_new_ids(
    org_db: Org, kc: Run, copied_fixture: Path
) -> None:
    assert kc("org", "init").exit_code == 0
    assert kc("init", "--name", "Ann Able").exit_code == 0  # ids 1… are taken already
    kc("money-out", "add", "--date", "2026-11-06", "--amount", "5", "--payee", "Shop")
    before = digest(copied_fixture)
    done = kc("org", "import", str(copied_fixture), "--json")
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert list(result["people"].values()) == ["Fixture Person"]
    person = int(next(iter(result["people"])))
    assert person == 2
    assert digest(copied_fixture) == before
    assert person_counts(org_db, person, PERSON_TABLES) == file_counts(
        copied_fixture, PERSON_TABLES
    )
    for table, column in MONEY.items():
        with closing(sqlite3.connect(copied_fixture)) as source:
            want = source.execute(f"SELECT sum({column}) FROM {table}").fetchone()[0]
        got = org_db.sql(f"SELECT sum({column}) FROM {table} WHERE recipient_id = {person}")
        assert int(got) == want, table
    with closing(sqlite3.connect(copied_fixture)) as source:
        shas = sorted(r[0] for r in source.execute("SELECT sha256 FROM blob"))
        children = {
            t: source.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("plan_line", "allocation", "document_link", "pay_rate", "audit")
        }
    assert (
        org_db.sql(
            "SELECT encode(sha256(content), 'hex') FROM blob WHERE sha256 IN "
            f"(SELECT sha256 FROM document WHERE recipient_id = {person}) ORDER BY 1"
        ).split()
        == shas
    )
    assert result["counts"]["audit"] == children["audit"]
    for table in ("plan_line", "allocation", "document_link", "pay_rate"):
        assert result["counts"][table] == children[table]
    # the history was made in the person's own file: no login on it; the import's own line has
    assert (
        org_db.sql(
            f"SELECT count(*) FROM audit WHERE recipient_id = {person} AND login IS NOT NULL"
        )
        == "1"
    )
    line = org_db.sql("SELECT detail FROM audit WHERE entity = 'database' ORDER BY id DESC LIMIT 1")
    assert json.loads(line)["file_sha256"] == before


def test_audit_lines_follow_their_records_to_the_new_ids(
    org_db: Org, kc: Run, copied_fixture: Path
) -> None:
    assert kc("org", "init").exit_code == 0
    assert kc("init", "--name", "Ann Able").exit_code == 0
    for _ in range(3):
        kc("money-out", "add", "--date", "2026-11-06", "--amount", "5", "--payee", "Shop")
    done = kc("org", "import", str(copied_fixture), "--json")
    assert done.exit_code == 0, done.output
    person = int(next(iter(json.loads(done.stdout)["people"])))
    with closing(sqlite3.connect(copied_fixture)) as source:
        old_updated = source.execute(
            "SELECT entity_id FROM audit WHERE entity = 'money_out' AND action = 'update' "
            "AND detail LIKE '%evidence_note%' AND detail LIKE '%no receipts%'"
        ).fetchone()[0]
        old_payee = source.execute(
            "SELECT payee FROM money_out WHERE id = ?", (old_updated,)
        ).fetchone()[0]
    new_id = org_db.sql(
        f"SELECT id FROM money_out WHERE recipient_id = {person} AND payee = '{old_payee}'"
    )
    assert new_id != str(old_updated)
    history = kc("audit", "--record", f"money-out:{new_id}", "--json")
    assert history.exit_code == 0, history.output
    changes = json.loads(history.stdout)
    assert changes and any("evidence_note" in c["changed"] for c in changes)
    # the statement import's list of the entries it created names the new ids
    batch = json.loads(
        org_db.sql(
            f"SELECT detail FROM audit WHERE entity = 'statement_batch' AND recipient_id = {person}"
        )
    )
    created = batch["money_out_ids"]
    assert created and all(
        org_db.sql(f"SELECT recipient_id FROM money_out WHERE id = {i}") == str(person)
        for i in created
    )
    # every entry has its create line or is one the statement import made
    for table in ("money_in", "money_out", "invoice"):
        missing = org_db.sql(
            f"SELECT count(*) FROM {table} t WHERE recipient_id = {person} AND NOT EXISTS "
            f"(SELECT 1 FROM audit a WHERE a.entity = '{table}' AND a.entity_id = t.id "
            f"AND a.action = 'create')"
        )
        if table == "money_out":
            assert int(missing) == len(created)
        else:
            assert missing == "0", table
    # `document:N` in a link's line is the new document
    attached = org_db.sql(
        f"SELECT detail FROM audit WHERE recipient_id = {person} "
        "AND detail LIKE '%attached%' LIMIT 1"
    )
    document = int(json.loads(attached)["attached"].split(":")[1])
    assert org_db.sql(f"SELECT recipient_id FROM document WHERE id = {document}") == str(person)


def test_a_person_already_there_is_refused_and_nothing_is_written(
    org_db: Org, kc: Run, copied_fixture: Path
) -> None:
    assert kc("org", "init").exit_code == 0
    assert kc("org", "import", str(copied_fixture)).exit_code == 0
    before = org_db.sql("SELECT count(*) FROM audit") + org_db.sql("SELECT count(*) FROM money_out")
    again = kc("org", "import", str(copied_fixture))
    assert again.exit_code == 2
    assert again.stderr.strip().splitlines() == [
        "kentcard: error: FILE: Fixture Person is already in this database (person 1, the same "
        "name or KCC reference); nothing was imported"
    ]
    assert (
        org_db.sql("SELECT count(*) FROM audit") + org_db.sql("SELECT count(*) FROM money_out")
        == before
    )


def test_an_older_file_is_upgraded_in_a_private_copy(org_db: Org, kc: Run, tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema-0001.sqlite3", old)
    before = digest(old)
    assert kc("org", "init").exit_code == 0
    done = kc("org", "import", str(old))
    assert done.exit_code == 0, done.output
    assert digest(old) == before
    assert not list(tmp_path.glob("backups*")) and sorted(p.name for p in tmp_path.iterdir()) == [
        "old.sqlite3"
    ]
    assert (
        int(org_db.sql("SELECT count(*) FROM money_out"))
        == file_counts(old, ["money_out"])["money_out"]
    )


def test_the_demo_moves_in_and_its_people_are_seen_by_their_staff(
    org_db: Org, kc: Run, tmp_path: Path
) -> None:
    demo = tmp_path / "demo" / "demo.sqlite3"
    ctx = open_context(
        Settings(db=str(demo), exports=tmp_path / "x", clock=lambda: TODAY, keep_daily=0)
    )
    try:
        build_demo(ctx)
    finally:
        ctx.db.dispose()
    assert kc("org", "init").exit_code == 0
    assert kc("org", "import", str(FIXTURE)).exit_code == 0
    done = kc("org", "import", str(demo), "--json")
    assert done.exit_code == 0, done.output
    people = json.loads(done.stdout)["people"]
    tables = ["money_in", "money_out", "invoice", "document", "statement_line", "payslip"]
    with closing(sqlite3.connect(demo)) as source:
        names = dict(source.execute("SELECT name, id FROM recipient"))
    for new, name in people.items():
        with closing(sqlite3.connect(demo)) as source:
            want = {
                t: source.execute(
                    f"SELECT count(*) FROM {t} WHERE recipient_id = ?", (names[name],)
                ).fetchone()[0]
                for t in tables
            }
        assert person_counts(org_db, int(new), tables) == want, name
    first_new = next(iter(people))
    editor = new_login(org_db, kc, "editor", [first_new])
    listed = kc("list", "money-out", "--json", user=editor)
    assert listed.exit_code == 0, listed.output
    assert (
        len(json.loads(listed.stdout))
        == person_counts(org_db, int(first_new), ["money_out"])["money_out"]
    )


def test_a_file_whose_documents_fail_their_check_is_not_imported(
    org_db: Org, kc: Run, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.sqlite3"
    shutil.copy(FIXTURE, bad)
    with closing(sqlite3.connect(bad)) as db:
        db.execute(
            "UPDATE blob SET content = zeroblob(size) WHERE rowid = (SELECT min(rowid) FROM blob)"
        )
        db.commit()
    assert kc("org", "init").exit_code == 0
    done = kc("org", "import", str(bad))
    assert done.exit_code == 2
    assert "do not match its SHA-256" in done.stderr
    assert org_db.sql("SELECT count(*) FROM recipient") == "0"


def test_a_file_that_is_not_a_kentcard_database_is_refused(
    org_db: Org, kc: Run, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    assert kc("org", "init").exit_code == 0
    done = kc("org", "import", str(junk))
    assert done.exit_code == 2
    assert done.stderr.strip() == "kentcard: error: FILE: junk.sqlite3 is not a kentcard database"
