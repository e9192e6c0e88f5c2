"""Which kind of money in a statement credit is: the council's payment, the contribution, a refund.

A Kent Card is loaded by the council and by the person's own contribution; little else
should arrive. The words on the line and the support plan's expected amounts decide; when
they disagree or say nothing, the answer is None and the person is asked, never guessed for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from kentcard.core.records import Plan, Source

_CONTRIBUTION = re.compile(r"CONTRIBUTION", re.IGNORECASE)
_COUNCIL = re.compile(
    r"\bKCC\b|KENT COUNTY|DIRECT PAYMENT|\bDP\b|COUNTY COUNCIL|SOCIAL CARE", re.IGNORECASE
)
EARLY = timedelta(days=7)
_REFUND = re.compile(r"REFUND|\bRFD\b|REVERSAL|RETURNED", re.IGNORECASE)


def classify_credit(text: str, pence: int, day: date, plans: Sequence[Plan]) -> Source | None:
    """The source of a credit of `pence` on `day` described by `text`; None when unsure.

    Words that name the contribution or a refund decide. Words that name the council
    decide unless the amount is exactly the contribution (a contribution loaded through
    the council's portal). Otherwise the amount decides when it is exactly one of the
    amounts the plan in force expects, and only one of them.
    """
    by_amount = _by_amount(pence, day, plans)
    if _CONTRIBUTION.search(text):
        return Source.CONTRIBUTION
    if _REFUND.search(text):
        return Source.REFUND
    if _COUNCIL.search(text):
        return Source.CONTRIBUTION if by_amount is Source.CONTRIBUTION else Source.KCC
    return by_amount


def _by_amount(pence: int, day: date, plans: Sequence[Plan]) -> Source | None:
    """The one expected payment this amount is exactly, under the plan in force on `day`."""
    found = set()
    for plan in plans:
        # The first payment of a new plan may arrive a few days before it starts.
        if not (plan.in_force_on(day) or plan.in_force_on(day + EARLY)):
            continue
        if plan.council.pence == pence:
            found.add(Source.KCC)
        if plan.contribution.pence == pence:
            found.add(Source.CONTRIBUTION)
    return found.pop() if len(found) == 1 else None
