"""Expected payments: when the council's money and the contribution should arrive.

Payments are paired with due dates in order (one payment never counts twice).
Missing means nothing was paired and it is more than `LATE_AFTER` days past due;
late means it arrived more than `LATE_AFTER` days after the due date; short
means less than expected arrived. A payment may come a few days early.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kentcard.core.dates import add_months
from kentcard.core.money import Money
from kentcard.core.records import Frequency, MoneyIn, Plan, Source

LATE_AFTER = timedelta(days=5)


class PaymentProblem(StrEnum):
    MISSING = "missing"
    LATE = "late"
    SHORT = "short"


@dataclass(frozen=True, slots=True)
class ExpectedPayment:
    source: Source
    due: date
    expected: Money
    received: MoneyIn | None
    problems: tuple[PaymentProblem, ...]


def due_dates(plan: Plan, until: date) -> list[date]:
    """Every due date of `plan` from its first payment up to `until` (and its end)."""
    first = plan.first_payment or plan.start
    last = until if plan.end is None else min(until, plan.end)
    dates: list[date] = []
    k = 0
    while True:
        if plan.frequency is Frequency.MONTHLY:
            day = add_months(first, k)
        else:
            step = 28 if plan.frequency is Frequency.FOUR_WEEKLY else 7
            day = first + timedelta(days=step * k)
        if day > last:
            return dates
        dates.append(day)
        k += 1


def _early(plan: Plan) -> timedelta:
    return timedelta(days=2 if plan.frequency is Frequency.WEEKLY else 7)


def check_expected(
    plans: Sequence[Plan], received: Iterable[MoneyIn], today: date
) -> list[ExpectedPayment]:
    """Match each due KCC payment and contribution to what arrived, up to `today`."""
    results: list[ExpectedPayment] = []
    payments = sorted(received, key=lambda m: (m.date, m.id))
    for source in (Source.KCC, Source.CONTRIBUTION):
        dues = _dues(plans, source, today)
        pool = [p for p in payments if p.source is source]
        results.extend(_match(source, dues, pool, today))
    return sorted(results, key=lambda r: (r.due, r.source))


def _period_days(plan: Plan) -> int:
    return {Frequency.MONTHLY: 30, Frequency.FOUR_WEEKLY: 28, Frequency.WEEKLY: 7}[plan.frequency]


@dataclass(frozen=True, slots=True)
class _Due:
    day: date
    amount: Money
    early: timedelta
    period_days: int


def _dues(plans: Sequence[Plan], source: Source, today: date) -> list[_Due]:
    dues: list[_Due] = []
    for plan in plans:
        amount = plan.council if source is Source.KCC else plan.contribution
        if amount.pence > 0:
            dues.extend(
                _Due(day, amount, _early(plan), _period_days(plan))
                for day in due_dates(plan, today)
            )
    return sorted(dues, key=lambda d: d.day)


def _match(
    source: Source, dues: list[_Due], pool: list[MoneyIn], today: date
) -> list[ExpectedPayment]:
    """Pair dues with payments, both in date order, at the least cost.

    A payment late by d days costs d; a due with nothing costs its period in days
    (once it is past the tolerance; before that it is simply not due yet). Order is
    kept, so payments are never swapped. This reads a late payment as late, and a
    skipped payment as missing rather than making every later one look late.
    """
    n, m = len(dues), len(pool)
    never = 10**12  # larger than any real cost
    cost = [[never] * (m + 1) for _ in range(n + 1)]
    step: list[list[str]] = [[""] * (m + 1) for _ in range(n + 1)]
    for j in range(m + 1):
        cost[0][j] = 0
    for i in range(1, n + 1):
        due = dues[i - 1]
        miss = due.period_days if today > due.day + LATE_AFTER else 0
        for j in range(m + 1):
            best, how = cost[i - 1][j] + miss, "miss"
            if j > 0 and cost[i][j - 1] < best:
                best, how = cost[i][j - 1], "skip"
            if j > 0 and pool[j - 1].date >= due.day - due.early:
                paid = cost[i - 1][j - 1] + max(0, (pool[j - 1].date - due.day).days)
                if paid <= best:
                    best, how = paid, "pay"
            cost[i][j], step[i][j] = best, how
    matched: dict[int, MoneyIn] = {}
    i, j = n, m
    while i > 0:
        how = step[i][j]
        if how == "skip":
            j -= 1
            continue
        if how == "pay":
            matched[i - 1] = pool[j - 1]
            j -= 1
        i -= 1
    return [_result(source, due, matched.get(k), today) for k, due in enumerate(dues)]


def _result(source: Source, due: _Due, found: MoneyIn | None, today: date) -> ExpectedPayment:
    problems: list[PaymentProblem] = []
    if found is None:
        if today > due.day + LATE_AFTER:
            problems.append(PaymentProblem.MISSING)
    else:
        if found.date > due.day + LATE_AFTER:
            problems.append(PaymentProblem.LATE)
        if found.amount.pence < due.amount.pence:
            problems.append(PaymentProblem.SHORT)
    return ExpectedPayment(source, due.day, due.amount, found, tuple(problems))
