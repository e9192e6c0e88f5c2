"""The command line: parse, call one service, print. One module per group of commands.

`base` holds the app, the command groups and what every command shares; importing this
package registers every command. The database layer and Textual load only when a command
needs them, so `kentcard --help` stays quick.
"""

from __future__ import annotations

from kentcard.cli import ledger, maintenance, people, reports, statements  # noqa: F401
from kentcard.cli.base import app, main

__all__ = ["app", "main"]
