"""`kentcard demo`: builds the sample year in ./db/demo.sqlite3 only, never near real data."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kentcard.cli import app
from kentcard.core.errors import KentcardError
from kentcard.services.demo import fresh_demo_file
from kentcard.services.opening import open_context
from kentcard.services.recipients import setup_recipient
from kentcard.services.settings import Settings
from kentcard.tui import launch as tui_app

TABLES = ("recipient", "plan", "provider", "money_in", "money_out", "invoice", "allocation")


@pytest.fixture
def kentcard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run `kentcard ARGS...` in a fresh folder; the app launch is recorded, never opened."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KENTCARD_TODAY", "2026-11-25")
    monkeypatch.delenv("KENTCARD_DB", raising=False)
    opened: list[Any] = []
    monkeypatch.setattr(tui_app, "run_app", lambda settings: opened.append(settings))
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        result.opened = list(opened)  # type: ignore[attr-defined]
        opened.clear()
        return result

    return invoke


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under `folder` except the demo's own, with its SHA-256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith("demo.sqlite3")
    }


def real_database(path: Path) -> None:
    """A real person's database at `path`, closed again (its WAL folded back into the file)."""
    ctx = open_context(Settings(db=str(path), exports=path.parent / "exports", keep_daily=0))
    try:
        setup_recipient(ctx, name="Real Person")
    finally:
        ctx.db.dispose()


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as raw:
        return {t: raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_demo_twice_gives_the_same_sample_and_leaves_real_data_alone(
    kentcard: Any, tmp_path: Path
) -> None:
    """Two runs build the same sample in db/demo.sqlite3; every other file is kept byte for byte."""
    real = tmp_path / "db" / "kentcard.sqlite3"
    real_database(real)
    before = fingerprint(tmp_path / "db")
    assert "kentcard.sqlite3" in before

    first = kentcard("demo")
    assert first.exit_code == 0, first.output
    demo = tmp_path / "db" / "demo.sqlite3"
    assert [s.db for s in first.opened] == [str(demo)]
    built = counts(demo)
    assert built["money_out"] > 30 and built["invoice"] > 10 and built["recipient"] == 1

    second = kentcard("demo")
    assert second.exit_code == 0, second.output
    assert counts(demo) == built
    assert fingerprint(tmp_path / "db") == before
    with sqlite3.connect(real) as raw:
        assert raw.execute("SELECT name FROM recipient").fetchall() == [("Real Person",)]


def test_demo_has_a_statement_to_reconcile_and_nothing_after_today(
    kentcard: Any, tmp_path: Path
) -> None:
    """The sample card statement is imported: most lines match what was logged, one card
    payment comes in as new, one credit waits for a decision; no entry is dated after
    today (25 Nov), so every figure counts every entry."""
    assert kentcard("demo").exit_code == 0
    with sqlite3.connect(tmp_path / "db" / "demo.sqlite3") as raw:
        states = dict(raw.execute("SELECT state, count(*) FROM statement_line GROUP BY state"))
        later = raw.execute(
            "SELECT count(*) FROM money_in WHERE date > '2026-11-25' UNION ALL "
            "SELECT count(*) FROM money_out WHERE date > '2026-11-25' UNION ALL "
            "SELECT count(*) FROM invoice WHERE issue_date > '2026-11-25'"
        ).fetchall()
        new = raw.execute("SELECT payee, origin FROM money_out WHERE origin = 'statement'")
        created = new.fetchall()
    assert states["matched"] >= 5 and states["created"] == 1 and states["decision"] == 1
    assert later == [(0,), (0,), (0,)]
    assert created == [("TESCO STORES 2841", "statement")]


def test_demo_refuses_when_the_chosen_database_is_the_demo_file(
    kentcard: Any, tmp_path: Path
) -> None:
    """With --db naming the demo file (real data kept there), demo refuses and changes nothing."""
    real_database(tmp_path / "db" / "demo.sqlite3")
    before = fingerprint(tmp_path / "db") | {
        "demo": hashlib.sha256((tmp_path / "db" / "demo.sqlite3").read_bytes()).hexdigest()
    }
    result = kentcard("--db", "db/demo.sqlite3", "demo")
    assert result.exit_code == 2
    assert "your database is the demo file" in result.output
    assert result.opened == []
    after = fingerprint(tmp_path / "db") | {
        "demo": hashlib.sha256((tmp_path / "db" / "demo.sqlite3").read_bytes()).hexdigest()
    }
    assert after == before


@pytest.mark.parametrize(
    "name", ["db/kentcard.sqlite3", "data/demo.sqlite3", "db/demo.sqlite3.bak", "demo.sqlite3"]
)
def test_demo_never_deletes_any_other_path(tmp_path: Path, name: str) -> None:
    """The demo's clean-up refuses every path but ./db/demo.sqlite3 and leaves the file there."""
    victim = tmp_path / name
    victim.parent.mkdir(parents=True, exist_ok=True)
    victim.write_bytes(b"someone's real data")
    with pytest.raises(KentcardError, match="refusing to touch"):
        fresh_demo_file(victim, str(tmp_path / "db" / "kentcard.sqlite3"))
    assert victim.read_bytes() == b"someone's real data"


def test_demo_never_follows_a_link_to_real_data(tmp_path: Path) -> None:
    """A db/demo.sqlite3 that links to the real database is refused; the real file stays."""
    real = tmp_path / "real.sqlite3"
    real.write_bytes(b"real data")
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "demo.sqlite3").symlink_to(real)
    with pytest.raises(KentcardError):
        fresh_demo_file(tmp_path / "db" / "demo.sqlite3", str(tmp_path / "other.sqlite3"))
    assert real.read_bytes() == b"real data"
    assert (tmp_path / "db" / "demo.sqlite3").is_symlink()
