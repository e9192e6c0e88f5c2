"""Organisation mode on PostgreSQL, for the database's owner: `org init`, the staff and
who sees whom, and moving a person's own account in."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from kentcard.cli.base import (
    JsonOpt,
    OneLineErrors,
    app,
    context,
    fail,
    handled,
    invocation,
)
from kentcard.core.errors import InputError

org_app = typer.Typer(
    cls=OneLineErrors,
    help="Organisation mode (PostgreSQL): staff, who sees whom, moving an account in.",
    no_args_is_help=True,
)
staff_app = typer.Typer(
    cls=OneLineErrors, help="Members of staff and the people they see.", no_args_is_help=True
)
org_app.add_typer(staff_app, name="staff")
app.add_typer(org_app, name="org")

RoleOpt = Annotated[str, typer.Option("--role", help="viewer, editor or manager.")]
PersonOpt = Annotated[str, typer.Option("--recipient", help="The person's name or id.")]


def _organisation(invoked: typer.Context) -> None:
    """Every org command needs PostgreSQL: say so before anything is opened."""
    from kentcard.services.org import check_organisation_database

    check_organisation_database(invocation(invoked).settings.db)


@org_app.command("init")
@handled
def org_init(invoked: typer.Context) -> None:
    """Set up (or bring up to date) staff roles, grants and row-level security."""
    from kentcard.services.org import set_up

    _organisation(invoked)
    names = set_up(context(invoked))
    typer.echo(
        "Organisation mode is set up: roles "
        + ", ".join(names[r] for r in ("viewer", "editor", "manager"))
        + "; row-level security is on for every table with a person's data."
    )


def _password(password_file: str | None) -> str:
    """From the file (its first line), or asked twice at the terminal; never an argument."""
    if password_file is not None:
        try:
            text = Path(password_file).read_text(encoding="utf-8")
        except OSError as error:
            raise InputError("--password-file", error.strerror or "cannot be read") from None
        except UnicodeDecodeError:
            raise InputError("--password-file", "is not UTF-8 text") from None
        lines = text.splitlines()
        if not lines or not lines[0]:
            raise InputError("--password-file", "its first line (the password) is empty")
        return lines[0]
    if not sys.stdin.isatty():
        raise InputError(
            "--password-file", "there is no terminal to ask for the password on; give a file"
        )
    import getpass

    first = getpass.getpass("Password for the new login: ")
    if not first:
        raise InputError("password", "is empty")
    if getpass.getpass("Type it again: ") != first:
        raise InputError("password", "the two did not match; nothing was saved")
    return first


@staff_app.command("add")
@handled
def staff_add(
    invoked: typer.Context,
    login: Annotated[str, typer.Argument(metavar="LOGIN", help="The new login's name.")],
    role: RoleOpt,
    password_file: Annotated[
        str | None,
        typer.Option("--password-file", help="A file whose first line is the password."),
    ] = None,
) -> None:
    """Create a PostgreSQL login for a member of staff, in one role."""
    from kentcard.services import org

    _organisation(invoked)
    name, chosen = org.store.check_login(login), org.store.check_role(role)
    password = _password(password_file)
    org.add_staff(context(invoked), name, chosen, password)
    typer.echo(
        f"Added {name} as {chosen}. "
        f"Assign people with: kentcard org staff assign {name} --recipient NAME"
    )


@staff_app.command("role")
@handled
def staff_role(
    invoked: typer.Context,
    login: Annotated[str, typer.Argument(metavar="LOGIN")],
    role: RoleOpt,
) -> None:
    """Change a member of staff's role."""
    from kentcard.services.org import change_role

    _organisation(invoked)
    before = change_role(context(invoked), login, role)
    chosen = role.strip().lower()
    if before == chosen:
        typer.echo(f"{login} is already {chosen}; nothing changed.")
    else:
        typer.echo(f"{login} is now {chosen} (was {before}).")


@staff_app.command("assign")
@handled
def staff_assign(
    invoked: typer.Context,
    login: Annotated[str, typer.Argument(metavar="LOGIN")],
    recipient: PersonOpt,
) -> None:
    """Let a member of staff see (and by role change) a person's records."""
    from kentcard.services.org import assign

    _organisation(invoked)
    person, new = assign(context(invoked), login, recipient)
    typer.echo(
        f"{login} now sees person {person}." if new else f"{login} already sees person {person}."
    )


@staff_app.command("unassign")
@handled
def staff_unassign(
    invoked: typer.Context,
    login: Annotated[str, typer.Argument(metavar="LOGIN")],
    recipient: PersonOpt,
) -> None:
    """Stop a member of staff seeing a person."""
    from kentcard.services.org import unassign

    _organisation(invoked)
    person, removed = unassign(context(invoked), login, recipient)
    if not removed:
        fail(f"--recipient: {login} was not assigned person {person}; nothing changed")
    typer.echo(f"{login} no longer sees person {person}.")


@staff_app.command("list")
@handled
def staff_list(invoked: typer.Context, as_json: JsonOpt = False) -> None:
    """The members of staff: login, role and the people assigned to them."""
    from kentcard.services.org import list_staff

    _organisation(invoked)
    members = list_staff(context(invoked))
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "login": m.login,
                        "role": m.role,
                        "can_log_in": m.can_log_in,
                        "people": [{"id": i, "name": n} for i, n in m.people],
                    }
                    for m in members
                ],
                ensure_ascii=False,
            )
        )
        return
    if not members:
        typer.echo("No staff yet. Add one with: kentcard org staff add LOGIN --role editor")
    for m in members:
        people = ", ".join(f"{i} ({n})" for i, n in m.people) or "no one assigned"
        if m.role == "manager":
            people = "everyone (manager)" + ("" if not m.people else f"; assigned {people}")
        typer.echo(f"{m.login:<20} {m.role:<8} {people}")


@org_app.command("import")
@handled
def org_import(
    invoked: typer.Context,
    path: Annotated[str, typer.Argument(metavar="FILE", help="A person's own kentcard file.")],
    as_json: JsonOpt = False,
) -> None:
    """Copy everything of a person's own SQLite account into this database, checked."""
    from kentcard.services.org import import_account

    _organisation(invoked)
    source = Path(path)
    if not source.is_file():
        fail(f"FILE: {path!r} is not a file")
    result = import_account(context(invoked), source)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "people": {str(k): v for k, v in result.people.items()},
                    "counts": result.counts,
                    "sha256": result.sha256,
                },
                ensure_ascii=False,
            )
        )
        return
    for ident, name in result.people.items():
        typer.echo(f"Imported {name} as person {ident}.")
    shown = ", ".join(f"{t} {n}" for t, n in sorted(result.counts.items()) if n)
    typer.echo(f"Copied and checked: {shown}.")
