"""`kentcard demo`: builds the sample year in ./db/demo.sqlite3 only, never near real data."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kentcard.cli import app
from kentcard.core.employment.hmrc import paye_due
from kentcard.core.employment.records import HmrcFrequency, PayrollRoute, WorkKind
from kentcard.core.errors import KentcardError
from kentcard.services import employment, ledger, plans, recipients
from kentcard.services.context import Context
from kentcard.services.demo import PA, build_demo, fresh_demo_file
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
    # No terminal here: a Textual driver named, as a browser tab's app has, lets the launch
    # go on to be recorded (tests/test_terminal.py: without one it is refused).
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
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


@pytest.fixture
def demo(ctx: Context) -> tuple[Context, int]:
    """The demo built as of 25 Nov 2026 (the plan from 1 Dec 2025), and its person's id."""
    build_demo(ctx)
    [person] = recipients.list_recipients(ctx)
    return ctx, person.id


def test_demo_employs_its_pa_with_every_check_satisfied(demo: tuple[Context, int]) -> None:
    """The PA is employed through a bureau paying HMRC quarterly, with the allowance and
    insurance, a rise on 1 April and timesheets of care, travel and a week's holiday; the
    employment checks find nothing from the plan's start to today."""
    ctx, rid = demo
    start, today = plans.list_plans(ctx, rid)[0].start, ctx.today()
    assert (start, today) == (date(2025, 12, 1), date(2026, 11, 25))
    assert employment.findings(ctx, rid, start, today) == []
    found = employment.records(ctx, rid)
    assert found.details is not None
    assert found.details.route is PayrollRoute.BUREAU and found.details.bureau
    assert found.details.hmrc_frequency is HmrcFrequency.QUARTERLY
    assert found.details.allowance_years == {2025, 2026}
    [sam] = found.employees
    assert sam.name == PA and sam.start == start
    assert [(r.effective_from, r.hourly.pence) for r in found.rates] == [
        (start, 1250),  # the National Living Wage is £12.21
        (date(2026, 4, 1), 1300),  # and £12.71 from 1 April 2026
    ]
    cover = [(i.start, i.renewal) for i in found.insurances]
    assert cover == [(start, date(2026, 12, 1)), (date(2026, 12, 1), date(2027, 12, 1))]
    minutes: dict[WorkKind, int] = {}
    for line in found.lines:
        minutes[line.kind] = minutes.get(line.kind, 0) + line.minutes
    # 51 Fridays to today, one of them the week off: 50 × 7½ h care, 50 × ½ h travel, 8 h.
    assert minutes == {WorkKind.CARE: 50 * 450, WorkKind.TRAVEL: 50 * 30, WorkKind.HOLIDAY: 480}


def test_each_demo_payslip_nets_its_card_payment(demo: tuple[Context, int]) -> None:
    """Every payslip is linked to the card payment of its net wage, and every payment to the
    PA is on one payslip; the gross is the period's 32 hours at the rate of each day."""
    ctx, rid = demo
    found = employment.records(ctx, rid)
    wages = {m.id: m for m in ledger.list_money_out(ctx, rid) if m.payee == PA}
    assert sorted(s.money_out_id for s in found.payslips if s.money_out_id) == sorted(wages)
    for slip in found.payslips:
        assert slip.money_out_id is not None
        paid = wages[slip.money_out_id]
        assert (paid.date, paid.amount) == (slip.paid_on, slip.net)
        assert slip.minutes == 32 * 60
    # 32 h × £12.50 = £400.00, tax 20 % = £80.00; 23 Mar to 19 Apr: 8 h × £12.50 + 24 h ×
    # £13.00 = £412.00, tax £82.40; 32 h × £13.00 = £416.00, tax £83.20. Net = gross − tax.
    figures = [(s.gross.pence, s.tax.pence, s.net.pence) for s in found.payslips]
    assert (
        figures == [(40000, 8000, 32000)] * 4 + [(41200, 8240, 32960)] + [(41600, 8320, 33280)] * 7
    )
    assert sum(s.holiday_pay.pence for s in found.payslips) == 10400  # 8 h × £13.00


def test_demo_hmrc_payments_cover_each_quarter(demo: tuple[Context, int]) -> None:
    """Each quarter's PAYE due by today is paid by card before the 22nd after it, in full:
    the tax on its payslips, the employer NI met by the Employment Allowance."""
    ctx, rid = demo
    found = employment.records(ctx, rid)
    paid = {(p.tax_year, p.period): (p.paid_on, p.amount.pence) for p in found.hmrc_payments}
    assert paid == {
        (2025, 3): (date(2026, 1, 15), 8000),  # one payslip: tax £80.00
        (2025, 4): (date(2026, 4, 15), 24000),  # 3 × £80.00
        (2026, 1): (date(2026, 7, 15), 24880),  # £82.40 + £83.20 + £83.20
        (2026, 2): (date(2026, 10, 15), 24960),  # 3 × £83.20
    }
    assert found.details is not None
    for owed in paye_due(found.payslips, found.details):
        assert owed.allowance == owed.employer_ni > 0  # the allowance wipes out employer NI
        key = (owed.period.tax_year, owed.period.number)
        if owed.due < ctx.today():
            day, amount = paid[key]
            assert amount == owed.amount and day <= owed.due
        else:  # 6 Oct 2026 to 5 Jan 2027: 2 × £83.20, due by 22 Jan 2027
            assert (key, owed.amount, owed.due) == ((2026, 3), 16640, date(2027, 1, 22))
            assert key not in paid
