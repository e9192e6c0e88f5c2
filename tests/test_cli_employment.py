"""Employing a PA from the command line: a month recorded as issued, what a PA costs, and
typing mistakes refused in one line with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import dbcheck
from tests.test_cli import run  # noqa: F401  (the shared runner fixture: SQLite, then PostgreSQL)


def ok(invoke, *args: str) -> str:  # type: ignore[no-untyped-def]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return str(result.output)


@pytest.fixture
def employer(run):  # type: ignore[no-untyped-def]  # noqa: F811
    """Ann employs Sam from 1 April 2026 at £13.00 an hour, 20 hours a week, monthly, paid
    from the plan's "PA wages" line of £1,400.00 a month."""
    ok(run, "init", "--name", "Ann Example", "--opening-balance", "500", "--as-of", "2026-03-31")
    ok(
        run,
        "plan", "set", "--start", "2026-04-01", "--frequency", "monthly", "--council", "1500",
        "--line", "PA wages=1400", "--line", "Other=100",
    )  # fmt: skip
    ok(
        run,
        "employee", "add", "Sam Taylor", "--rate", "13.00", "--start", "2026-04-01",
        "--category", "PA wages", "--hours-per-week", "20",
    )  # fmt: skip
    return run


def test_a_month_entered_at_the_command_line_lists_back(employer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Two timesheet lines (7.5 h care; travel from 9:00 to 16:50 less a 30-minute break,
    7:20), the wage paid and its payslip: the lists show them, the payslip's history starts
    with its creation, and review has no finding about the PA."""
    cli = employer
    ok(
        cli,
        "insurance",
        "add",
        "--insurer",
        "Acme Mutual",
        "--from",
        "2026-04-01",
        "--to",
        "2027-04-01",
    )
    ok(
        cli,
        "timesheet",
        "add",
        "--employee",
        "Sam Taylor",
        "--date",
        "2026-04-06",
        "--hours",
        "7.5",
    )
    ok(
        cli,
        "timesheet", "add", "--employee", "sam taylor", "--date", "2026-04-07",
        "--start", "9:00", "--end", "16:50", "--break", "0:30", "--kind", "travel",
    )  # fmt: skip
    paid = ok(
        cli,
        "money-out",
        "add",
        "--date",
        "2026-04-30",
        "--amount",
        "192.83",
        "--payee",
        "Sam Taylor",
    )
    slip = tmp_path / "april.txt"
    slip.write_text("Payslip, April 2026\n")
    ok(
        cli,
        "payslip", "add", "--employee", "Sam Taylor", "--from", "2026-04-01", "--to", "2026-04-30",
        "--paid", "2026-04-30", "--gross", "192.83", "--net", "192.83", "--hours", "14:50",
        "--money-out", paid.strip(), "--file", str(slip),
    )  # fmt: skip
    lines = json.loads(ok(cli, "list", "timesheets", "--json"))
    assert [(t["day"], t["minutes"], t["kind"]) for t in lines] == [
        ("2026-04-06", 450, "care"),
        ("2026-04-07", 440, "travel"),
    ]
    [payslip] = json.loads(ok(cli, "list", "payslips", "--json"))
    assert (payslip["gross"], payslip["net"], payslip["money_out_id"]) == ("192.83", "192.83", 1)
    history = json.loads(ok(cli, "audit", "--record", "payslip:1", "--json"))
    assert [change["action"] for change in history] == ["create"]
    found = json.loads(ok(cli, "review", "--from", "2026-04-01", "--to", "2026-11-25", "--json"))
    kinds = {f["kind"] for f in found["exceptions"]}
    assert kinds.isdisjoint({"no-payslip", "pay-mismatch", "timesheet-mismatch", "no-evidence"})


def test_what_a_pa_costs_as_json_is_labelled_an_estimate(employer) -> None:  # type: ignore[no-untyped-def]
    """The worked example: £1,126.67 wage, £106.45 employer NI (no allowance claimed),
    £18.20 pension, against the £1,400.00 plan line."""
    cost = json.loads(
        ok(employer, "employee", "cost", "Sam Taylor", "--hours-per-week", "20", "--json")
    )
    assert cost["estimate"] is True
    assert (cost["wage"], cost["employer_ni"], cost["employer_pension"]) == (
        "1126.67",
        "106.45",
        "18.20",
    )
    assert (cost["category"], cost["budget"]) == ("PA wages", "1400.00")


TIMESHEET = ["timesheet", "add", "--employee", "Sam Taylor", "--date", "2026-04-06"]
APRIL = ["--from", "2026-04-01", "--to", "2026-04-30", "--paid", "2026-04-30"]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            [*TIMESHEET, "--hours", "7.33"],
            "hours: is not a whole number of minutes; write 7:20 for 7 hours 20 minutes",
        ),
        (
            [*TIMESHEET, "--hours", "2", "--kind", "nap"],
            "kind: ",
        ),
        (
            [*TIMESHEET, "--start", "09:00"],
            "end: is required with --start",
        ),
        (
            [*TIMESHEET, "--start", "09:00", "--end", "9:30", "--break", "0:30"],
            "break: is as long as the time from start to end, or longer",
        ),
        (
            ["employee", "add", "Jo", "--rate", "12.5.0"],
            "rate: is not an amount; write it like 1234.56",
        ),
        (
            [
                "payslip",
                "add",
                "--employee",
                "Sam Taylor",
                *APRIL,
                "--gross",
                "100",
                "--net",
                "120",
            ],
            "net: £120.00 is more than the gross less tax, NI and pension (£100.00); "
            "check the payslip",
        ),
    ],
)
def test_a_mistake_is_one_line_exit_2_and_nothing_written(
    employer, any_db: str, args, line
) -> None:  # type: ignore[no-untyped-def]
    def audit_lines() -> int:
        return dbcheck.count(any_db, "audit")

    before = audit_lines()
    result = employer(*args)
    assert result.exit_code == 2
    [said] = result.output.strip().splitlines()
    assert said.startswith(f"kentcard: error: {line}")
    assert audit_lines() == before
