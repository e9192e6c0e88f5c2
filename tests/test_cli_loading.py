"""A command line loads only the module of the command it names; the map that says which
module that is must match what the modules register."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer.main

from kentcard.cli import COMMAND_MODULES, app

ROOT = Path(__file__).resolve().parents[1]


def registered() -> dict[str, set[str]]:
    """Each first word of a command line → the modules whose functions it runs."""
    found: dict[str, set[str]] = {}
    for command in app.registered_commands:
        assert command.callback is not None
        name = command.name or typer.main.get_command_name(command.callback.__name__)
        found.setdefault(name, set()).add(command.callback.__module__)
    for group in app.registered_groups:
        assert group.name is not None and group.typer_instance is not None
        modules = found.setdefault(group.name, set())
        for command in group.typer_instance.registered_commands:
            assert command.callback is not None
            modules.add(command.callback.__module__)
    return found


def test_the_map_names_the_module_of_every_command_and_nothing_else() -> None:
    expected = {name: {f"kentcard.cli.{module}"} for name, module in COMMAND_MODULES.items()}
    assert registered() == expected


def loaded_after(*args: str) -> set[str]:
    """The command modules a fresh process has imported after `kentcard.cli.load(args)`."""
    code = (
        "import sys, kentcard.cli as cli\n"
        f"cli.load({list(args)!r})\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('kentcard.cli.'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    commands = {f"kentcard.cli.{m}" for m in COMMAND_MODULES.values()}
    return set(done.stdout.split()) & commands


def test_budget_loads_only_the_reports_commands() -> None:
    assert loaded_after("budget", "--json") == {"kentcard.cli.reports"}


def test_an_option_value_that_is_a_command_name_loads_both() -> None:
    """`--db budget money-out add`: which word is the command is Click's to say."""
    assert loaded_after("--db", "budget", "money-out", "add") == {
        "kentcard.cli.reports",
        "kentcard.cli.ledger",
    }


def test_help_and_unknown_words_load_every_command() -> None:
    every = {f"kentcard.cli.{m}" for m in COMMAND_MODULES.values()}
    assert loaded_after("--help") == every
    assert loaded_after("budgte") == every
    assert loaded_after() == every


# SQLite only: what it checks is that no database file is created (nothing to create on a server).
def test_a_mistyped_command_run_as_a_module_is_named_with_a_guess(tmp_path: Path) -> None:
    """`python -m kentcard budgte` says the word is not a command and guesses `budget`,
    as `kentcard budgte` does, and creates no database."""
    db = tmp_path / "k.sqlite3"
    run = subprocess.run(
        [sys.executable, "-m", "kentcard", "--db", str(db), "budgte"],
        capture_output=True,
        text=True,
        env={**os.environ, "KENTCARD_DB": str(db)},
    )
    assert run.returncode == 2
    assert run.stderr.strip() == (
        "kentcard: error: command: 'budgte' is not a kentcard command (did you mean budget?); "
        "see kentcard --help"
    )
    assert not db.exists()
