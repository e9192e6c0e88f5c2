"""Headless parts never pay for (or depend on) the terminal UI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("textual", "pandas", "openpyxl")


def loaded_after(code: str, cwd: Path) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


@pytest.mark.parametrize(
    "module",
    [
        "kentcard.core.money",
        "kentcard.core.budget",
        "kentcard.store.ledger",
        "kentcard.services.review",
        "kentcard.cli",
    ],
)
def test_headless_modules_do_not_import_the_ui(module: str, tmp_path: Path) -> None:
    """Importing the core, store, services or CLI loads no Textual, pandas or openpyxl."""
    loaded = loaded_after(f"import {module}", tmp_path)
    assert not loaded & set(HEAVY)


def test_budget_command_does_not_import_textual(tmp_path: Path) -> None:
    """`kentcard budget` runs to the end without Textual, pandas or openpyxl in sys.modules."""
    code = (
        "import os, sys\n"
        f"os.environ['KENTCARD_DB'] = {str(tmp_path / 'k.sqlite3')!r}\n"
        "from kentcard.cli import app\n"
        "for args in (['init', '--name', 'A'], ['budget', '--json'], ['review']):\n"
        "    try:\n"
        "        app(args)\n"
        "    except SystemExit as e:\n"
        "        assert e.code in (0, None), e.code\n"
    )
    loaded = loaded_after(code, tmp_path)
    assert "kentcard" in loaded
    assert not loaded & set(HEAVY)


def test_core_is_pure_standard_library() -> None:
    """kentcard.core imports only the standard library and itself."""
    core = Path(__file__).parent.parent / "kentcard" / "core"
    for path in core.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(("import ", "from ")) and "kentcard" in line:
                assert line.split()[1].startswith("kentcard.core"), f"{path.name}: {line}"
            if line.startswith(("import ", "from ")):
                top = line.split()[1].split(".")[0]
                assert top in sys.stdlib_module_names or top in ("kentcard", "__future__"), line


def test_help_loads_neither_the_ui_nor_the_database_layer(tmp_path: Path) -> None:
    """`kentcard --help` prints without Textual, pandas, openpyxl, SQLAlchemy or alembic."""
    code = (
        "from kentcard.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit as e:\n"
        "    assert e.code in (0, None), e.code\n"
    )
    loaded = loaded_after(code, tmp_path)
    assert "typer" in loaded
    assert not loaded & {*HEAVY, "sqlalchemy", "sqlmodel", "alembic"}


def test_opening_a_current_database_does_not_load_alembic(tmp_path: Path) -> None:
    """Once a database is at the newest schema, `kentcard budget` starts without alembic."""
    db = str(tmp_path / "k.sqlite3")
    first = (
        f"import os\nos.environ['KENTCARD_DB'] = {db!r}\nos.environ['KENTCARD_KEEP_DAILY'] = '0'\n"
    )
    run = (
        "from kentcard.cli import app\n"
        "for args in ({args}):\n"
        "    try:\n"
        "        app(args)\n"
        "    except SystemExit as e:\n"
        "        assert e.code in (0, None), e.code\n"
    )
    assert "alembic" in loaded_after(first + run.format(args="['init', '--name', 'A'],"), tmp_path)
    loaded = loaded_after(first + run.format(args="['budget', '--json'],"), tmp_path)
    assert "kentcard" in loaded and "alembic" not in loaded


def loaded_after_commands(db: str, commands: list[list[str]], cwd: Path) -> set[str]:
    """Top-level modules loaded in a fresh process that ran these `kentcard --db DB` commands,
    each to a clean exit."""
    code = (
        "from kentcard.cli import app\n"
        f"for args in {commands!r}:\n"
        "    try:\n"
        f"        app(['--db', {db!r}, *args])\n"
        "    except SystemExit as e:\n"
        "        assert e.code in (0, None), (args, e.code)\n"
    )
    return loaded_after(code, cwd)


SMALL_ACCOUNT = [
    ["init", "--name", "A"],
    ["plan", "set", "--start", "2026-01-01", "--frequency", "monthly", "--council", "1000",
     "--line", "Care=1000"],
    ["money-out", "add", "--date", "2026-02-03", "--amount", "12.50", "--payee", "Shop",
     "--category", "Care"],
]  # fmt: skip


def test_reporting_and_export_commands_load_neither_the_ui_nor_alembic(tmp_path: Path) -> None:
    """`kentcard budget`, `report monthly` and a workbook or CSV export on a current database
    load neither Textual nor alembic (nor pandas: the app does not use it)."""
    db = str(tmp_path / "k.sqlite3")
    loaded_after_commands(db, SMALL_ACCOUNT, tmp_path)
    reports = [
        ["budget", "--json", "--month", "2026-02"],
        ["report", "monthly", "--from", "2026-01", "--to", "2026-03"],
    ]
    for fmt in ("xlsx", "csv"):
        out = str(tmp_path / f"review-{fmt}")
        export = ["export", "--from", "2026-01-01", "--to", "2026-03-31", "--format", fmt]
        reports.append([*export, "--out", out])
    loaded = loaded_after_commands(db, reports, tmp_path)
    assert {"kentcard", "sqlalchemy"} <= loaded
    assert not loaded & {"textual", "pandas", "alembic"}


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another round a loop (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = [stack.pop()]
            while group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return found


def test_cycle_finder_finds_a_loop() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    """No module imports, even inside a function, one that imports it back round a loop."""
    import grimp

    graph = grimp.build_graph("kentcard", exclude_type_checking_imports=True)
    edges = {
        module: {m for m in graph.find_modules_directly_imported_by(module) if m in graph.modules}
        for module in graph.modules
    }
    assert _cycles(edges) == []
