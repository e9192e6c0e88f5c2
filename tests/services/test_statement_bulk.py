"""The import's fast paths give exactly what the plain way gives: amounts, keys, audit text."""

from __future__ import annotations

import gc
import hashlib
import json
import re
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentcard.core.errors import InputError
from kentcard.core.money import Money, parse_money
from kentcard.importers.statement import StatementLine, parse_statement
from kentcard.importers.values import plain_pence
from kentcard.services import statement_import
from kentcard.services.context import Context
from kentcard.services.statement_import import import_statement
from kentcard.services.statement_match import keyed
from kentcard.store import statements as store
from tests.services.helpers import person, rows

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


VALUE = st.one_of(
    st.none(),
    st.integers(),
    st.text(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.dates(),
)


EXTRA = st.dictionaries(st.text().filter(lambda k: k not in ("before", "after")), VALUE)


@given(values=st.lists(st.tuples(VALUE, VALUE, VALUE), max_size=5), extra=EXTRA)
def test_bulk_audit_detail_is_what_json_dumps_writes(
    values: list[tuple[object, object, object]], extra: dict[str, object]
) -> None:
    """The templated audit detail is `json.dumps(..., sort_keys=True, default=str)`, exactly."""
    columns = ("payee", "amount_pence", "100%")
    ids = list(range(1, len(values) + 1))
    made = store.audit_rows("money_out", ids, columns, values, 3, extra)
    assert len(made) == len(values)
    for entity_id, row, audit in zip(ids, values, made, strict=True):
        after = dict(zip(("id", *columns), (entity_id, *row), strict=True))
        detail = {"before": None, "after": after, **extra}
        assert audit[1:5] == (3, "money_out", entity_id, "create")
        assert audit[5] == json.dumps(detail, sort_keys=True, default=str)


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


def test_imported_audit_lines_describe_the_stored_entries(ctx: Context, db_path: Path) -> None:
    """Each created entry's audit line holds exactly the entry's stored columns."""
    rid = person(ctx)
    data = (
        'Date,Description,Amount\n01/11/2026,"CAFÉ ""Ñ"" \\ 1",-1.50\n02/11/2026,KCC,250.00\n'
    ).encode()
    import_statement(ctx, rid, data)
    for table, entity in (("money_out", "money_out"), ("money_in", "money_in")):
        (entry,) = rows(db_path, f"SELECT * FROM {table}")
        names = [r[1] for r in rows(db_path, f"PRAGMA table_info({table})")]
        (detail,) = rows(db_path, "SELECT detail FROM audit WHERE entity = ?", (entity,))
        assert json.loads(detail[0])["after"] == dict(zip(names, entry, strict=True))


@given(
    rows=st.lists(st.tuples(st.integers(-(2**63), 2**63 - 1), st.none() | st.text()), max_size=40),
    variables=st.integers(1, 20),
)
def test_multi_row_inserts_store_what_executemany_stores(
    rows: list[tuple[int, str | None]], variables: int
) -> None:
    """Rows inserted a few per statement are the rows, in the order, one per statement gives."""
    with closing(sqlite3.connect(":memory:")) as db:
        for name in ("one", "many"):
            db.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY AUTOINCREMENT, a, b)")
        db.executemany("INSERT INTO one (a, b) VALUES (?, ?)", rows)
        for sql, params in store._multi_row_inserts("many", ("a", "b"), rows, variables):
            db.execute(sql, params)
        assert (
            db.execute("SELECT * FROM one").fetchall()
            == db.execute("SELECT * FROM many").fetchall()
        )


def test_a_row_of_the_wrong_width_is_refused() -> None:
    """A row with a value too many is an error, never values shifted into the next row."""
    with pytest.raises(ValueError, match="3 values"):
        list(store._multi_row_inserts("t", ("a", "b", "c"), [(1, 2, 3), (4, 5, 6, 7)], 99))


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


def test_audit_lines_made_in_parts_are_one_per_entry_in_order(
    ctx: Context, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Audit lines written a few at a time: one per entry, money out then in then the batch."""
    monkeypatch.setattr(statement_import, "_AUDIT_CHUNK", 3)
    rid = person(ctx)
    body = "".join(f"0{1 + i % 9}/11/2026,SHOP {i},-{i + 1}.00\n" for i in range(10))
    body += "".join(f"0{1 + i % 9}/11/2026,KCC {i},{i + 1}.00\n" for i in range(4))
    import_statement(ctx, rid, f"Date,Description,Amount\n{body}".encode())
    audit = rows(db_path, "SELECT entity, entity_id, detail FROM audit WHERE action = 'create'")
    made = [(entity, entity_id) for entity, entity_id, _ in audit if entity != "recipient"]
    outs = rows(db_path, "SELECT id FROM money_out ORDER BY id")
    ins = rows(db_path, "SELECT id FROM money_in ORDER BY id")
    batch = rows(db_path, "SELECT id FROM statement_batch")
    assert made == [("money_out", i) for (i,) in outs] + [("money_in", i) for (i,) in ins] + [
        ("statement_batch", b) for (b,) in batch
    ]
    details = {(e, i): json.loads(d) for e, i, d in audit}
    assert [details["money_out", i]["after"]["id"] for (i,) in outs] == [i for (i,) in outs]
