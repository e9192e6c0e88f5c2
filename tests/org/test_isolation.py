"""Row-level security as anyone connecting with psql sees it: a member of staff reads,
changes and deletes only the people assigned to them, through every table (documents,
their bytes and links, and the audit log among them); a viewer changes nothing; a
manager sees everyone; nobody but the owner changes who sees whom."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import pgserver
from tests.org.conftest import Org, Run, new_login

EXAMPLES = Path(__file__).parents[2] / "examples"
ANN, BOB = 1, 2


@dataclass
class World:
    org: Org
    kc: Run
    viewer: str
    editor: str
    manager: str
    bob_only_sha: str
    shared_sha: str

    def ids_of_bob(self, table: str) -> list[str]:
        """The ids (the key of blob) of Bob's rows in `table`, as the owner sees them."""
        return self.org.sql(
            f"SELECT {KEY.get(table, 'id')} FROM {table} t WHERE {BOB_ROWS[table]}"
        ).split()


KEY = {"blob": "quote_literal(sha256)"}
BOB_ROWS = {
    "recipient": f"id = {BOB}",
    "plan": f"recipient_id = {BOB}",
    "plan_line": f"plan_id IN (SELECT id FROM plan WHERE recipient_id = {BOB})",
    "provider": f"recipient_id = {BOB}",
    "money_out": f"recipient_id = {BOB}",
    "money_in": f"recipient_id = {BOB}",
    "invoice": f"recipient_id = {BOB}",
    "allocation": f"money_out_id IN (SELECT id FROM money_out WHERE recipient_id = {BOB})",
    "document": f"recipient_id = {BOB}",
    "document_link": f"document_id IN (SELECT id FROM document WHERE recipient_id = {BOB})",
    "blob": f"sha256 NOT IN (SELECT sha256 FROM document WHERE recipient_id = {ANN})",
    "audit": f"recipient_id = {BOB}",
}


def owner_setup(kc: Run, tmp: Path) -> None:
    pdf = str(EXAMPLES / "INV-1001.pdf")  # the same bytes for both people: one blob
    bob_only = tmp / "bob-receipt.txt"
    bob_only.write_text("Bob's own receipt\n", encoding="utf-8")
    for name, ref in (("Ann Able", "A1"), ("Bob Baker", "B2")):
        steps = [
            [
                "init",
                "--name",
                name,
                "--kcc-ref",
                ref,
                "--opening-balance",
                "100",
                "--as-of",
                "2026-10-31",
            ],
            [
                "plan",
                "set",
                "--start",
                "2026-11-01",
                "--frequency",
                "monthly",
                "--council",
                "1000",
                "--line",
                "Care=1000",
                "--recipient",
                name,
            ],
            [
                "provider",
                "add",
                "Bright Homecare",
                "--kind",
                "agency",
                "--category",
                "Care",
                "--recipient",
                name,
            ],
            [
                "invoice",
                "add",
                "--provider",
                "Bright Homecare",
                "--number",
                "INV-1",
                "--date",
                "2026-11-05",
                "--amount",
                "560",
                "--file",
                pdf,
                "--recipient",
                name,
            ],
            [
                "money-out",
                "add",
                "--date",
                "2026-11-06",
                "--amount",
                "560",
                "--payee",
                "Bright Homecare",
                "--invoice",
                "INV-1",
                "--receipt",
                pdf,
                "--recipient",
                name,
            ],
        ]
        if name == "Bob Baker":
            steps.append(
                [
                    "money-out",
                    "add",
                    "--date",
                    "2026-11-07",
                    "--amount",
                    "5",
                    "--payee",
                    "Shop",
                    "--receipt",
                    str(bob_only),
                    "--recipient",
                    name,
                ]
            )
        for args in steps:
            done = kc(*args)
            assert done.exit_code == 0, (args, done.output)


@pytest.fixture
def world(org_db: Org, kc: Run, tmp_path: Path) -> World:
    assert kc("org", "init").exit_code == 0
    owner_setup(kc, tmp_path)
    viewer = new_login(org_db, kc, "viewer", ["Ann Able"])
    editor = new_login(org_db, kc, "editor", ["Ann Able"])
    manager = new_login(org_db, kc, "manager")
    import hashlib

    bob_only = hashlib.sha256(b"Bob's own receipt\n").hexdigest()
    shared = hashlib.sha256((EXAMPLES / "INV-1001.pdf").read_bytes()).hexdigest()
    return World(org_db, kc, viewer, editor, manager, bob_only, shared)


def refused(world: World, statement: str, user: str) -> str:
    with pytest.raises(pgserver.PsqlError) as error:
        world.org.sql(statement, user)
    return str(error.value)


def test_bob_has_rows_in_every_table_the_tests_look_at(world: World) -> None:
    for table in BOB_ROWS:
        assert world.ids_of_bob(table), table
    assert world.ids_of_bob("blob") == [f"'{world.bob_only_sha}'"]


@pytest.mark.parametrize("who", ["viewer", "editor"])
def test_staff_cannot_read_an_unassigned_persons_rows(world: World, who: str) -> None:
    user = getattr(world, who)
    for table in BOB_ROWS:
        ids = ", ".join(world.ids_of_bob(table))
        key = KEY.get(table, "id").replace("quote_literal(sha256)", "sha256")
        seen = world.org.sql(f"SELECT count(*) FROM {table} WHERE {key} IN ({ids})", user)
        assert seen == "0", (who, table)
    # …while Ann's are there, the bytes she shares with Bob among them
    assert world.org.sql("SELECT count(*) FROM money_out", user) == "1"
    assert (
        world.org.sql(f"SELECT count(*) FROM blob WHERE sha256 = '{world.shared_sha}'", user) == "1"
    )
    assert world.org.sql("SELECT count(*) FROM document_link", user) == world.org.sql(
        f"SELECT count(*) FROM document_link WHERE document_id IN "
        f"(SELECT id FROM document WHERE recipient_id = {ANN})"
    )
    # audit lines about no person (the staff lines) are for managers
    assert world.org.sql("SELECT count(*) FROM audit WHERE recipient_id IS NULL", user) == "0"
    assert world.org.sql("SELECT recipient_id FROM staff_assignment", user) == str(ANN)


def test_an_editor_cannot_change_or_delete_an_unassigned_persons_rows(world: World) -> None:
    user = world.editor
    before = {t: world.ids_of_bob(t) for t in BOB_ROWS}
    for table in BOB_ROWS:
        if table in ("audit", "blob"):
            continue  # an editor has no UPDATE or DELETE there at all (below)
        ids = ", ".join(before[table])
        changed = world.org.sql(
            f"WITH u AS (UPDATE {table} SET id = id WHERE id IN ({ids}) RETURNING 1) "
            "SELECT count(*) FROM u",
            user,
        )
        delete = f"WITH d AS (DELETE FROM {table} WHERE id IN ({ids}) RETURNING 1) "
        if table == "recipient":  # only the owner removes a person
            assert "permission denied" in refused(world, delete + "SELECT 1", user)
            deleted = "0"
        else:
            deleted = world.org.sql(delete + "SELECT count(*) FROM d", user)
        assert (changed, deleted) == ("0", "0"), table
    for statement in (
        f"DELETE FROM audit WHERE recipient_id = {BOB}",
        f"UPDATE audit SET detail = '{{}}' WHERE recipient_id = {BOB}",
        f"DELETE FROM blob WHERE sha256 = '{world.bob_only_sha}'",
        f"UPDATE blob SET content = 'x' WHERE sha256 = '{world.bob_only_sha}'",
    ):
        assert "permission denied" in refused(world, statement, user)
    assert {t: world.ids_of_bob(t) for t in BOB_ROWS} == before


def test_an_editor_cannot_write_rows_for_an_unassigned_person(world: World) -> None:
    user = world.editor
    bob_plan = world.ids_of_bob("plan")[0]
    bob_document = world.ids_of_bob("document")[0]
    bob_money_out = world.ids_of_bob("money_out")[0]
    ann_money_out = world.org.sql(f"SELECT id FROM money_out WHERE recipient_id = {ANN}")
    ann_document = world.org.sql(f"SELECT min(id) FROM document WHERE recipient_id = {ANN}")
    bob_invoice = world.ids_of_bob("invoice")[0]
    bob_provider = world.ids_of_bob("provider")[0]
    for statement in (
        f"INSERT INTO money_out (recipient_id, date, amount_pence, payee, origin) "
        f"VALUES ({BOB}, '2026-11-10', 100, 'X', 'manual')",
        f"INSERT INTO plan_line (plan_id, category, amount_pence) VALUES ({bob_plan}, 'Extra', 1)",
        f"INSERT INTO document_link (document_id, money_out_id) "
        f"VALUES ({bob_document}, {ann_money_out})",
        f"INSERT INTO allocation (money_out_id, invoice_id, amount_pence) "
        f"VALUES ({bob_money_out}, 1, 1)",
        f"INSERT INTO audit (at, recipient_id, entity, entity_id, action, detail) "
        f"VALUES ('now', {BOB}, 'money_out', 1, 'create', '{{}}')",
        f"UPDATE money_out SET recipient_id = {BOB} WHERE id = {ann_money_out}",
        # tying Ann's records to Bob's by id (a foreign key alone would let it through)
        f"INSERT INTO allocation (money_out_id, invoice_id, amount_pence) "
        f"VALUES ({ann_money_out}, {bob_invoice}, 1)",
        f"INSERT INTO document_link (document_id, money_out_id) "
        f"VALUES ({ann_document}, {bob_money_out})",
        f"UPDATE money_out SET provider_id = {bob_provider} WHERE id = {ann_money_out}",
        "INSERT INTO recipient (name, retained_weeks, created_at) VALUES ('Zed', 8, 'now')",
    ):
        message = refused(world, statement, user)
        assert "row-level security" in message or "permission denied" in message, statement


def test_a_viewer_changes_nothing_even_for_an_assigned_person(world: World) -> None:
    user = world.viewer
    ann_money_out = world.org.sql(f"SELECT id FROM money_out WHERE recipient_id = {ANN}")
    for statement in (
        f"UPDATE money_out SET payee = 'Y' WHERE id = {ann_money_out}",
        f"DELETE FROM document_link WHERE money_out_id = {ann_money_out}",
        f"INSERT INTO money_in (recipient_id, date, amount_pence, source, origin) "
        f"VALUES ({ANN}, '2026-11-10', 100, 'kcc', 'manual')",
        f"INSERT INTO blob (sha256, size, media_type, content) VALUES ('{'0' * 64}', 1, 'x', 'x')",
        f"UPDATE recipient SET kcc_ref = 'X' WHERE id = {ANN}",
    ):
        assert "permission denied" in refused(world, statement, user), statement


def test_staff_cannot_change_who_sees_whom(world: World) -> None:
    for user in (world.viewer, world.editor, world.manager):
        for statement in (
            f"INSERT INTO staff_assignment (login, recipient_id, assigned_at) "
            f"VALUES (current_user, {BOB}, 'now')",
            f"UPDATE staff_assignment SET recipient_id = {BOB}",
            "DELETE FROM staff_assignment",
            f'GRANT "{world.org.role("manager")}" TO current_user',
        ):
            message = refused(world, statement, user)
            assert "permission denied" in message or "must have admin" in message, (user, statement)
    for user in (world.viewer, world.editor):
        for statement in ("SET ROLE " + f'"{world.org.role("manager")}"',):
            message = refused(world, statement, user)
            assert "permission denied" in message or "must have admin" in message, (user, statement)
    assert world.org.sql("SELECT count(*) FROM staff_assignment") == "2"


def test_a_manager_sees_everyone_and_may_add_people(world: World) -> None:
    user = world.manager
    for table in (
        "recipient",
        "money_out",
        "document",
        "document_link",
        "blob",
        "audit",
        "plan_line",
    ):
        assert world.org.sql(f"SELECT count(*) FROM {table}", user) == world.org.sql(
            f"SELECT count(*) FROM {table}"
        ), table
    done = world.kc("init", "--name", "Cat Cole", user=user)
    assert done.exit_code == 0, done.output
    assert world.org.sql("SELECT count(*) FROM recipient WHERE name = 'Cat Cole'") == "1"


def test_kentcard_shows_a_member_of_staff_only_their_people(world: World) -> None:
    kc = world.kc
    assert kc("init", "--name", "Cat Cole").exit_code == 0
    assert kc("org", "staff", "assign", world.editor, "--recipient", "Cat Cole").exit_code == 0
    done = kc("list", "money-out", user=world.editor)
    assert done.exit_code == 2
    assert "1 (Ann Able), 3 (Cat Cole)" in done.stderr and "Bob" not in done.stderr
    done = kc("list", "money-out", "--recipient", "Bob Baker", "--json", user=world.editor)
    assert done.exit_code == 2 and "Bob" not in done.stderr.replace("'Bob Baker'", "")
    done = kc("list", "money-out", "--recipient", "Ann Able", "--json", user=world.editor)
    assert done.exit_code == 0 and '"payee": "Bright Homecare"' in done.stdout


def test_a_viewer_writing_through_kentcard_is_told_plainly(world: World) -> None:
    before = world.org.sql("SELECT count(*) FROM money_out") + world.org.sql(
        "SELECT count(*) FROM audit"
    )
    done = world.kc(
        "money-out",
        "add",
        "--date",
        "2026-11-08",
        "--amount",
        "5",
        "--payee",
        "Shop",
        user=world.viewer,
    )
    assert done.exit_code == 2
    assert done.stderr.strip().splitlines() == [
        f"kentcard: error: your login {world.viewer} may read these records but not change "
        "them; nothing was saved"
    ]
    done = world.kc("init", "--name", "Dan Dee", user=world.editor)
    assert done.exit_code == 2
    assert done.stderr.strip().splitlines() == [
        f"kentcard: error: your login {world.editor} is not allowed to make this change; "
        "nothing was saved"
    ]
    bob_money_out = world.ids_of_bob("money_out")[0]
    done = world.kc("money-out", "delete", bob_money_out, user=world.editor)
    assert done.exit_code == 2 and len(done.stderr.strip().splitlines()) == 1
    after = world.org.sql("SELECT count(*) FROM money_out") + world.org.sql(
        "SELECT count(*) FROM audit"
    )
    assert after == before


def test_the_audit_log_names_the_login_that_made_each_change(world: World, org_db: Org) -> None:
    second = new_login(org_db, world.kc, "editor", ["Ann Able"])
    for user, amount in ((world.editor, "6"), (second, "7")):
        done = world.kc(
            "money-out",
            "add",
            "--date",
            "2026-11-09",
            "--amount",
            amount,
            "--payee",
            "Shop",
            user=user,
        )
        assert done.exit_code == 0, done.output
    signed = org_db.sql(
        "SELECT a.login FROM audit a JOIN money_out m ON m.id = a.entity_id "
        "WHERE a.entity = 'money_out' AND m.payee = 'Shop' AND m.recipient_id = 1 ORDER BY a.id"
    ).splitlines()
    assert signed == [world.editor, second]
    # `kentcard audit` shows who made each change
    mine = org_db.sql(
        f"SELECT id FROM money_out WHERE payee = 'Shop' AND recipient_id = {ANN} ORDER BY id"
    ).splitlines()
    shown = world.kc("audit", "--record", f"money-out:{mine[1]}", user=second)
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[0].split()[1:3] == [second, "create"]
    # a login cannot sign a line as somebody else: the trigger writes current_user
    org_db.sql(
        f"INSERT INTO audit (at, recipient_id, entity, entity_id, action, detail, login) "
        f"VALUES ('now', {ANN}, 'money_out', 1, 'update', '{{}}', 'someone_else')",
        second,
    )
    assert org_db.sql("SELECT login FROM audit ORDER BY id DESC LIMIT 1") == second


def test_an_editor_stores_bytes_another_person_already_has(world: World, tmp_path: Path) -> None:
    """The blob is there, unseen, for Bob: storing it again for Ann inserts nothing and
    gives Ann her own document of it."""
    same = tmp_path / "ann-copy.txt"
    same.write_text("Bob's own receipt\n", encoding="utf-8")
    done = world.kc(
        "money-out",
        "add",
        "--date",
        "2026-11-09",
        "--amount",
        "3",
        "--payee",
        "Shop",
        "--receipt",
        str(same),
        user=world.editor,
    )
    assert done.exit_code == 0, done.output
    sha = world.bob_only_sha
    assert world.org.sql(f"SELECT count(*) FROM blob WHERE sha256 = '{sha}'") == "1"
    assert world.org.sql(
        f"SELECT recipient_id FROM document WHERE sha256 = '{sha}' ORDER BY recipient_id"
    ).split() == [str(ANN), str(BOB)]
    assert world.org.sql(f"SELECT size FROM blob WHERE sha256 = '{sha}'", world.editor) == "18"
