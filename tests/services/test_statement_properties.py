"""Import properties: the ledger a statement leaves depends on its lines, never on their order.

For any statement, any permutation of its lines, and any split of it into overlapping files
imported in any order, leave the same ledger as the sorted file imported once; importing
twice adds nothing; no line dated in a locked period is ever written by an import.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kentcard.core.errors import ConflictError
from kentcard.core.money import Money
from kentcard.services import ledger, period_lock
from kentcard.services.context import Context
from kentcard.services.statement_import import import_statement
from tests.services.helpers import monthly_plan, person, rows

START = date(2026, 11, 1)
_people = itertools.count()

# A day's lines: few texts and small amounts, so identical lines on one day are common;
# "KCC" credits of the plan's amount are the council's, other credits wait for a decision.
line = st.tuples(
    st.sampled_from(["BUS", "SHOP", "KCC", "TESCO"]),
    st.sampled_from([-1250, -300, -5, 5, 300, 100000]),
)
days = st.lists(st.lists(line, min_size=1, max_size=4), min_size=1, max_size=8)
# Entries logged by hand before any import: (day, pence paid out).
manual = st.lists(st.tuples(st.integers(0, 7), st.sampled_from([1250, 300, 5])), max_size=3)
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
Line = tuple[date, str, int, int]  # date, text, pence, running balance after it


def statement_lines(day_lines: list[list[tuple[str, int]]]) -> list[Line]:
    """Every line in date order with the card's running balance (opening £500)."""
    out, balance = [], 50000
    for offset, lines in enumerate(day_lines):
        for text, pence in lines:
            balance += pence
            out.append((START + timedelta(days=offset), text, pence, balance))
    return out


def plain(pence: int) -> str:
    return f"{'-' if pence < 0 else ''}{abs(pence) // 100}.{abs(pence) % 100:02d}"


def csv_of(lines: list[Line]) -> bytes:
    body = "".join(
        f"{day:%d/%m/%Y},{text},{plain(pence)},{plain(balance)}\n"
        for day, text, pence, balance in lines
    )
    return ("Date,Description,Amount,Balance\n" + body).encode()


def account(ctx: Context, entries: list[tuple[int, int]]) -> int:
    """A fresh person with a plan and the hand-logged entries."""
    rid = person(ctx, name=f"P{next(_people)}")
    monthly_plan(ctx, rid, council=100000, contribution=8400, start=START)
    for offset, pence in entries:
        ledger.add_money_out(
            ctx, rid, date=START + timedelta(days=offset), amount=Money(pence), payee="Shop"
        )
    return rid


def ledger_of(db_path: Path, rid: int) -> tuple[list[tuple[object, ...]], ...]:
    """What the person's ledger holds, ids left out: entries and statement lines."""
    spent = "SELECT date, amount_pence, payee, description, origin FROM money_out"
    received = "SELECT date, amount_pence, source, note, origin FROM money_in"
    lines = "SELECT date, amount_pence, description, state FROM statement_line"
    return tuple(
        sorted(rows(db_path, f"{sql} WHERE recipient_id = ?", (rid,)))
        for sql in (spent, received, lines)
    )


@PROPERTY
@given(day_lines=days, logged=manual, data=st.data())
def test_any_permutation_leaves_the_ledger_of_the_sorted_file(
    ctx: Context,
    db_path: Path,
    day_lines: list,  # type: ignore[type-arg]
    logged: list[tuple[int, int]],
    data: st.DataObject,
) -> None:
    """The lines in any order give the same ledger and the same balance check as sorted."""
    lines = statement_lines(day_lines)
    sorted_rid, shuffled_rid = account(ctx, logged), account(ctx, logged)
    expected = import_statement(ctx, sorted_rid, csv_of(lines))
    shuffled = data.draw(st.permutations(lines))
    got = import_statement(ctx, shuffled_rid, csv_of(shuffled))
    assert ledger_of(db_path, shuffled_rid) == ledger_of(db_path, sorted_rid)
    assert got.counts == expected.counts
    assert got.balance == expected.balance


@PROPERTY
@given(day_lines=days, data=st.data())
def test_overlapping_files_in_any_order_leave_the_ledger_of_the_whole(
    ctx: Context,
    db_path: Path,
    day_lines: list,  # type: ignore[type-arg]
    data: st.DataObject,
) -> None:
    """Overlapping downloads (whole days each), shuffled and imported in any order, leave
    the ledger of the whole statement imported once.

    (With entries logged by hand, which line of which file takes an entry that lines in
    two files could each match depends on which file comes first, so none here.)
    """
    lines = statement_lines(day_lines)
    whole_rid, split_rid = account(ctx, []), account(ctx, [])
    import_statement(ctx, whole_rid, csv_of(lines))
    last = len(day_lines) - 1
    cuts = data.draw(st.lists(st.integers(0, last), max_size=3).map(sorted))
    bounds = [0, *cuts, last]
    # Consecutive files overlap by a day at least, and together cover every day.
    windows = [(bounds[i], max(bounds[i + 1], bounds[i])) for i in range(len(bounds) - 1)]
    windows += data.draw(st.lists(st.tuples(st.integers(0, last), st.integers(0, last))))
    for lo, hi in data.draw(st.permutations(windows)):
        lo, hi = min(lo, hi), max(lo, hi)
        part = [x for x in lines if lo <= (x[0] - START).days <= hi]
        import_statement(ctx, split_rid, csv_of(data.draw(st.permutations(part))))
    assert ledger_of(db_path, split_rid) == ledger_of(db_path, whole_rid)


@PROPERTY
@given(day_lines=days, data=st.data())
def test_reimport_adds_nothing(
    ctx: Context,
    db_path: Path,
    day_lines: list,  # type: ignore[type-arg]
    data: st.DataObject,
) -> None:
    """Importing a statement again, in another order, leaves the ledger as it was."""
    lines = statement_lines(day_lines)
    rid = account(ctx, [])
    import_statement(ctx, rid, csv_of(lines))
    before = ledger_of(db_path, rid)
    again = import_statement(ctx, rid, csv_of(data.draw(st.permutations(lines))))
    assert again.counts["already imported"] == len(lines)
    assert ledger_of(db_path, rid) == before


@PROPERTY
@given(day_lines=days, locked_day=st.integers(0, 7), data=st.data())
def test_no_import_writes_into_a_locked_period(
    ctx: Context,
    db_path: Path,
    day_lines: list,  # type: ignore[type-arg]
    locked_day: int,
    data: st.DataObject,
) -> None:
    """Whatever the order of the lines, nothing dated on or before the lock is written."""
    lines = statement_lines(day_lines)
    rid = account(ctx, [])
    limit = START + timedelta(days=locked_day)
    period_lock.lock_period(ctx, rid, limit)
    counted = [
        f"SELECT count(*) FROM {table} WHERE recipient_id = ? AND date <= ?"
        for table in ("money_in", "money_out", "statement_line")
    ]
    before = [rows(db_path, sql, (rid, limit.isoformat())) for sql in counted]
    shuffled = data.draw(st.permutations(lines))
    if any(day <= limit for day, *_ in lines):
        with pytest.raises(ConflictError, match="is in a reviewed period"):
            import_statement(ctx, rid, csv_of(shuffled))
    else:
        import_statement(ctx, rid, csv_of(shuffled))
    assert [rows(db_path, sql, (rid, limit.isoformat())) for sql in counted] == before
