"""A month's budget for part of the month (a review period starting or ending mid-month).

The figure is the month's budget prorated by the period's days in it: per-period total ×
frequency factor × (days of the part the plan is in force ÷ days in the whole month),
exact, rounded half-up once. Every expected figure is worked out by hand here.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from kentcard.core.budget import (
    budget_between,
    category_budgets,
    category_budgets_between,
    monthly_budget,
)
from kentcard.core.invoices import hours_mismatch
from kentcard.core.money import Money
from kentcard.core.records import Frequency, PlanLine
from tests.core.test_budget import DEC_2026, NOV_2026, plan


def test_first_half_of_a_monthly_month_is_half_its_budget() -> None:
    """£1,000 a month, 1–15 November (15 of 30 days): 100000 × 15/30 = £500.00."""
    assert budget_between([plan(council=100_000)], date(2026, 11, 1), date(2026, 11, 15)) == Money(
        50_000
    )


def test_four_weekly_part_month_rounds_once() -> None:
    """£1,084 four-weekly, 1–15 Nov: 108400 × 13/12 × 15/30 = 58716.67 → £587.17."""
    exact = Fraction(108_400 * 13 * 15, 12 * 30)  # 21138000/360 = 58716.666...
    assert exact == Fraction(176_150, 3)
    plans = [plan(frequency=Frequency.FOUR_WEEKLY, council=100_000, contribution=8_400)]
    assert budget_between(plans, date(2026, 11, 1), date(2026, 11, 15)) == Money(58_717)


def test_weekly_part_of_a_31_day_month() -> None:
    """£300 weekly, 10–31 December (22 of 31 days): 30000 × 52/12 × 22/31 = 92258.06 → £922.58."""
    exact = Fraction(30_000 * 52 * 22, 12 * 31)  # 34320000/372 = 92258.06...
    assert 92_258 < exact < 92_258.5
    plans = [plan(frequency=Frequency.WEEKLY, council=30_000)]
    assert budget_between(plans, date(2026, 12, 10), date(2026, 12, 31)) == Money(92_258)


def test_plan_starting_inside_the_part_counts_only_its_days() -> None:
    """£600 a month from 10 Nov, period 1–15 Nov: in force 10–15 (6 days) → 60000 × 6/30 = £120."""
    plans = [plan(start=date(2026, 11, 10), council=60_000)]
    assert budget_between(plans, date(2026, 11, 1), date(2026, 11, 15)) == Money(12_000)


def test_two_plans_in_the_part_are_rounded_once_not_each() -> None:
    """1p-a-month-scale plans: 100 × 10/30 + 100 × 10/30 = 66.67 → 67p (66p if each rounded)."""
    old = plan(1, end=date(2026, 11, 10), council=100)  # 1–10 Nov: 10 days
    new = plan(2, start=date(2026, 11, 11), council=100)  # 11–20 Nov: 10 days
    assert budget_between([old, new], date(2026, 11, 1), date(2026, 11, 20)) == Money(67)


def test_the_whole_month_equals_the_monthly_budget() -> None:
    """Over the whole month the part-month rule gives exactly the monthly figure."""
    plans = [plan(frequency=Frequency.FOUR_WEEKLY, council=100_000, contribution=8_400)]
    whole = budget_between(plans, DEC_2026.first, DEC_2026.last)
    assert whole == monthly_budget(plans, DEC_2026) == Money(117_433)  # 108400 × 13/12


def test_category_lines_are_prorated_by_the_same_days() -> None:
    """Lines £900 and £50 a month, 16–30 Nov (15 of 30 days): £450.00 and £25.00."""
    lines = (PlanLine("Home care", Money(90_000)), PlanLine("Equipment", Money(5_000)))
    plans = [plan(council=95_000, lines=lines)]
    assert category_budgets_between(plans, date(2026, 11, 16), date(2026, 11, 30)) == {
        "Home care": Money(45_000),
        "Equipment": Money(2_500),
    }
    assert category_budgets_between(plans, NOV_2026.first, NOV_2026.last) == category_budgets(
        plans, NOV_2026
    )


@pytest.mark.parametrize(
    ("first", "last"),
    [(date(2026, 11, 20), date(2026, 12, 5)), (date(2026, 11, 15), date(2026, 11, 14))],
)
def test_days_must_be_one_run_within_one_month(first: date, last: date) -> None:
    """Days that cross a month end, or run backwards, are refused rather than miscounted."""
    with pytest.raises(ValueError, match="one calendar month"):
        budget_between([plan(council=100_000)], first, last)


@pytest.mark.parametrize(
    ("hours", "rate", "amount", "mismatch"),
    [
        (2800, 2800, 78_400, False),  # 28.00 h × £28.00 = £784.00
        (150, 1333, 2_000, False),  # 1.50 h × £13.33 = 19.995 → £20.00 (half up)
        (150, 1333, 1_999, True),
        (None, 2800, 100, False),  # no hours: nothing to check
        (100, None, 100, False),
    ],
)
def test_hours_mismatch_on_plain_numbers(
    hours: int | None, rate: int | None, amount: int, mismatch: bool
) -> None:
    """Hours × rate, rounded half-up to the penny, against the amount charged."""
    assert hours_mismatch(hours, rate, amount) is mismatch
