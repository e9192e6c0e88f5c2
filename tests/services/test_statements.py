"""Importing statements: matching, never twice, all-or-nothing, and the balance check."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest

from kentcard.core.errors import ConflictError, InputError
from kentcard.core.money import Money
from kentcard.core.records import Source
from kentcard.importers.columns import ColumnMap
from kentcard.services import ledger, period_lock, review
from kentcard.services.context import Context
from kentcard.services.statement_import import import_statement
from tests.services.helpers import count, monthly_plan, person, rows

SAMPLES = Path(__file__).parent.parent / "importers" / "samples"
HEADER = "Date,Description,Amount,Balance\n"


def statement(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def watched(db: Path) -> dict[str, int]:
    tables = ("money_in", "money_out", "statement_line", "statement_batch", "audit")
    return {t: count(db, t) for t in tables}


def test_a_new_statement_creates_entries_marked_from_statement(ctx: Context, db_path: Path) -> None:
    """Every line of a fresh statement becomes an entry with origin 'statement'."""
    rid = person(ctx)
    report = import_statement(ctx, rid, (SAMPLES / "kentcard.csv").read_bytes())
    assert report.counts == {"matched": 0, "new": 5, "already imported": 0, "needs a decision": 0}
    assert report.skipped == {"declined": 1}
    assert rows(db_path, "SELECT origin, count(*) FROM money_out GROUP BY origin") == [
        ("statement", 3)
    ]
    # "CONTRIBUTION LOAD J BLOGGS" says whose money it is.
    assert rows(db_path, "SELECT source, amount_pence FROM money_in ORDER BY amount_pence") == [
        ("contribution", 8400),
        ("kcc", 100000),
    ]
    # One audit record for the whole import, none per entry.
    assert rows(db_path, "SELECT entity, count(*) FROM audit GROUP BY entity") == [
        ("recipient", 1),
        ("statement_batch", 1),
    ]


def test_reimporting_the_same_statement_adds_nothing(ctx: Context, db_path: Path) -> None:
    """The second import of one file finds every line already imported and writes no entry."""
    rid = person(ctx)
    data = (SAMPLES / "lloyds.csv").read_bytes()
    import_statement(ctx, rid, data)
    before = watched(db_path)
    report = import_statement(ctx, rid, data)
    assert report.counts["already imported"] == 5 and report.counts["new"] == 0
    after = watched(db_path)
    assert (after["money_out"], after["money_in"], after["statement_line"]) == (
        before["money_out"],
        before["money_in"],
        before["statement_line"],
    )


def test_a_line_matches_the_logged_payment_within_three_days(ctx: Context, db_path: Path) -> None:
    """A payment logged by hand two days off, same amount, is matched, not duplicated."""
    rid = person(ctx)
    logged = ledger.add_money_out(
        ctx, rid, date=date(2026, 11, 8), amount=Money(56000), payee="Bright Homecare"
    )
    far = ledger.add_money_out(ctx, rid, date=date(2026, 11, 14), amount=Money(4599), payee="KM")
    report = import_statement(
        ctx, rid, statement("10/11/2026,BRIGHT HOMECARE,-560.00,", "18/11/2026,KM,-45.99,")
    )
    assert report.counts["matched"] == 1 and report.counts["new"] == 1
    assert rows(db_path, "SELECT money_out_id, state FROM statement_line ORDER BY id") == [
        (logged.id, "matched"),
        (far.id + 1, "created"),
    ]


def test_two_different_equally_close_entries_need_a_decision(ctx: Context, db_path: Path) -> None:
    """Two payments of the same amount to different payees, equally close: left for the person."""
    rid = person(ctx)
    for payee in ("A Ltd", "B Ltd"):
        ledger.add_money_out(ctx, rid, date=date(2026, 11, 10), amount=Money(1000), payee=payee)
    report = import_statement(ctx, rid, statement("10/11/2026,SHOP,-10.00,"))
    assert report.counts["needs a decision"] == 1
    assert len(report.decisions[0].candidates) == 2
    assert count(db_path, "money_out") == 2
    assert rows(db_path, "SELECT state, money_out_id FROM statement_line") == [("decision", None)]


def test_identical_lines_match_identical_entries_one_to_one(ctx: Context, db_path: Path) -> None:
    """Two identical card lines on one day match two identical logged payments, one each."""
    rid = person(ctx)
    ids = [
        ledger.add_money_out(ctx, rid, date=date(2026, 11, 10), amount=Money(250), payee="Bus").id
        for _ in range(2)
    ]
    report = import_statement(ctx, rid, statement("10/11/2026,Bus,-2.50,", "10/11/2026,Bus,-2.50,"))
    assert report.counts["matched"] == 2
    assert sorted(r[0] for r in rows(db_path, "SELECT money_out_id FROM statement_line")) == ids


def test_a_deleted_entry_does_not_come_back(ctx: Context, db_path: Path) -> None:
    """Deleting an imported entry keeps its line as 'deleted'; importing again adds nothing."""
    rid = person(ctx)
    data = statement("10/11/2026,CORNER SHOP,-4.50,")
    import_statement(ctx, rid, data)
    (out_id,) = rows(db_path, "SELECT id FROM money_out")[0]
    ledger.delete_money_out(ctx, out_id)
    report = import_statement(ctx, rid, data)
    assert report.counts["already imported"] == 1
    assert count(db_path, "money_out") == 0
    assert rows(db_path, "SELECT state, money_out_id FROM statement_line") == [("deleted", None)]


def test_dry_run_reports_the_plan_and_writes_nothing(ctx: Context, db_path: Path) -> None:
    """--dry-run gives the same counts a real import would, and leaves the database as it was."""
    rid = person(ctx)
    data = (SAMPLES / "revolut.csv").read_bytes()
    before = watched(db_path)
    planned = import_statement(ctx, rid, data, dry_run=True)
    assert watched(db_path) == before and planned.batch_id is None
    done = import_statement(ctx, rid, data)
    assert (planned.counts, planned.skipped) == (done.counts, done.skipped)
    assert planned.skipped == {"declined": 1, "reverted": 1}


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\xff" * 100,
        HEADER.encode() + b"05/11/2026,A,-1.00,9.00\n06/11/2026,B,-2",
        HEADER.encode() + b"05/11/2026,A,-1.00,9.00\n06/11/2026,B,X,-2.00,7.00\n",
        HEADER.encode() + b"05/11/2026,A,-1.005,9.00\n",
    ],
    ids=["binary", "truncated", "wrong-columns", "bad-amount"],
)
def test_a_corrupted_file_changes_nothing(ctx: Context, db_path: Path, data: bytes) -> None:
    """Binary garbage, a cut-off line, a wrong column count or a bad amount: refused, no writes."""
    rid = person(ctx)
    before = watched(db_path)
    with pytest.raises(InputError):
        import_statement(ctx, rid, data)
    assert watched(db_path) == before


def test_a_failure_half_way_leaves_nothing(ctx: Context, db_path: Path) -> None:
    """When storing the lines fails after the entries were written, the entries are undone too."""
    rid = person(ctx)
    with closing(sqlite3.connect(db_path)) as raw:
        raw.execute(
            "CREATE TRIGGER fail_lines BEFORE INSERT ON statement_line "
            "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
        )
        raw.commit()
    before = watched(db_path)
    with pytest.raises(Exception, match="disk trouble"):
        import_statement(ctx, rid, (SAMPLES / "barclays.csv").read_bytes())
    assert watched(db_path) == before


def test_new_lines_in_a_locked_period_are_refused(ctx: Context, db_path: Path) -> None:
    """A statement adding entries in a locked period is refused whole, naming the line."""
    rid = person(ctx)
    period_lock.lock_period(ctx, rid, date(2026, 11, 5))
    before = watched(db_path)
    with pytest.raises(ConflictError, match=r"line 2: 2026-11-03 is in a reviewed period"):
        import_statement(ctx, rid, (SAMPLES / "barclays.csv").read_bytes())
    assert watched(db_path) == before


def test_balance_check_finds_the_first_day_the_ledger_disagrees(ctx: Context) -> None:
    """A statement balance the ledger does not reach is reported on the first such day."""
    rid = person(ctx, opening_balance=Money(31240), as_of=date(2026, 10, 31))
    # The plan's contribution is what tells "Jo Bloggs £84.00" is the contribution.
    monthly_plan(ctx, rid, council=100000, contribution=8400, start=date(2026, 11, 1))
    report = import_statement(ctx, rid, (SAMPLES / "starling.csv").read_bytes())
    assert report.balance is not None and report.balance.first_mismatch is None
    assert report.balance.dates_checked == 4
    ledger.add_money_out(ctx, rid, date=date(2026, 11, 12), amount=Money(500), payee="Cash")
    findings = review.review(ctx, rid, date(2026, 11, 1), date(2026, 11, 30))
    mismatch = [f for f in findings if f.kind is review.Kind.BALANCE_MISMATCH]
    assert [(f.date, f.amount) for f in mismatch] == [(date(2026, 11, 18), Money(500))]


def test_balance_check_without_an_opening_balance_differs(ctx: Context) -> None:
    """Without the opening balance the ledger is short from the first statement day."""
    rid = person(ctx)
    report = import_statement(ctx, rid, (SAMPLES / "nationwide.csv").read_bytes())
    assert report.balance is not None
    assert (report.balance.first_mismatch, report.balance.ledger_balance) == (
        date(2026, 11, 3),
        Money(108400),
    )


def test_a_saved_mapping_is_used_next_time(ctx: Context, db_path: Path) -> None:
    """Columns given by hand with --provider are saved and used for that provider's next file."""
    rid = person(ctx)
    mapping = ColumnMap(date="When", amount="Cost", description="What")
    first = "When,What,Cost\n05/11/2026,TESCO,-12.00\n"
    import_statement(ctx, rid, first.encode(), mapping=mapping, provider="Odd Card Ltd")
    report = import_statement(
        ctx, rid, b"When,What,Cost\n06/11/2026,BOOTS,-3.00\n", provider="odd card ltd"
    )
    assert report.counts["new"] == 1
    assert rows(db_path, "SELECT payee FROM money_out ORDER BY id") == [("TESCO",), ("BOOTS",)]


def test_money_in_lines_match_logged_money_in(ctx: Context, db_path: Path) -> None:
    """A KCC payment logged by hand matches the statement's credit line."""
    rid = person(ctx)
    paid = ledger.add_money_in(
        ctx, rid, date=date(2026, 11, 3), amount=Money(100000), source=Source.KCC
    )
    report = import_statement(ctx, rid, statement("03/11/2026,KCC,1000.00,"))
    assert report.counts["matched"] == 1
    assert rows(db_path, "SELECT money_in_id FROM statement_line") == [(paid.id,)]


def test_a_hundred_thousand_lines_import_in_one_transaction(
    ctx: Context, db_path: Path, tmp_path: Path
) -> None:
    """100,000 lines import in one go: every line stored once, an entry each, and one audit
    record for the import listing them all."""
    rid = person(ctx)
    start = date(2020, 1, 1)
    big = tmp_path / "big.csv"
    with big.open("w") as out:
        out.write(HEADER)
        for i in range(100_000):
            day = start + timedelta(days=i // 50)
            out.write(f"{day:%d/%m/%Y},SHOP {i % 977},-{1 + i % 5000}.{i % 100:02d},\n")
    report = import_statement(ctx, rid, big.read_bytes(), filename="big.csv")
    assert report.counts["new"] == 100_000 and report.total == 100_000
    assert count(db_path, "money_out") == 100_000
    assert count(db_path, "statement_line") == 100_000
    assert rows(db_path, "SELECT count(*) FROM audit WHERE entity = 'money_out'") == [(0,)]
    (detail,) = rows(db_path, "SELECT detail FROM audit WHERE entity = 'statement_batch'")
    created = json.loads(detail[0])["money_out_ids"]
    assert created == [i for (i,) in rows(db_path, "SELECT id FROM money_out ORDER BY id")]
    assert rows(db_path, "SELECT count(DISTINCT batch_id) FROM statement_line") == [(1,)]
    again = import_statement(ctx, rid, big.read_bytes(), filename="big.csv")
    assert again.counts["already imported"] == 100_000
    assert count(db_path, "money_out") == 100_000
