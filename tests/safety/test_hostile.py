"""Hostile input ends in a clear error or a correct result: no traceback, no half-write."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from typer.testing import CliRunner

from kentcard.cli import app
from kentcard.core.errors import InputError, KentcardError
from kentcard.core.money import Money
from kentcard.services import ledger, recipients
from kentcard.services.context import Context

NASTY = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "\x00",
            "12\x00.00",
            "\u202e12.00",
            "１２.００",
            "1e308",
            "9" * 400,
            "-0",
            "(0)",
            "£-£1",
            '=HYPERLINK("http://x")',
            "\r\n",
            "\t",
            "2026-02-29",
            "0000-00-00",
            "9999-12-31",
            "../../etc/passwd",
            "/dev/zero",
            "/proc/self/mem",
            "db",
            "\udcff",
            "'; DROP TABLE money_out;--",
        ]
    ),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
)
FIELDS = [
    "--date",
    "--amount",
    "--payee",
    "--category",
    "--description",
    "--reference",
    "--invoice",
    "--receipt",
]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    runner = CliRunner()
    env = {"KENTCARD_DB": str(folder / "k.sqlite3"), "KENTCARD_TODAY": "2026-11-25"}
    assert runner.invoke(app, ["init", "--name", "Hostile Test"], env=env).exit_code == 0
    return folder / "k.sqlite3"


def rows(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db) as raw:
        return tuple(
            raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
            for t in ("money_out", "blob", "audit")
        )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(field=st.sampled_from(FIELDS), value=NASTY)
def test_money_out_add_never_tracebacks(hostile_db: Path, field: str, value: str) -> None:
    """Any value in any field: exit 0 with one new payment, or exit 2 with one line and no write."""
    args = {"--date": "2026-11-05", "--amount": "10.00", "--payee": "Shop"}
    args[field] = value
    before = rows(hostile_db)
    result = CliRunner().invoke(
        app,
        ["money-out", "add", *[f"{k}={v}" for k, v in args.items()]],
        env={"KENTCARD_DB": str(hostile_db), "KENTCARD_TODAY": "2026-11-25"},
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    after = rows(hostile_db)
    if result.exit_code == 0:
        assert after[0] == before[0] + 1
    else:
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("kentcard: error: "), result.stderr
        assert after == before


@settings(max_examples=100, deadline=None)
@given(value=NASTY)
def test_every_text_parser_gives_input_error_or_a_value(value: str) -> None:
    """Money, date, month and hours parsers raise only InputError on any text."""
    from kentcard.core.dates import parse_date, parse_month
    from kentcard.core.money import parse_money
    from kentcard.core.validate import clean_text, parse_hours

    for parse in (parse_money, parse_date, parse_month, parse_hours):
        try:
            parse(value, "field")
        except InputError as error:
            assert error.field == "field"
    try:
        clean_text(value, "field")
    except InputError as error:
        assert error.field == "field"


def test_a_ten_megabyte_line_is_refused_quickly(ctx: Context) -> None:
    """A 10 MB payee name is an InputError, and nothing is written."""
    person = recipients.setup_recipient(ctx, name="A")
    with pytest.raises(InputError) as info:
        ledger.add_money_out(
            ctx, person.id, date=date(2026, 1, 1), amount=Money(100), payee="x" * 10_000_000
        )
    assert info.value.field == "payee"
    assert ledger.list_money_out(ctx, person.id) == []


def test_a_full_disk_while_saving_a_document_leaves_no_row_and_no_orphan(
    ctx: Context, db_path: Path, tmp_path: Path
) -> None:
    """SQLite's 'disk is full' mid-save: a plain error, and no payment, document or blob remains."""
    person = recipients.setup_recipient(ctx, name="A")
    photo = tmp_path / "receipt.txt"
    photo.write_text("receipt " * 200_000)  # about 1.6 MB, more than the room left
    ctx.db.engine.dispose()

    @event.listens_for(ctx.db.engine, "connect")
    def _cap(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 20}")

    before = rows(db_path)
    with pytest.raises(KentcardError, match="disk is full"):
        ledger.add_money_out(
            ctx, person.id, date=date(2026, 1, 1), amount=Money(100), payee="Shop", receipts=[photo]
        )
    event.remove(ctx.db.engine, "connect", _cap)
    ctx.db.engine.dispose()
    assert rows(db_path) == before
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT count(*) FROM document").fetchone()[0] == 0
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)


CSV_CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "05/11/2026",
            "2026-11-05",
            "5 Nov 2026",
            "£1,234.56",
            "-£12.00",
            "12.00 CR",
            "(3.50)",
            "Paid out",
            "Date",
            "Amount",
            "Balance",
            "declined",
            "\ufeff",
            "\x00",
        ]
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(CSV_CELL, min_size=1, max_size=6), max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_statement_parser_gives_input_error_or_lines(rows: list[list[str]], encoding: str) -> None:
    """Any CSV-shaped bytes, in any encoding: parsed lines or an InputError, nothing else."""
    from kentcard.importers.statement import parse_statement

    text = "\n".join(",".join(cells) for cells in rows)
    data = text.encode(encoding, errors="replace")
    try:
        parsed = parse_statement(data)
    except InputError as error:
        assert error.field
        return
    for line in parsed.lines:
        assert isinstance(line.amount, Money) and isinstance(line.amount.pence, int)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=2000))
def test_statement_parser_on_random_bytes(data: bytes) -> None:
    """Random bytes are refused with an InputError or parsed; never another exception."""
    from kentcard.importers.statement import parse_statement

    try:
        parsed = parse_statement(data)
    except InputError as error:
        assert error.field
        return
    assert all(isinstance(line.amount.pence, int) for line in parsed.lines)
