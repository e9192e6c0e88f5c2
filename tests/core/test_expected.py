"""Expected payments: when KCC money and the contribution are due, and which are missing,
late (more than 5 days after the due date) or short (DESIGN §2).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kentcard.core.expected import ExpectedPayment, PaymentProblem, check_expected, due_dates
from kentcard.core.money import Money
from kentcard.core.records import Frequency, MoneyIn, Plan, Source

D = date


def plan(
    pid: int = 1,
    *,
    start: date = D(2026, 9, 1),
    end: date | None = None,
    frequency: Frequency = Frequency.MONTHLY,
    council: int = 100_000,
    contribution: int = 0,
    first_payment: date | None = None,
) -> Plan:
    """A plan for recipient 1; amounts in pence."""
    return Plan(
        id=pid,
        recipient_id=1,
        start=start,
        end=end,
        frequency=frequency,
        council=Money(council),
        contribution=Money(contribution),
        first_payment=first_payment,
    )


_ids = iter(range(1, 10**6))


def paid(day: date, pence: int = 100_000, source: Source = Source.KCC) -> MoneyIn:
    """Money in on `day` from `source`, with a fresh id."""
    return MoneyIn(id=next(_ids), recipient_id=1, date=day, amount=Money(pence), source=source)


def by_due(results: list[ExpectedPayment], source: Source = Source.KCC) -> dict[date, tuple]:
    """The problems of each expected payment of `source`, keyed by due date."""
    return {r.due: r.problems for r in results if r.source is source}


# --- due_dates --------------------------------------------------------------------------------


def test_monthly_due_dates_clamp_to_month_end_without_drifting() -> None:
    """Monthly from 31 Jan falls on 28 Feb, then back to 31 Mar, 30 Apr, 31 May, 30 Jun."""
    p = plan(start=D(2026, 1, 31), first_payment=D(2026, 1, 31))
    assert due_dates(p, D(2026, 6, 30)) == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 31),
        D(2026, 4, 30),
        D(2026, 5, 31),
        D(2026, 6, 30),
    ]


def test_monthly_due_dates_in_a_leap_year() -> None:
    """Monthly from 31 Jan 2028 (a leap year) falls on 29 Feb."""
    p = plan(start=D(2028, 1, 31))
    assert due_dates(p, D(2028, 3, 31)) == [D(2028, 1, 31), D(2028, 2, 29), D(2028, 3, 31)]


def test_four_weekly_due_dates_step_28_days() -> None:
    """Four-weekly from Mon 5 Jan 2026: 5 Jan, 2 Feb, 2 Mar, 30 Mar (each +28 days)."""
    p = plan(start=D(2026, 1, 5), frequency=Frequency.FOUR_WEEKLY)
    assert due_dates(p, D(2026, 4, 26)) == [
        D(2026, 1, 5),
        D(2026, 2, 2),
        D(2026, 3, 2),
        D(2026, 3, 30),
    ]


def test_weekly_due_dates_step_7_days_and_include_until() -> None:
    """Weekly from 5 Jan up to 26 Jan includes 26 Jan itself: 5, 12, 19, 26 Jan."""
    p = plan(start=D(2026, 1, 5), frequency=Frequency.WEEKLY)
    assert due_dates(p, D(2026, 1, 26)) == [D(2026, 1, d) for d in (5, 12, 19, 26)]
    assert due_dates(p, D(2026, 1, 25)) == [D(2026, 1, d) for d in (5, 12, 19)]


def test_due_dates_start_at_first_payment_not_plan_start() -> None:
    """With a first payment date later than the plan start, dues count from the first payment."""
    p = plan(start=D(2026, 9, 1), first_payment=D(2026, 9, 10))
    assert due_dates(p, D(2026, 11, 30)) == [D(2026, 9, 10), D(2026, 10, 10), D(2026, 11, 10)]


def test_due_dates_stop_at_plan_end() -> None:
    """A monthly plan from 31 Jan ending 15 Mar has dues 31 Jan and 28 Feb only."""
    p = plan(start=D(2026, 1, 31), end=D(2026, 3, 15))
    assert due_dates(p, D(2026, 12, 31)) == [D(2026, 1, 31), D(2026, 2, 28)]


def test_due_dates_none_before_first_payment() -> None:
    """Until the first payment date arrives nothing is due."""
    p = plan(start=D(2026, 9, 1))
    assert due_dates(p, D(2026, 8, 31)) == []


# --- check_expected ---------------------------------------------------------------------------


def test_all_payments_on_time_have_no_problems() -> None:
    """KCC paid in full on 1 Sep, 1 Oct and 1 Nov: three expected payments, no problems."""
    money = [paid(D(2026, 9, 1)), paid(D(2026, 10, 1)), paid(D(2026, 11, 1))]
    results = check_expected([plan()], money, D(2026, 11, 25))
    assert [(r.source, r.due, r.problems) for r in results] == [
        (Source.KCC, D(2026, 9, 1), ()),
        (Source.KCC, D(2026, 10, 1), ()),
        (Source.KCC, D(2026, 11, 1), ()),
    ]
    assert [r.received for r in results] == money
    assert all(r.expected == Money(100_000) for r in results)


def test_missing_kcc_payment() -> None:
    """Nothing near the 1 Oct due date and today is 25 Nov: October is MISSING."""
    money = [paid(D(2026, 9, 1)), paid(D(2026, 11, 1))]
    results = check_expected([plan()], money, D(2026, 11, 25))
    assert by_due(results) == {
        D(2026, 9, 1): (),
        D(2026, 10, 1): (PaymentProblem.MISSING,),
        D(2026, 11, 1): (),
    }
    october = next(r for r in results if r.due == D(2026, 10, 1))
    assert october.received is None


@pytest.mark.parametrize(
    ("today", "problems"),
    [
        (D(2026, 11, 1), ()),  # due today
        (D(2026, 11, 4), ()),  # 3 days after: not yet late
        (D(2026, 11, 6), ()),  # 5 days after: still not late
        (D(2026, 11, 7), (PaymentProblem.MISSING,)),  # 6 days after: missing
    ],
)
def test_unpaid_due_date_is_missing_only_after_five_days(today: date, problems: tuple) -> None:
    """A due date with nothing received is MISSING only once today is more than 5 days after."""
    p = plan(start=D(2026, 11, 1))
    assert by_due(check_expected([p], [], today)) == {D(2026, 11, 1): problems}


@pytest.mark.parametrize(
    ("days_after", "problems"),
    [
        (0, ()),
        (5, ()),  # 5 days after is not late
        (6, (PaymentProblem.LATE,)),  # more than 5 days after is late
        (20, (PaymentProblem.LATE,)),
    ],
)
def test_monthly_payment_late_only_after_five_days(days_after: int, problems: tuple) -> None:
    """A monthly payment received 6 or more days after its due date is LATE; 5 days is not."""
    p = plan(start=D(2026, 10, 1))
    arrived = paid(D(2026, 10, 1) + timedelta(days=days_after))
    results = check_expected([p], [arrived, paid(D(2026, 11, 1))], D(2026, 11, 25))
    assert by_due(results) == {D(2026, 10, 1): problems, D(2026, 11, 1): ()}
    assert results[0].received == arrived


def test_short_payment() -> None:
    """£999.99 received against £1,000.00 due is SHORT."""
    results = check_expected(
        [plan(start=D(2026, 11, 1))], [paid(D(2026, 11, 1), 99_999)], D(2026, 11, 25)
    )
    assert by_due(results) == {D(2026, 11, 1): (PaymentProblem.SHORT,)}


def test_overpayment_is_not_short() -> None:
    """£1,000.01 received against £1,000.00 due is no problem."""
    results = check_expected(
        [plan(start=D(2026, 11, 1))], [paid(D(2026, 11, 1), 100_001)], D(2026, 11, 25)
    )
    assert by_due(results) == {D(2026, 11, 1): ()}


def test_late_and_short_together() -> None:
    """£500 arriving 10 days after the due date is both LATE and SHORT."""
    results = check_expected(
        [plan(start=D(2026, 11, 1))], [paid(D(2026, 11, 11), 50_000)], D(2026, 11, 25)
    )
    assert by_due(results) == {D(2026, 11, 1): (PaymentProblem.LATE, PaymentProblem.SHORT)}


def test_payment_two_days_early_counts() -> None:
    """KCC money arriving on 30 Oct for a 1 Nov due date satisfies it."""
    early = paid(D(2026, 10, 30))
    results = check_expected([plan(start=D(2026, 11, 1))], [early], D(2026, 11, 25))
    assert by_due(results) == {D(2026, 11, 1): ()}
    assert results[0].received == early


def test_weekly_payment_two_days_early_counts() -> None:
    """For a weekly plan too, money two days before the due date satisfies it."""
    p = plan(start=D(2026, 11, 2), frequency=Frequency.WEEKLY, council=25_000)
    money = [paid(D(2026, 10, 31), 25_000), paid(D(2026, 11, 9), 25_000)]
    results = check_expected([p], money, D(2026, 11, 10))
    assert by_due(results) == {D(2026, 11, 2): (), D(2026, 11, 9): ()}
    assert [r.received for r in results] == money


def test_one_payment_never_counts_for_two_due_dates() -> None:
    """Two dues (1 Oct, 1 Nov) and one payment on 1 Oct: October matched, November MISSING."""
    only = paid(D(2026, 10, 1))
    results = check_expected([plan(start=D(2026, 10, 1))], [only], D(2026, 11, 25))
    assert by_due(results) == {D(2026, 10, 1): (), D(2026, 11, 1): (PaymentProblem.MISSING,)}
    assert [r.received for r in results] == [only, None]


def test_one_payment_between_two_dues_is_used_once() -> None:
    """One payment on 29 Oct (early for 1 Nov) with 1 Oct unpaid: one MISSING, one matched."""
    only = paid(D(2026, 10, 29))
    results = check_expected([plan(start=D(2026, 10, 1))], [only], D(2026, 11, 25))
    matched = [r for r in results if r.received is not None]
    assert [r.received for r in matched] == [only]
    assert sorted(r.problems for r in results) == [(), (PaymentProblem.MISSING,)]


def test_contribution_checked_separately_from_kcc() -> None:
    """KCC paid but the £100 contribution not: only the contribution is MISSING."""
    p = plan(start=D(2026, 11, 1), contribution=10_000)
    results = check_expected([p], [paid(D(2026, 11, 1))], D(2026, 11, 25))
    assert {(r.source, r.expected, r.problems) for r in results} == {
        (Source.KCC, Money(100_000), ()),
        (Source.CONTRIBUTION, Money(10_000), (PaymentProblem.MISSING,)),
    }
    assert len(results) == 2


def test_contribution_paid_and_kcc_missing() -> None:
    """A contribution does not stand in for the KCC payment, nor KCC for the contribution."""
    p = plan(start=D(2026, 11, 1), contribution=10_000)
    money = [paid(D(2026, 11, 1), 110_000, Source.CONTRIBUTION)]
    results = check_expected([p], money, D(2026, 11, 25))
    assert by_due(results, Source.KCC) == {D(2026, 11, 1): (PaymentProblem.MISSING,)}
    assert by_due(results, Source.CONTRIBUTION) == {D(2026, 11, 1): ()}


def test_contribution_short() -> None:
    """A £50 contribution against £100 due is SHORT; the KCC payment is fine."""
    p = plan(start=D(2026, 11, 1), contribution=10_000)
    money = [paid(D(2026, 11, 1)), paid(D(2026, 11, 2), 5_000, Source.CONTRIBUTION)]
    results = check_expected([p], money, D(2026, 11, 25))
    assert by_due(results, Source.KCC) == {D(2026, 11, 1): ()}
    assert by_due(results, Source.CONTRIBUTION) == {D(2026, 11, 1): (PaymentProblem.SHORT,)}


def test_no_contribution_expected_when_it_is_zero() -> None:
    """A plan with a £0 contribution expects no contribution payments at all."""
    results = check_expected([plan(start=D(2026, 11, 1))], [], D(2026, 11, 25))
    assert [r.source for r in results] == [Source.KCC]


@pytest.mark.parametrize("source", [Source.REFUND, Source.OPENING, Source.OTHER])
def test_other_sources_do_not_count_as_kcc(source: Source) -> None:
    """Money in from a refund, opening balance or other source never satisfies a KCC due date."""
    money = [paid(D(2026, 11, 1), 100_000, source)]
    results = check_expected([plan(start=D(2026, 11, 1))], money, D(2026, 11, 25))
    assert by_due(results) == {D(2026, 11, 1): (PaymentProblem.MISSING,)}
    assert results[0].received is None


def test_nothing_due_in_the_future() -> None:
    """Due dates after today are not listed yet."""
    results = check_expected([plan(start=D(2026, 11, 1))], [], D(2026, 10, 31))
    assert results == []


def test_plan_change_dues_come_from_each_plan() -> None:
    """Old plan (£1,000 to 15 Nov) and new plan (£1,300 from 16 Nov): each due expects its own."""
    old = plan(1, start=D(2026, 10, 1), end=D(2026, 11, 15))
    new = plan(2, start=D(2026, 11, 16), council=130_000)
    money = [paid(D(2026, 10, 1)), paid(D(2026, 11, 1)), paid(D(2026, 11, 16), 130_000)]
    results = check_expected([old, new], money, D(2026, 11, 25))
    assert [(r.due, r.expected, r.problems) for r in results] == [
        (D(2026, 10, 1), Money(100_000), ()),
        (D(2026, 11, 1), Money(100_000), ()),
        (D(2026, 11, 16), Money(130_000), ()),
    ]


def test_weekly_payment_five_days_after_due_is_not_missing() -> None:
    """A weekly payment 5 days after its due date (not late) still settles that due date."""
    p = plan(start=D(2026, 11, 2), frequency=Frequency.WEEKLY, council=25_000)
    on_5th_day = paid(D(2026, 11, 7), 25_000)  # due 2 Nov + 5 days
    results = check_expected([p], [on_5th_day], D(2026, 11, 9))
    # 2 Nov was paid (5 days after: not late); 9 Nov is due today: not yet late.
    assert by_due(results) == {D(2026, 11, 2): (), D(2026, 11, 9): ()}


def test_weekly_payment_six_days_after_due_is_late() -> None:
    """A weekly payment 6 days after its due date is LATE for that due date, not MISSING."""
    p = plan(start=D(2026, 11, 2), frequency=Frequency.WEEKLY, council=25_000)
    money = [paid(D(2026, 11, 8), 25_000), paid(D(2026, 11, 9), 25_000)]
    results = check_expected([p], money, D(2026, 11, 10))
    assert by_due(results) == {D(2026, 11, 2): (PaymentProblem.LATE,), D(2026, 11, 9): ()}


def test_a_skipped_weekly_payment_is_missing_and_later_ones_stay_on_time() -> None:
    """One week with no payment is MISSING; the payments after it are not read as late."""
    p = plan(start=D(2026, 11, 2), frequency=Frequency.WEEKLY, council=25_000)
    money = [paid(D(2026, 11, 9), 25_000), paid(D(2026, 11, 16), 25_000)]
    results = check_expected([p], money, D(2026, 11, 17))
    # Reading it as "each payment a week late" would cost 7 + 7 days of lateness; one
    # missing week costs 7: the cheaper reading is the true one.
    assert by_due(results) == {
        D(2026, 11, 2): (PaymentProblem.MISSING,),
        D(2026, 11, 9): (),
        D(2026, 11, 16): (),
    }
