"""Who is set up, and which person a command or screen is about (reads only).

Kept apart from the writes in `services.recipients` so that a command that only reports
does not load the ORM models to find its person.
"""

from __future__ import annotations

from kentcard.core.errors import KentcardError, NotFoundError
from kentcard.core.records import Recipient
from kentcard.services.context import Context
from kentcard.store import people


def list_recipients(ctx: Context) -> list[Recipient]:
    with ctx.db.connect() as connection:
        return people.recipients(connection=connection)


def resolve_recipient(ctx: Context, ref: str | None = None) -> Recipient:
    """The person a command is about: by name or id, or the only one there is."""
    people = list_recipients(ctx)
    if not people:
        raise NotFoundError("no one is set up yet; start with: kentcard init --name NAME")
    if ref is None or not ref.strip():
        if len(people) == 1:
            return people[0]
        choices = ", ".join(f"{p.id} ({p.name})" for p in people)
        raise KentcardError(
            f"recipient: this database holds several people; choose one with --recipient: {choices}"
        )
    wanted = ref.strip()
    for person in people:
        if wanted == str(person.id) or wanted.casefold() == person.name.casefold():
            return person
    choices = ", ".join(f"{p.id} ({p.name})" for p in people)
    raise NotFoundError(f"recipient: no one matches; the choices are: {choices}")
