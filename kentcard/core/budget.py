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
from kentcard.core.money import Money, round_half_up
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


def _month_share(plan: Plan, month: Month) -> Fraction:
    """Periods of `plan` that fall in `month`: frequency factor × share of days in force."""
    in_force = overlap_days(plan.start, plan.end, month.first, month.last)
    return MONTH_FACTOR[plan.frequency] * Fraction(in_force, month.days)


def monthly_budget(plans: Iterable[Plan], month: Month) -> Money:
    """The whole budget for `month` across every plan in force during it."""
    exact = sum((plan.per_period.pence * _month_share(plan, month) for plan in plans), Fraction(0))
    return Money(round_half_up(exact))


def category_budgets(plans: Iterable[Plan], month: Month) -> dict[str, Money]:
    """Each budget line's share of `month`, by category, in the order lines first appear."""
    exact: dict[str, Fraction] = {}
    for plan in plans:
        share = _month_share(plan, month)
        for line in plan.lines:
            exact[line.category] = exact.get(line.category, Fraction(0)) + line.amount.pence * share
    return {category: Money(round_half_up(value)) for category, value in exact.items()}


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
