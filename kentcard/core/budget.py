"""Budget, spending and surplus rules (DESIGN §2), computed exactly.

A plan's per-period amount is turned into a monthly figure with an exact
fraction and rounded half-up to pence once, at the very end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from kentcard.core.dates import Month, overlap_days
from kentcard.core.money import Money, apportion, round_half_up
from kentcard.core.records import Frequency, Plan

# Periods per month, and the share of a period that falls in one week.
MONTH_FACTOR: dict[Frequency, Fraction] = {
    Frequency.MONTHLY: Fraction(1),
    Frequency.FOUR_WEEKLY: Fraction(13, 12),
    Frequency.WEEKLY: Fraction(52, 12),
}
WEEK_FACTOR: dict[Frequency, Fraction] = {
    Frequency.MONTHLY: Fraction(12, 52),
    Frequency.FOUR_WEEKLY: Fraction(1, 4),
    Frequency.WEEKLY: Fraction(1),
}
DEFAULT_RETAINED_WEEKS = 8


def _days_share(plan: Plan, first: date, last: date) -> Fraction:
    """Periods of `plan` in the days [first, last] of one calendar month.

    Frequency factor × (days of [first, last] the plan is in force ÷ days in the month):
    for the whole month this is the monthly rule of DESIGN §2, for part of it the same
    month's share prorated by days.
    """
    month = Month.of(first)
    if Month.of(last) != month or last < first:
        raise ValueError(f"{first}..{last} is not a run of days within one calendar month")
    in_force = overlap_days(plan.start, plan.end, first, last)
    return MONTH_FACTOR[plan.frequency] * Fraction(in_force, month.days)


def budget_between(plans: Iterable[Plan], first: date, last: date) -> Money:
    """The budget for the days [first, last] of one calendar month, rounded once at the end."""
    exact = sum(
        (plan.per_period.pence * _days_share(plan, first, last) for plan in plans), Fraction(0)
    )
    return Money(round_half_up(exact))


def category_budgets_between(plans: Iterable[Plan], first: date, last: date) -> dict[str, Money]:
    """Each budget line's share of the days [first, last] of one month, by category.

    The exact shares are apportioned by largest remainder (`money.apportion`), so when the
    plans' lines add up to their payments the categories add up to `budget_between`
    exactly, never a penny over or under.
    """
    exact: dict[str, Fraction] = {}
    for plan in plans:
        share = _days_share(plan, first, last)
        for line in plan.lines:
            exact[line.category] = exact.get(line.category, Fraction(0)) + line.amount.pence * share
    pence = apportion(list(exact.values()))
    return {category: Money(p) for category, p in zip(exact, pence, strict=True)}


def monthly_budget(plans: Iterable[Plan], month: Month) -> Money:
    """The whole budget for `month` across every plan in force during it."""
    return budget_between(plans, month.first, month.last)


def category_budgets(plans: Iterable[Plan], month: Month) -> dict[str, Money]:
    """Each budget line's share of `month`, by category, in the order lines first appear."""
    return category_budgets_between(plans, month.first, month.last)


def plan_on(plans: Iterable[Plan], day: date) -> Plan | None:
    """The plan in force on `day` (the latest-starting one, should two overlap)."""
    candidates = [p for p in plans if p.in_force_on(day)]
    return max(candidates, key=lambda p: p.start, default=None)


def weekly_budget_exact(plan: Plan) -> Fraction:
    return plan.per_period.pence * WEEK_FACTOR[plan.frequency]


def weekly_budget(plan: Plan) -> Money:
    """The plan's budget for one week (per-period total × weeks factor)."""
    return Money(round_half_up(weekly_budget_exact(plan)))


def retained_allowance(plan: Plan | None, weeks: int = DEFAULT_RETAINED_WEEKS) -> Money:
    """What the council lets the account keep: `weeks` × the weekly budget."""
    if plan is None:
        return Money(0)
    return Money(round_half_up(weeks * weekly_budget_exact(plan)))


@dataclass(frozen=True, slots=True)
class Surplus:
    balance: Money
    outstanding_invoices: Money
    retained: Money

    @property
    def possible(self) -> Money:
        """max(0, balance − outstanding invoices − retained allowance)."""
        return Money(max(0, (self.balance - self.outstanding_invoices - self.retained).pence))


def surplus(balance: Money, outstanding: Money, plan: Plan | None, weeks: int) -> Surplus:
    return Surplus(balance, outstanding, retained_allowance(plan, weeks))
