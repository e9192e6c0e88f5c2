"""Monthly, category and weekly budgets, the retained allowance and the possible surplus.

Every expected figure is worked out by hand from DESIGN §2 (integer pence, exact fractions,
rounded half-up once at the end); none is computed by calling the code under test.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentcard.core.budget import (
    Surplus,
    category_budgets,
    monthly_budget,
    plan_on,
    retained_allowance,
    surplus,
    weekly_budget,
)
from kentcard.core.dates import Month
from kentcard.core.money import MAX_PENCE, Money
from kentcard.core.records import Frequency, Plan, PlanLine

NOV_2026 = Month(2026, 11)  # 30 days
DEC_2026 = Month(2026, 12)  # 31 days


def plan(
    pid: int = 1,
    *,
    start: date = date(2026, 1, 1),
    end: date | None = None,
    frequency: Frequency = Frequency.MONTHLY,
    council: int = 0,
    contribution: int = 0,
    lines: tuple[PlanLine, ...] = (),
) -> Plan:
    """A plan for recipient 1 with amounts in pence."""
    return Plan(
        id=pid,
        recipient_id=1,
        start=start,
        end=end,
        frequency=frequency,
        council=Money(council),
        contribution=Money(contribution),
        lines=lines,
    )


def half_up(value: Fraction) -> int:
    """Hand rounding for the tests: whole pence, halves up (all values here are positive)."""
    assert value >= 0
    return int(value + Fraction(1, 2))


# --- monthly_budget ---------------------------------------------------------------------------


def test_monthly_plan_full_month_is_council_plus_contribution() -> None:
    """A monthly plan of £1,000 council + £100 contribution gives £1,100.00 for a full month."""
    plans = [plan(council=100_000, contribution=10_000)]
    assert monthly_budget(plans, NOV_2026) == Money(110_000)  # 100000 + 10000 pence


def test_four_weekly_plan_uses_thirteen_twelfths_rounded_half_up() -> None:
    """A four-weekly £1,000 + £100 plan gives £1,100 × 13/12 = £1,191.67 for a full month."""
    exact = Fraction(110_000 * 13, 12)  # 1430000/12 = 119166.666... pence
    assert exact == Fraction(357_500, 3)
    plans = [plan(frequency=Frequency.FOUR_WEEKLY, council=100_000, contribution=10_000)]
    assert monthly_budget(plans, NOV_2026) == Money(119_167)  # .666... rounds up


def test_weekly_plan_uses_fifty_two_twelfths() -> None:
    """A weekly £250 plan gives 250 × 52/12 = £1,083.33 for a full month."""
    exact = Fraction(25_000 * 52, 12)  # 1300000/12 = 108333.333... pence
    assert exact == Fraction(325_000, 3)
    plans = [plan(frequency=Frequency.WEEKLY, council=25_000)]
    assert monthly_budget(plans, NOV_2026) == Money(108_333)  # .333... rounds down


def test_mid_month_plan_change_splits_by_days_in_force() -> None:
    """£1,000 to 15 Nov then £1,300 from 16 Nov gives 1000×15/30 + 1300×15/30 = £1,150.00."""
    old = plan(1, end=date(2026, 11, 15), council=100_000)
    new = plan(2, start=date(2026, 11, 16), council=130_000)
    # 100000 × 15/30 = 50000; 130000 × 15/30 = 65000; total 115000 pence
    assert monthly_budget([old, new], NOV_2026) == Money(50_000 + 65_000)


def test_plan_change_in_31_day_month_rounds_once_at_the_end() -> None:
    """£1,000 to 14 Dec then £1,300 from 15 Dec: rounding once gives £1,164.52, not £1,164.51."""
    old = plan(1, end=date(2026, 12, 14), council=100_000)  # 14 of 31 days
    new = plan(2, start=date(2026, 12, 15), council=130_000)  # 17 of 31 days
    old_share = Fraction(100_000 * 14, 31)  # 1400000/31 = 45161.29...
    new_share = Fraction(130_000 * 17, 31)  # 2210000/31 = 71290.32...
    # Rounding each plan first: 45161 + 71290 = 116451 (wrong).
    assert half_up(old_share) + half_up(new_share) == 45_161 + 71_290 == 116_451
    # Rounding once: 3610000/31 = 116451 remainder 19 (19/31 ≥ 1/2) → 116452 (right).
    assert old_share + new_share == Fraction(3_610_000, 31)
    assert 31 * 116_451 + 19 == 3_610_000
    assert monthly_budget([old, new], DEC_2026) == Money(116_452)


def test_plan_starting_mid_month_counts_only_days_in_force() -> None:
    """A £1,200 monthly plan starting 21 Nov is in force 10 of 30 days: £400.00."""
    plans = [plan(start=date(2026, 11, 21), council=120_000)]
    assert monthly_budget(plans, NOV_2026) == Money(120_000 * 10 // 30)  # 40000 pence


def test_plan_ending_mid_month_counts_its_last_day() -> None:
    """A £3,100 monthly plan ending 10 Dec is in force 1–10 Dec (10 of 31 days): £1,000.00."""
    plans = [plan(end=date(2026, 12, 10), council=310_000)]
    assert monthly_budget(plans, DEC_2026) == Money(310_000 * 10 // 31)  # 100000 pence


def test_month_with_no_plan_has_zero_budget() -> None:
    """With no plans at all the budget for a month is £0.00."""
    assert monthly_budget([], NOV_2026) == Money(0)


def test_plan_ended_before_the_month_gives_zero() -> None:
    """A plan that ended on 31 Oct contributes nothing to November."""
    plans = [plan(end=date(2026, 10, 31), council=100_000, contribution=10_000)]
    assert monthly_budget(plans, NOV_2026) == Money(0)


def test_plan_starting_after_the_month_gives_zero() -> None:
    """A plan that starts on 1 Dec contributes nothing to November."""
    plans = [plan(start=date(2026, 12, 1), council=100_000)]
    assert monthly_budget(plans, NOV_2026) == Money(0)


@given(
    pence=st.integers(min_value=0, max_value=MAX_PENCE),
    month=st.builds(Month, st.integers(1990, 2099), st.integers(1, 12)),
    before=st.integers(0, 400),
    open_ended=st.booleans(),
    after=st.integers(0, 400),
)
def test_monthly_plan_in_force_all_month_is_exactly_its_total(
    pence: int, month: Month, before: int, open_ended: bool, after: int
) -> None:
    """A monthly plan in force the whole month budgets exactly its per-period total, any pence."""
    council = pence // 2
    contribution = pence - council
    p = plan(
        start=month.first - timedelta(days=before),
        end=None if open_ended else month.last + timedelta(days=after),
        council=council,
        contribution=contribution,
    )
    assert monthly_budget([p], month) == Money(pence)


@given(
    month=st.builds(Month, st.integers(1990, 2099), st.integers(1, 12)),
    split=st.integers(1, 27),
    freq_a=st.sampled_from(list(Frequency)),
    freq_b=st.sampled_from(list(Frequency)),
    amount_a=st.integers(0, 10**9),
    amount_b=st.integers(0, 10**9),
)
def test_budget_is_additive_over_two_plans_within_a_penny(
    month: Month,
    split: int,
    freq_a: Frequency,
    freq_b: Frequency,
    amount_a: int,
    amount_b: int,
) -> None:
    """Two back-to-back plans budget the sum of their separate budgets, give or take one penny."""
    change = month.first + timedelta(days=split)
    a = plan(
        1, start=month.first, end=change - timedelta(days=1), frequency=freq_a, council=amount_a
    )
    b = plan(2, start=change, frequency=freq_b, council=amount_b)
    both = monthly_budget([a, b], month).pence
    apart = monthly_budget([a], month).pence + monthly_budget([b], month).pence
    assert abs(both - apart) <= 1


# --- category_budgets -------------------------------------------------------------------------


def test_category_budgets_for_four_weekly_plan() -> None:
    """Four-weekly lines £900 and £50 become £975.00 and £54.17 for a full month."""
    lines = (PlanLine("Home care", Money(90_000)), PlanLine("Equipment", Money(5_000)))
    p = plan(frequency=Frequency.FOUR_WEEKLY, council=95_000, lines=lines)
    # Home care: 90000 × 13/12 = 97500 exactly.
    # Equipment: 5000 × 13/12 = 65000/12 = 5416.666... → 5417.
    assert Fraction(5_000 * 13, 12) == Fraction(16_250, 3)
    assert category_budgets([p], NOV_2026) == {
        "Home care": Money(97_500),
        "Equipment": Money(5_417),
    }


def test_category_budgets_keep_the_order_lines_first_appear() -> None:
    """Categories come back in the order their lines first appear in the plans."""
    lines = (PlanLine("Zeta", Money(100)), PlanLine("Alpha", Money(200)))
    assert list(category_budgets([plan(lines=lines)], NOV_2026)) == ["Zeta", "Alpha"]


def test_category_budget_across_plan_change_is_summed_exactly_then_rounded() -> None:
    """Home care £900 to 3 Dec, £1,000 from 4 Dec (four-weekly): £1,072.85, not £1,072.84."""
    old = plan(
        1,
        end=date(2026, 12, 3),  # 3 of 31 days
        frequency=Frequency.FOUR_WEEKLY,
        council=90_000,
        lines=(PlanLine("Home care", Money(90_000)),),
    )
    new = plan(
        2,
        start=date(2026, 12, 4),  # 28 of 31 days
        frequency=Frequency.FOUR_WEEKLY,
        council=100_000,
        lines=(PlanLine("Home care", Money(100_000)), PlanLine("Equipment", Money(3_100))),
    )
    old_share = Fraction(90_000 * 13 * 3, 12 * 31)  # 3510000/372 = 9435.48...
    new_share = Fraction(100_000 * 13 * 28, 12 * 31)  # 36400000/372 = 97849.46...
    # Rounding each plan first: 9435 + 97849 = 107284 (wrong).
    assert half_up(old_share) + half_up(new_share) == 9_435 + 97_849 == 107_284
    # Once: 39910000/372 = 107284 remainder 352 (352/372 ≥ 1/2) → 107285 (right).
    assert old_share + new_share == Fraction(39_910_000, 372)
    assert 372 * 107_284 + 352 == 39_910_000
    # Equipment only in the new plan: 3100 × 13/12 × 28/31 = 1128400/372 = 3033.33... → 3033.
    assert 372 * 3_033 + 124 == 3_100 * 13 * 28
    assert category_budgets([old, new], DEC_2026) == {
        "Home care": Money(107_285),
        "Equipment": Money(3_033),
    }


def test_category_budgets_zero_when_no_plan_in_force() -> None:
    """A plan that ended before the month budgets £0.00 in every category; no plans, none."""
    p = plan(end=date(2026, 10, 31), lines=(PlanLine("Home care", Money(90_000)),))
    assert all(amount == Money(0) for amount in category_budgets([p], NOV_2026).values())
    assert category_budgets([], NOV_2026) == {}


# --- weekly budget, retained allowance, surplus -----------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "per_period", "expected"),
    [
        (Frequency.MONTHLY, 130_000, 130_000 * 12 // 52),  # 1560000/52 = 30000 exactly
        (Frequency.FOUR_WEEKLY, 110_000, 110_000 // 4),  # 27500 exactly
        (Frequency.WEEKLY, 25_000, 25_000),  # × 1
    ],
)
def test_weekly_budget_by_frequency(frequency: Frequency, per_period: int, expected: int) -> None:
    """Weekly budget = per-period total × 12/52, 1/4 or 1 for monthly, four-weekly, weekly."""
    council = per_period - 10_000
    p = plan(frequency=frequency, council=council, contribution=10_000)
    assert weekly_budget(p) == Money(expected)


def test_weekly_budget_rounds_half_up() -> None:
    """Monthly £1,000 is 100000 × 12/52 = 23076.92... pence a week: £230.77."""
    assert Fraction(100_000 * 12, 52) == Fraction(300_000, 13)  # 23076 rem 12 of 13
    assert weekly_budget(plan(council=100_000)) == Money(23_077)


def test_retained_allowance_is_eight_weeks_by_default() -> None:
    """Four-weekly £1,100 keeps 8 × £275 = £2,200.00 by default, and 4 × £275 for 4 weeks."""
    p = plan(frequency=Frequency.FOUR_WEEKLY, council=100_000, contribution=10_000)
    assert retained_allowance(p) == Money(8 * 27_500)
    assert retained_allowance(p, 4) == Money(4 * 27_500)


def test_retained_allowance_rounds_once_from_the_exact_weekly_figure() -> None:
    """Monthly £1,000 keeps 8 × 300000/13 = 184615.38 → £1,846.15 (not 8 × £230.77 = £1,846.16)."""
    exact = 8 * Fraction(100_000 * 12, 52)  # 2400000/13
    assert 13 * 184_615 + 5 == 2_400_000  # remainder 5 of 13 < 1/2 → round down
    assert exact == Fraction(2_400_000, 13)
    assert retained_allowance(plan(council=100_000)) == Money(184_615)


def test_retained_allowance_without_a_plan_is_zero() -> None:
    """With no plan in force nothing is retained."""
    assert retained_allowance(None) == Money(0)


def test_possible_surplus_above_eight_weeks() -> None:
    """Balance £3,000, owed £200, four-weekly £1,100: 3000 − 200 − 8×275 = £600.00 surplus."""
    p = plan(frequency=Frequency.FOUR_WEEKLY, council=100_000, contribution=10_000)
    result = surplus(Money(300_000), Money(20_000), p, 8)
    assert result.retained == Money(220_000)  # 8 × 27500
    assert result.balance == Money(300_000)
    assert result.outstanding_invoices == Money(20_000)
    assert result.possible == Money(300_000 - 20_000 - 220_000)  # 60000


def test_possible_surplus_clamps_to_zero() -> None:
    """Balance £2,000, owed £200, retained £2,200: 2000 − 200 − 2200 < 0, so £0.00."""
    p = plan(frequency=Frequency.FOUR_WEEKLY, council=100_000, contribution=10_000)
    assert surplus(Money(200_000), Money(20_000), p, 8).possible == Money(0)


def test_possible_surplus_exactly_at_the_allowance_is_zero() -> None:
    """Balance equal to owed + retained leaves exactly £0.00, and one penny more leaves £0.01."""
    assert Surplus(Money(240_000), Money(20_000), Money(220_000)).possible == Money(0)
    assert Surplus(Money(240_001), Money(20_000), Money(220_000)).possible == Money(1)


def test_possible_surplus_uses_the_weeks_setting() -> None:
    """With 4 weeks retained, £3,000 − £200 − 4×£275 = £1,700.00."""
    p = plan(frequency=Frequency.FOUR_WEEKLY, council=100_000, contribution=10_000)
    assert surplus(Money(300_000), Money(20_000), p, 4).possible == Money(170_000)


# --- plan_on ----------------------------------------------------------------------------------


def test_plan_on_picks_the_plan_in_force() -> None:
    """plan_on returns the old plan up to its end day and the new one from its start day."""
    old = plan(1, start=date(2026, 4, 1), end=date(2026, 11, 15), council=100_000)
    new = plan(2, start=date(2026, 11, 16), council=130_000)
    assert plan_on([old, new], date(2026, 11, 15)) is old
    assert plan_on([old, new], date(2026, 11, 16)) is new
    assert plan_on([new, old], date(2026, 4, 1)) is old


def test_plan_on_none_outside_every_plan() -> None:
    """Before the first plan starts, or after a closed plan ends, there is no plan."""
    only = plan(1, start=date(2026, 4, 1), end=date(2026, 11, 15), council=100_000)
    assert plan_on([only], date(2026, 3, 31)) is None
    assert plan_on([only], date(2026, 11, 16)) is None
    assert plan_on([], date(2026, 11, 16)) is None


def test_plan_on_prefers_the_latest_start_when_plans_overlap() -> None:
    """If two plans overlap on a day, the one that started later is in force."""
    old = plan(1, start=date(2026, 1, 1), council=100_000)  # never closed
    new = plan(2, start=date(2026, 6, 1), council=130_000)
    assert plan_on([new, old], date(2026, 7, 1)) is new
    assert plan_on([old, new], date(2026, 5, 31)) is old


def test_category_budgets_add_up_to_the_budget_in_the_issues_example() -> None:
    """Four-weekly £950 + £50 + £84 (£1,084): the exact shares £1,029.1666…, £54.1666… and
    £91.00 each rounded would be £1,029.17 + £54.17 + £91.00 = £1,174.34, a penny over the
    budget of £1,174.33. Largest remainder rounds each down (£1,029.16 + £54.16 + £91.00 =
    £1,174.32) and gives the one missing penny to the first of the two equal remainders."""
    lines = (
        PlanLine("Home care", Money(95_000)),
        PlanLine("Equipment", Money(5_000)),
        PlanLine("Day centre", Money(8_400)),
    )
    p = plan(frequency=Frequency.FOUR_WEEKLY, council=100_000, contribution=8_400, lines=lines)
    assert monthly_budget([p], NOV_2026) == Money(117_433)  # 108400 × 13/12 = 117433.33…
    assert category_budgets([p], NOV_2026) == {
        "Home care": Money(102_917),
        "Equipment": Money(5_416),
        "Day centre": Money(9_100),
    }


@given(
    amounts=st.lists(st.integers(min_value=1, max_value=500_000), min_size=1, max_size=6),
    frequency=st.sampled_from(list(Frequency)),
    start_day=st.integers(min_value=1, max_value=30),
)
def test_category_budgets_always_sum_to_the_months_budget(
    amounts: list[int], frequency: Frequency, start_day: int
) -> None:
    """Lines that add up to the payment give categories that add up to the budget, to the
    penny, for any amounts, frequency and a plan starting part-way through the month."""
    lines = tuple(PlanLine(f"Line {n}", Money(a)) for n, a in enumerate(amounts))
    p = plan(
        start=date(2026, 11, start_day), frequency=frequency, council=sum(amounts), lines=lines
    )
    parts = category_budgets([p], NOV_2026)
    assert sum(v.pence for v in parts.values()) == monthly_budget([p], NOV_2026).pence
