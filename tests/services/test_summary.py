"""Month summaries on a real database, each figure worked out by hand in pence."""

from __future__ import annotations

from datetime import date

from kentcard.core.dates import Month
from kentcard.core.money import Money
from kentcard.core.records import Frequency, PlanLine, Source
from kentcard.services.allocations import allocate
from kentcard.services.context import Context
from kentcard.services.ledger import add_money_in, add_money_out
from kentcard.services.plans import set_plan
from kentcard.services.recipients import set_retained_weeks
from kentcard.services.reports import UNCATEGORISED
from kentcard.services.summary import month_summary
from tests.conftest import TODAY
from tests.services.helpers import AGENCY, invoice, monthly_plan, person, provider

OCT = Month(2026, 10)
NOV = Month(2026, 11)  # the current month: today is 2026-11-25


def pay(ctx: Context, rid: int, day: date, pence: int, category: str | None = None) -> int:
    return add_money_out(
        ctx, rid, date=day, amount=Money(pence), payee="Someone", category=category
    ).id


def receive(
    ctx: Context, rid: int, day: date, pence: int, source: Source, category: str | None = None
) -> int:
    return add_money_in(
        ctx, rid, date=day, amount=Money(pence), source=source, category=category
    ).id


def categories(ctx: Context, rid: int, month: Month) -> list[tuple[str, int, int, int]]:
    return [
        (c.category, c.budget.pence, c.spent.pence, c.remaining.pence)
        for c in month_summary(ctx, rid, month).categories
    ]


def test_monthly_plan_budget_spent_and_remaining(ctx: Context) -> None:
    """A monthly plan's month: budget = council + contribution, spent only counts that month."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 120_000, 15_000, lines={"Agency": 100_000, "PA": 35_000})
    pay(ctx, rid, date(2026, 10, 31), 9_999, "Agency")  # October: not in November
    pay(ctx, rid, date(2026, 11, 3), 40_000, "Agency")
    pay(ctx, rid, date(2026, 11, 10), 25_050, "PA")
    pay(ctx, rid, date(2026, 12, 1), 1_000, "Agency")  # December: not in November
    s = month_summary(ctx, rid, NOV)
    # budget = (120,000 + 15,000) × 1 × 30/30 = 135,000
    assert s.budget == Money(135_000)
    # spent = 40,000 + 25,050 = 65,050
    assert s.spent == Money(65_050)
    # remaining = 135,000 − 65,050 = 69,950
    assert s.remaining == Money(69_950)
    assert not s.overspent
    assert categories(ctx, rid, NOV) == [
        ("Agency", 100_000, 40_000, 60_000),  # 100,000 − 40,000
        ("PA", 35_000, 25_050, 9_950),  # 35,000 − 25,050
    ]


def test_four_weekly_plan_is_thirteen_twelfths_per_month(ctx: Context) -> None:
    """Four-weekly £1,000 + £100 gives £1,191.67 a month, and each line its own 13/12 share."""
    rid = person(ctx)
    set_plan(
        ctx,
        rid,
        start=date(2026, 1, 1),
        frequency=Frequency.FOUR_WEEKLY,
        council=Money(100_000),
        contribution=Money(10_000),
        lines=[PlanLine("Agency", Money(80_000)), PlanLine("PA", Money(30_000))],
    )
    # (100,000 + 10,000) × 13/12 = 1,430,000/12 = 119,166.67 → 119,167 (£1,191.67)
    assert month_summary(ctx, rid, NOV).budget == Money(119_167)
    # February has 28 days but is wholly in force: the same 119,167
    assert month_summary(ctx, rid, Month(2026, 2)).budget == Money(119_167)
    assert categories(ctx, rid, NOV) == [
        ("Agency", 86_667, 0, 86_667),  # 80,000 × 13/12 = 86,666.67 → 86,667
        ("PA", 32_500, 0, 32_500),  # 30,000 × 13/12 = 32,500 exactly
    ]


def test_plan_starting_mid_month_counts_only_its_days(ctx: Context) -> None:
    """A four-weekly plan from 16 November gets 15/30 of a month's budget then, none before."""
    rid = person(ctx)
    set_plan(
        ctx,
        rid,
        start=date(2026, 11, 16),
        frequency=Frequency.FOUR_WEEKLY,
        council=Money(100_000),
        contribution=Money(10_000),
    )
    # 110,000 × 13/12 × 15/30 = 1,430,000/24 = 59,583.33 → 59,583
    assert month_summary(ctx, rid, NOV).budget == Money(59_583)
    assert month_summary(ctx, rid, OCT).budget == Money(0)


def test_mid_month_plan_change_is_prorated_and_rounded_once(ctx: Context) -> None:
    """Two set_plan calls split November by days, and the total is rounded once at the end."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 100_000)  # from 2026-01-01
    monthly_plan(ctx, rid, 100_001, start=date(2026, 11, 11))  # ends the first on 2026-11-10
    # first plan 1–10 Nov (10 days), second 11–30 Nov (20 days):
    # 100,000 × 10/30 + 100,001 × 20/30 = (1,000,000 + 2,000,020)/30 = 100,000.67 → 100,001
    # (rounding each part first would give 33,333 + 66,667 = 100,000)
    assert month_summary(ctx, rid, NOV).budget == Money(100_001)
    assert month_summary(ctx, rid, OCT).budget == Money(100_000)
    assert month_summary(ctx, rid, Month(2026, 12)).budget == Money(100_001)


def test_same_start_plan_replaces_in_the_summary(ctx: Context) -> None:
    """Setting a plan again on the same start day replaces it, so only the new amount counts."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 100_000)
    monthly_plan(ctx, rid, 100_001, start=date(2026, 11, 11))
    monthly_plan(ctx, rid, 90_000, start=date(2026, 11, 11))
    # 100,000 × 10/30 + 90,000 × 20/30 = 33,333.33 + 60,000 = 93,333.33 → 93,333
    assert month_summary(ctx, rid, NOV).budget == Money(93_333)


def test_refund_reduces_spent_and_its_category(ctx: Context) -> None:
    """A refund in the month lowers spent and its category's spent, and shows as received."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 120_000, 15_000, lines={"Agency": 100_000, "PA": 35_000})
    pay(ctx, rid, date(2026, 11, 3), 40_000, "Agency")
    pay(ctx, rid, date(2026, 11, 4), 10_000, "PA")
    receive(ctx, rid, date(2026, 11, 20), 5_000, Source.REFUND, "Agency")
    receive(ctx, rid, date(2026, 10, 20), 7_000, Source.REFUND, "PA")  # October's, not November's
    s = month_summary(ctx, rid, NOV)
    # spent = 40,000 + 10,000 − 5,000 = 45,000
    assert s.spent == Money(45_000)
    # remaining = 135,000 − 45,000 = 90,000
    assert s.remaining == Money(90_000)
    assert s.received[Source.REFUND] == Money(5_000)
    assert categories(ctx, rid, NOV) == [
        ("Agency", 100_000, 35_000, 65_000),  # spent 40,000 − 5,000
        ("PA", 35_000, 10_000, 25_000),
    ]


def test_overspent_month_has_negative_remaining(ctx: Context) -> None:
    """Spending more than the budget makes remaining negative and the month overspent."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 50_000)
    pay(ctx, rid, date(2026, 11, 5), 45_000)
    pay(ctx, rid, date(2026, 11, 20), 10_001)
    pay(ctx, rid, date(2026, 10, 5), 50_000)  # October: exactly on budget
    s = month_summary(ctx, rid, NOV)
    # spent = 45,000 + 10,001 = 55,001; remaining = 50,000 − 55,001 = −5,001
    assert s.spent == Money(55_001)
    assert s.remaining == Money(-5_001)
    assert s.overspent
    october = month_summary(ctx, rid, OCT)
    assert october.remaining == Money(0)  # 50,000 − 50,000
    assert not october.overspent


def test_received_by_source_leaves_out_the_opening_balance(ctx: Context) -> None:
    """Received lists kcc, contribution, refund and other; the opening balance only in balance."""
    rid = person(ctx, opening_balance=Money(25_000), as_of=date(2026, 11, 1))
    receive(ctx, rid, date(2026, 11, 2), 120_000, Source.KCC)
    receive(ctx, rid, date(2026, 11, 5), 7_500, Source.CONTRIBUTION)
    receive(ctx, rid, date(2026, 11, 19), 7_500, Source.CONTRIBUTION)
    receive(ctx, rid, date(2026, 11, 21), 1_234, Source.OTHER)
    receive(ctx, rid, date(2026, 10, 30), 99_999, Source.KCC)  # October's
    s = month_summary(ctx, rid, NOV)
    assert s.received == {
        Source.KCC: Money(120_000),
        Source.CONTRIBUTION: Money(15_000),  # 7,500 + 7,500
        Source.REFUND: Money(0),
        Source.OTHER: Money(1_234),
    }
    # balance = 25,000 + 99,999 + 120,000 + 15,000 + 1,234 = 261,233
    assert s.balance == Money(261_233)


def test_balance_is_to_month_end_or_today(ctx: Context) -> None:
    """A past month's balance is at its last day; the current month's at today, not later."""
    rid = person(ctx, opening_balance=Money(10_000), as_of=date(2026, 10, 1))
    receive(ctx, rid, date(2026, 10, 5), 100_000, Source.KCC)
    pay(ctx, rid, date(2026, 10, 20), 30_000)
    receive(ctx, rid, date(2026, 11, 2), 100_000, Source.KCC)
    pay(ctx, rid, date(2026, 11, 10), 20_000)
    pay(ctx, rid, date(2026, 11, 28), 5_000)  # after today
    receive(ctx, rid, date(2026, 11, 26), 3_000, Source.OTHER)  # after today
    october = month_summary(ctx, rid, OCT)
    assert october.balance_on == date(2026, 10, 31)
    # 10,000 + 100,000 − 30,000 = 80,000
    assert october.balance == Money(80_000)
    november = month_summary(ctx, rid, NOV)
    assert november.balance_on == TODAY
    # 10,000 + 100,000 + 100,000 − 30,000 − 20,000 = 160,000 (28 Nov and 26 Nov not yet)
    assert november.balance == Money(160_000)
    # everything is as at today: the 28th's payment and the 26th's money in are in no figure
    assert november.spent == Money(20_000)
    assert november.received[Source.OTHER] == Money(0)


def test_opening_balance_counts_in_balance_from_its_date(ctx: Context) -> None:
    """The opening balance from setup is in the balance on and after its date, not before."""
    rid = person(ctx, opening_balance=Money(43_210), as_of=date(2026, 11, 1))
    assert month_summary(ctx, rid, NOV).balance == Money(43_210)
    assert month_summary(ctx, rid, OCT).balance == Money(0)


def test_outstanding_invoices_are_owed_amounts_issued_by_the_balance_day(ctx: Context) -> None:
    """Outstanding sums amount − allocated of invoices issued by then; overpaid ones add 0."""
    rid = person(ctx)
    provider(ctx, rid)
    inv1 = invoice(ctx, rid, "INV-1", 30_000, date(2026, 11, 1))
    inv2 = invoice(ctx, rid, "INV-2", 20_000, date(2026, 11, 2))
    invoice(ctx, rid, "INV-3", 7_500, date(2026, 10, 15))
    invoice(ctx, rid, "INV-4", 50_000, date(2026, 11, 26))  # issued after today
    part = pay(ctx, rid, date(2026, 11, 3), 10_000)
    allocate(ctx, part, inv1)
    first = pay(ctx, rid, date(2026, 11, 4), 15_000)
    second = pay(ctx, rid, date(2026, 11, 5), 10_000)
    allocate(ctx, first, inv2, Money(15_000))
    allocate(ctx, second, inv2, Money(10_000))  # INV-2 overpaid by 5,000
    # November (to 25 Nov): INV-1 30,000 − 10,000 = 20,000; INV-2 max(0, 20,000 − 25,000) = 0;
    # INV-3 7,500; INV-4 not issued yet → 20,000 + 0 + 7,500 = 27,500
    assert month_summary(ctx, rid, NOV).outstanding_invoices == Money(27_500)
    # October (to 31 Oct): only INV-3 was issued → 7,500
    assert month_summary(ctx, rid, OCT).outstanding_invoices == Money(7_500)


def test_possible_surplus_above_eight_weeks(ctx: Context) -> None:
    """Surplus = balance − outstanding − 8 weeks of budget, and follows the retained weeks."""
    rid = person(ctx, opening_balance=Money(500_000), as_of=date(2026, 11, 1))
    monthly_plan(ctx, rid, 130_000)
    provider(ctx, rid)
    invoice(ctx, rid, "INV-1", 20_000)
    s = month_summary(ctx, rid, NOV)
    # weekly = 130,000 × 12/52 = 30,000; retained = 8 × 30,000 = 240,000
    assert s.retained == Money(240_000)
    # surplus = 500,000 − 20,000 − 240,000 = 240,000
    assert s.possible_surplus == Money(240_000)
    set_retained_weeks(ctx, rid, 4)
    s = month_summary(ctx, rid, NOV)
    # retained = 4 × 30,000 = 120,000; surplus = 500,000 − 20,000 − 120,000 = 360,000
    assert s.retained == Money(120_000)
    assert s.possible_surplus == Money(360_000)


def test_four_weekly_surplus_uses_a_quarter_period_per_week(ctx: Context) -> None:
    """A four-weekly plan's week is a quarter of its period total."""
    rid = person(ctx, opening_balance=Money(300_000), as_of=date(2026, 11, 1))
    set_plan(
        ctx,
        rid,
        start=date(2026, 1, 1),
        frequency=Frequency.FOUR_WEEKLY,
        council=Money(100_000),
        contribution=Money(10_000),
    )
    s = month_summary(ctx, rid, NOV)
    # weekly = 110,000 / 4 = 27,500; retained = 8 × 27,500 = 220,000
    assert s.retained == Money(220_000)
    # surplus = 300,000 − 0 − 220,000 = 80,000
    assert s.possible_surplus == Money(80_000)


def test_no_surplus_below_the_retained_allowance(ctx: Context) -> None:
    """A balance under outstanding + retained allowance gives a possible surplus of £0."""
    rid = person(ctx, opening_balance=Money(250_000), as_of=date(2026, 11, 1))
    monthly_plan(ctx, rid, 130_000)
    provider(ctx, rid)
    invoice(ctx, rid, "INV-1", 20_000)
    s = month_summary(ctx, rid, NOV)
    # 250,000 − 20,000 − 240,000 = −10,000 → max(0, −10,000) = 0
    assert s.possible_surplus == Money(0)
    assert s.balance == Money(250_000)


def test_categories_include_unbudgeted_and_uncategorised_spending(ctx: Context) -> None:
    """Spending in categories with no budget line, and with none at all, gets its own lines."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 120_000, 15_000, lines={"Agency": 100_000, "PA": 35_000})
    pay(ctx, rid, date(2026, 11, 3), 10_000, "Agency")
    pay(ctx, rid, date(2026, 11, 4), 2_500, "Transport")
    pay(ctx, rid, date(2026, 11, 5), 4_000, "Equipment")
    pay(ctx, rid, date(2026, 11, 6), 1_500)
    pay(ctx, rid, date(2026, 11, 7), 1_500)
    assert categories(ctx, rid, NOV) == [
        ("Agency", 100_000, 10_000, 90_000),
        ("PA", 35_000, 0, 35_000),
        ("Equipment", 0, 4_000, -4_000),  # extra lines sorted by name
        ("Transport", 0, 2_500, -2_500),
        (UNCATEGORISED, 0, 3_000, -3_000),  # 1,500 + 1,500
    ]
    # spent = 10,000 + 2,500 + 4,000 + 3,000 = 19,500, the sum of the category lines
    assert month_summary(ctx, rid, NOV).spent == Money(19_500)


def test_provider_category_fills_in_a_payment_without_one(ctx: Context) -> None:
    """Paying a known provider without a category books it to the provider's category."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 100_000, lines={"Agency": 100_000})
    provider(ctx, rid, AGENCY, category="Agency")
    add_money_out(ctx, rid, date=date(2026, 11, 3), amount=Money(12_345), payee=AGENCY.upper())
    assert categories(ctx, rid, NOV) == [("Agency", 100_000, 12_345, 87_655)]


def test_category_matches_budget_line_whatever_its_case(ctx: Context) -> None:
    """Payments in 'agency' and 'AGENCY' count against the plan's 'Agency' line."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 100_000, lines={"Agency": 100_000})
    pay(ctx, rid, date(2026, 11, 3), 40_000, "agency")
    pay(ctx, rid, date(2026, 11, 4), 1_000, "AGENCY")
    # one line: Agency budget 100,000, spent 40,000 + 1,000 = 41,000, remaining 59,000
    assert categories(ctx, rid, NOV) == [("Agency", 100_000, 41_000, 59_000)]


def test_past_month_outstanding_ignores_later_payments(ctx: Context) -> None:
    """October's outstanding is what was owed on 31 October, before a 5 November payment."""
    rid = person(ctx, opening_balance=Money(100_000), as_of=date(2026, 10, 1))
    provider(ctx, rid)
    inv = invoice(ctx, rid, "INV-3", 7_500, date(2026, 10, 15))
    allocate(ctx, pay(ctx, rid, date(2026, 11, 5), 7_500), inv)
    october = month_summary(ctx, rid, OCT)
    # on 31 Oct the balance still holds the 7,500 (100,000) and INV-3 was still owed 7,500
    assert october.balance == Money(100_000)
    assert october.outstanding_invoices == Money(7_500)


def test_lines_short_of_the_payment_leave_a_line_of_their_own(ctx: Context) -> None:
    """Lines of £560 against a £1,000 plan: the other £440 is 'Not in any budget line', so
    the categories still add up to the month's budget (and a report's months do too)."""
    from kentcard.services.reports import monthly_by_category

    rid = person(ctx)
    monthly_plan(ctx, rid, 100_000, start=date(2026, 10, 1), lines={"Home care": 56_000})
    summary = month_summary(ctx, rid, Month(2026, 11))
    lines = [(c.category, c.budget.pence) for c in summary.categories]
    assert lines == [("Home care", 56_000), ("Not in any budget line", 44_000)]
    assert sum(c.budget.pence for c in summary.categories) == summary.budget.pence == 100_000
    (november,) = monthly_by_category(ctx, rid, Month(2026, 11), Month(2026, 11))
    assert [(c.category, c.budget.pence) for c in november.categories] == lines
