"""Home lists what still needs doing today, from any month: a missed payment stays until it
arrives, whichever month is on screen; a past month's overspending is that month's history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from textual.widgets import Input, OptionList

from kentcard.core.dates import Month
from kentcard.core.money import Money
from kentcard.core.records import Frequency, PlanLine, Source
from kentcard.services import ledger, plans, recipients, review
from kentcard.services.context import Context
from kentcard.services.settings import Settings
from kentcard.tui.app import KentcardApp
from kentcard.tui.launch import make_app
from kentcard.tui.screens.money_forms import MoneyInForm
from tests.tui.conftest import SIZE, settle

MISSED = "The KCC payment due on 2 Oct 2026 has not arrived"


@pytest.fixture
def missed_october(ctx: Context) -> Context:
    """A monthly plan from October: KCC paid November's £1,000 but never October's; October
    spent more than its budget."""
    person = recipients.setup_recipient(
        ctx, name="Mary Jones", opening_balance=Money(120000), as_of=date(2026, 9, 30)
    )
    plans.set_plan(
        ctx,
        person.id,
        start=date(2026, 10, 1),
        frequency=Frequency.MONTHLY,
        council=Money(100000),
        first_payment=date(2026, 10, 2),
        lines=[PlanLine("Home care", Money(100000))],
    )
    ledger.add_money_in(
        ctx, person.id, date=date(2026, 11, 2), amount=Money(100000), source=Source.KCC
    )
    paid = ledger.add_money_out(
        ctx,
        person.id,
        date=date(2026, 10, 20),
        amount=Money(110000),
        payee="Bright Homecare",
        category="Home care",
    )
    ledger.explain_missing_evidence(ctx, person.id, paid.id, "paid at the door, no receipt")
    return ctx


@pytest.fixture
def app(settings: Settings, missed_october: Context) -> Iterator[KentcardApp]:
    yield make_app(settings, missed_october)


def texts(app: KentcardApp) -> list[str]:
    attention = app.screen.query_one("#attention", OptionList)
    return [str(attention.get_option_at_index(i).prompt) for i in range(attention.option_count)]


async def test_a_missed_october_payment_shows_on_home_in_every_month_until_it_arrives(
    app: KentcardApp,
) -> None:
    """In November (today), in October and in December the missed payment is listed, first
    and highlighted, and Enter opens the money-in form for it; once it is logged, it goes."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert texts(app)[0] == f"Payment missing: {MISSED} (£1,000.00)"
        for key in ("left_square_bracket", "right_square_bracket", "right_square_bracket"):
            await pilot.press(key)
            await settle(pilot)
            assert any(MISSED in t for t in texts(app)), app.screen.month  # type: ignore[attr-defined]
        await pilot.press("t")  # back to this month
        await settle(pilot)
        assert app.screen.query_one("#attention", OptionList).highlighted == 0
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, MoneyInForm)
        assert form.query_one("#f-date", Input).value == "2026-10-02"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not any(MISSED in t for t in texts(app))


async def test_a_past_months_overspending_is_listed_with_that_month_only(
    app: KentcardApp,
) -> None:
    """October's overspending is shown while October is; in November it is history."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not any(t.startswith("Overspent") for t in texts(app))
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert any(t.startswith("Overspent: October 2026") for t in texts(app))


def test_attention_keeps_what_is_open_and_the_months_own_findings(
    missed_october: Context,
) -> None:
    """The service: open findings of any month (the missed payment), the shown month's own
    (its overspending), and not an explained missing receipt (answered; Review keeps it)."""
    pid = recipients.list_recipients(missed_october)[0].id
    november = review.attention(missed_october, pid, Month(2026, 11))
    october = review.attention(missed_october, pid, Month(2026, 10))
    assert november[0].kind is review.Kind.PAYMENT_MISSING
    assert october[0].kind is review.Kind.PAYMENT_MISSING
    assert review.Kind.OVERSPENT in {f.kind for f in october}
    assert review.Kind.OVERSPENT not in {f.kind for f in november}
    for found in (november, october):
        assert review.Kind.EXPLAINED_NO_EVIDENCE not in {f.kind for f in found}
    whole = review.review(missed_october, pid, date(2026, 10, 1), date(2026, 11, 30))
    assert review.Kind.EXPLAINED_NO_EVIDENCE in {f.kind for f in whole}
