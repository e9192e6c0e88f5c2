"""Expected payments: when the council's money and the contribution should arrive.

Each expected payment owns a window of days, from a few days before it is due
up to just before the next one's window opens, so one payment can never count
for two due dates. Missing means nothing arrived in the window and it is more
than `LATE_AFTER` days past due; late means it arrived more than `LATE_AFTER`
days after the due date; short means less than expected arrived.
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


def _dues(
    plans: Sequence[Plan], source: Source, today: date
) -> list[tuple[date, Money, timedelta]]:
    dues: list[tuple[date, Money, timedelta]] = []
    for plan in plans:
        amount = plan.council if source is Source.KCC else plan.contribution
        if amount.pence > 0:
            dues.extend((day, amount, _early(plan)) for day in due_dates(plan, today))
    return sorted(dues)


def _match(
    source: Source,
    dues: list[tuple[date, Money, timedelta]],
    pool: list[MoneyIn],
    today: date,
) -> list[ExpectedPayment]:
    used: set[int] = set()
    out: list[ExpectedPayment] = []
    for i, (due, amount, early) in enumerate(dues):
        opens = due - early
        closes = dues[i + 1][0] - dues[i + 1][2] if i + 1 < len(dues) else date.max
        found = next((p for p in pool if p.id not in used and opens <= p.date < closes), None)
        problems: list[PaymentProblem] = []
        if found is None:
            if today > due + LATE_AFTER:
                problems.append(PaymentProblem.MISSING)
        else:
            used.add(found.id)
            if found.date > due + LATE_AFTER:
                problems.append(PaymentProblem.LATE)
            if found.amount.pence < amount.pence:
                problems.append(PaymentProblem.SHORT)
        out.append(ExpectedPayment(source, due, amount, found, tuple(problems)))
    return out
