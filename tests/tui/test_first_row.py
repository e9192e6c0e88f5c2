"""A list or table that gets focus has its first row highlighted: Enter acts on it at once."""

from __future__ import annotations

from textual.widgets import OptionList

from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.money_forms import AttachForm, MoneyInForm
from kentcard.tui.screens.review import ReviewScreen
from tests.tui.conftest import SIZE, settle


async def test_enter_on_home_opens_the_first_item_with_no_other_key(app: KentcardApp) -> None:
    """Home opens with the first item of Needs attention highlighted (the contribution due on
    3 November has not arrived), and Enter opens the money-in form for it."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        attention = app.screen.query_one("#attention", OptionList)
        assert app.focused is attention and attention.highlighted == 0
        assert str(attention.get_option_at_index(0).prompt).startswith("Payment missing")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MoneyInForm)


async def test_the_first_row_is_highlighted_again_after_a_change_of_month(
    app: KentcardApp,
) -> None:
    """The list is filled again for another month: its first row is highlighted again."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        attention = app.screen.query_one("#attention", OptionList)
        await pilot.press("down", "right_square_bracket")
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert attention.highlighted == 0


async def test_enter_on_reviews_first_row_opens_its_fix(app: KentcardApp) -> None:
    """Review's table has its first row selected: Enter fixes it (a missing payment first
    by date here is the contribution; the payment with no receipt is the 18th's)."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        first = app.screen.findings[0]
        await pilot.press("enter")
        await settle(pilot)
        expected = MoneyInForm if first.kind.value == "payment-missing" else AttachForm
        assert isinstance(app.screen, expected)
