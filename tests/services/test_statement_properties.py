"""Import properties: re-import is idempotent; overlapping statements never duplicate."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kentcard.services.context import Context
from kentcard.services.statement_import import import_statement
from tests.services.helpers import person, rows

START = date(2026, 11, 1)
_people = itertools.count()

# A day's lines: small amounts and few payees, so identical lines on one day are common.
line = st.tuples(st.sampled_from(["BUS", "SHOP", "KCC"]), st.integers(-300, 300).filter(bool))
days = st.lists(st.lists(line, min_size=1, max_size=4), min_size=1, max_size=8)
PROPERTY = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def csv_for(day_lines: list[list[tuple[str, int]]], first: int, last: int, flip: bool) -> bytes:
    """Whole days first..last as a CSV statement, newest first when `flip`."""
    out = []
    for offset in range(first, last + 1):
        day = START + timedelta(days=offset)
        for text, pence in day_lines[offset]:
            sign = "-" if pence < 0 else ""
            out.append(f"{day:%d/%m/%Y},{text},{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}")
    if flip:
        out.reverse()
    return ("Date,Description,Amount\n" + "\n".join(out) + "\n").encode()


def entries(db_path: Path, rid: int) -> int:
    return sum(
        rows(db_path, f"SELECT count(*) FROM {t} WHERE recipient_id = ?", (rid,))[0][0]
        for t in ("money_in", "money_out")
    )


@PROPERTY
@given(day_lines=days)
def test_reimport_is_idempotent(ctx: Context, db_path: Path, day_lines: list) -> None:  # type: ignore[type-arg]
    """Importing one statement twice leaves exactly one entry per line."""
    rid = person(ctx, name=f"P{next(_people)}")
    data = csv_for(day_lines, 0, len(day_lines) - 1, False)
    import_statement(ctx, rid, data)
    second = import_statement(ctx, rid, data)
    total = sum(len(d) for d in day_lines)
    assert second.counts["already imported"] == total
    assert entries(db_path, rid) == total


@PROPERTY
@given(day_lines=days, data=st.data())
def test_overlapping_statements_in_any_order_never_duplicate(
    ctx: Context,
    db_path: Path,
    day_lines: list,  # type: ignore[type-arg]
    data: st.DataObject,
) -> None:
    """Several overlapping statements, imported in a shuffled order, give one entry per line."""
    rid = person(ctx, name=f"P{next(_people)}")
    last = len(day_lines) - 1
    windows = data.draw(
        st.lists(
            st.tuples(st.integers(0, last), st.integers(0, last), st.booleans()),
            min_size=1,
            max_size=4,
        )
    )
    windows.append((0, last, False))  # together they cover every day
    for first, end, flip in data.draw(st.permutations(windows)):
        lo, hi = min(first, end), max(first, end)
        import_statement(ctx, rid, csv_for(day_lines, lo, hi, flip))
    assert entries(db_path, rid) == sum(len(d) for d in day_lines)
