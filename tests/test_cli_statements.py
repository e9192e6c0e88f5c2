"""`kentcard import`, `lock`, `unlock` and `audit` as a script would use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kentcard.cli import app
from tests import dbcheck

SAMPLES = Path(__file__).parent / "importers" / "samples"


@pytest.fixture
def run(any_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Invoke `kentcard ARGS...` on a fresh database with one person (SQLite, then
    PostgreSQL); returns the result."""
    monkeypatch.setenv("KENTCARD_DB", any_db)
    monkeypatch.setenv("KENTCARD_TODAY", "2026-11-25")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), catch_exceptions=False)

    assert invoke("init", "--name", "Jo", "--opening-balance", "312.40", "--as-of", "2026-10-31")
    return invoke


def history_lines(db: str, output: str) -> list[str]:
    """`kentcard audit` lines without the login column an organisation's database adds
    (the owner's login for its own changes, `-` for what an import recorded)."""
    lines = output.splitlines()
    if not db.startswith("postgresql"):
        return lines
    out = []
    for line in lines:
        at, login, rest = line.split(maxsplit=2)
        assert login in ("kentcard_owner", "-"), line
        out.append(f"{at}  {rest}")
    return out


def count(db: str, table: str) -> int:
    return dbcheck.count(db, table)


def test_dry_run_prints_the_plan_and_saves_nothing(run, any_db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`import --dry-run` prints matched/new/already/decision/skipped and writes nothing."""
    result = run("import", str(SAMPLES / "kentcard.csv"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Plan (dry run, nothing saved): 5 statement line(s)" in result.output
    assert "  new               5" in result.output
    assert "  skipped           1 (1 declined)" in result.output
    assert "Balance check: the ledger agrees on all 4 day(s)" in result.output
    assert count(any_db, "money_out") == 0 and count(any_db, "statement_line") == 0


def test_import_then_again_adds_nothing(run, any_db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A real import saves the lines; the same file again is all 'already imported'."""
    assert run("import", str(SAMPLES / "monzo.csv")).exit_code == 0
    result = run("import", str(SAMPLES / "monzo.csv"), "--json")
    assert json.loads(result.output)["counts"]["already imported"] == 5
    assert count(any_db, "money_out") == 3


def test_an_unreadable_file_exits_2_naming_the_line(run, any_db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A cut-off file exits with code 2 and one line naming the line and the reason."""
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Description,Amount\n05/11/2026,A,-1.00\n06/11/2026,B\n")
    result = CliRunner().invoke(app, ["import", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "kentcard: error: line 3: has 2 columns where the statement has 3"
    )
    assert count(any_db, "statement_line") == 0


def test_explicit_columns_on_the_command_line(run, any_db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """--date-column/--amount-column read a file that detection cannot."""
    odd = tmp_path / "odd.csv"
    odd.write_text("When,What,Cost\n05/11/2026,TESCO,-12.00\n")
    result = run(
        "import", str(odd), "--date-column", "When", "--amount-column", "3",
        "--description-column", "What", "--provider", "Odd",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert count(any_db, "money_out") == 1


def test_locked_period_refuses_changes_through_the_cli(run, any_db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """After `lock --to`, adding or deleting in the period fails; `unlock` with a reason opens."""
    out_id = run("money-out", "add", "--date", "2026-10-20", "--amount", "10", "--payee", "S")
    out_id = out_id.output.strip()
    assert run("lock", "--to", "2026-10-31").output.strip() == "Locked up to 2026-10-31."
    runner = CliRunner()
    refused = runner.invoke(app, ["money-out", "delete", out_id])
    assert refused.exit_code == 2
    assert "is in a reviewed period, locked up to 2026-10-31" in refused.output
    assert "kentcard unlock --from 2026-10-20 --reason WHY" in refused.output
    added = runner.invoke(
        app, ["money-in", "add", "--date", "2026-10-05", "--amount", "1", "--source", "kcc"]
    )
    assert added.exit_code == 2 and count(any_db, "money_out") == 1
    opened = run("unlock", "--from", "2026-10-01", "--reason", "correction")
    assert opened.output.strip() == "Locked up to 2026-09-30."
    assert run("money-out", "delete", out_id).exit_code == 0
    history = history_lines(any_db, run("audit", "--record", "period-lock:1").output)
    assert [line.split()[1] for line in history] == ["create", "update"]
    assert "reason=correction" in history[1]


def test_audit_shows_a_records_changes(run) -> None:  # type: ignore[no-untyped-def]
    """`audit --record money-out:ID` lists the create and delete of that payment."""
    out_id = run("money-out", "add", "--date", "2026-11-20", "--amount", "10", "--payee", "S")
    run("money-out", "delete", out_id.output.strip())
    result = run("audit", "--record", f"money-out:{out_id.output.strip()}", "--json")
    assert [c["action"] for c in json.loads(result.output)] == ["create", "delete"]


def test_audit_refuses_an_unknown_kind(run) -> None:  # type: ignore[no-untyped-def]
    """A record written wrongly is one clear error naming the field."""
    result = CliRunner().invoke(app, ["audit", "--record", "cheese:1"])
    assert result.exit_code == 2 and result.output.startswith("kentcard: error: record:")


def test_audit_of_an_imported_entry_names_the_import_then_its_own_changes(run, any_db: str) -> None:  # type: ignore[no-untyped-def]
    """`audit --record money-out:N` for an entry an import created starts with that import
    (file, SHA-256, date, batch, line), then the entry's own later lines; deleted, it still
    names the import. The import itself lists the counts and the ids it created."""
    import hashlib

    sample = SAMPLES / "kentcard.csv"
    sha = hashlib.sha256(sample.read_bytes()).hexdigest()
    assert run("import", str(sample)).exit_code == 0
    assert run("money-out", "explain", "1", "--reason", "no receipts given").exit_code == 0
    shown = history_lines(any_db, run("audit", "--record", "money-out:1").output)
    assert len(shown) == 2, shown
    assert shown[0].split(maxsplit=2)[1:] == [
        "create",
        f"Created by importing statement kentcard.csv (sha256 {sha}) on "
        f"{shown[0][:10]}, batch 1, statement-line:3",
    ]
    assert "update evidence_note: None -> 'no receipts given'" in shown[1]
    history = json.loads(run("audit", "--record", "money-out:1", "--json").output)
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[0]["detail"] == {
        "statement_import": 1,
        "filename": "kentcard.csv",
        "sha256": sha,
        "statement_line": 3,
    }
    assert run("money-out", "delete", "2").exit_code == 0
    gone = history_lines(any_db, run("audit", "--record", "money-out:2").output)
    assert [line.split()[1] for line in gone] == ["create", "delete"]
    assert "Created by importing statement kentcard.csv" in gone[0]
    (batch,) = history_lines(any_db, run("audit", "--record", "statement-import:1").output)
    for part in ("created=5", "matched=0", "skipped=1", "money_out_ids=1-3", f"sha256={sha}"):
        assert part in batch
    line = run("audit", "--record", "statement-line:3").output
    assert f"Imported from statement kentcard.csv (sha256 {sha})" in line
