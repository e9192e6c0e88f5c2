"""The bulk reads of a review period (plain Core queries, no ORM object per row) equal the
plain way: the ORM reads of the same kinds, worked out in Python, on a generated database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

import pytest

from bench.generate import TODAY, Size, generate
from kentcard.core.dates import Month
from kentcard.services.context import Context
from kentcard.services.opening import open_context
from kentcard.services.settings import Settings
from kentcard.store import documents, invoices, ledger

START, END = date(2025, 3, 15), date(2026, 11, 10)


@pytest.fixture(scope="module")
def scale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    folder = tmp_path_factory.mktemp("bulk")
    target = folder / "bench.sqlite3"
    generate(target, Size(2000, 2))
    settings = Settings(db=str(target), exports=folder, clock=lambda: TODAY, keep_daily=0)
    context = open_context(settings)
    yield context
    context.db.dispose()


@pytest.mark.parametrize("rid", [1, 2])
def test_period_lines_equal_the_orm_reads(scale: Context, rid: int) -> None:
    with scale.db.read() as session:
        lines = ledger.money_out_lines(session=session, recipient_id=rid, start=START, end=END)
        plain = ledger.money_out(session=session, recipient_id=rid, start=START, end=END)
        page = ledger.money_out_page(
            session=session, recipient_id=rid, offset=0, limit=10**6, start=START, end=END,
            sort="date", descending=False,
        )  # fmt: skip
        received = ledger.money_in_records(session=session, recipient_id=rid)
        every_in = ledger.money_in(session=session, recipient_id=rid)
        invoice_lines = invoices.invoice_lines(session=session, recipient_id=rid, issued_by=END)
        states = invoices.invoices_with_allocated(session=session, recipient_id=rid, issued_by=END)
        allocation_lines = invoices.allocation_lines(session=session, recipient_id=rid, paid_by=END)
        document_lines = documents.document_lines(session=session, recipient_id=rid)
        every_document = documents.documents(session=session, recipient_id=rid)
    assert plain, "the generated database has payments in the period"
    assert [(x.id, x.date, x.pence, x.payee, x.category, x.evidence_note) for x in lines] == [
        (m.id, m.date, m.amount.pence, m.payee, m.category, m.evidence_note) for m in plain
    ]
    assert all(type(x.date) is date for x in lines)
    assert [x.evidenced for x in lines] == [evidenced for _, evidenced in page]
    assert received == every_in
    assert [(x.id, x.provider_name, x.number, x.issue_date, x.pence) for x in invoice_lines] == [
        (i.id, i.provider_name, i.number, i.issue_date, i.amount.pence) for i, _ in states
    ]
    paid: dict[int, int] = defaultdict(int)
    for allocation in allocation_lines:
        assert allocation.paid_on <= END
        paid[allocation.invoice_id] += allocation.pence
    assert {i.id: p.pence for i, p in states if p.pence} == dict(paid)
    assert [(d.id, d.sha256, d.size, d.links) for d in document_lines] == [
        (d.id, d.sha256, d.size, d.links) for d in every_document
    ]


@pytest.mark.parametrize("rid", [1, 2])
def test_month_totals_equal_sums_of_the_orm_reads(scale: Context, rid: int) -> None:
    with scale.db.read() as session:
        totals = ledger.month_totals(session=session, recipient_id=rid, start=START, end=END)
        paid = ledger.money_out(session=session, recipient_id=rid, start=START, end=END)
        got = ledger.money_in(session=session, recipient_id=rid, start=START, end=END)
    out: dict[Month, int] = defaultdict(int)
    received: dict[Month, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for m in paid:
        out[Month.of(m.date)] += m.amount.pence
    for r in got:
        received[Month.of(r.date)][r.source.value] += r.amount.pence
    assert dict(totals.out) == dict(out)
    assert {k: dict(v) for k, v in totals.received.items()} == {
        k: dict(v) for k, v in received.items()
    }
