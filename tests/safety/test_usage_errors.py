"""Every mistake on the command line: one line on stderr naming the field, exit 2, nothing written.

Each bad invocation runs against a database path that does not exist yet: the mistake must
be found before the database (or its folder) is made, so a typo never leaves an empty
database behind. Usage mistakes that Typer finds itself (a missing option, an unknown
command or option, an extra argument) get the same one line as the app's own errors.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kentcard.cli import app

ROOT = Path(__file__).parent.parent.parent
HUGE = "99999999999999999999999"
TOO_BIG = str(2**63)  # one past SQLite's largest integer

BAD = [
    # (arguments, a word the error line must name)
    (["init"], "--name"),
    (["init", "--name", "Jo", "--opening-balance", "12.345", "--as-of", "2026-01-01"], "opening"),
    (["init", "--name", "Jo", "--opening-balance", "10", "--as-of", "2026-02-30"], "as-of"),
    (["init", "--name", "Jo\x1b[2J"], "name"),
    (["init", "--name", "Jo", "--card-last4", "12"], "card-last4"),
    (["plan", "set", "--frequency", "monthly", "--council", "100"], "--start"),
    (["plan", "set", "--start", "2026-01-01", "--frequency", "yearly", "--council", "1"], "freq"),
    (
        ["plan", "set", "--start", "2026-01-01", "--frequency", "monthly", "--council", "x"],
        "council",
    ),
    (
        [
            "plan",
            "set",
            "--start",
            "2026-01-01",
            "--frequency",
            "monthly",
            "--council",
            "1",
            "--line",
            "Care",
        ],
        "line",
    ),
    (["provider", "add"], "NAME"),
    (["provider", "add", "Bright", "--kind", "plumber"], "kind"),
    (["provider", "add", "Bright", "--rate", "1.234"], "rate"),
    (["provider", "delete", "abc"], "ID"),
    (["provider", "delete", HUGE], "ID"),
    (
        ["money-in", "add", "--date", "2026-01-01", "--amount", "12.345", "--source", "kcc"],
        "amount",
    ),
    (["money-in", "add", "--amount", "12", "--source", "kcc"], "--date"),
    (["money-in", "add", "--date", "2026-01-01", "--amount", "1", "--source", "gift"], "source"),
    (["money-in", "delete", TOO_BIG], "ID"),
    (["money-out", "add", "--date", "2026-01-01", "--amount", "1e3", "--payee", "X"], "amount"),
    (["money-out", "add", "--date", "31/02/2026", "--amount", "1", "--payee", "X"], "date"),
    (
        [
            "money-out",
            "add",
            "--date",
            "2026-01-01",
            "--amount",
            "1",
            "--payee",
            "X",
            "--invoice",
            "=5",
        ],
        "invoice",
    ),
    (
        [
            "money-out",
            "add",
            "--date",
            "2026-01-01",
            "--amount",
            "1",
            "--payee",
            "X",
            "--receipt",
            "missing.pdf",
        ],
        "receipt",
    ),
    (["money-out", "add", "--date", "2026-01-01", "--amount", "1"], "--payee"),
    (["money-out", "delete", "abc"], "ID"),
    (["money-out", "delete", HUGE], "ID"),
    (["money-out", "delete", "0"], "ID"),
    (["money-out", "delete", "1", "2"], "money-out delete"),
    (["money-out", "remove", "1"], "money-out"),
    (
        [
            "invoice",
            "add",
            "--provider",
            "P",
            "--number",
            "1",
            "--date",
            "2026-01-01",
            "--amount",
            "9",
            "--hours",
            "lots",
        ],
        "hours",
    ),
    (
        [
            "invoice",
            "add",
            "--provider",
            "P",
            "--number",
            "1",
            "--date",
            "2026-01-01",
            "--amount",
            "9",
            "--file",
            "missing.pdf",
        ],
        "file",
    ),
    (["invoice", "add", "--provider", "P", "--number", "1", "--date", "2026-01-01"], "--amount"),
    (["invoice", "delete", "1.5"], "ID"),
    (["receipt", "add", "missing.pdf", "--money-out", "1"], "file"),
    (["receipt", "add", "slip.pdf", "--money-out", "abc"], "money-out"),
    (["receipt", "add", "slip.pdf", "--money-out", HUGE], "money-out"),
    (["receipt", "add", "slip.pdf"], "money-out"),
    (["receipt", "add", "slip.pdf", "--money-out", "1", "--kind", "selfie"], "kind"),
    (["list", "foo"], "list"),
    (["list"], "WHAT"),
    (["list", "money-in", "--month", "2026-13"], "month"),
    (["import", "missing.csv"], "statement"),
    (["import"], "FILE"),
    (["budget", "--month", "November"], "month"),
    (["budget", "extra"], "budget"),
    (["budget", "--colour", "red"], "--colour"),
    (["budget", "--month"], "--month"),
    (["review", "--from", "2026-13-01"], "from"),
    (["review", "--from", "2026-11-02", "--to", "2026-11-01"], "to"),
    (["export", "--to", "2026-11-01"], "--from"),
    (["export", "--from", "2026-10-01", "--to", "2026-11-01", "--format", "docx"], "format"),
    (["export", "--from", "yesterday", "--to", "2026-11-01"], "from"),
    (["lock"], "--to"),
    (["lock", "--to", "2026/11/01"], "to"),
    (["unlock", "--from", "2026-11-01"], "--reason"),
    (["unlock", "--from", "soon", "--reason", "fix"], "from"),
    (["audit", "--record", "money-out:abc"], "record"),
    (["audit", "--record", f"money-out:{HUGE}"], "record"),
    (["audit", "--record", "money-out:" + "9" * 5000], "record"),
    (["audit"], "--record"),
    (["report", "monthly", "--from", "2026-13"], "from"),
    (["report", "monthly", "--from", "2026-11", "--to", "2026-10"], "to"),
    (["report", "yearly"], "report"),
    (["nosuch"], "command"),
]


@pytest.fixture
def invoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `kentcard --db <a path not made yet> ARGS...` in an otherwise empty folder."""
    monkeypatch.delenv("KENTCARD_DB", raising=False)
    monkeypatch.setenv("KENTCARD_TODAY", "2026-11-25")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "slip.pdf").write_bytes(b"%PDF-1.4\n% slip\n%%EOF\n")
    database = tmp_path / "new" / "k.sqlite3"

    def run(args: list[str]):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(app, ["--db", str(database), *args], catch_exceptions=False)

    return run


@pytest.mark.parametrize(("args", "field"), BAD, ids=[" ".join(a)[:60] for a, _ in BAD])
def test_bad_input_is_one_line_naming_the_field_and_writes_nothing(
    invoke, tmp_path: Path, args: list[str], field: str
) -> None:  # type: ignore[no-untyped-def]
    result = invoke(args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kentcard: error: ")
    assert field in lines[0].removeprefix("kentcard: error: "), lines[0]
    assert lines[0].isprintable()
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slip.pdf"]  # no folder, no database


def test_the_line_says_what_was_wrong(invoke) -> None:  # type: ignore[no-untyped-def]
    """The reasons, as a person reads them."""
    said = {
        " ".join(args): invoke(args).stderr.strip()
        for args in (
            ["money-in", "add", "--amount", "12", "--source", "kcc"],
            ["money-out", "delete", "abc"],
            ["money-out", "delete", HUGE],
            ["list", "foo"],
            ["lst"],
            ["budget", "--month"],
        )
    }
    assert said == {
        "money-in add --amount 12 --source kcc": "kentcard: error: --date: is required",
        "money-out delete abc": "kentcard: error: ID: 'abc' is not a whole number",
        f"money-out delete {HUGE}": (
            f"kentcard: error: ID: '{HUGE}' is not an id: ids run from 1 to {2**63 - 1}"
        ),
        "list foo": (
            "kentcard: error: list: must be one of: "
            "money-in, money-out, invoices, providers, documents, employees, timesheets, payslips"
        ),
        "lst": (
            "kentcard: error: command: 'lst' is not a kentcard command (did you mean list?); "
            "see kentcard --help"
        ),
        "budget --month": "kentcard: error: --month: needs a value",
    }


def test_a_huge_id_on_a_real_database_is_refused_not_a_crash(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Ids beyond SQLite's 64-bit integers once gave OverflowError ('something unexpected')."""
    assert invoke(["init", "--name", "Jo"]).exit_code == 0
    for args in (["money-out", "delete", HUGE], ["invoice", "delete", TOO_BIG]):
        result = invoke(args)
        assert result.exit_code == 2
        assert result.stderr.startswith("kentcard: error: ID: ")
    largest = invoke(["money-out", "delete", str(2**63 - 1)])
    assert largest.exit_code == 2
    assert largest.stderr.strip() == f"kentcard: error: money-out {2**63 - 1} does not exist"


def test_help_and_a_group_without_its_command_still_show_the_help(invoke) -> None:  # type: ignore[no-untyped-def]
    for args in (["--help"], ["money-out", "delete", "--help"], ["list", "--help"]):
        shown = invoke(args)
        assert shown.exit_code == 0
        assert shown.stdout.startswith("Usage: ") and shown.stderr == ""
    group = invoke(["money-out"])
    assert group.exit_code == 2
    assert "add" in group.stderr and "delete" in group.stderr


def test_the_installed_command_prints_the_same_one_line(tmp_path: Path) -> None:
    """Through `python -m kentcard` (the console entry point), not only the test runner."""
    database = tmp_path / "new" / "k.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "kentcard", "--db", str(database), "money-out", "delete", "abc"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == "kentcard: error: ID: 'abc' is not a whole number\n"
    assert done.stdout == ""
    assert not database.parent.exists()
