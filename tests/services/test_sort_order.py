"""A table sorted by a column some rows leave empty lists those rows in the same place on
both databases: first going up, last going down (SQLite's order; PostgreSQL puts empty
values the other way round unless told)."""

from __future__ import annotations

from datetime import date

import pytest

from kentcard.core.money import Money
from kentcard.core.records import ProviderKind
from kentcard.services import browse, ledger, providers
from kentcard.services.context import Context
from tests.services.helpers import person


@pytest.mark.parametrize("descending", [False, True])
def test_payments_without_a_category_sort_first_going_up(ctx: Context, descending: bool) -> None:
    rid = person(ctx)
    for payee, category in (("A", "Care"), ("B", None), ("C", "equipment"), ("D", None)):
        ledger.add_money_out(
            ctx, rid, date=date(2026, 11, 5), amount=Money(100), payee=payee, category=category
        )
    filters = browse.Filters(sort="category", descending=descending)
    payees = [p.record.payee for p in browse.money_out_page(ctx, rid, filters, 0, 10).items]
    going_up = ["B", "D", "A", "C"]
    assert payees == (going_up[::-1] if descending else going_up)
    # The last page is read from the other end: the same rows in the same order.
    tail = [p.record.payee for p in browse.money_out_page(ctx, rid, filters, 3, 1).items]
    assert tail == payees[3:]


def test_providers_without_a_rate_sort_first_going_up(ctx: Context) -> None:
    rid = person(ctx)
    for name, rate in (("Agency", Money(2800)), ("Shop", None), ("Club", Money(1500))):
        providers.add_provider(ctx, rid, name=name, kind=ProviderKind.OTHER, rate=rate)
    filters = browse.Filters(sort="rate", descending=False)
    names = [p.name for p in browse.provider_page(ctx, rid, filters, 0, 10).items]
    assert names == ["Shop", "Club", "Agency"]
