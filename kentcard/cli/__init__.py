"""The command line: parse, call one service, print. One module per group of commands.

`base` holds the app, the command groups and what every command shares; each module
registers its commands on them when imported. A run imports only the module of the
command it was given (`kentcard budget` never loads the ledger's or the import's
commands), and every module when the command is not one it knows, so `--help` and a
mistyped command still list them all. `kentcard.cli.app` is the whole app.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import Any

# The first word of a command line → the module that registers it.
COMMAND_MODULES = {
    "budget": "reports",
    "review": "reports",
    "export": "reports",
    "report": "reports",
    "init": "people",
    "demo": "people",
    "plan": "people",
    "provider": "people",
    "list": "ledger",
    "money-in": "ledger",
    "money-out": "ledger",
    "invoice": "ledger",
    "receipt": "ledger",
    "import": "statements",
    "lock": "statements",
    "unlock": "statements",
    "audit": "maintenance",
    "backup": "maintenance",
    "restore": "maintenance",
    "verify": "maintenance",
    "employee": "employment",
    "timesheet": "employment",
    "payslip": "employment",
    "insurance": "employment",
    "employer": "employment",
    "hmrc": "employment",
    "pension": "employment",
    "org": "org",
    "serve": "serve",
}


def load(words: Sequence[str] | None = None) -> None:
    """Register the commands `words` (a command line) can name: the module of each word
    that is a command, or every module when none is."""
    named = {COMMAND_MODULES[w] for w in words or () if w in COMMAND_MODULES}
    for module in sorted(named or set(COMMAND_MODULES.values())):
        import_module(f"kentcard.cli.{module}")


def main() -> None:
    """Console entry point."""
    import sys

    from kentcard.cli.base import main as run

    load(sys.argv[1:])
    run()


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole app, every command registered (the tests' runner uses it)
        from kentcard.cli.base import app

        load()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["COMMAND_MODULES", "app", "load", "main"]
