"""`kentcard serve`: the same app in a web browser, behind a one-time link."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from kentcard.cli.base import app, context, handled, invocation


@app.command()
@handled
def serve(
    invoked: typer.Context,
    host: Annotated[
        str, typer.Option(help="Where to listen; this computer only unless --public-url is https.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.")] = 8000,
    public_url: Annotated[
        str | None,
        typer.Option(
            "--public-url",
            help="The https address a reverse proxy (with TLS and its own login) serves it at.",
        ),
    ] = None,
) -> None:
    """Open the app in a web browser: prints a link that works once, on this computer."""
    from kentcard.web.server import address, app_command
    from kentcard.web.server import serve as run

    where = address(host, port, public_url)  # a wrong host or address: nothing opened
    run_ = invocation(invoked)
    # Each tab's app signs in on its own, with no terminal to ask at: a PostgreSQL password
    # must come from a password file, so a missing one is said here, once, not in each tab.
    run_.settings = settings = dataclasses.replace(run_.settings, password_prompt=None)
    context(invoked).db.dispose()  # set up or upgraded once here, not by each tab at once
    db = settings.db if "://" in settings.db else str(Path(settings.db).expanduser().absolute())
    command = app_command(db, settings.exports.expanduser().absolute())

    def announce(link: str) -> None:
        typer.echo(
            "kentcard is ready in a web browser. Open this link in a browser on this "
            "computer; it works once:\n\n"
            f"    {link}\n\n"
            "Each browser tab is its own copy of the app, on the same records. "
            "Press Ctrl+C here to stop."
        )

    run(command, where, announce)
