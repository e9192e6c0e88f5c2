"""Employing a PA through the services, on a real SQLite file: what is recorded, what the
checks then say in `review`, and bad input or a locked period writing nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kentcard.core.employment.records import (
    AgeBand,
    FindingKind,
    HmrcFrequency,
    PayFrequency,
    PayrollRoute,
    WorkKind,
)
from kentcard.core.errors import ConflictError, InputError
from kentcard.core.money import Money
from kentcard.services import employment, ledger, period_lock, review
from kentcard.services.context import Context
from kentcard.services.employment import PayslipFigures, RateTerms
from tests.services.helpers import audit_since, last_audit_id, monthly_plan, person, rows

PA = "Sam Taylor"


def DB(ctx: Context) -> Path:
    return Path(str(ctx.db.engine.url.database))


EMPLOYMENT_TABLES = ("employee", "pay_rate", "timesheet_line", "payslip", "hmrc_payment", "audit")


def employment_counts(db_path: Path) -> dict[str, int]:
    return {t: rows(db_path, f"SELECT count(*) FROM {t}")[0][0] for t in EMPLOYMENT_TABLES}


def employer(ctx: Context, rid: int, start: date = date(2026, 4, 1)) -> None:
    """A PA on £13.00 an hour from `start`, paid monthly, insured for the year."""
    employment.add_employee(ctx, rid, name=PA, start=start, terms=RateTerms(Money(1300)))
    employment.add_insurance(
        ctx, rid, insurer="Acme Mutual", start=date(2026, 4, 1), renewal=date(2027, 4, 1)
    )


def april_month(ctx: Context, rid: int, paid: int, net: int, file: Path | None = None) -> int:
    """7 h 30 care on 6 April and 7 h 20 travel on 7 April: 890 minutes at £13.00 an hour
    = 890 × 1300 / 60 = 19,283.33p → gross £192.83. Returns the payslip's id."""
    employment.add_timesheet_line(ctx, rid, employee=PA, day=date(2026, 4, 6), minutes=450)
    employment.add_timesheet_line(
        ctx, rid, employee=PA, day=date(2026, 4, 7), minutes=440, kind=WorkKind.TRAVEL
    )
    payment = ledger.add_money_out(ctx, rid, date=date(2026, 4, 30), amount=Money(paid), payee=PA)
    return employment.add_payslip(
        ctx,
        rid,
        employee=PA,
        period_start=date(2026, 4, 1),
        period_end=date(2026, 4, 30),
        paid_on=date(2026, 4, 30),
        figures=PayslipFigures(gross=Money(19283), net=Money(net), minutes=890),
        money_out_id=payment.id,
        file=file,
    ).id


def kinds(ctx: Context, rid: int) -> list[str]:
    """The findings of the employment checks, and any payment with no evidence."""
    watched = {k.value for k in FindingKind} | {"no-evidence"}
    found = review.review(ctx, rid, date(2026, 4, 1), date(2026, 11, 25))
    return [f.kind.value for f in found if f.kind.value in watched]


def test_a_month_recorded_as_issued_raises_nothing_and_the_payslip_proves_the_wage(
    ctx: Context, tmp_path: Path
) -> None:
    """Timesheets, a payslip matching them and the card payment of its net: no finding, and
    the payslip's file is the wage payment's evidence (no "no receipt")."""
    rid = person(ctx)
    employer(ctx, rid)
    slip = tmp_path / "payslip-april.txt"
    slip.write_text("Payslip April 2026 net 192.83\n")
    april_month(ctx, rid, paid=19283, net=19283, file=slip)
    assert kinds(ctx, rid) == []


def test_a_wage_paid_that_differs_from_the_payslip_is_a_pay_mismatch_finding(
    ctx: Context,
) -> None:
    """Net £180.00 on the payslip, £170.00 paid from the card: one pay-mismatch of £10.00
    about that payslip, in review with the PA's words."""
    rid = person(ctx)
    employer(ctx, rid)
    slip_id = april_month(ctx, rid, paid=17000, net=18000)
    found = [
        f
        for f in review.review(ctx, rid, date(2026, 4, 1), date(2026, 11, 25))
        if f.kind is review.Kind.PAY_MISMATCH
    ]
    assert [(f.record, f.amount) for f in found] == [(f"payslip:{slip_id}", Money(1000))]
    assert "Sam Taylor's payslip" in found[0].message and "£170.00" in found[0].message


def test_a_pa_added_under_an_existing_payees_name_makes_their_payments_wages(
    ctx: Context,
) -> None:
    """A payment logged to "Sam Taylor" before the PA was added is a wage payment once they
    are (by the payee's name, as no provider was linked): with no payslip, a finding."""
    rid = person(ctx)
    ledger.add_money_out(ctx, rid, date=date(2026, 5, 29), amount=Money(35000), payee=PA)
    employer(ctx, rid)
    assert "no-payslip" in kinds(ctx, rid)
    [(provider_kind,)] = rows(DB(ctx), "SELECT kind FROM provider")
    assert provider_kind == "pa"


def test_every_record_is_one_audit_line(ctx: Context) -> None:
    """Adding a PA writes the PA and their first rate; each line and payslip one line more."""
    rid = person(ctx)
    before = last_audit_id(DB(ctx))
    employer(ctx, rid)
    april_month(ctx, rid, paid=19283, net=19283)
    entities = [entity for entity, _, action in audit_since(DB(ctx), before)]
    assert entities == [
        "provider",
        "employee",
        "pay_rate",
        "insurance",
        "timesheet_line",
        "timesheet_line",
        "money_out",
        "payslip",
    ]


@pytest.mark.parametrize(
    ("field", "call"),
    [
        (
            "net",  # net £200.00 from gross £192.83 with nothing deducted cannot be
            lambda ctx, rid: employment.add_payslip(
                ctx,
                rid,
                employee=PA,
                period_start=date(2026, 4, 1),
                period_end=date(2026, 4, 30),
                paid_on=date(2026, 4, 30),
                figures=PayslipFigures(gross=Money(19283), net=Money(20000)),
            ),
        ),
        (
            "employee",
            lambda ctx, rid: employment.add_timesheet_line(
                ctx, rid, employee="Nobody", day=date(2026, 4, 6), minutes=60
            ),
        ),
        (
            "date",  # before the PA started
            lambda ctx, rid: employment.add_timesheet_line(
                ctx, rid, employee=PA, day=date(2026, 3, 31), minutes=60
            ),
        ),
        (
            "hours",
            lambda ctx, rid: employment.add_timesheet_line(
                ctx, rid, employee=PA, day=date(2026, 4, 6), minutes=24 * 60 + 1
            ),
        ),
        (
            "to",
            lambda ctx, rid: employment.add_payslip(
                ctx,
                rid,
                employee=PA,
                period_start=date(2026, 4, 30),
                period_end=date(2026, 4, 1),
                paid_on=date(2026, 4, 30),
                figures=PayslipFigures(gross=Money(100), net=Money(100)),
            ),
        ),
        (
            "money-out",  # a payment to someone else is not this PA's wage
            lambda ctx, rid: employment.add_payslip(
                ctx,
                rid,
                employee=PA,
                period_start=date(2026, 4, 1),
                period_end=date(2026, 4, 30),
                paid_on=date(2026, 4, 30),
                figures=PayslipFigures(gross=Money(100), net=Money(100)),
                money_out_id=ledger.add_money_out(
                    ctx, rid, date=date(2026, 4, 30), amount=Money(100), payee="Corner Shop"
                ).id,
            ),
        ),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(ctx: Context, field: str, call) -> None:  # type: ignore[no-untyped-def]
    rid = person(ctx)
    employer(ctx, rid)
    before = employment_counts(DB(ctx))
    with pytest.raises(InputError) as error:
        call(ctx, rid)
    assert error.value.field == field
    after = employment_counts(DB(ctx))
    if field == "money-out":  # the shop payment itself was logged before the refusal
        before["audit"] += 1
    assert after == before


def test_a_timesheet_or_payslip_in_a_locked_period_is_refused(ctx: Context) -> None:
    """April is locked: a line dated in it, or a payslip paid in it, is refused and nothing
    is written; May is open."""
    rid = person(ctx)
    employer(ctx, rid)
    period_lock.lock_period(ctx, rid, date(2026, 4, 30), "reviewed")
    before = employment_counts(DB(ctx))
    with pytest.raises(ConflictError, match="locked up to 2026-04-30"):
        employment.add_timesheet_line(ctx, rid, employee=PA, day=date(2026, 4, 6), minutes=60)
    with pytest.raises(ConflictError, match="locked up to 2026-04-30"):
        employment.add_payslip(
            ctx,
            rid,
            employee=PA,
            period_start=date(2026, 4, 1),
            period_end=date(2026, 4, 30),
            paid_on=date(2026, 4, 30),
            figures=PayslipFigures(gross=Money(100), net=Money(100)),
        )
    assert employment_counts(DB(ctx)) == before
    employment.add_timesheet_line(ctx, rid, employee=PA, day=date(2026, 5, 6), minutes=60)


def test_hmrc_quarters_run_one_to_four_for_a_quarterly_payer(ctx: Context) -> None:
    rid = person(ctx)
    employment.set_employer(
        ctx,
        rid,
        route=PayrollRoute.BUREAU,
        bureau="Kent Payroll",
        hmrc_frequency=HmrcFrequency.QUARTERLY,
    )
    paid = ledger.add_money_out(ctx, rid, date=date(2026, 7, 20), amount=Money(4210), payee="HMRC")
    with pytest.raises(InputError, match="quarter"):
        employment.add_hmrc_payment(ctx, rid, money_out_id=paid.id, tax_year=2026, period=5)
    recorded = employment.add_hmrc_payment(ctx, rid, money_out_id=paid.id, tax_year=2026, period=1)
    assert (recorded.paid_on, recorded.amount, recorded.period) == (
        date(2026, 7, 20),
        Money(4210),
        1,
    )
    with pytest.raises(ConflictError, match="already recorded"):
        employment.add_hmrc_payment(ctx, rid, money_out_id=paid.id, tax_year=2026, period=1)


def test_what_a_pa_costs_is_the_worked_example_against_the_plan_line(ctx: Context) -> None:
    """20 h a week at £13.00, monthly, no Employment Allowance: wage 20 × 13 × 52 / 12 =
    £1,126.67; employer NI (1,126.67 − 96 × 52 / 12 = 416) × 15 % = £106.45; pension 3 % of
    (1,126.67 − 120 × 52 / 12 = 520) = £18.20. The plan's PA line is £1,400.00 a month."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 150000, lines={"PA wages": 140000, "Other": 10000})
    employment.add_employee(
        ctx,
        rid,
        name=PA,
        start=date(2026, 4, 1),
        terms=RateTerms(Money(1300), frequency=PayFrequency.MONTHLY, category="PA wages"),
        age_band=AgeBand.ADULT,
    )
    cost = employment.employee_cost(ctx, rid, employee=PA, minutes_per_week=20 * 60)
    e = cost.estimate
    assert (e.wage_estimate, e.employer_ni_estimate, e.employer_pension_estimate) == (
        Money(112667),
        Money(10645),
        Money(1820),
    )
    assert (cost.category, cost.budget) == ("PA wages", Money(140000))


def test_a_pay_rise_keeps_everything_but_the_rate_from_the_rate_before(ctx: Context) -> None:
    """£13.00 four-weekly with a £90 sleep-in and a 'PA wages' line; a rise to £13.50 from
    1 October keeps those; the weekend rate given with it is new; September keeps £13.00."""
    rid = person(ctx)
    terms = RateTerms(
        Money(1300),
        sleep_in=Money(9000),
        frequency=PayFrequency.FOUR_WEEKLY,
        category="PA wages",
    )
    employment.add_employee(ctx, rid, name=PA, start=date(2026, 4, 1), terms=terms)
    risen = employment.change_pay(
        ctx,
        rid,
        employee=PA,
        effective_from=date(2026, 10, 1),
        hourly=Money(1350),
        premiums={"weekend": Money(1500)},
    )
    assert (risen.hourly, risen.weekend, risen.sleep_in_flat) == (
        Money(1350),
        Money(1500),
        Money(9000),
    )
    assert (risen.frequency, risen.category) == (PayFrequency.FOUR_WEEKLY, "PA wages")
    rates = employment.records(ctx, rid).rates
    assert [(r.effective_from, r.hourly) for r in rates] == [
        (date(2026, 4, 1), Money(1300)),
        (date(2026, 10, 1), Money(1350)),
    ]
    with pytest.raises(InputError, match="no pay before 2026-04-01"):
        employment.change_pay(
            ctx, rid, employee=PA, effective_from=date(2026, 4, 1), hourly=Money(1400)
        )


def test_a_second_payslip_for_days_another_covers_is_refused(ctx: Context) -> None:
    """April is on a payslip: another for 15 April to 14 May is refused, naming the first;
    1 to 31 May is taken."""
    rid = person(ctx)
    employer(ctx, rid)
    april_month(ctx, rid, paid=19283, net=19283)
    before = employment_counts(DB(ctx))

    def slip(start: date, end: date) -> None:
        employment.add_payslip(
            ctx,
            rid,
            employee=PA,
            period_start=start,
            period_end=end,
            paid_on=end,
            figures=PayslipFigures(gross=Money(1000), net=Money(1000)),
        )

    with pytest.raises(ConflictError, match="already has a payslip for 1–30 April 2026"):
        slip(date(2026, 4, 15), date(2026, 5, 14))
    assert employment_counts(DB(ctx)) == before
    slip(date(2026, 5, 1), date(2026, 5, 31))


def test_a_pa_who_leaves_has_no_timesheet_after_their_last_day(ctx: Context) -> None:
    """Sam leaves on 30 April: a line on 1 May is refused; a last day before a line already
    entered is refused naming it; --undo clears the last day, audited each time."""
    rid = person(ctx)
    employer(ctx, rid)
    employment.add_timesheet_line(ctx, rid, employee=PA, day=date(2026, 4, 20), minutes=60)
    with pytest.raises(ConflictError, match="the last on 2026-04-20"):
        employment.end_employment(ctx, rid, employee=PA, last_day=date(2026, 4, 19))
    before = last_audit_id(DB(ctx))
    left = employment.end_employment(ctx, rid, employee=PA, last_day=date(2026, 4, 30))
    assert left.end == date(2026, 4, 30)
    with pytest.raises(InputError, match="not employed on 2026-05-01"):
        employment.add_timesheet_line(ctx, rid, employee=PA, day=date(2026, 5, 1), minutes=60)
    back = employment.end_employment(ctx, rid, employee=PA, last_day=None)
    assert back.end is None
    assert audit_since(DB(ctx), before) == [("employee", 1, "update"), ("employee", 1, "update")]


def test_a_card_payment_to_the_pension_is_recorded_for_a_pas_pay_period(ctx: Context) -> None:
    """£36.40 paid to NEST on 15 May for April's contributions is recorded once, with the
    payment's date and amount; a second record of the same payment is refused."""
    rid = person(ctx)
    employer(ctx, rid)
    paid = ledger.add_money_out(ctx, rid, date=date(2026, 5, 15), amount=Money(3640), payee="NEST")
    recorded = employment.add_pension_payment(
        ctx,
        rid,
        money_out_id=paid.id,
        employee=PA,
        period_start=date(2026, 4, 1),
        period_end=date(2026, 4, 30),
    )
    assert (recorded.paid_on, recorded.amount, recorded.period_end) == (
        date(2026, 5, 15),
        Money(3640),
        date(2026, 4, 30),
    )
    with pytest.raises(ConflictError, match="already recorded as a pension payment"):
        employment.add_pension_payment(
            ctx,
            rid,
            money_out_id=paid.id,
            employee=PA,
            period_start=date(2026, 5, 1),
            period_end=date(2026, 5, 31),
        )
