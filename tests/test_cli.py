"""The command line as a script would use it: through Typer's runner, on a real database.

Each test runs twice: on a SQLite file, then on an organisation's PostgreSQL database
(the `any_db` fixture).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kentcard.cli import app
from tests import dbcheck

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture
def run(any_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Invoke `kentcard ARGS...` against a fresh database (SQLite, then PostgreSQL)."""
    monkeypatch.setenv("KENTCARD_DB", any_db)
    monkeypatch.setenv("KENTCARD_TODAY", "2026-11-25")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def counts(db: str) -> dict[str, int]:
    """Rows in each table a command could write to, read directly from the database."""
    return dbcheck.counts(db)


def setup_person(run) -> None:  # type: ignore[no-untyped-def]
    assert (
        run(
            "init", "--name", "Jo Bloggs", "--opening-balance", "100.00", "--as-of", "2026-10-31"
        ).exit_code
        == 0
    )
    assert (
        run(
            "plan",
            "set",
            "--start",
            "2026-11-01",
            "--frequency",
            "monthly",
            "--council",
            "1000",
            "--contribution",
            "100",
            "--line",
            "Care=1000",
            "--first-payment",
            "2026-11-02",
        ).exit_code
        == 0
    )
    assert (
        run(
            "provider",
            "add",
            "Bright Homecare",
            "--kind",
            "agency",
            "--rate",
            "28",
            "--category",
            "Care",
        ).exit_code
        == 0
    )


def test_add_prints_the_new_id_and_json_prints_the_record(run) -> None:  # type: ignore[no-untyped-def]
    """`add` prints the id; with --json the whole record, money as a two-decimal string."""
    setup_person(run)
    first = run("money-in", "add", "--date", "2026-11-02", "--amount", "£1,000", "--source", "kcc")
    assert first.exit_code == 0 and first.stdout.strip() == "2"  # 1 is the opening balance
    second = run(
        "money-out", "add", "--date", "2026-11-03", "--amount", "(12.5)", "--payee", "X", "--json"
    )
    assert second.exit_code == 2
    assert "amount" in second.stderr
    record = json.loads(
        run(
            "money-out",
            "add",
            "--date",
            "2026-11-03",
            "--amount",
            "12.5",
            "--payee",
            "bright homecare",
            "--json",
        ).stdout
    )
    assert record["amount"] == "12.50"
    assert record["payee"] == "Bright Homecare"  # linked to the provider, its own spelling
    assert record["category"] == "Care"  # taken from the provider
    assert record["id"] == 1


def test_budget_json_has_the_contract_fields(run) -> None:  # type: ignore[no-untyped-def]
    """`budget --json` carries every field DESIGN §3 promises, with the right figures."""
    setup_person(run)
    run("money-in", "add", "--date", "2026-11-02", "--amount", "1000", "--source", "kcc")
    run(
        "money-in",
        "add",
        "--date",
        "2026-11-09",
        "--amount",
        "20",
        "--source",
        "refund",
        "--category",
        "care",
    )
    run(
        "money-out", "add", "--date", "2026-11-05", "--amount", "1200", "--payee", "Bright Homecare"
    )
    data = json.loads(run("budget", "--month", "2026-11", "--json").stdout)
    assert data["month"] == "2026-11"
    assert data["budget"] == "1100.00"  # monthly 1000 + 100
    assert data["spent"] == "1180.00"  # 1200 out − 20 refund
    assert data["remaining"] == "-80.00"  # overspent
    assert data["received"] == {
        "kcc": "1000.00",
        "contribution": "0.00",
        "refund": "20.00",
        "other": "0.00",
    }
    assert data["balance"] == "-80.00"  # 100 opening + 1000 + 20 − 1200
    assert data["outstanding_invoices"] == "0.00"
    assert data["possible_surplus"] == "0.00"
    assert data["categories"] == [
        {"category": "Care", "budget": "1000.00", "spent": "1180.00", "remaining": "-180.00"},
        {  # the contribution is in no budget line: its own line, so the parts add up
            "category": "Not in any budget line",
            "budget": "100.00",
            "spent": "0.00",
            "remaining": "100.00",
        },
    ]
    assert sum(Decimal(c["budget"]) for c in data["categories"]) == Decimal(data["budget"])


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--amount", "12.345"], "amount"),
        (["--amount", "1e3"], "amount"),
        (["--amount", ""], "amount"),
        (["--date", "2026-02-30"], "date"),
        (["--date", "31/11/2026"], "date"),
        (["--payee", "\x1b[31mX"], "payee"),
        (["--receipt", "missing.pdf"], "receipt"),
        (["--invoice", "NOPE"], "invoice"),
    ],
)
def test_bad_money_out_input_names_the_field_and_writes_nothing(run, any_db, args, field) -> None:  # type: ignore[no-untyped-def]
    """Each bad value exits 2 with one stderr line naming the field; no row is written."""
    setup_person(run)
    before = counts(any_db)
    base = {"--date": "2026-11-05", "--amount": "10.00", "--payee": "Bright Homecare"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    extra = [a for pair in base.items() for a in pair]
    result = run("money-out", "add", *extra)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kentcard: error: ")
    assert field in lines[0]
    assert "Traceback" not in result.output
    assert counts(any_db) == before


def test_bad_receipt_files_are_refused_cleanly(run, any_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A symlink, a directory, an empty file and an executable named .pdf are each refused."""
    setup_person(run)
    good = tmp_path / "good.pdf"
    good.write_bytes((EXAMPLES / "INV-1001.pdf").read_bytes())
    (tmp_path / "link.pdf").symlink_to(good)
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "virus.pdf").write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    (tmp_path / "folder.pdf").mkdir()
    before = counts(any_db)
    for name in ["link.pdf", "empty.pdf", "virus.pdf", "folder.pdf"]:
        result = run(
            "money-out",
            "add",
            "--date",
            "2026-11-05",
            "--amount",
            "5",
            "--payee",
            "Shop",
            "--receipt",
            name,
        )
        assert result.exit_code == 2, name
        assert result.stderr.startswith("kentcard: error: receipt:"), name
    assert counts(any_db) == before


def test_several_people_need_recipient(run) -> None:  # type: ignore[no-untyped-def]
    """With two people, a command without --recipient names the choices; with it, it works."""
    run("init", "--name", "Ann")
    run("init", "--name", "Bob")
    result = run("budget")
    assert result.exit_code == 2
    assert "Ann" in result.stderr and "Bob" in result.stderr and "--recipient" in result.stderr
    assert run("budget", "--recipient", "bob").exit_code == 0
    assert run("budget", "--recipient", "2", "--json").exit_code == 0


def test_receipt_add_and_list_documents(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`receipt add` links a file to a payment and to an invoice; `list documents` shows both."""
    setup_person(run)
    run(
        "invoice",
        "add",
        "--provider",
        "Bright Homecare",
        "--number",
        "INV-9",
        "--date",
        "2026-11-05",
        "--amount",
        "560",
        "--hours",
        "20",
        "--rate",
        "28",
    )
    pay = run(
        "money-out",
        "add",
        "--date",
        "2026-11-06",
        "--amount",
        "560",
        "--payee",
        "Bright Homecare",
        "--invoice",
        "INV-9",
    ).stdout.strip()
    pdf = str(EXAMPLES / "INV-1001.pdf")
    assert run("receipt", "add", pdf, "--invoice", "INV-9").exit_code == 0
    assert run("receipt", "add", pdf, "--money-out", pay).exit_code == 0
    docs = json.loads(run("list", "documents", "--json").stdout)
    assert len(docs) == 1  # the same file is one document with two links
    assert sorted(docs[0]["links"]) == ["invoice:1", f"money-out:{pay}"]
    invoices = json.loads(run("list", "invoices", "--json").stdout)
    assert invoices[0]["status"] == "paid" and invoices[0]["outstanding"] == "0.00"
    both = run("receipt", "add", pdf, "--invoice", "INV-9", "--money-out", pay)
    assert both.exit_code == 2 and "--money-out" in both.stderr


def test_list_month_filter_and_review_json(run) -> None:  # type: ignore[no-untyped-def]
    """`list --month` keeps one month; `review --json` counts each kind of finding."""
    setup_person(run)
    run("money-out", "add", "--date", "2026-10-30", "--amount", "5", "--payee", "Shop")
    run("money-out", "add", "--date", "2026-11-05", "--amount", "7", "--payee", "Shop")
    listed = json.loads(run("list", "money-out", "--month", "2026-11", "--json").stdout)
    assert [m["amount"] for m in listed] == ["7.00"]
    review = json.loads(
        run("review", "--from", "2026-11-01", "--to", "2026-11-30", "--json").stdout
    )
    # KCC's 2026-11-02 payment and the contribution never arrived; the shop payment has no receipt
    # and no category the plan knows.
    assert review["counts"] == {"no-evidence": 1, "outside-plan": 1, "payment-missing": 2}
    assert review["count"] == 4
    first = review["exceptions"][0]
    assert first == {
        "kind": "payment-missing",
        "date": "2026-11-02",
        "message": first["message"],
        "record": None,
        "amount": "100.00",
        "about": None,
    }
    assert "contribution" in first["message"]  # due the same day as KCC's; sorted by words
    missing = [e["amount"] for e in review["exceptions"] if e["kind"] == "payment-missing"]
    assert sorted(missing) == ["100.00", "1000.00"]


def test_no_arguments_opens_the_app_on_the_chosen_database(run, any_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`kentcard` alone opens the terminal app on the database from KENTCARD_DB.

    The app itself is driven by the Pilot tests in tests/tui; here only the hand-over is
    checked, since a real terminal cannot run inside the test runner.
    """
    import kentcard.tui.launch

    opened = []
    monkeypatch.setattr(kentcard.tui.launch, "run_app", lambda settings: opened.append(settings))
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")  # no terminal
    result = run()
    assert result.exit_code == 0
    assert [s.db for s in opened] == [any_db]


def test_audit_shows_each_receipt_attached_even_one_already_stored(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`kentcard audit --record money-out:N` names the file attached to N: its document id,
    name and SHA-256, also when the same bytes were already stored for another payment."""
    import hashlib

    setup_person(run)
    receipt = tmp_path / "till-slip.pdf"
    receipt.write_bytes((EXAMPLES / "INV-1001.pdf").read_bytes())
    sha = hashlib.sha256(receipt.read_bytes()).hexdigest()
    base = ["money-out", "add", "--date", "2026-11-05", "--amount", "5", "--payee", "Shop"]
    first = run(*base, "--receipt", str(receipt)).stdout.strip()
    second = run(*base).stdout.strip()
    assert run("receipt", "add", str(receipt), "--money-out", second).exit_code == 0
    for payment in (first, second):
        shown = run("audit", "--record", f"money-out:{payment}").stdout.splitlines()
        attached = [line for line in shown if "attached=" in line]
        assert len(attached) == 1, shown
        assert f"to=money-out:{payment}" in attached[0]
        assert "attached=document:1" in attached[0] and "filename=till-slip.pdf" in attached[0]
        assert f"sha256={sha}" in attached[0]
    history = json.loads(run("audit", "--record", f"money-out:{second}", "--json").stdout)
    assert [h["action"] for h in history] == ["create", "update"]
    assert history[1]["detail"]["sha256"] == sha


def test_dates_may_be_typed_the_uk_way(run) -> None:  # type: ignore[no-untyped-def]
    """`5/11/2026` is 5 November at the command line as in the app; output stays ISO, and a
    two-digit year is refused with one line naming the field."""
    setup_person(run)
    added = json.loads(
        run("money-out", "add", "--date", "5/11/2026", "--amount", "7", "--payee", "Shop",
            "--json").stdout
    )  # fmt: skip
    assert added["date"] == "2026-11-05"
    refused = run("money-out", "add", "--date", "05/11/26", "--amount", "7", "--payee", "Shop")
    assert refused.exit_code == 2
    assert refused.stderr.strip() == (
        "kentcard: error: date: is not a date; write it as 05/11/2026 or 2026-11-05"
    )
    listed = json.loads(run("list", "money-out", "--json").stdout)
    assert [m["date"] for m in listed] == ["2026-11-05"]
