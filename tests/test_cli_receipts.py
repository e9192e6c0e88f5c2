"""`kentcard receipt read`, `money-out add --from-receipt` and `invoice add --from-file`,
through Typer's runner on a real database: what is printed, what is written, and what is
refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kentcard.cli import app
from tests import dbcheck
from tests.receipt_fixtures import by_name


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`kentcard ARGS...` on a fresh SQLite file holding one person and their providers;
    only the PDF text layer may be used unless a test says otherwise."""
    db = str(tmp_path / "db" / "k.sqlite3")
    monkeypatch.setenv("KENTCARD_DB", db)
    monkeypatch.setenv("KENTCARD_TODAY", "2026-11-25")
    monkeypatch.setenv("KENTCARD_RECEIPT_ENGINES", "text")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), catch_exceptions=False)

    invoke.db = db  # type: ignore[attr-defined]
    assert invoke("init", "--name", "Jo Bloggs").exit_code == 0
    for name in ("Bright Homecare", "Medway Mobility Aids", "Whitstable Taxis", "Sarah Jones"):
        assert invoke("provider", "add", name).exit_code == 0
    return invoke


def test_receipt_read_json_gives_the_suggestion_and_its_lines(run) -> None:  # type: ignore[no-untyped-def]
    """The invoice's date, amount as a two-decimal string, payee as the provider is named,
    the lines they came from, and its number and hours × rate."""
    result = run("receipt", "read", str(by_name("i01_agency.pdf").path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "date": "2025-02-03",
        "amount": "1245.00",
        "payee": "Bright Homecare",
        "evidence": [
            "Invoice date: 3rd February 2025",
            "Amount due £1,245.00",
            "Bright Homecare Ltd",
        ],
        "number": "BH-2025-0142",
        "hours": "83",
        "rate": "15.00",
        "engine": "text",
        "reason": None,
    }


def test_receipt_read_text_shows_each_value_beside_its_line(run) -> None:  # type: ignore[no-untyped-def]
    """The plain output: one line per value with the document's line it was read from."""
    result = run("receipt", "read", str(by_name("i04_pa.pdf").path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Date", "2025-11-28", "from", "'Date:", "28", "November", "2025'"]
    assert lines[1].startswith("Amount   £290.00") and "'Total due £290.00'" in lines[1]
    assert lines[2].startswith("Payee    Sarah Jones") and lines[2].endswith("'Sarah Jones'")
    assert "Check each value" in lines[-1]


def test_a_photo_without_ocr_is_no_suggestion_and_exit_0(run) -> None:  # type: ignore[no-untyped-def]
    """Nothing can read the photo: one plain line, nothing on stderr, exit 0; the JSON has
    null fields and the reason."""
    photo = str(by_name("r01_clean.jpg").path)
    result = run("receipt", "read", photo)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.startswith("No suggestion: no OCR engine is available")
    assert len(result.stdout.splitlines()) == 1
    data = json.loads(run("receipt", "read", photo, "--json").stdout)
    assert (data["date"], data["amount"], data["payee"], data["evidence"]) == (None, None, None, [])
    assert data["reason"].startswith("no OCR engine")


def test_money_out_from_a_receipt_is_filled_in_and_the_file_attached(run) -> None:  # type: ignore[no-untyped-def]
    """Date, amount and payee come from the invoice, stderr says so, and the file is the
    payment's receipt."""
    pdf = by_name("i03_order_date.pdf").path
    result = run("money-out", "add", "--from-receipt", str(pdf), "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert (record["date"], record["amount"], record["payee"]) == (
        "2025-09-09",
        "239.99",
        "Medway Mobility Aids",
    )
    assert result.stderr.strip() == (
        "kentcard: from the receipt: date 2025-09-09, amount £239.99, payee Medway Mobility Aids"
    )
    documents = json.loads(run("list", "documents", "--json").stdout)
    assert [(d["filename"], d["kind"]) for d in documents] == [(pdf.name, "receipt")]


def test_options_given_win_over_the_receipt(run) -> None:  # type: ignore[no-untyped-def]
    """An amount and payee typed on the command line are kept; only the date is read."""
    pdf = str(by_name("i04_pa.pdf").path)
    result = run(
        "money-out", "add", "--from-receipt", pdf, "--amount", "145.00", "--payee", "S Jones"
    )
    assert result.exit_code == 0, result.output
    [record] = json.loads(run("list", "money-out", "--json").stdout)
    assert (record["date"], record["amount"], record["payee"]) == (
        "2025-11-28",
        "145.00",
        "S Jones",
    )
    assert result.stderr.strip() == "kentcard: from the receipt: date 2025-11-28"


def test_a_field_the_receipt_lacks_is_one_error_and_nothing_is_written(run) -> None:  # type: ignore[no-untyped-def]
    """No OCR for the photo: the first missing field is named, exit 2, no row, no file."""
    before = dbcheck.counts(run.db)
    photo = str(by_name("r04_shadow.jpg").path)
    result = run("money-out", "add", "--from-receipt", photo, "--amount", "21.60")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "kentcard: error: --date: is required: it could not be read from the receipt"
    )
    assert dbcheck.counts(run.db) == before


def test_without_a_receipt_the_usual_errors_stand(run) -> None:  # type: ignore[no-untyped-def]
    """`money-out add` with no --date and no receipt says what it always said; a receipt
    that does not exist is named as --from-receipt; nothing is written."""
    before = dbcheck.counts(run.db)
    missing = run("money-out", "add", "--amount", "12", "--payee", "Shop")
    assert missing.exit_code == 2
    assert missing.stderr.strip() == "kentcard: error: --date: is required"
    absent = run("money-out", "add", "--from-receipt", "nowhere.pdf")
    assert absent.exit_code == 2
    assert absent.stderr.startswith("kentcard: error: from-receipt: does not exist")
    assert dbcheck.counts(run.db) == before


def test_the_photo_is_read_with_the_ocr_extra(
    run, monkeypatch: pytest.MonkeyPatch, ocr_extra: None
) -> None:  # type: ignore[no-untyped-def]
    """With the extra, the shadowed taxi receipt fills the whole payment."""
    monkeypatch.setenv("KENTCARD_RECEIPT_ENGINES", "text,rapidocr")
    photo = str(by_name("r04_shadow.jpg").path)
    result = run("money-out", "add", "--from-receipt", photo, "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert (record["date"], record["amount"], record["payee"]) == (
        "2025-06-09",
        "21.60",
        "Whitstable Taxis",
    )


def test_an_invoice_from_its_file_has_every_field_and_keeps_the_file(run) -> None:  # type: ignore[no-untyped-def]
    """The agency invoice gives its provider (one of the person's), number, date, amount
    and hours × rate; stderr says what was taken; the PDF is the invoice's file."""
    pdf = by_name("i01_agency.pdf").path
    result = run("invoice", "add", "--from-file", str(pdf), "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert {k: record[k] for k in ("provider_name", "number", "issue_date", "amount")} == {
        "provider_name": "Bright Homecare",
        "number": "BH-2025-0142",
        "issue_date": "2025-02-03",
        "amount": "1245.00",
    }
    assert (record["hours_centi"], record["rate"]) == (8300, "15.00")
    assert result.stderr.strip() == (
        "kentcard: from the invoice: provider Bright Homecare, number BH-2025-0142, "
        "date 2025-02-03, amount £1,245.00, hours 83, rate £15.00"
    )
    documents = json.loads(run("list", "documents", "--json").stdout)
    assert [(d["filename"], d["kind"]) for d in documents] == [(pdf.name, "invoice")]


def test_an_invoice_keeps_the_options_given(run) -> None:  # type: ignore[no-untyped-def]
    """A number and amount typed are kept; the rest is read, and said."""
    pdf = str(by_name("i04_pa.pdf").path)
    result = run("invoice", "add", "--from-file", pdf, "--number", "SJ-NOV", "--amount", "145")
    assert result.exit_code == 0, result.output
    [record] = json.loads(run("list", "invoices", "--json").stdout)
    assert (record["provider_name"], record["number"], record["issue_date"], record["amount"]) == (
        "Sarah Jones",
        "SJ-NOV",
        "2025-11-28",
        "145.00",
    )
    assert result.stderr.strip() == (
        "kentcard: from the invoice: provider Sarah Jones, date 2025-11-28, hours 20, rate £14.50"
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["--from-file", "i02_two_columns.pdf"],
            "provider: “Kent Respite Care Ltd” is not one of this person's providers; "
            "add it first with kentcard provider add NAME",
        ),
        (
            ["--from-file", "r04_shadow.jpg"],
            "--provider: is required: it could not be read from the invoice",
        ),
        (
            ["--from-file", "i01_agency.pdf", "--file", "i04_pa.pdf"],
            "--file: is the file --from-file reads and keeps; give only one",
        ),
        (["--provider", "Bright Homecare", "--amount", "3"], "--number: is required"),
    ],
    ids=["unknown provider", "nothing read", "two files", "no file"],
)
def test_an_invoice_that_cannot_be_completed_is_one_line_and_nothing_is_written(
    run, args: list[str], said: str
) -> None:  # type: ignore[no-untyped-def]
    before = dbcheck.counts(run.db)
    named = [str(by_name(a).path) if a.endswith((".pdf", ".jpg")) else a for a in args]
    result = run("invoice", "add", *named)
    assert (result.exit_code, result.stderr) == (2, f"kentcard: error: {said}\n")
    assert dbcheck.counts(run.db) == before
