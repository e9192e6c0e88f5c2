"""Organisation mode on PostgreSQL: staff roles, grants and row-level security.

Design. An organisation keeps one PostgreSQL database. Its owner (the login that owns the
tables) runs the migrations, the `kentcard org …` commands, imports and backups; as table
owner it is not subject to row-level security (FORCE is never set). `org init` makes three
group roles per database, NOLOGIN, named from `current_database()` (`<db>_viewer`,
`<db>_editor`, `<db>_manager`; roles are cluster-wide, so the database's name keeps two
organisations on one server apart), each a member of the one below it:

- viewer: SELECT on every kentcard table and on alembic_version (the app checks the schema);
- editor: also INSERT/UPDATE/DELETE on the data tables, but only INSERT on the audit log
  (append-only) and on blob, and only SELECT on staff_assignment; USAGE on the sequences;
- manager: an editor who sees every person and may add people (INSERT on recipient).

A member of staff is a LOGIN role that is a member of one of them (`org staff add`; its
password is sent as a SCRAM-SHA-256 verifier worked out here, so the clear password never
reaches the server or its log). Which people a login may see is the table staff_assignment
(`org staff assign`), which only the owner can change.

Row-level security is ENABLEd on every table holding a person's data, and every policy is
built from one expression, `visible()`: the login is a manager, or the person is assigned
to it (`recipient_id IN (SELECT recipient_id FROM staff_assignment WHERE login =
current_user)`). The manager test is a sub-select, so it is worked out once per query, and
the assignment list is an index lookup. Tables without a `recipient_id` are reached
through their parent (`EXISTS` on the parent, whose own policy applies): plan_line via
plan, allocation via money_out, document_link via document, pay_rate via employee; a
blob is visible when a visible document holds the same bytes; audit lines by their
`recipient_id` (lines about no person: managers only); staff_assignment rows are a login's
own, or all for a manager. A row written must also point only at rows the login may see
(each foreign key to a person's table is checked in WITH CHECK: a foreign key itself is
checked without row-level security). Nothing reads a session variable, which a psql user
could set.
`POLICIES` names each table's rule and `NO_PERSON_DATA` the tables that need none; a test
holds every table of the metadata to one or the other. Running `org init` again (after an
upgrade added a table) brings roles, grants and policies up to date.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import stringprep
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlmodel import Session, col

from kentcard.core.errors import ConflictError, InputError, KentcardError, NotFoundError
from kentcard.store import audit
from kentcard.store import employment_models as _employment  # noqa: F401  (its tables)
from kentcard.store._sql import table
from kentcard.store.models import RecipientRow, StaffAssignmentRow, metadata

ROLES = ("viewer", "editor", "manager")

# How each table that holds a person's data finds its person: ("person", column) for a
# table with the person's id in `column`, ("parent", column, parent table) for a child
# reached through its parent, or a rule of its own.
POLICIES: dict[str, tuple[str, ...]] = {
    "recipient": ("person", "id"),
    "plan": ("person", "recipient_id"),
    "provider": ("person", "recipient_id"),
    "money_in": ("person", "recipient_id"),
    "money_out": ("person", "recipient_id"),
    "invoice": ("person", "recipient_id"),
    "document": ("person", "recipient_id"),
    "statement_batch": ("person", "recipient_id"),
    "statement_line": ("person", "recipient_id"),
    "statement_mapping": ("person", "recipient_id"),
    "period_lock": ("person", "recipient_id"),
    "employer": ("person", "recipient_id"),
    "employment_allowance": ("person", "recipient_id"),
    "insurance": ("person", "recipient_id"),
    "employee": ("person", "recipient_id"),
    "timesheet_line": ("person", "recipient_id"),
    "payslip": ("person", "recipient_id"),
    "hmrc_payment": ("person", "recipient_id"),
    "pension_payment": ("person", "recipient_id"),
    "plan_line": ("parent", "plan_id", "plan"),
    "allocation": ("parent", "money_out_id", "money_out"),
    "document_link": ("parent", "document_id", "document"),
    "pay_rate": ("parent", "employee_id", "employee"),
    "blob": ("blob",),
    "audit": ("audit",),
    "staff_assignment": ("staff",),
}
# Tables that hold no person's data (none today: every kentcard table does).
NO_PERSON_DATA: frozenset[str] = frozenset()
# What an editor may do beyond reading, where it is not INSERT, UPDATE and DELETE.
EDITOR_RIGHTS = {
    "audit": "INSERT",
    "blob": "INSERT",
    "recipient": "UPDATE",
    "staff_assignment": None,
}
POLICY_PREFIX = "kentcard_"


class OrgError(KentcardError):
    """Organisation mode cannot do this here (not PostgreSQL, not set up, not the owner)."""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def role_names(database: str) -> dict[str, str]:
    """The group roles of a database: `<db>_viewer` and so on (a long name is shortened
    with a hash of it, as PostgreSQL would otherwise cut it at 63 bytes)."""
    base = database
    if len(base.encode()) > 50:
        digest = hashlib.sha256(database.encode()).hexdigest()[:8]
        cut = base.encode()[:40].decode("utf-8", "ignore")
        base = f"{cut}_{digest}"
    return {role: f"{base}_{role}" for role in ROLES}


def _database(connection: Connection) -> str:
    return str(connection.exec_driver_sql("SELECT current_database()").scalar())


def manager_test(manager_role: str) -> str:
    return f"(SELECT pg_has_role(current_user, {_literal(manager_role)}, 'MEMBER'))"


def assigned() -> str:
    """The people assigned to the login running the query."""
    return "SELECT sa.recipient_id FROM staff_assignment sa WHERE sa.login = current_user"


def visible(column: str, manager_role: str) -> str:
    """The one rule: the login is a manager, or the person in `column` is assigned to it."""
    return f"{manager_test(manager_role)} OR {column} IN ({assigned()})"


def policy_statements(table: str, manager_role: str) -> list[str]:
    """The CREATE POLICY statements of one table."""
    rule = POLICIES[table]
    name = _ident(f"{POLICY_PREFIX}{table}")
    on = _ident(table)
    if rule[0] == "person":
        check = visible(_ident(rule[1]), manager_role)
        return [
            f"CREATE POLICY {name} ON {on} USING ({check}) WITH CHECK ({_written(table, check)})"
        ]
    if rule[0] == "parent":
        _, column, parent = rule
        check = f"EXISTS (SELECT 1 FROM {_ident(parent)} p WHERE p.id = {on}.{_ident(column)})"
        return [
            f"CREATE POLICY {name} ON {on} USING ({check}) WITH CHECK ({_written(table, check)})"
        ]
    if rule[0] == "blob":
        # A blob may already be there, unseen, for another person: put_document inserts
        # and takes a duplicate key as "already there", so anyone who may write may insert.
        seen = (
            f"{manager_test(manager_role)} OR EXISTS (SELECT 1 FROM document d "
            f"WHERE d.sha256 = blob.sha256 AND d.recipient_id IN ({assigned()}))"
        )
        return [
            f"CREATE POLICY {name} ON blob FOR SELECT USING ({seen})",
            f"CREATE POLICY {_ident(POLICY_PREFIX + 'blob_insert')} ON blob "
            "FOR INSERT WITH CHECK (true)",
        ]
    if rule[0] == "audit":
        check = visible("recipient_id", manager_role)
        return [
            f"CREATE POLICY {name} ON audit FOR SELECT USING ({check})",
            f"CREATE POLICY {_ident(POLICY_PREFIX + 'audit_insert')} ON audit "
            f"FOR INSERT WITH CHECK ({check})",
        ]
    assert rule[0] == "staff"
    return [
        f"CREATE POLICY {name} ON staff_assignment FOR SELECT "
        f"USING (login = current_user OR {manager_test(manager_role)})"
    ]


def _written(table: str, check: str) -> str:
    """A row written must also point only at rows the login may see: a foreign key is
    checked without row-level security, so without this an editor could tie one of their
    person's records to another person's payment, invoice or document by its id."""
    parents = sorted(
        (fk.parent.name, fk.column.table.name)
        for fk in metadata.tables[table].foreign_keys
        if fk.column.table.name in POLICIES
        and fk.column.table.name not in ("recipient", "blob", table)
    )
    rule = POLICIES[table]
    tests = [check] + [
        f"({_ident(column)} IS NULL OR EXISTS (SELECT 1 FROM {_ident(parent)} r "
        f"WHERE r.id = {_ident(table)}.{_ident(column)}))"
        for column, parent in parents
        if not (rule[0] == "parent" and rule[1] == column)
    ]
    return " AND ".join(f"({t})" for t in tests) if len(tests) > 1 else check


def kentcard_tables() -> list[str]:
    return sorted(metadata.tables)


def check_owner(connection: Connection) -> None:
    """Organisation commands are for the database's owner (the owner of its tables)."""
    row = connection.exec_driver_sql(
        "SELECT tableowner, pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables "
        "WHERE schemaname = current_schema() AND tablename = 'recipient'"
    ).first()
    if row is None:
        raise OrgError("org: this database has no kentcard tables yet")
    if not row[1]:
        user = connection.exec_driver_sql("SELECT current_user").scalar()
        raise OrgError(
            f"org: only the database's owner ({row[0]}) can do this; you are connected as {user}"
        )


def init(connection: Connection) -> dict[str, str]:
    """Create or bring up to date the roles, grants and policies (idempotent). Returns
    the group roles."""
    check_owner(connection)
    database = _database(connection)
    names = role_names(database)
    for role in ROLES:
        exists = connection.exec_driver_sql(
            "SELECT 1 FROM pg_roles WHERE rolname = %s", (names[role],)
        ).first()
        if exists is None:
            connection.exec_driver_sql(f"CREATE ROLE {_ident(names[role])} NOLOGIN")
    viewer, editor, manager = (_ident(names[r]) for r in ROLES)
    connection.exec_driver_sql(f"GRANT {viewer} TO {editor}")
    connection.exec_driver_sql(f"GRANT {editor} TO {manager}")
    connection.exec_driver_sql(f"REVOKE CONNECT ON DATABASE {_ident(database)} FROM PUBLIC")
    connection.exec_driver_sql(f"GRANT CONNECT ON DATABASE {_ident(database)} TO {viewer}")
    connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {viewer}")
    tables = kentcard_tables()
    for name in [*tables, "alembic_version"]:
        on = _ident(name)
        connection.exec_driver_sql(f"REVOKE ALL ON {on} FROM {viewer}, {editor}, {manager}")
        connection.exec_driver_sql(f"GRANT SELECT ON {on} TO {viewer}")
    for name in tables:
        rights = EDITOR_RIGHTS.get(name, "INSERT, UPDATE, DELETE")
        if rights:
            connection.exec_driver_sql(f"GRANT {rights} ON {_ident(name)} TO {editor}")
    connection.exec_driver_sql(f"GRANT INSERT ON recipient TO {manager}")
    connection.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {editor}")
    old = connection.exec_driver_sql(
        "SELECT tablename, policyname FROM pg_policies "
        "WHERE schemaname = current_schema() AND policyname LIKE %s",
        (POLICY_PREFIX + "%",),
    ).all()
    for on, policy in old:
        connection.exec_driver_sql(f"DROP POLICY {_ident(policy)} ON {_ident(on)}")
    for name in tables:
        if name in NO_PERSON_DATA:
            continue
        connection.exec_driver_sql(f"ALTER TABLE {_ident(name)} ENABLE ROW LEVEL SECURITY")
        for statement in policy_statements(name, names["manager"]):
            connection.exec_driver_sql(statement)
    return names


def is_set_up(connection: Connection) -> bool:
    names = role_names(_database(connection))
    found = connection.exec_driver_sql(
        "SELECT count(*) FROM pg_roles WHERE rolname = ANY(%s)", (list(names.values()),)
    ).scalar()
    return found == len(names)


def _require_set_up(connection: Connection) -> dict[str, str]:
    check_owner(connection)
    if not is_set_up(connection):
        raise OrgError("org: organisation mode is not set up here yet; run: kentcard org init")
    return role_names(_database(connection))


LOGIN_PATTERN = re.compile(r"[a-z][a-z0-9_.@-]{0,62}")


def check_login(login: str) -> str:
    value = login.strip()
    if not LOGIN_PATTERN.fullmatch(value) or value.startswith("pg_"):
        raise InputError(
            "LOGIN",
            f"{value[:40]!r} is not a login name kentcard makes: use 1 to 63 lower-case "
            "letters, digits and . _ @ -, starting with a letter",
        )
    return value


def check_role(role: str) -> str:
    value = role.strip().lower()
    if value not in ROLES:
        raise InputError("--role", f"{role[:40]!r} is not one of {', '.join(ROLES)}")
    return value


def role_of(connection: Connection, login: str, names: dict[str, str]) -> str | None:
    """The highest of this database's roles the login is directly a member of."""
    found = {
        row[0]
        for row in connection.exec_driver_sql(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s",
            (login,),
        )
    }
    for role in reversed(ROLES):
        if names[role] in found:
            return role
    return None


def _saslprep(password: str) -> str:
    """RFC 4013 SASLprep, as PostgreSQL applies it to a password before hashing (a
    password it cannot prepare is used as it is, also as PostgreSQL does)."""
    mapped = "".join(
        " " if stringprep.in_table_c12(ch) else ch
        for ch in password
        if not stringprep.in_table_b1(ch)
    )
    text = unicodedata.normalize("NFKC", mapped)
    prohibited = (
        stringprep.in_table_c12,
        stringprep.in_table_c21_c22,
        stringprep.in_table_c3,
        stringprep.in_table_c4,
        stringprep.in_table_c5,
        stringprep.in_table_c6,
        stringprep.in_table_c7,
        stringprep.in_table_c8,
        stringprep.in_table_c9,
        stringprep.in_table_a1,
    )
    if any(test(ch) for ch in text for test in prohibited):
        return password
    if any(stringprep.in_table_d1(ch) for ch in text):
        if not (stringprep.in_table_d1(text[0]) and stringprep.in_table_d1(text[-1])):
            return password
        if any(stringprep.in_table_d2(ch) for ch in text):
            return password
    return text


def scram_verifier(password: str, salt: bytes | None = None, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677)."""
    salt = os.urandom(16) if salt is None else salt
    salted = hashlib.pbkdf2_hmac("sha256", _saslprep(password).encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def add_staff(*, session: Session, login: str, role: str, password: str) -> int:
    """A new login in one of this database's roles, with its audit line. Returns its oid."""
    connection = session.connection()
    names = _require_set_up(connection)
    if login in names.values():
        raise InputError("LOGIN", f"{login!r} is one of this database's group roles")
    current = role_of(connection, login, names)
    if current is not None:
        raise ConflictError(
            f"LOGIN: {login} is already staff here as {current}; change the role with: "
            f"kentcard org staff role {login} --role {role}"
        )
    if connection.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).first():
        raise ConflictError(
            f"LOGIN: a login called {login} already exists on this server; choose another name"
        )
    verifier = scram_verifier(password)
    connection.exec_driver_sql(
        f"CREATE ROLE {_ident(login)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
        f"PASSWORD {_literal(verifier)} IN ROLE {_ident(names[role])}"
    )
    oid = _oid(connection, login)
    audit.record(
        session=session,
        entity="staff",
        entity_id=oid,
        action="create",
        recipient_id=None,
        extra={"login": login, "role": role},
    )
    return oid


def change_role(*, session: Session, login: str, role: str) -> str:
    """Move a member of staff to another role; returns the role they had."""
    connection = session.connection()
    names = _require_set_up(connection)
    current = role_of(connection, login, names)
    if current is None:
        raise NotFoundError(f"LOGIN: {login} is not staff here")
    if current == role:
        return current
    for other in ROLES:
        connection.exec_driver_sql(f"REVOKE {_ident(names[other])} FROM {_ident(login)}")
    connection.exec_driver_sql(f"GRANT {_ident(names[role])} TO {_ident(login)}")
    oid = _oid(connection, login)
    audit.record(
        session=session,
        entity="staff",
        entity_id=oid,
        action="update",
        recipient_id=None,
        extra={"login": login, "role": [current, role]},
    )
    return current


def _oid(connection: Connection, login: str) -> int:
    found = connection.exec_driver_sql("SELECT oid FROM pg_roles WHERE rolname = %s", (login,))
    return int(found.scalar_one())


def _staff_login(connection: Connection, login: str) -> str:
    names = _require_set_up(connection)
    if role_of(connection, login, names) is None:
        raise NotFoundError(
            f"LOGIN: {login} is not staff here; add them with kentcard org staff add"
        )
    return login


def assign(*, session: Session, login: str, recipient_id: int) -> bool:
    """Let `login` see this person; False when it already could."""
    _staff_login(session.connection(), login)
    found = session.execute(
        select(StaffAssignmentRow).where(
            col(StaffAssignmentRow.login) == login,
            col(StaffAssignmentRow.recipient_id) == recipient_id,
        )
    ).first()
    if found is not None:
        return False
    audit.insert(
        session=session,
        row=StaffAssignmentRow(login=login, recipient_id=recipient_id, assigned_at=audit.now_utc()),
        entity="staff_assignment",
    )
    return True


def unassign(*, session: Session, login: str, recipient_id: int) -> bool:
    """Stop `login` seeing this person; False when it could not."""
    _staff_login(session.connection(), login)
    found = session.execute(
        select(StaffAssignmentRow).where(
            col(StaffAssignmentRow.login) == login,
            col(StaffAssignmentRow.recipient_id) == recipient_id,
        )
    ).scalar()
    if found is None:
        return False
    audit.remove(session=session, row=found, entity="staff_assignment")
    session.flush()
    return True


@dataclass(frozen=True)
class StaffMember:
    login: str
    role: str
    people: list[tuple[int, str]]
    can_log_in: bool


def staff(connection: Connection) -> list[StaffMember]:
    """Every member of staff of this database, with the people assigned to them."""
    names = _require_set_up(connection)
    group = {v: k for k, v in names.items()}
    rows = connection.exec_driver_sql(
        "SELECT u.rolname, g.rolname, u.rolcanlogin FROM pg_auth_members m "
        "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member "
        "WHERE g.rolname = ANY(%s) AND NOT (u.rolname = ANY(%s)) ORDER BY u.rolname",
        (list(names.values()), list(names.values())),
    ).all()
    roles: dict[str, tuple[str, bool]] = {}
    for login, role_name, can_log_in in rows:
        role = group[role_name]
        if login not in roles or ROLES.index(role) > ROLES.index(roles[login][0]):
            roles[login] = (role, bool(can_log_in))
    sa, person = table(StaffAssignmentRow), table(RecipientRow)
    people: dict[str, list[tuple[int, str]]] = {}
    for login, rid, name in connection.execute(
        select(sa.c.login, person.c.id, person.c.name)
        .join(person, person.c.id == sa.c.recipient_id)
        .order_by(sa.c.login, person.c.id)
    ):
        people.setdefault(login, []).append((int(rid), name))
    return [
        StaffMember(login, role, people.get(login, []), can_log_in)
        for login, (role, can_log_in) in sorted(roles.items())
    ]


def refusal(connection: Connection, message: str) -> str:
    """A plain line for PostgreSQL refusing a write for lack of rights (42501)."""
    login = str(connection.exec_driver_sql("SELECT current_user").scalar())
    if "row-level security" in message:
        return f"your login {login} may change only the people assigned to it; nothing was saved"
    names = role_names(_database(connection))
    editor = connection.exec_driver_sql(
        "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) "
        "AND pg_has_role(current_user, %s, 'MEMBER')",
        (names["editor"], names["editor"]),
    ).scalar()
    if not editor:
        return f"your login {login} may read these records but not change them; nothing was saved"
    return f"your login {login} is not allowed to make this change; nothing was saved"
