"""Reports over a run of months: budget against spending by category, month by month."""

from __future__ import annotations

from dataclasses import dataclass

from kentcard.core import budget as rules
from kentcard.core.dates import Month
from kentcard.core.money import Money, total
from kentcard.core.words import NOT_IN_A_LINE
from kentcard.services.context import Context
from kentcard.store import ledger as store_ledger
from kentcard.store import plans as store_plans
from kentcard.store import recipients as store_recipients

UNCATEGORISED = "Uncategorised"


@dataclass(frozen=True, slots=True)
class CategoryLine:
    category: str
    budget: Money
    spent: Money

    @property
    def remaining(self) -> Money:
        return self.budget - self.spent


def categories_for(
    budgets: dict[str, Money], spent: dict[str | None, Money], whole: Money | None = None
) -> tuple[CategoryLine, ...]:
    """Budget lines first, then other categories spent in; names match ignoring case.

    With `whole` (the month's budget), any part of it the plan's lines leave out is a line
    of its own ("Not in any budget line"), so the category budgets always add up to it.
    """
    canonical = {cat.casefold(): cat for cat in budgets}
    folded: dict[str | None, Money] = {}
    for cat, amount in spent.items():
        name = None if cat is None else canonical.setdefault(cat.casefold(), cat)
        folded[name] = folded.get(name, Money(0)) + amount
    lines = [
        CategoryLine(cat, budget, folded.get(cat, Money(0))) for cat, budget in budgets.items()
    ]
    extra = sorted((c for c in folded if c is not None and c not in budgets), key=str.casefold)
    lines += [CategoryLine(cat, Money(0), folded[cat]) for cat in extra]
    if folded.get(None):
        lines.append(CategoryLine(UNCATEGORISED, Money(0), folded[None]))
    left = (whole - total(budgets.values())) if whole is not None else Money(0)
    if left.pence:
        lines.append(CategoryLine(NOT_IN_A_LINE, left, Money(0)))
    return tuple(lines)


@dataclass(frozen=True, slots=True)
class MonthLines:
    """One month of the report: its budget and spending, in total and by category."""

    month: Month
    budget: Money  # the whole month's budget (council and contribution), as `month_summary`
    categories: tuple[CategoryLine, ...]

    @property
    def spent(self) -> Money:
        return Money(sum(line.spent.pence for line in self.categories))


def monthly_by_category(
    ctx: Context, recipient_id: int, first: Month, last: Month
) -> list[MonthLines]:
    """Every month from `first` to `last`: budget and spent by category (the same rules as
    month summary, as at each month's end or today), read with one grouped query however
    many months there are."""
    as_at = min(last.last, ctx.today())
    with ctx.db.connect() as connection:
        store_recipients.recipient(connection=connection, recipient_id=recipient_id)
        plans = store_plans.plans(connection=connection, recipient_id=recipient_id)
        spent = store_ledger.spent_by_month_and_category(
            connection=connection, recipient_id=recipient_id, start=first.first, end=as_at
        )
    months = []
    month = first
    while month <= last:
        pence = spent.get(month, {})
        budget = rules.monthly_budget(plans, month)
        lines = categories_for(
            rules.category_budgets(plans, month), {c: Money(p) for c, p in pence.items()}, budget
        )
        months.append(MonthLines(month, budget, lines))
        month = month.shift(1)
    return months
