"""Every command not exercised by the other command-line tests, once each, on a SQLite file
and then on an organisation's PostgreSQL database: what each writes is read back from the
database itself, and what each prints is checked.

(`demo` builds its own SQLite file, db/demo.sqlite3: tests/test_demo.py. `backup`, `restore`
and `verify` are tested in tests/safety and tests/store for each database.)
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import openpyxl

from tests import dbcheck
from tests.test_cli import run, setup_person  # noqa: F401  (the shared runner: SQLite, then PostgreSQL)
from tests.test_cli_employment import employer, ok  # noqa: F401  (Ann employs Sam)


def actions(db: str, entity: str) -> list[tuple[int, str]]:
    """(record id, action) of each audit line about `entity`, oldest first."""
    return [
        (int(entity_id), str(action))
        for entity_id, action in dbcheck.rows(
            db, "SELECT entity_id, action FROM audit WHERE entity = :e ORDER BY id", e=entity
        )
    ]


def test_deleting_a_provider_money_in_and_an_invoice(run, any_db: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Each delete removes its row and leaves an audit line; a provider an invoice names is
    kept until the invoice goes."""
    setup_person(run)
    paid_in = ok(run, "money-in", "add", "--date", "2026-11-02", "--amount", "1000",
                 "--source", "kcc").strip()  # fmt: skip
    ok(run, "invoice", "add", "--provider", "Bright Homecare", "--number", "INV-1",
       "--date", "2026-11-05", "--amount", "56", "--hours", "2", "--rate", "28")  # fmt: skip
    providers = json.loads(ok(run, "list", "providers", "--json"))
    [bright] = [p["id"] for p in providers if p["name"] == "Bright Homecare"]
    refused = run("provider", "delete", str(bright))
    assert refused.exit_code == 2 and len(refused.stderr.splitlines()) == 1
    ok(run, "invoice", "delete", "1")
    ok(run, "provider", "delete", str(bright))
    ok(run, "money-in", "delete", paid_in)
    assert dbcheck.rows(any_db, "SELECT count(*) FROM invoice") == [(0,)]
    assert dbcheck.rows(any_db, "SELECT count(*) FROM provider WHERE id = :i", i=bright) == [(0,)]
    assert dbcheck.rows(any_db, "SELECT count(*) FROM money_in WHERE id = :i", i=int(paid_in)) == [
        (0,)
    ]
    assert actions(any_db, "invoice") == [(1, "create"), (1, "delete")]
    assert actions(any_db, "provider")[-1] == (bright, "delete")
    assert (int(paid_in), "delete") in actions(any_db, "money_in")


def test_the_employment_commands(employer, any_db: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """A new rate, a last day and its undoing, the payroll set-up, HMRC and pension
    payments, and a timesheet line and payslip deleted: each as the database holds it."""
    cli = employer
    ok(cli, "employee", "rate", "Sam Taylor", "--rate", "13.50", "--from", "2026-06-01")
    assert dbcheck.rows(any_db, "SELECT hourly_pence FROM pay_rate ORDER BY effective_from") == [
        (1300,),
        (1350,),
    ]
    ok(cli, "employee", "leave", "Sam Taylor", "--on", "2026-10-31")
    [(ended,)] = dbcheck.rows(any_db, "SELECT end_date FROM employee")
    assert str(ended) == "2026-10-31"
    ok(cli, "employee", "leave", "Sam Taylor", "--undo")
    assert dbcheck.rows(any_db, "SELECT end_date FROM employee") == [(None,)]
    ok(cli, "employer", "set", "--route", "bureau", "--bureau", "Payroll Co",
       "--hmrc", "quarterly", "--pension-provider", "NEST")  # fmt: skip
    assert dbcheck.rows(
        any_db, "SELECT route, bureau, hmrc_frequency, pension_provider FROM employer"
    ) == [("bureau", "Payroll Co", "quarterly", "NEST")]
    to_hmrc = ok(cli, "money-out", "add", "--date", "2026-07-19", "--amount", "40",
                 "--payee", "HMRC").strip()  # fmt: skip
    ok(cli, "hmrc", "add", "--money-out", to_hmrc, "--tax-year", "2026", "--period", "1")
    assert dbcheck.rows(any_db, "SELECT money_out_id, tax_year, period FROM hmrc_payment") == [
        (int(to_hmrc), 2026, 1)
    ]
    to_nest = ok(cli, "money-out", "add", "--date", "2026-05-02", "--amount", "18.20",
                 "--payee", "NEST").strip()  # fmt: skip
    ok(cli, "pension", "add", "--money-out", to_nest, "--employee", "Sam Taylor",
       "--from", "2026-04-01", "--to", "2026-04-30")  # fmt: skip
    assert dbcheck.rows(any_db, "SELECT money_out_id FROM pension_payment") == [(int(to_nest),)]
    line = ok(cli, "timesheet", "add", "--employee", "Sam Taylor", "--date", "2026-04-06",
              "--hours", "3").strip()  # fmt: skip
    slip = ok(cli, "payslip", "add", "--employee", "Sam Taylor", "--from", "2026-04-01",
              "--to", "2026-04-30", "--paid", "2026-04-30", "--gross", "39",
              "--net", "39", "--hours", "3").strip()  # fmt: skip
    ok(cli, "payslip", "delete", slip)
    ok(cli, "timesheet", "delete", line)
    assert dbcheck.count(any_db, "timesheet_line") == 0 and dbcheck.count(any_db, "payslip") == 0
    assert actions(any_db, "payslip") == [(int(slip), "create"), (int(slip), "delete")]
    assert actions(any_db, "timesheet_line") == [(int(line), "create"), (int(line), "delete")]
    employees = json.loads(ok(cli, "list", "employees", "--json"))
    assert [e["name"] for e in employees] == ["Sam Taylor"]


def test_lists_and_reports_as_text(run) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Each kind of list, `budget` and `review` print a table with what was entered."""
    setup_person(run)
    ok(run, "money-in", "add", "--date", "2026-11-02", "--amount", "1000", "--source", "kcc")
    ok(run, "money-out", "add", "--date", "2026-11-05", "--amount", "12.50", "--payee", "Shop")
    ok(run, "invoice", "add", "--provider", "Bright Homecare", "--number", "INV-7",
       "--date", "2026-11-05", "--amount", "56", "--hours", "2", "--rate", "28")  # fmt: skip
    assert "Shop" in ok(run, "list", "money-out")
    assert "1,000.00" in ok(run, "list", "money-in")
    assert "INV-7" in ok(run, "list", "invoices")
    assert "Bright Homecare" in ok(run, "list", "providers")
    for what in ("documents", "employees", "timesheets", "payslips"):
        ok(run, "list", what)
    assert "£12.50" in ok(run, "budget", "--month", "2026-11")
    review = ok(run, "review", "--from", "2026-11-01", "--to", "2026-11-30")
    assert review.startswith("3 things a reviewer would query") and "Payment to Shop" in review


def test_export_each_format(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """A workbook, a folder of CSV files and an evidence pack, each holding the payment."""
    setup_person(run)
    ok(run, "money-out", "add", "--date", "2026-11-05", "--amount", "12.50", "--payee", "Shop")
    period = ("--from", "2026-11-01", "--to", "2026-11-30")
    ok(run, "export", *period, "--out", str(tmp_path / "review.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "review.xlsx", read_only=True)
    cells = {
        str(v) for sheet in book.worksheets for r in sheet.iter_rows(values_only=True) for v in r
    }
    book.close()
    assert "Shop" in cells
    ok(run, "export", *period, "--format", "pack", "--out", str(tmp_path / "review.zip"))
    with zipfile.ZipFile(tmp_path / "review.zip") as pack:
        assert pack.testzip() is None and pack.namelist()
    ok(run, "export", *period, "--format", "csv", "--out", str(tmp_path / "csv"))
    rows = [
        row
        for path in sorted((tmp_path / "csv").glob("*.csv"))
        for row in csv.reader(path.read_text(encoding="utf-8-sig").splitlines())
    ]
    assert any("Shop" in row and "12.50" in row for row in rows), rows
