"""Organisation mode: setting it up, staff and who sees whom, and moving an account in.

Every function here is for the organisation database's owner (store/org.py says why and
how the rights are laid out); each change writes its audit line in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kentcard.core.errors import InputError
from kentcard.services.context import Context
from kentcard.services.recipients import resolve_recipient
from kentcard.store import org as store
from kentcard.store.engine import is_postgresql, url_for

NEEDS_POSTGRESQL = (
    "org: organisation mode needs a PostgreSQL database (--db postgresql://USER@HOST/DB); "
    "this is a SQLite file"
)


def check_organisation_database(db: str) -> None:
    """Refuse before opening anything when the database is not PostgreSQL."""
    if not is_postgresql(url_for(db)):
        raise store.OrgError(NEEDS_POSTGRESQL)


def set_up(ctx: Context) -> dict[str, str]:
    """Create or bring up to date the roles, grants and row-level security."""
    with ctx.db.write() as session:
        return store.init(session.connection())


def add_staff(ctx: Context, login: str, role: str, password: str) -> None:
    name, chosen = store.check_login(login), store.check_role(role)
    if not password:
        raise InputError("password", "is empty")
    with ctx.db.write() as session:
        store.add_staff(session=session, login=name, role=chosen, password=password)


def change_role(ctx: Context, login: str, role: str) -> str:
    """Returns the role the login had."""
    name, chosen = store.check_login(login), store.check_role(role)
    with ctx.db.write() as session:
        return store.change_role(session=session, login=name, role=chosen)


def assign(ctx: Context, login: str, recipient: str) -> tuple[int, bool]:
    """Let a member of staff see a person. Returns the person's id and whether it is new."""
    name = store.check_login(login)
    with ctx.db.read() as session:
        store.check_owner(session.connection())
    person = resolve_recipient(ctx, recipient)
    with ctx.db.write() as session:
        return person.id, store.assign(session=session, login=name, recipient_id=person.id)


def unassign(ctx: Context, login: str, recipient: str) -> tuple[int, bool]:
    name = store.check_login(login)
    with ctx.db.read() as session:
        store.check_owner(session.connection())
    person = resolve_recipient(ctx, recipient)
    with ctx.db.write() as session:
        return person.id, store.unassign(session=session, login=name, recipient_id=person.id)


def list_staff(ctx: Context) -> list[store.StaffMember]:
    with ctx.db.connect() as connection:
        return store.staff(connection)


@dataclass
class Imported:
    """What `org import` copied: the people (new id → name) and the rows per table."""

    people: dict[int, str]
    counts: dict[str, int]
    sha256: str
    problems: list[str] = field(default_factory=list)


def import_account(ctx: Context, path: Path) -> Imported:
    """Copy everything of a person's own SQLite account into this database, checked."""
    from kentcard.store.transfer import import_file

    with ctx.db.read() as session:
        store.check_owner(session.connection())
    result = import_file(ctx.db, path)
    return Imported(result.people, result.counts, result.sha256)
