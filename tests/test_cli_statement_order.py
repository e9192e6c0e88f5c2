"""Statement import at the command line on unhappy files: out of order, changed, unclear.

Each test is a case that once went wrong: lines out of date order counted twice and written
into a locked period; a line that changed between downloads duplicated every later line; a
contribution booked as "other"; a payment logged a day late reported as a balance mismatch.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kentcard.cli import app
from tests import dbcheck


@pytest.fixture
def run(any_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Invoke `kentcard ARGS...` on a fresh database with one person (SQLite, then
    PostgreSQL); returns the result."""
    monkeypatch.setenv("KENTCARD_DB", any_db)
    monkeypatch.setenv("KENTCARD_TODAY", "2026-02-10")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), catch_exceptions=False)

    started = invoke("init", "--name", "Jo", "--opening-balance", "100.00", "--as-of", "2025-12-31")
    assert started.exit_code == 0, started.output
    return invoke


def query(db: str, sql: str) -> list[tuple[object, ...]]:
    return dbcheck.rows(db, sql)


def statement(tmp_path: Path, name: str, *lines: str) -> str:
    path = tmp_path / name
    path.write_text("Date,Description,Amount,Balance\n" + "".join(f"{x}\n" for x in lines))
    return str(path)


def counts(result) -> dict[str, int]:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output)["counts"])


def test_lines_out_of_order_match_a_logged_payment_once(run, any_db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A payment logged by hand is matched by its line wherever that line is in the file."""
    run("money-out", "add", "--date", "2026-01-02", "--amount", "12.50", "--payee", "Tesco")
    file = statement(
        tmp_path,
        "jan.csv",
        "10/01/2026,BUS,-2.00,85.50",
        "02/01/2026,TESCO,-12.50,87.50",
        "20/01/2026,BUS,-2.00,83.50",
    )
    got = counts(run("import", file, "--json"))
    assert (got["matched"], got["new"]) == (1, 2)
    assert query(any_db, "SELECT count(*) FROM money_out WHERE lower(payee) = 'tesco'") == [(1,)]
    assert counts(run("import", file, "--json"))["already imported"] == 3


def test_no_line_goes_into_a_locked_period_whatever_its_place(
    run, any_db: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A line inside the locked period in the middle of the file refuses the file, naming that
    line, and nothing is written; the same file again gets the same answer, not a crash."""
    assert run("lock", "--to", "2026-01-07").exit_code == 0
    file = statement(
        tmp_path,
        "jan.csv",
        "12/01/2026,BUS,-2.00,98.00",
        "06/01/2026,SHOP,-1.00,97.00",
        "25/01/2026,BUS,-2.00,95.00",
    )
    for _ in range(2):
        refused = CliRunner().invoke(app, ["import", file])
        assert refused.exit_code == 2
        assert refused.output.strip() == (
            "kentcard: error: line 3: 2026-01-06 is in a reviewed period, locked up to "
            "2026-01-07, so it cannot be changed; to change it, unlock first: "
            "kentcard unlock --from 2026-01-06 --reason WHY"
        )
        assert query(any_db, "SELECT count(*) FROM statement_line") == [(0,)]
        assert query(any_db, "SELECT count(*) FROM money_out") == [(0,)]
        assert query(any_db, "SELECT count(*) FROM audit WHERE entity = 'money_out'") == [(0,)]


def test_a_payment_that_settled_with_a_tip_is_not_a_new_line_nor_are_those_after(
    run,  # type: ignore[no-untyped-def]
    any_db: str,
    tmp_path: Path,
) -> None:
    """Two downloads a day apart where a card payment grew from £3.00 to £3.50 (so every
    later running balance moved): only that line waits for a decision; accepting it gives
    the payment the new amount and the balance check agrees."""
    first = statement(
        tmp_path,
        "mon.csv",
        "05/01/2026,CAFE,-3.00,97.00",
        "06/01/2026,TESCO,-20.00,77.00",
        "07/01/2026,BOOTS,-10.00,67.00",
    )
    second = statement(
        tmp_path,
        "tue.csv",
        "05/01/2026,CAFE,-3.50,96.50",
        "06/01/2026,TESCO,-20.00,76.50",
        "07/01/2026,BOOTS,-10.00,66.50",
        "08/01/2026,BUS,-2.00,64.50",
    )
    run("import", first)
    text = run("import", second)
    assert text.exit_code == 0, text.output
    assert "  already imported  2" in text.output
    assert "  new               1" in text.output
    assert (
        "needs a decision: line 2, 2026-01-05, -£3.50: looks like the line of 2026-01-05 you "
        "already have (money-out:1, -£3.00), with a new amount"
    ) in text.output
    # Until the decision, the difference is the tip, first seen on a day only the new
    # download has (the two versions of the cafe line are not both counted on the 5th).
    assert (
        "Balance check: on 2026-01-08 the statement shows £64.50 but the ledger shows £65.00"
    ) in text.output
    spent = "SELECT sum(amount_pence) FROM money_out"
    assert query(any_db, spent) == [(3500,)]  # 3.00 + 20.00 + 10.00 + 2.00

    from kentcard.services import reconcile, reconcile_actions
    from kentcard.services.balance_check import balance_mismatch
    from kentcard.services.opening import open_context
    from kentcard.services.settings import Settings

    ctx = open_context(Settings.resolve())
    try:
        [line] = [
            x for x in reconcile.statement_lines(ctx, 1) if x.state is reconcile.LineState.DECISION
        ]
        assert (line.replaces, str(line.replaces_amount)) == ("money-out:1", "-£3.00")
        done = reconcile_actions.accept_suggestion(ctx, line.id)
        assert (done.state, done.entry) == (reconcile.LineState.MATCHED, "money-out:1")
        check = balance_mismatch(ctx, 1, date(2026, 1, 1), date(2026, 1, 31))
        assert check.first_mismatch is None and check.dates_checked == 4
    finally:
        ctx.db.dispose()
    assert query(any_db, spent) == [(3550,)]
    assert query(any_db, "SELECT state FROM statement_line WHERE id = 1") == [("replaced",)]
    history = run("audit", "--record", "money-out:1")
    assert "new amount on statement" in history.output


def test_credits_are_classified_by_the_plan_and_the_words_or_asked_about(
    run,  # type: ignore[no-untyped-def]
    any_db: str,
    tmp_path: Path,
) -> None:
    """CLIENT CONTRIBUTION of the plan's contribution is the contribution; the plan's KCC
    amount with no words is KCC; a credit nothing explains waits for a decision."""
    plan = run(
        "plan", "set", "--start", "2026-01-01", "--frequency", "monthly",
        "--council", "1000.00", "--contribution", "100.00",
    )  # fmt: skip
    assert plan.exit_code == 0, plan.output
    file = statement(
        tmp_path,
        "jan.csv",
        "02/01/2026,CLIENT CONTRIBUTION,100.00,200.00",
        "02/01/2026,FASTER PAYMENT 8812,1000.00,1200.00",
        "09/01/2026,J SMITH,25.00,1225.00",
        "12/01/2026,TESCO REFUND,4.50,1229.50",
    )
    result = run("import", file)
    assert result.exit_code == 0, result.output
    assert "  needs a decision  1" in result.output
    assert (
        "needs a decision: line 4, 2026-01-09, £25.00: is this money from KCC, your "
        "contribution, a refund or something else?"
    ) in result.output
    assert sorted(query(any_db, "SELECT source, amount_pence FROM money_in")) == [
        ("contribution", 10000),
        ("kcc", 100000),
        ("opening", 10000),
        ("refund", 450),
    ]
    month = json.loads(run("budget", "--month", "2026-01", "--json").output)
    assert month["received"].get("other") in (None, "0.00")


def test_a_payment_logged_a_day_late_is_no_balance_mismatch(
    run, any_db: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A payment logged on the 6th that the card took on the 5th: the balance check
    compares at the statement's dates and agrees."""
    run("money-out", "add", "--date", "2026-01-06", "--amount", "12.50", "--payee", "Tesco")
    file = statement(tmp_path, "jan.csv", "05/01/2026,TESCO,-12.50,87.50")
    result = run("import", file)
    assert result.exit_code == 0, result.output
    assert "  matched           1" in result.output
    assert "Balance check: the ledger agrees on all 1 day(s)" in result.output
    review = json.loads(
        run("review", "--from", "2026-01-01", "--to", "2026-01-31", "--json").output
    )
    assert "balance-mismatch" not in review["counts"]
