"""The review's findings, each from a worked example on a real database (today 2026-11-25)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

from kentcard.core.money import Money
from kentcard.core.records import Frequency, Source
from kentcard.services.allocations import allocate
from kentcard.services.context import Context
from kentcard.services.ledger import add_money_in, add_money_out
from kentcard.services.plans import set_plan
from kentcard.services.review import Finding, Kind, review
from tests.services.helpers import AGENCY, invoice, monthly_plan, pdf_file, person, provider

AUTUMN = (date(2026, 9, 1), date(2026, 11, 30))
PAYMENT_KINDS = {Kind.PAYMENT_MISSING, Kind.PAYMENT_LATE, Kind.PAYMENT_SHORT}


def of_kind(findings: list[Finding], *kinds: Kind) -> list[tuple[Kind, date, str | None, int]]:
    return [
        (f.kind, f.date, f.record, f.amount.pence if f.amount else 0)
        for f in findings
        if f.kind in kinds
    ]


def receive(ctx: Context, rid: int, day: date, pence: int, source: Source) -> int:
    return add_money_in(ctx, rid, date=day, amount=Money(pence), source=source).id


def pay(ctx: Context, rid: int, day: date, pence: int, category: str | None = None) -> int:
    return add_money_out(
        ctx, rid, date=day, amount=Money(pence), payee=AGENCY, category=category
    ).id


def test_missing_late_and_short_council_payments(ctx: Context) -> None:
    """Four-weekly due dates find the missing, the late (> 5 days) and the short payment."""
    rid = person(ctx)
    set_plan(
        ctx,
        rid,
        start=date(2026, 9, 1),
        frequency=Frequency.FOUR_WEEKLY,
        council=Money(100_000),
        contribution=Money(10_000),
        first_payment=date(2026, 9, 7),
    )
    # due every 28 days: 7 Sep, 5 Oct, 2 Nov (30 Nov is after today)
    receive(ctx, rid, date(2026, 9, 7), 100_000, Source.KCC)
    late = receive(ctx, rid, date(2026, 10, 12), 100_000, Source.KCC)  # 5 Oct + 7 days
    # nothing from KCC for 2 Nov: 25 Nov is more than 5 days after it
    receive(ctx, rid, date(2026, 9, 7), 10_000, Source.CONTRIBUTION)
    short = receive(ctx, rid, date(2026, 10, 5), 9_000, Source.CONTRIBUTION)
    receive(ctx, rid, date(2026, 11, 4), 10_000, Source.CONTRIBUTION)  # 2 days late: fine
    found = of_kind(review(ctx, rid, *AUTUMN), *PAYMENT_KINDS)
    assert found == [
        (Kind.PAYMENT_LATE, date(2026, 10, 5), f"money-in:{late}", 100_000),
        (Kind.PAYMENT_SHORT, date(2026, 10, 5), f"money-in:{short}", 1_000),  # 10,000 − 9,000
        (Kind.PAYMENT_MISSING, date(2026, 11, 2), None, 100_000),
    ]
    missing = next(f for f in review(ctx, rid, *AUTUMN) if f.kind is Kind.PAYMENT_MISSING)
    assert "2 Nov 2026" in missing.message


def test_five_days_late_is_on_time_and_six_is_late(ctx: Context) -> None:
    """Lateness starts after 5 days: the 6th day after the due date is late."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 100_000, start=date(2026, 9, 1), first_payment=date(2026, 9, 1))
    # due 1 Sep, 1 Oct, 1 Nov
    receive(ctx, rid, date(2026, 9, 6), 100_000, Source.KCC)  # 5 days after 1 Sep
    late = receive(ctx, rid, date(2026, 10, 7), 100_000, Source.KCC)  # 6 days after 1 Oct
    receive(ctx, rid, date(2026, 10, 29), 100_000, Source.KCC)  # 3 days early for 1 Nov
    assert of_kind(review(ctx, rid, *AUTUMN), *PAYMENT_KINDS) == [
        (Kind.PAYMENT_LATE, date(2026, 10, 1), f"money-in:{late}", 100_000),
    ]


def test_payment_not_yet_five_days_overdue_is_not_missing(ctx: Context) -> None:
    """A payment due 21 November is not missing on 25 November (only 4 days)."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 100_000, start=date(2026, 10, 21), first_payment=date(2026, 10, 21))
    receive(ctx, rid, date(2026, 10, 21), 100_000, Source.KCC)
    assert of_kind(review(ctx, rid, *AUTUMN), *PAYMENT_KINDS) == []


def test_overdue_and_overpaid_invoices(ctx: Context) -> None:
    """A part-paid invoice past due is OVERDUE_INVOICE; one paid too much is OVERPAID_INVOICE."""
    rid = person(ctx)
    provider(ctx, rid)
    overdue = invoice(ctx, rid, "INV-1", 30_000, date(2026, 10, 1))  # due 31 Oct
    overpaid = invoice(ctx, rid, "INV-2", 20_000, date(2026, 11, 2))
    invoice(ctx, rid, "INV-3", 5_000, date(2026, 11, 1))  # due 1 Dec: not overdue yet
    allocate(ctx, pay(ctx, rid, date(2026, 10, 3), 10_000), overdue)
    allocate(ctx, pay(ctx, rid, date(2026, 11, 3), 15_000), overpaid, Money(15_000))
    allocate(ctx, pay(ctx, rid, date(2026, 11, 4), 10_000), overpaid, Money(10_000))
    found = of_kind(review(ctx, rid, *AUTUMN), Kind.OVERDUE_INVOICE, Kind.OVERPAID_INVOICE)
    assert found == [
        # outstanding 30,000 − 10,000 = 20,000, dated on the due day
        (Kind.OVERDUE_INVOICE, date(2026, 10, 31), f"invoice:{overdue}", 20_000),
        # paid 15,000 + 10,000 = 25,000 on 20,000: 5,000 too much
        (Kind.OVERPAID_INVOICE, date(2026, 11, 2), f"invoice:{overpaid}", 5_000),
    ]


def test_payment_outside_the_plan(ctx: Context) -> None:
    """A payment whose category is not a plan line, or that has none, is OUTSIDE_PLAN."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 120_000, start=date(2026, 9, 1), lines={"Agency": 100_000, "PA": 20_000})
    pay(ctx, rid, date(2026, 8, 20), 1_000, "Holiday")  # before any plan: nothing to judge by
    taxi = pay(ctx, rid, date(2026, 11, 3), 2_500, "Taxi")
    pay(ctx, rid, date(2026, 11, 4), 40_000, "agency")  # a plan line, whatever the case
    pay(ctx, rid, date(2026, 11, 5), 10_000, "PA")
    none = pay(ctx, rid, date(2026, 11, 6), 700)
    found = of_kind(review(ctx, rid, date(2026, 8, 1), date(2026, 11, 30)), Kind.OUTSIDE_PLAN)
    assert found == [
        (Kind.OUTSIDE_PLAN, date(2026, 11, 3), f"money-out:{taxi}", 2_500),
        (Kind.OUTSIDE_PLAN, date(2026, 11, 6), f"money-out:{none}", 700),
    ]


def test_plan_without_lines_judges_nothing_outside(ctx: Context) -> None:
    """With no budget lines the plan does not say what is in or out: no OUTSIDE_PLAN."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 120_000, start=date(2026, 9, 1))
    pay(ctx, rid, date(2026, 11, 3), 2_500, "Taxi")
    assert of_kind(review(ctx, rid, *AUTUMN), Kind.OUTSIDE_PLAN) == []


def test_overspent_months(ctx: Context) -> None:
    """Each month whose spending passes its budget is OVERSPENT by the difference."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 50_000, start=date(2026, 9, 1))
    pay(ctx, rid, date(2026, 9, 10), 50_000)  # exactly on budget: not overspent
    pay(ctx, rid, date(2026, 10, 5), 45_000)
    pay(ctx, rid, date(2026, 10, 20), 10_001)
    pay(ctx, rid, date(2026, 11, 3), 50_001)
    assert of_kind(review(ctx, rid, *AUTUMN), Kind.OVERSPENT) == [
        # October: 45,000 + 10,001 − 50,000 = 5,001, dated the month's last day
        (Kind.OVERSPENT, date(2026, 10, 31), "month:2026-10", 5_001),
        # November: 50,001 − 50,000 = 1, dated today (the month is not over)
        (Kind.OVERSPENT, date(2026, 11, 25), "month:2026-11", 1),
    ]


def test_surplus_above_the_retained_allowance(ctx: Context) -> None:
    """A balance above 8 weeks of budget plus what is owed is a SURPLUS of the excess."""
    rid = person(ctx, opening_balance=Money(500_000), as_of=date(2026, 11, 1))
    monthly_plan(ctx, rid, 130_000, start=date(2026, 11, 1))
    provider(ctx, rid)
    invoice(ctx, rid, "INV-1", 20_000, date(2026, 11, 10))
    # weekly 130,000 × 12/52 = 30,000; retained 8 × 30,000 = 240,000
    # surplus = 500,000 − 20,000 − 240,000 = 240,000, dated today
    found = of_kind(review(ctx, rid, date(2026, 11, 1), date(2026, 11, 30)), Kind.SURPLUS)
    assert found == [(Kind.SURPLUS, date(2026, 11, 25), None, 240_000)]


def test_no_surplus_within_the_allowance(ctx: Context) -> None:
    """A balance within the retained allowance plus what is owed gives no SURPLUS finding."""
    rid = person(ctx, opening_balance=Money(260_000), as_of=date(2026, 11, 1))
    monthly_plan(ctx, rid, 130_000, start=date(2026, 11, 1))
    provider(ctx, rid)
    invoice(ctx, rid, "INV-1", 20_000, date(2026, 11, 10))
    # 260,000 − 20,000 − 240,000 = 0: nothing above the allowance
    assert of_kind(review(ctx, rid, date(2026, 11, 1), date(2026, 11, 30)), Kind.SURPLUS) == []


def test_a_clean_account_has_no_findings(ctx: Context, tmp_path: Path, db_path: Path) -> None:
    """Paid on time and in full, evidenced, in plan and under budget: the review is empty."""
    rid = person(ctx)
    monthly_plan(
        ctx,
        rid,
        100_000,
        start=date(2026, 9, 1),
        lines={"Agency": 100_000},
        first_payment=date(2026, 9, 1),
    )
    provider(ctx, rid)
    for month in (9, 10, 11):
        receive(ctx, rid, date(2026, month, 1), 100_000, Source.KCC)
        pdf = pdf_file(tmp_path, f"inv-{month}")
        inv = invoice(ctx, rid, f"INV-{month}", 90_000, date(2026, month, 2), file=pdf)
        allocate(ctx, pay(ctx, rid, date(2026, month, 3), 90_000, "Agency"), inv)
    # balance 300,000 − 270,000 = 30,000, far below 8 weeks (8 × 100,000 × 12/52 = 184,615)
    assert review(ctx, rid, *AUTUMN) == []
    # and the same account without the invoice files has only NO_EVIDENCE findings
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute("DELETE FROM document_link")
    assert {f.kind for f in review(ctx, rid, *AUTUMN)} == {Kind.NO_EVIDENCE}


def test_a_balance_below_zero_is_found_each_time_it_happens(ctx: Context) -> None:
    """A prepaid card cannot go below zero: each day the balance drops under it is a finding,
    with the balance that day; days it stays below are not found again."""
    rid = person(ctx, opening_balance=Money(10_000), as_of=date(2026, 8, 31))
    pay(ctx, rid, date(2026, 9, 3), 15_000)  # 100 − 150 = −50
    pay(ctx, rid, date(2026, 9, 4), 1_000)  # still below: −60
    receive(ctx, rid, date(2026, 9, 10), 20_000, Source.KCC)  # back above: 140
    pay(ctx, rid, date(2026, 10, 1), 14_000)  # exactly 0: not below
    pay(ctx, rid, date(2026, 10, 2), 1)  # −0.01
    found = of_kind(review(ctx, rid, *AUTUMN), Kind.NEGATIVE_BALANCE)
    assert found == [
        (Kind.NEGATIVE_BALANCE, date(2026, 9, 3), None, -5_000),
        (Kind.NEGATIVE_BALANCE, date(2026, 10, 2), None, -1),
    ]
    # a period that opens already below zero says so on its first day
    found = of_kind(review(ctx, rid, date(2026, 9, 5), date(2026, 9, 30)), Kind.NEGATIVE_BALANCE)
    assert found == [(Kind.NEGATIVE_BALANCE, date(2026, 9, 5), None, -6_000)]


def test_entries_dated_after_the_as_at_date_are_listed_and_in_no_figure(ctx: Context) -> None:
    """A period reaching past today (25 Nov) is worked out as at today: a payment dated the
    28th is listed as dated later, in words, and never counted (so it overspends nothing)."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 10_000, start=date(2026, 9, 1))
    receive(ctx, rid, date(2026, 11, 1), 10_000, Source.KCC)
    later = pay(ctx, rid, date(2026, 11, 28), 50_000)
    findings = review(ctx, rid, *AUTUMN)
    dated = [f for f in findings if f.kind is Kind.DATED_LATER]
    assert [(f.date, f.record, f.amount) for f in dated] == [
        (date(2026, 11, 28), f"money-out:{later}", Money(50_000))
    ]
    assert dated[0].about == "Payment 28 Nov 2026, Kent Care Agency, £500.00"
    assert "dated after 25 Nov 2026" in dated[0].message
    assert not [f for f in findings if f.kind in (Kind.OVERSPENT, Kind.NEGATIVE_BALANCE)]
    assert not [f for f in findings if f.kind is Kind.NO_EVIDENCE]  # not judged until then


def test_a_payment_with_a_reason_for_no_receipt_is_shown_as_explained(ctx: Context) -> None:
    """An explained payment is still listed, under its own kind, with the reason given."""
    from kentcard.services.ledger import explain_missing_evidence

    rid = person(ctx)
    club = pay(ctx, rid, date(2026, 10, 7), 1_450)
    other = pay(ctx, rid, date(2026, 10, 8), 2_000)
    explain_missing_evidence(ctx, rid, club, "the lunch club gives no receipts")
    findings = review(ctx, rid, *AUTUMN)
    assert of_kind(findings, Kind.NO_EVIDENCE, Kind.EXPLAINED_NO_EVIDENCE) == [
        (Kind.EXPLAINED_NO_EVIDENCE, date(2026, 10, 7), f"money-out:{club}", 1_450),
        (Kind.NO_EVIDENCE, date(2026, 10, 8), f"money-out:{other}", 2_000),
    ]
    explained = next(f for f in findings if f.kind is Kind.EXPLAINED_NO_EVIDENCE)
    assert explained.message.endswith("the reason given: the lunch club gives no receipts")
