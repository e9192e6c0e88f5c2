"""`review` reads only the invoices a finding can be about; its findings equal the plain way's.

The plain way reads the whole period (every invoice issued by the end and every allocation)
and works the findings out in memory (`findings_in`, as the export does). Both run on a
database from the benchmark generator, with some invoices changed by hand so that every
invoice finding occurs: unpaid long ago, overpaid, hours × rate wrong, paid after the end.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from bench.generate import TODAY, Size, generate
from kentcard.core.dates import Month
from kentcard.services.context import Context
from kentcard.services.opening import open_context
from kentcard.services.period import read_period
from kentcard.services.review import (
    Kind,
    balance_findings,
    default_period,
    findings_in,
    review,
    review_order,
)
from kentcard.services.settings import Settings

PEOPLE = (1, 2, 3)
PERIODS = (
    (Month(2026, 11).first, TODAY),  # the home screen's 'this month'
    (Month(2026, 11).first, Month(2026, 11).last),  # ends after today
    (Month(2026, 10).first, Month(2026, 10).last),
    (Month(2019, 3).first, Month(2019, 3).last),
    (date(2020, 1, 1), date(2021, 6, 30)),
    (Month(2027, 1).first, Month(2027, 3).last),  # all in the future
)


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("review-sql") / "bench.sqlite3"
    generate(target, Size(3000, 4))
    with closing(sqlite3.connect(target)) as raw, raw:
        for rid in PEOPLE:
            ids = [
                i
                for (i,) in raw.execute(
                    "SELECT id FROM invoice WHERE recipient_id = ? ORDER BY id", (rid,)
                )
            ]
            # Never paid: old ones, so they are overdue in every later period.
            raw.execute(
                f"DELETE FROM allocation WHERE invoice_id IN ({','.join('?' * 4)})", ids[5:9]
            )
            # Overpaid (paid more than asked), in an early month and a recent one.
            for i in (ids[20], ids[-3]):
                raw.execute("UPDATE invoice SET amount_pence = 500 WHERE id = ?", (i,))
            # Hours × rate that does not equal the amount, and one that does.
            raw.execute(
                "UPDATE invoice SET hours_centi = 1000, rate_pence = 1500 WHERE id = ?",
                (ids[30],),
            )
            raw.execute(
                "UPDATE invoice SET hours_centi = 100, rate_pence = amount_pence WHERE id = ?",
                (ids[31],),
            )
            # Paid only years after it was due: unpaid as the earlier periods saw it.
            raw.execute(
                "UPDATE money_out SET date = '2022-02-02' WHERE id IN "
                "(SELECT money_out_id FROM allocation WHERE invoice_id = ?)",
                (ids[40],),
            )
    return target


@pytest.fixture
def scale(path: Path, tmp_path: Path) -> Iterator[Context]:
    settings = Settings(db=str(path), exports=tmp_path, clock=lambda: TODAY, keep_daily=0)
    context = open_context(settings)
    yield context
    context.db.dispose()


def the_plain_way(ctx: Context, rid: int, start: date, end: date) -> list:  # type: ignore[type-arg]
    found = findings_in(read_period(ctx, rid, start, end))
    return sorted(found + balance_findings(ctx, rid, start, end), key=review_order)


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_review_equals_the_whole_period_worked_out_in_memory(
    scale: Context, start: date, end: date
) -> None:
    for rid in PEOPLE:
        assert review(scale, rid, start, end) == the_plain_way(scale, rid, start, end)


def test_whole_history_review_equals_the_plain_way_and_finds_every_invoice_kind(
    scale: Context,
) -> None:
    kinds: set[Kind] = set()
    for rid in PEOPLE:
        start, end = default_period(scale, rid)
        found = review(scale, rid, start, end)
        assert found == the_plain_way(scale, rid, start, end)
        kinds |= {f.kind for f in found}
    # The data holds each kind the invoice reading decides, so the comparison can fail.
    assert {Kind.OVERDUE_INVOICE, Kind.OVERPAID_INVOICE, Kind.HOURS_MISMATCH} <= kinds
