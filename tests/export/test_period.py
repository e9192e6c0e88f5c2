"""The period read in one go (one grouped query for the months) gives the app's own figures.

Whole months are checked against `month_summary` (what `kentcard budget` shows); months the
period covers only in part against the same queries over just the period's days.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd

from kentcard.core import budget as rules
from kentcard.core.dates import Month
from kentcard.core.money import Money
from kentcard.services.context import Context
from kentcard.services.export import Format, export
from kentcard.services.ledger import add_money_out
from kentcard.services.period import month_spans, read_period
from kentcard.services.plans import list_plans
from kentcard.services.review import KIND_WORDS, Kind, review
from kentcard.services.summary import month_summary
from kentcard.store import invoices as store_invoices
from kentcard.store import ledger as store_ledger
from tests.export.ledger import END, START, Ledger
from tests.services.helpers import monthly_plan, person


def test_whole_months_equal_month_summary(ctx: Context, ledger: Ledger) -> None:
    """Budget, spent, received by source and closing balance of each month equal the summary."""
    period = read_period(ctx, ledger.rid, START, END)
    months = [Month(2026, m) for m in range(5, 11)]
    assert [line.month for line in period.months] == months
    for line, month in zip(period.months, months, strict=True):
        summary = month_summary(ctx, ledger.rid, month)
        assert not line.partial and line.label() == month.label()
        assert (line.budget, line.spent, line.balance) == (
            summary.budget,
            summary.spent,
            summary.balance,
        ), month
        assert line.received == summary.received, month


def test_period_reaching_past_today_ends_on_todays_balance(ctx: Context, ledger: Ledger) -> None:
    """A period ending after today: its last month's balance is today's, as the summary's."""
    period = read_period(ctx, ledger.rid, date(2026, 10, 1), date(2026, 11, 30))
    november = month_summary(ctx, ledger.rid, Month(2026, 11))
    assert period.months[-1].balance == november.balance
    assert period.as_at == date(2026, 11, 25) == november.balance_on
    assert period.outstanding(period.as_at) == november.outstanding_invoices
    assert period.retained == november.retained


def test_part_months_count_only_the_periods_days(ctx: Context, ledger: Ledger) -> None:
    """10 May – 20 Oct: the first and last months cover only those days, budget prorated."""
    start, end = date(2026, 5, 10), date(2026, 10, 20)
    period = read_period(ctx, ledger.rid, start, end)
    plans = list_plans(ctx, ledger.rid)
    assert month_spans(start, end)[0] == (start, date(2026, 5, 31))
    assert [m.label(short=True) for m in (period.months[0], period.months[-1])] == [
        "May 2026 (10–31)",
        "Oct 2026 (1–20)",
    ]
    with ctx.db.connect() as connection:  # the reads `kentcard budget` makes, over those days
        for line in period.months:
            spent = store_ledger.spent_by_category(
                connection=connection, recipient_id=ledger.rid, start=line.first, end=line.last
            )
            received = store_ledger.received_by_source(
                connection=connection, recipient_id=ledger.rid, start=line.first, end=line.last
            )
            balance = store_ledger.balance_on(
                connection=connection, recipient_id=ledger.rid, day=line.last
            )
            assert line.spent == Money(sum(m.pence for m in spent.values())), line.first
            assert {s.value: v for s, v in line.received.items() if v} == received, line.first
            assert line.balance == balance, line.first
            assert line.budget == rules.budget_between(plans, line.first, line.last)
    # May: 22 of 31 days of a four-weekly £1,084 plan: 108400 × 13/12 × 22/31 = 83339.78 → 83340
    assert period.months[0].budget == Money(83_340)


def test_outstanding_equals_the_sql_total_on_every_day(ctx: Context, ledger: Ledger) -> None:
    """What is owed, worked out from the period's invoices and payments, equals the SQL sum."""
    period = read_period(ctx, ledger.rid, START, END)
    with ctx.db.connect() as connection:
        for day in (date(2026, 5, 31), date(2026, 10, 13), date(2026, 10, 21), END):
            expected = store_invoices.outstanding_total(
                connection=connection, recipient_id=ledger.rid, day=day
            )
            assert period.outstanding(day) == expected, day


def test_workbook_for_part_months_labels_them_and_sums_their_days(
    ctx: Context, ledger: Ledger, tmp_path: Path
) -> None:
    """The Budget sheet shows `May 2026 (10–31)`, real From/To dates and prorated budgets."""
    start, end = date(2026, 5, 10), date(2026, 10, 20)
    path = export(ctx, ledger.rid, start, end, Format.XLSX, tmp_path / "part.xlsx")
    frame = pd.read_excel(path, sheet_name="Budget by month").iloc[:-1].infer_objects()
    period = read_period(ctx, ledger.rid, start, end)
    assert [d.date() for d in frame["From"]] == [m.first for m in period.months]
    assert [d.date() for d in frame["To"]] == [m.last for m in period.months]
    assert [round(v * 100) for v in frame["Budget"]] == [m.budget.pence for m in period.months]
    ws = openpyxl.load_workbook(path)["Budget by month"]
    assert ws["A2"].number_format == 'mmm yyyy" (10–31)"' and ws["A2"].is_date
    assert ws["A3"].number_format == "mmm yyyy"
    assert ws[f"A{len(period.months) + 1}"].number_format == 'mmm yyyy" (1–20)"'
    spent = pd.read_excel(path, sheet_name="Money out")["Amount"].iloc[:-1].sum()
    refunds = pd.read_excel(path, sheet_name="Money in").query("Source == 'Refund'")["Amount"]
    assert round((spent - refunds.sum()) * 100) == round(frame["Spent"].sum() * 100)


def test_overspent_judges_a_part_month_on_its_own_days(ctx: Context) -> None:
    """Reviewing 1–15 Nov: £450 spent against the days' budget of £250 is overspent by £200,
    as the workbook's Budget by month row shows it (a negative Remaining is always a finding)."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 50_000, start=date(2026, 10, 1))
    add_money_out(ctx, rid, date=date(2026, 11, 3), amount=Money(20_000), payee="Agency")
    start, end = date(2026, 11, 1), date(2026, 11, 15)
    [line] = read_period(ctx, rid, start, end).months
    assert (line.budget, line.spent) == (Money(25_000), Money(20_000))  # 50000 × 15/30
    assert [f for f in review(ctx, rid, start, end) if f.kind is Kind.OVERSPENT] == []
    add_money_out(ctx, rid, date=date(2026, 11, 10), amount=Money(25_000), payee="Agency")
    found = [f for f in review(ctx, rid, start, end) if f.kind is Kind.OVERSPENT]
    assert [(f.date, f.record, f.amount, f.about) for f in found] == [
        (end, "month:2026-11", Money(20_000), "November 2026 (1–15)")  # 45000 − 25000
    ]
    assert "on these days" in found[0].message
    add_money_out(ctx, rid, date=date(2026, 11, 20), amount=Money(6_000), payee="Agency")
    later = [f for f in review(ctx, rid, start, end) if f.kind is Kind.OVERSPENT]
    assert later == found  # a payment after the period's days does not count in them


def test_part_month_column_is_wide_enough_for_its_label(
    ctx: Context, ledger: Ledger, tmp_path: Path
) -> None:
    """`Nov 2025 (26–30)` needs more room than `Nov 2025`: the Month column widens for it."""
    whole = export(ctx, ledger.rid, START, END, Format.XLSX, tmp_path / "whole.xlsx")
    part = export(ctx, ledger.rid, date(2026, 5, 10), END, Format.XLSX, tmp_path / "part.xlsx")
    width = {
        p.name: openpyxl.load_workbook(p)["Budget by month"].column_dimensions["A"].width
        for p in (whole, part)
    }
    assert width["whole.xlsx"] < len("May 2026 (10–31)") < width["part.xlsx"]


def test_summary_counts_every_kind_of_exception() -> None:
    """Every kind of finding has a Summary line, so its Total equals the Exceptions sheet's rows."""
    assert set(KIND_WORDS) == set(Kind)
