"""The queries that keep summaries and paged tables fast give the same answers as plain ones.

They run on a database from the benchmark generator (several people, years of history,
invoices part-paid and settled), so each result is checked against a computation by hand
over the raw rows; EXPLAIN QUERY PLAN shows each one reads through its index.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event

from bench.generate import TODAY, Size, generate
from kentcard.core.dates import Month
from kentcard.core.errors import NotFoundError
from kentcard.core.invoices import InvoiceState
from kentcard.core.records import InvoiceStatus, Source
from kentcard.services import browse
from kentcard.services.context import Context
from kentcard.services.maintenance import verify
from kentcard.services.opening import open_context
from kentcard.services.reports import monthly_by_category
from kentcard.services.settings import Settings
from kentcard.services.summary import month_summary
from kentcard.store import invoices as store_invoices
from kentcard.store.engine import url_for

SIZE = Size(3000, 4)
DAYS = (date(2017, 6, 30), date(2026, 10, 1), date(2026, 11, 10), TODAY)


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("scale") / "bench.sqlite3"
    generate(target, SIZE)
    return target


@pytest.fixture
def scale(path: Path, tmp_path: Path) -> Iterator[Context]:
    settings = Settings(db=str(path), exports=tmp_path, clock=lambda: TODAY, keep_daily=0)
    context = open_context(settings)
    yield context
    context.db.dispose()


def rows(path: Path, sql: str, *args: object) -> list[tuple]:  # type: ignore[type-arg]
    with closing(sqlite3.connect(path)) as raw:
        return raw.execute(sql, args).fetchall()


def test_generated_database_passes_verify(path: Path) -> None:
    """The generator's bulk rows keep every rule `kentcard verify` checks (audit lines too)."""
    report = verify(url_for(path))
    assert report.ok, report.problems[:3]
    assert report.checked["money_out"] == SIZE.payments


def test_outstanding_total_matches_invoice_by_invoice(scale: Context, path: Path) -> None:
    """The SQL total owed equals summing max(0, amount - paid by then) over each invoice."""
    people = [r for (r,) in rows(path, "SELECT id FROM recipient")]
    owed_somewhere = False
    with scale.db.read() as session, scale.db.connect() as connection:
        for rid in people:
            for day in DAYS:
                pairs = store_invoices.invoices_with_allocated(
                    session=session, recipient_id=rid, issued_by=day
                )
                by_hand = sum(max(0, (inv.amount - paid).pence) for inv, paid in pairs)
                total = store_invoices.outstanding_total(
                    connection=connection, recipient_id=rid, day=day
                )
                assert total.pence == by_hand
                owed_somewhere |= by_hand > 0
    assert owed_somewhere  # the data has part-paid invoices, so the test can fail


def test_month_summary_on_many_people_equals_hand_sums(scale: Context, path: Path) -> None:
    """Spent, received, balance and categories for each person equal sums over raw rows."""
    month = Month(2026, 10)
    for (rid,) in rows(path, "SELECT id FROM recipient"):
        summary = month_summary(scale, rid, month)
        outs = rows(
            path, "SELECT date, amount_pence, category FROM money_out WHERE recipient_id=?", rid
        )
        ins = rows(
            path,
            "SELECT date, amount_pence, source, category FROM money_in WHERE recipient_id=?",
            rid,
        )
        first, last = month.first.isoformat(), month.last.isoformat()
        spent: dict[str | None, int] = defaultdict(int)
        for day, pence, category in outs:
            if first <= day <= last:
                spent[category] += pence
        for day, pence, source, category in ins:
            if first <= day <= last and source == "refund":
                spent[category] -= pence
        assert summary.spent.pence == sum(spent.values())
        received = summary.received[Source.KCC].pence
        assert received == sum(p for d, p, s, _ in ins if first <= d <= last and s == "kcc")
        balance = sum(p for d, p, _, _ in ins if d <= last) - sum(
            p for d, p, _ in outs if d <= last
        )
        assert summary.balance.pence == balance
        by_category = {line.category: line.spent.pence for line in summary.categories}
        assert by_category["Home care"] == spent.get("Home care", 0)


def test_monthly_report_equals_month_summaries(scale: Context) -> None:
    """The one-query report over a year gives each month's categories as `month_summary`."""
    for report in monthly_by_category(scale, 2, Month(2025, 12), Month(2026, 11)):
        assert report.categories == month_summary(scale, 2, report.month).categories


@pytest.mark.parametrize("sort", ["date", "amount", "payee"])
def test_first_and_last_pages_equal_slices_of_the_full_list(scale: Context, sort: str) -> None:
    """Paging (OFFSET/LIMIT with the id tiebreak) returns exactly the full ordering's slices."""
    everything = browse.money_out_page(scale, 1, browse.Filters(sort=sort), 0, 10**6)
    ids = [p.record.id for p in everything.items]
    assert len(ids) == everything.total == SIZE.big_share and len(set(ids)) == len(ids)
    first = browse.money_out_page(scale, 1, browse.Filters(sort=sort), 0, 100)
    last_offset = (everything.total - 1) // 100 * 100
    last = browse.money_out_page(scale, 1, browse.Filters(sort=sort), last_offset, 100)
    assert [p.record.id for p in first.items] == ids[:100]
    assert [p.record.id for p in last.items] == ids[last_offset:]
    assert first.total == last.total == everything.total


def statements_run(ctx: Context, action) -> list[tuple[str, tuple]]:  # type: ignore[no-untyped-def, type-arg]
    """The SQL (with its parameters) that `action()` sends to the database."""
    seen: list[tuple[str, tuple]] = []  # type: ignore[type-arg]

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, tuple(parameters)))

    event.listen(ctx.db.engine, "before_cursor_execute", capture)
    try:
        action()
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", capture)
    return seen


def test_summary_and_page_queries_read_through_the_indexes(scale: Context, path: Path) -> None:
    """Every query a month summary and a table page send reads money out by its index."""
    sent = statements_run(scale, lambda: month_summary(scale, 1, Month(2026, 11)))
    sent += statements_run(
        scale, lambda: browse.money_out_page(scale, 1, browse.Filters(), 99_900, 100)
    )
    checked = 0
    with closing(sqlite3.connect(path)) as raw:
        for sql, params in sent:
            plan = " | ".join(r[3] for r in raw.execute("EXPLAIN QUERY PLAN " + sql, params))
            assert "SCAN money_out" not in plan and "SCAN invoice" not in plan, (sql, plan)
            if "FROM money_out" in sql and "money_out.date" in sql:
                assert "ix_money_out_recipient_date" in plan, (sql, plan)
                checked += 1
    assert checked >= 3  # the month's spending, the balance, the page and its count


def invoice_states_by_hand(scale: Context, rid: int) -> list[InvoiceState]:
    """Every invoice with all that is allocated to it, from the plain whole-list query."""
    with scale.db.read() as session:
        pairs = store_invoices.invoices_with_allocated(session=session, recipient_id=rid)
    return [InvoiceState(invoice, paid, TODAY) for invoice, paid in pairs]


def has_status(state: InvoiceState, status: str | None) -> bool:
    if status is None:
        return True
    if status == "open":
        return state.outstanding.pence > 0
    if status == "overdue":
        return state.overdue
    return bool(state.status.value == status)


SORT_KEYS = {
    "date": lambda s: s.invoice.issue_date,
    "amount": lambda s: s.invoice.amount.pence,
    "provider": lambda s: s.invoice.provider_name.lower(),
    "number": lambda s: s.invoice.number,
    "due": lambda s: s.invoice.due_date,
    "outstanding": lambda s: s.outstanding.pence,
}


@pytest.mark.parametrize("status", [None, *browse.INVOICE_STATUSES])
def test_invoice_pages_equal_the_whole_list_filtered_and_sorted(
    scale: Context, status: str | None
) -> None:
    """Status filters, sorts, counts and what is allocated equal a computation by hand."""
    for rid in (1, 2):
        states = [s for s in invoice_states_by_hand(scale, rid) if has_status(s, status)]
        for sort, key in SORT_KEYS.items():
            for descending in (False, True):
                expected = sorted(states, key=lambda s: (key(s), s.invoice.id), reverse=descending)
                filters = browse.Filters(choice=status, sort=sort, descending=descending)
                page = browse.invoice_page(scale, rid, filters, 0, 10**6)
                assert page.total == len(expected)
                assert [(s.invoice.id, s.allocated) for s in page.items] == [
                    (s.invoice.id, s.allocated) for s in expected
                ]
                near_end = max(0, len(expected) - 7)
                tail = browse.invoice_page(scale, rid, filters, near_end, 5)
                assert [s.invoice.id for s in tail.items] == [
                    s.invoice.id for s in expected[near_end : near_end + 5]
                ]
    statuses = {s.status for s in invoice_states_by_hand(scale, 1)}
    assert {InvoiceStatus.PAID, InvoiceStatus.PART_PAID} <= statuses  # both kinds occur


def test_invoice_pages_sum_allocations_through_their_index(scale: Context, path: Path) -> None:
    """An open-invoices page and its count read one person's invoices and their allocations
    by index, never the whole allocation table."""
    filters = browse.Filters(choice="open", descending=False)
    sent = statements_run(scale, lambda: browse.invoice_page(scale, 1, filters, 0, 20))
    sent += statements_run(scale, lambda: browse.invoice_page(scale, 1, browse.Filters(), 0, 100))
    assert len(sent) == 4
    with closing(sqlite3.connect(path)) as raw:
        for sql, params in sent:
            plan = " | ".join(r[3] for r in raw.execute("EXPLAIN QUERY PLAN " + sql, params))
            assert "SCAN allocation" not in plan and "SCAN invoice" not in plan, (sql, plan)
            assert "ix_invoice_recipient_issue" in plan, (sql, plan)
            if "allocation" in sql:
                assert "ix_allocation_invoice_id" in plan, (sql, plan)


@pytest.mark.parametrize("limit", [1, 20, 10**6])
def test_open_invoices_not_yet_due_equal_the_whole_list_filtered(
    scale: Context, limit: int
) -> None:
    """The home screen's unpaid invoices: open, not overdue, oldest first, as by hand."""
    seen = 0
    for rid in (1, 2, 3):
        expected = [
            s
            for s in invoice_states_by_hand(scale, rid)
            if s.outstanding.pence > 0 and not s.overdue
        ]
        expected.sort(key=lambda s: (s.invoice.issue_date, s.invoice.id))
        found = browse.open_not_overdue(scale, rid, limit)
        assert [(s.invoice.id, s.allocated) for s in found] == [
            (s.invoice.id, s.allocated) for s in expected[:limit]
        ]
        seen += len(found)
    assert seen  # the data has invoices still to pay that are not yet due


def ids_of(page: browse.Page) -> list[int]:  # type: ignore[type-arg]
    return [
        getattr(item, "record", getattr(item, "invoice", item)).id  # payment, invoice, others
        for item in page.items
    ]


READERS = {
    "money out": browse.money_out_page,
    "money in": browse.money_in_page,
    "invoices": browse.invoice_page,
    "providers": browse.provider_page,
    "evidence": browse.document_page,
}
FILTERS = {
    "money out": [
        browse.Filters(),
        browse.Filters(sort="amount", descending=False),
        browse.Filters(sort="payee"),
        browse.Filters(sort="category", descending=False),
        browse.Filters(text="care", sort="date", descending=False),
        browse.Filters(month=Month(2024, 3), choice="Home care"),
    ],
    "money in": [browse.Filters(), browse.Filters(sort="source", descending=False)],
    "invoices": [
        browse.Filters(),
        browse.Filters(sort="provider", descending=False),
        browse.Filters(choice="paid", sort="outstanding"),
    ],
    "providers": [browse.Filters(sort="name", descending=False), browse.Filters(sort="rate")],
    "evidence": [browse.Filters(sort="added"), browse.Filters(sort="name", descending=False)],
}


@pytest.mark.parametrize("table", list(READERS))
def test_every_page_and_the_last_page_equal_slices_of_the_whole_list(
    scale: Context, table: str
) -> None:
    """Pages read forwards or, past the middle, backwards in the reverse order, and the last
    page asked for without knowing where it starts, are each the whole list's slice."""
    read = READERS[table]
    checked = 0
    for filters in FILTERS[table]:
        whole = read(scale, 1, filters, 0, 10**6)
        ids = ids_of(whole)
        assert len(ids) == whole.total and len(set(ids)) == len(ids)
        for size in (7, 100):
            for start in sorted({0, size, len(ids) // 2, len(ids) - size - 1, len(ids) - 1}):
                if start < 0:
                    continue
                page = read(scale, 1, filters, start, size)
                assert ids_of(page) == ids[start : start + size], (filters, start, size)
                assert (page.total, page.offset) == (len(ids), start)
                checked += 1
            last = read(scale, 1, filters, None, size)
            expected_start = (len(ids) - 1) // size * size if ids else 0
            assert last.offset == expected_start
            assert ids_of(last) == ids[expected_start:]
            assert last.total == len(ids)
    assert checked > 4 * len(FILTERS[table])


def test_the_last_page_of_payments_reads_backwards_through_the_index(
    scale: Context, path: Path
) -> None:
    """The last page is the first page of the reverse order: no OFFSET over every row, and
    the person's payments are walked in the index's order (no sorting of all of them)."""
    sent = statements_run(
        scale, lambda: browse.money_out_page(scale, 1, browse.Filters(), None, 100)
    )
    pages = [(sql, params) for sql, params in sent if "LIMIT" in sql]
    assert len(pages) == 1
    sql, params = pages[0]
    assert params[-1] == 0  # OFFSET 0: the rows are read from the far end
    with closing(sqlite3.connect(path)) as raw:
        plan = " | ".join(r[3] for r in raw.execute("EXPLAIN QUERY PLAN " + sql, params))
    assert "ix_money_out_recipient_date" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_one_invoice_by_id_equals_its_line_in_the_whole_list(scale: Context) -> None:
    """Opening an invoice (from Home or Review) reads that invoice alone, with the same
    amount allocated as the whole list gives it; another person's invoice is not found."""
    states = invoice_states_by_hand(scale, 1)
    for state in states[:: max(1, len(states) // 40)] + states[-3:]:
        found = browse.invoice_by_id(scale, 1, state.invoice.id)
        assert (found.invoice, found.allocated) == (state.invoice, state.allocated)
    theirs = invoice_states_by_hand(scale, 2)[0].invoice.id
    with pytest.raises(NotFoundError):
        browse.invoice_by_id(scale, 1, theirs)
