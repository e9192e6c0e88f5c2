"""The import's fast paths give exactly what the plain way gives: amounts, keys, rows."""

from __future__ import annotations

import gc
import hashlib
import json
import re
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentcard.core.errors import InputError
from kentcard.core.money import Money, parse_money
from kentcard.core.records import Origin
from kentcard.importers.statement import StatementLine, parse_statement
from kentcard.importers.values import plain_pence
from kentcard.services import ledger
from kentcard.services.context import Context
from kentcard.services.opening import open_context
from kentcard.services.settings import Settings
from kentcard.services.statement_import import import_statement
from kentcard.services.statement_match import keyed
from kentcard.store import statements as store
from tests.services.helpers import person, provider, rows

AMOUNT_TEXT = st.text(alphabet="0123456789.-+,£ ()١", max_size=14)
LINE_TEXT = st.text(alphabet="aB c\t\u00a0\u2003É'ß\n\"x", max_size=12)


@given(text=AMOUNT_TEXT)
def test_plain_amounts_read_as_the_money_parser_reads_them(text: str) -> None:
    """Whatever the shortcut reads, `parse_money` reads the same; it declines everything else."""
    pence = plain_pence(text)
    if pence is not None:
        assert parse_money(text).pence == pence


def test_plain_amounts_cover_the_usual_cells() -> None:
    """The cells most statements hold take the shortcut; odd or huge ones go the long way."""
    assert [plain_pence(t) for t in ("12.50", "-12.5", "7", "12.", "-0.01")] == [
        1250,
        -1250,
        700,
        1200,
        -1,
    ]
    for text in ("£1.00", "1,000.00", "+1", ".5", "1.234", "99999999999.00", "١٢"):
        assert plain_pence(text) is None


def _plain_fingerprint(line: StatementLine) -> str:
    """The fingerprint the plain way: regex-folded description and payee, no shortcut."""

    def fold(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip().casefold()

    key = f"{line.date.isoformat()}|{line.amount.pence}|{fold(line.description)}"
    if line.payee:
        key += f"|{fold(line.payee)}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


@given(
    texts=st.lists(
        st.tuples(LINE_TEXT, st.none() | LINE_TEXT, st.none() | st.integers(-999, 999)),
        max_size=30,
    )
)
def test_keys_equal_the_plain_fingerprint(texts: list[tuple[str, str | None, int | None]]) -> None:
    """Fingerprints (with the shortcut for clean text) and occurrences equal the plain way;
    the running balance plays no part."""
    lines = [
        StatementLine(
            n,
            date(2026, 11, 1 + n % 2),
            Money(-5),
            text,
            payee,
            None if balance is None else Money(balance),
        )
        for n, (text, payee, balance) in enumerate(texts)
    ]
    expected, seen = [], {}
    for line in lines:
        fp = _plain_fingerprint(line)
        seen[fp] = seen.get(fp, 0) + 1
        expected.append((fp, seen[fp]))
    assert keyed(lines) == expected


def test_quoted_lines_keep_their_file_line_numbers() -> None:
    """A quoted description over two lines: later lines still carry their own line number."""
    data = b'Date,Description,Amount\n01/11/2026,"TWO\nLINES",-1.00\n02/11/2026,SHOP,-2.00\n'
    parsed = parse_statement(data)
    assert [line.number for line in parsed.lines] == [3, 4]
    plain = parse_statement(b"Date,Description,Amount\n\n01/11/2026,SHOP,-1.00\n")
    assert [line.number for line in plain.lines] == [3]


def test_an_unreadable_amount_still_names_its_line_and_column() -> None:
    """A bad cell after many good ones is refused with its line and column name."""
    body = "".join(f"01/11/2026,SHOP,-{i}.00\n" for i in range(1, 50))
    data = f"Date,Description,Amount\n{body}02/11/2026,SHOP,1.234\n".encode()
    try:
        parse_statement(data)
    except InputError as error:
        assert str(error).startswith("line 51: Amount:")
    else:
        raise AssertionError("a three-decimal amount was accepted")


def test_garbage_collection_is_back_on_after_an_import(ctx: Context) -> None:
    """Collection is paused only during an import, even one refused half-way."""
    rid = person(ctx)
    import_statement(ctx, rid, b"Date,Description,Amount\n01/11/2026,SHOP,-1.00\n")
    assert gc.isenabled()
    with pytest.raises(InputError):
        import_statement(ctx, rid, b"Date,Description,Amount\n01/11/2026,SHOP,1.234\n")
    assert gc.isenabled()
    gc.disable()
    try:
        import_statement(ctx, rid, b"Date,Description,Amount\n02/11/2026,SHOP,-1.00\n")
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


STATEMENT_ONE = """Date,Description,Payee,Amount,Balance
01/11/2026,"CAFÉ ""Ñ"" \\ 1",,-1.50,98.50
01/11/2026,CARD 77,Helping Hands,-20.00,78.50
01/11/2026,CARD 77,Helping Hands,-20.00,58.50
02/11/2026,KCC DIRECT PAYMENT,,250.00,308.50
03/11/2026,SHOP,,-7.25,301.25
04/11/2026,FASTER PAYMENT 8812,,3.00,304.25
"""
STATEMENT_TWO = """Date,Description,Payee,Amount,Balance
01/11/2026,"CAFÉ ""Ñ"" \\ 1",,-1.75,98.25
03/11/2026,SHOP,,-7.25,291.00
05/11/2026,BUS,,-2.00,289.00
"""
TABLES = ("money_out", "money_in", "statement_batch", "statement_line", "audit")
WHEN = {"at", "imported_at", "created_at"}  # the moment each was written: not the same in two runs


def _everything(db: Path) -> dict[str, list[dict[str, object]]]:
    """Every row of the tables an import writes, timestamps left out."""
    out = {}
    with closing(sqlite3.connect(db)) as raw:
        for table in TABLES:
            cursor = raw.execute(f"SELECT * FROM {table} ORDER BY id")
            names = [d[0] for d in cursor.description]
            found = []
            for values in cursor:
                row = {k: v for k, v in zip(names, values, strict=True) if k not in WHEN}
                if table == "audit":
                    row["detail"] = json.loads(str(row["detail"]))
                    for side in ("before", "after"):
                        for key in WHEN & set(row["detail"].get(side) or {}):
                            del row["detail"][side][key]
                found.append(row)
            out[table] = found
    return out


def _imports(ctx: Context) -> None:
    """A manual payment the first statement matches, another deleted (so an id is skipped),
    then two overlapping statements: new money out and in, a payee that is a provider,
    identical lines, a credit left for a decision, and a payment that grew by a tip."""
    rid = person(ctx)
    provider(ctx, rid, "Helping Hands", category="Personal assistant")
    ledger.add_money_out(
        ctx, rid, date=date(2026, 11, 3), amount=Money(725), payee="Shop", origin=Origin.MANUAL
    )
    gone = ledger.add_money_out(ctx, rid, date=date(2026, 10, 1), amount=Money(1), payee="X")
    ledger.delete_money_out(ctx, gone.id)
    import_statement(ctx, rid, STATEMENT_ONE.encode(), filename="one.csv")
    import_statement(ctx, rid, STATEMENT_TWO.encode(), filename="two.csv")


def test_the_bulk_path_writes_what_plain_orm_inserts_write(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same imports, once through the bulk path and once through one ORM object per
    row: the same rows, ids, dates, links and audit record."""
    results = []
    for name, way in (("bulk", store._insert), ("plain", store._orm_insert)):
        monkeypatch.setattr(store, "_insert", way)
        db = tmp_path / name / "kentcard.sqlite3"
        context = open_context(replace(settings, db=str(db)))
        try:
            _imports(context)
        finally:
            context.db.dispose()
        results.append(_everything(db))
    bulk, plain = results
    assert len(bulk["money_out"]) == 5 and len(bulk["statement_line"]) == 8
    assert [r["state"] for r in bulk["statement_line"]].count("decision") == 2
    assert bulk == plain


def test_an_import_has_one_audit_record_naming_the_file_and_what_it_created(
    ctx: Context, db_path: Path
) -> None:
    """One audit line for the import: the file's SHA-256, the counts and the ids created,
    and each created entry tied to its statement line."""
    rid = person(ctx)
    data = STATEMENT_ONE.encode()
    report = import_statement(ctx, rid, data, filename="one.csv")
    audit = rows(db_path, "SELECT entity, entity_id, action, detail FROM audit WHERE id > 1")
    [(entity, batch, action, detail)] = audit
    assert (entity, batch, action) == ("statement_batch", report.batch_id, "create")
    record = json.loads(detail)
    outs = [i for (i,) in rows(db_path, "SELECT id FROM money_out ORDER BY id")]
    ins = [i for (i,) in rows(db_path, "SELECT id FROM money_in ORDER BY id")]
    assert record["sha256"] == hashlib.sha256(data).hexdigest()
    assert (record["money_out_ids"], record["money_in_ids"]) == (outs, ins)
    assert len(outs) == 4 and len(ins) == 1
    counts = ("matched", "created", "needs_decision", "already_imported", "skipped")
    assert {k: record[k] for k in counts} == dict(zip(counts, (0, 5, 1, 0, 0), strict=True))
    assert record["after"]["filename"] == "one.csv" and record["before"] is None
    tied = rows(
        db_path,
        "SELECT money_out_id, money_in_id FROM statement_line WHERE state = 'created' ORDER BY id",
    )
    assert sorted(i for i, _ in tied if i) == outs and [i for _, i in tied if i] == ins
