"""check_employment runs every check over one employer's records and returns the findings
in date order, each of one of the eight kinds."""

from __future__ import annotations

from datetime import date, timedelta

from kentcard.core.employment.checks import EmploymentRecords, check_employment
from kentcard.core.employment.records import (
    EmployerDetails,
    FindingKind,
    PayrollRoute,
    WagePayment,
    WorkKind,
)
from kentcard.core.money import Money
from tests.core.employment.factories import line, pa, rate, slip

D = date


def _records() -> EmploymentRecords:
    """Anna (£12.50 in April 2026, below £12.71) and Bob (£15.00 in June, no pension)."""
    anna, bob = pa(start=D(2026, 4, 1), born=D(1990, 1, 1)), pa(2, "Bob Jones", born=D(1980, 1, 1))
    april = [line(D(2026, 4, 1) + timedelta(days=2 * k), 240) for k in range(10)]
    june = [line(D(2026, 6, 1) + timedelta(days=k), 240, eid=2) for k in range(20)]
    return EmploymentRecords(
        employees=[anna, bob],
        rates=[rate(1250, contracted=1200), rate(1500, eid=2)],
        # 113 h off in May against 5.6 × 20 h = 112 h.
        lines=[*april, *june, line(D(2026, 5, 4), 6780, WorkKind.HOLIDAY)],
        payslips=[
            # 40 h × £12.50 = £500.00, but 41 h 40 min on the payslip; £10.00 tax.
            slip(
                D(2026, 4, 1),
                D(2026, 4, 30),
                50000,
                net=45000,
                minutes=2500,
                tax=1000,
                money_out_id=7,
            ),
            # 80 h × £15.00 = £1,200.00, above £833: no employer pension.
            slip(D(2026, 6, 1), D(2026, 6, 30), 120000, sid=2, eid=2, net=110000, money_out_id=9),
        ],
        payments=[
            WagePayment(7, D(2026, 4, 30), Money(40000), 1),
            WagePayment(8, D(2026, 5, 15), Money(10000), 1),
            WagePayment(9, D(2026, 6, 30), Money(110000), 2),
        ],
        details=EmployerDetails(route=PayrollRoute.BASIC_PAYE_TOOLS),
    )


def test_every_kind_of_finding_in_date_order() -> None:
    """The scenario has one of each kind of finding, and they come sorted by day."""
    found = check_employment(_records(), D(2026, 4, 1), D(2026, 6, 30), today=D(2026, 7, 1))
    assert {f.kind for f in found} == set(FindingKind)
    assert [f.day for f in found] == sorted(f.day for f in found)
    hmrc = [f for f in found if f.kind is FindingKind.HMRC_DUE]
    assert [(f.day, f.amount) for f in hmrc] == [(D(2026, 5, 22), Money(1000))]


def test_hmrc_is_not_checked_without_employer_details() -> None:
    """With no employer details recorded there is no hmrc-due finding."""
    records = _records()
    bare = EmploymentRecords(
        employees=records.employees,
        rates=records.rates,
        lines=records.lines,
        payslips=records.payslips,
        payments=records.payments,
    )
    found = check_employment(bare, D(2026, 4, 1), D(2026, 6, 30), today=D(2026, 7, 1))
    assert FindingKind.HMRC_DUE not in {f.kind for f in found}
    assert (
        len(found)
        == len(check_employment(records, D(2026, 4, 1), D(2026, 6, 30), D(2026, 7, 1))) - 1
    )
