"""Home's "Needs attention" list shows the first ten items and counts the rest."""

from __future__ import annotations

from datetime import date

from textual.widgets import OptionList

from kentcard.core.dates import Month
from kentcard.core.money import Money
from kentcard.services import browse, ledger, recipients, review
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.dashboard import ATTENTION_LIMIT
from kentcard.tui.screens.money_forms import AttachForm
from kentcard.tui.screens.review import ReviewScreen
from tests.tui.conftest import SIZE, settle


def add_payments_without_receipts(app: KentcardApp, count: int) -> int:
    """`count` November payments with no receipt (each a finding); the person's id."""
    person = recipients.list_recipients(app.ctx)[0]
    for day in range(1, count + 1):
        ledger.add_money_out(
            app.ctx,
            person.id,
            date=date(2026, 11, day),
            amount=Money(1000 + day),
            payee=f"Shop {day}",
            category="Equipment",
        )
    return person.id


def option_texts(attention: OptionList) -> list[str]:
    return [str(attention.get_option_at_index(i).prompt) for i in range(attention.option_count)]


async def test_attention_list_shows_ten_items_then_how_many_more(app: KentcardApp) -> None:
    """With many findings the list holds ten items and one line counting the rest, which
    points to Review; Enter on a shown item still opens its fix."""
    pid = add_payments_without_receipts(app, 14)
    today = app.ctx.today()
    everything = len(review.attention(app.ctx, pid, Month.of(today))) + len(
        browse.open_not_overdue(app.ctx, pid, 20)
    )
    assert everything > ATTENTION_LIMIT + 1
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        attention = app.screen.query_one("#attention", OptionList)
        texts = option_texts(attention)
        assert len(texts) == ATTENTION_LIMIT + 1
        # Invoices not yet due come after the findings and are not in Review: the line says
        # where they are too.
        assert texts[-1] == (
            f"… and {everything - ATTENTION_LIMIT} more — press 7 to see them all in Review,"
            " 4 for unpaid invoices"
        )
        first_receipt = next(i for i, t in enumerate(texts) if t.startswith("No receipt"))
        attention.focus()
        attention.highlighted = first_receipt
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttachForm)
        await pilot.press("escape")
        await settle(pilot)
        attention = app.screen.query_one("#attention", OptionList)
        attention.focus()
        attention.highlighted = ATTENTION_LIMIT
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)


async def test_a_short_attention_list_has_no_more_line(app: KentcardApp) -> None:
    """A few items are all shown, with no count under them."""
    add_payments_without_receipts(app, 2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        texts = option_texts(app.screen.query_one("#attention", OptionList))
        assert len(texts) <= ATTENTION_LIMIT
        assert not any("more" in t for t in texts)


def test_more_line_names_where_the_hidden_items_are() -> None:
    """Only findings hidden: Review; only invoices not yet due: Invoices; a full read of
    invoices (there may be more) says "at least"."""
    from kentcard.core.dates import Month
    from kentcard.tui.screens.dashboard import UNPAID_READ, Overview, more_line

    def data(findings: int, unpaid: int) -> Overview:
        return Overview(Month(2026, 11), None, [], [None] * findings, [None] * unpaid, [])  # type: ignore[arg-type, list-item]

    assert more_line(data(421, 0), 10) == "… and 411 more — press 7 to see them all in Review"
    assert more_line(data(3, 9), 10) == (
        "… and 2 more unpaid invoices — press 4 to see them in Invoices"
    )
    assert more_line(data(421, UNPAID_READ), 10) == (
        f"… and at least {411 + UNPAID_READ} more — press 7 to see them all in Review,"
        " 4 for unpaid invoices"
    )
