"""The monthly report on a real database with two people, each figure worked out by hand."""

from __future__ import annotations

from datetime import date

from kentcard.core.dates import Month
from kentcard.core.records import Source
from kentcard.services.context import Context
from kentcard.services.reports import UNCATEGORISED, monthly_by_category
from kentcard.services.summary import month_summary
from tests.services.helpers import monthly_plan, person
from tests.services.test_summary import pay, receive

SEP, OCT, NOV = Month(2026, 9), Month(2026, 10), Month(2026, 11)


def two_people(ctx: Context) -> tuple[int, int]:
    ann = person(ctx, "Ann")
    bob = person(ctx, "Bob")
    lines = {"Home care": 60000, "Equipment": 10000}
    monthly_plan(ctx, ann, 70000, 5000, start=date(2026, 10, 1), lines=lines)
    monthly_plan(ctx, bob, 50000, start=date(2026, 1, 1), lines={"Home care": 50000})
    pay(ctx, ann, date(2026, 10, 1), 12000, "Home care")
    pay(ctx, ann, date(2026, 10, 31), 3000, "home CARE")  # same category, other case
    pay(ctx, ann, date(2026, 11, 1), 4599, "Equipment")
    pay(ctx, ann, date(2026, 11, 2), 700)  # no category
    pay(ctx, ann, date(2026, 11, 24), 1500, "Transport")  # not in the plan
    receive(ctx, ann, date(2026, 11, 20), 599, Source.REFUND, "Equipment")
    receive(ctx, ann, date(2026, 11, 3), 70000, Source.KCC)  # not spending
    pay(ctx, bob, date(2026, 10, 15), 99999, "Home care")  # another person's: never counted
    return ann, bob


def lines(month_lines) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    return [(c.category, c.budget.pence, c.spent.pence) for c in month_lines.categories]


def test_monthly_report_by_hand(ctx: Context) -> None:
    """Budget and spent per category per month: refunds reduce, other people never count."""
    ann, _ = two_people(ctx)
    sep, oct_, nov = monthly_by_category(ctx, ann, SEP, NOV)
    assert [m.month for m in (sep, oct_, nov)] == [SEP, OCT, NOV]
    assert lines(sep) == [("Home care", 0, 0), ("Equipment", 0, 0)]  # before the plan
    # the £50 contribution is in no budget line: a line of its own, so the parts add up
    assert lines(oct_) == [
        ("Home care", 60000, 15000),
        ("Equipment", 10000, 0),
        ("Not in any budget line", 5000, 0),
    ]
    assert lines(nov) == [
        ("Home care", 60000, 0),
        ("Equipment", 10000, 4000),
        ("Transport", 0, 1500),
        (UNCATEGORISED, 0, 700),
        ("Not in any budget line", 5000, 0),
    ]
    assert (nov.budget.pence, nov.spent.pence) == (75000, 6200)  # with the contribution


def test_monthly_report_matches_month_summary(ctx: Context) -> None:
    """Each month of the report shows the same categories and figures as `month_summary`."""
    ann, bob = two_people(ctx)
    for who in (ann, bob):
        for report in monthly_by_category(ctx, who, Month(2026, 1), NOV):
            summary = month_summary(ctx, who, report.month)
            assert report.categories == summary.categories
            assert (report.budget, report.spent) == (summary.budget, summary.spent)
