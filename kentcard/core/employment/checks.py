"""The checks a reviewer makes of an employer's records, as pure functions returning
findings: pay below the minimum wage, payslips that do not match the timesheets or the
card payments, wage payments without a payslip; and `check_employment`, which runs these
and the HMRC, insurance, pension and holiday checks (in their own modules) together.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from kentcard.core.employment.hmrc import check_hmrc
from kentcard.core.employment.holiday import check_holiday, holiday_reminders
from kentcard.core.employment.insurance import check_insurance
from kentcard.core.employment.pay import Pricing, band_on, employees_by_id, lines_in
from kentcard.core.employment.pension import check_pensions
from kentcard.core.employment.rates import RateTable, load_rates, minimum_wage
from kentcard.core.employment.records import (
    MINIMUM_WAGE_KINDS,
    Employee,
    EmployerDetails,
    EmploymentFinding,
    FindingKind,
    HmrcPayment,
    Insurance,
    PayRate,
    Payslip,
    TimesheetLine,
    WagePayment,
    WorkKind,
)
from kentcard.core.employment.words import (
    BAND_WORDS,
    date_words,
    hours_words,
    payslip_words,
    period_words,
)
from kentcard.core.money import Money, format_money, round_half_up


def _payslip_finding(
    kind: FindingKind, slip: Payslip, name: str, message: str, amount: Money | None
) -> EmploymentFinding:
    return EmploymentFinding(
        kind=kind,
        day=slip.paid_on,
        message=message,
        about=payslip_words(slip.period_start, slip.period_end, name),
        amount=amount,
        record=f"payslip:{slip.id}",
    )


def _below_minimum(
    slip: Payslip,
    employee: Employee,
    lines: Sequence[TimesheetLine],
    pricing: Pricing,
    table: RateTable,
) -> EmploymentFinding | None:
    """The period's minimum-wage time paid below the band's rate at the period's start."""
    band = band_on(employee, slip.period_start)
    work = [line for line in lines if line.kind in MINIMUM_WAGE_KINDS]
    minutes = sum(line.minutes for line in work)
    if band is None or minutes == 0:
        return None
    rate = minimum_wage(band, slip.period_start, table)
    paid = round_half_up(sum((pricing.pay(line) for line in work), Fraction(0)))
    needed = round_half_up(Fraction(minutes * rate.pence, 60))
    if paid >= needed:
        return None
    about = Money(math.floor(Fraction(paid * 60, minutes)))  # "about": never rounded up to it
    period = period_words(slip.period_start, slip.period_end)
    message = (
        f"{employee.name} was paid {format_money(Money(paid))} for {hours_words(minutes)} of "
        f"work in {period} (about {format_money(about)} an hour). The minimum wage for "
        f"{BAND_WORDS[band.value]} on {date_words(slip.period_start)} was {format_money(rate)} "
        f"an hour, so those hours needed at least {format_money(Money(needed))}: "
        f"{format_money(Money(needed - paid))} short."
    )
    return _payslip_finding(
        FindingKind.BELOW_MINIMUM_WAGE, slip, employee.name, message, Money(needed - paid)
    )


def check_minimum_wage(
    employees: Sequence[Employee],
    rates: Sequence[PayRate],
    lines: Sequence[TimesheetLine],
    payslips: Sequence[Payslip],
    bank_holidays: Collection[date] = (),
    table: RateTable | None = None,
) -> list[EmploymentFinding]:
    """`below-minimum-wage`: per payslip period, the pay for minimum-wage time (not asleep
    sleep-ins, holiday or sickness) below the rate for the PA's band at the period's start."""
    people, pricing = employees_by_id(employees), Pricing(rates, bank_holidays)
    figures = table or load_rates()
    found = []
    for slip in payslips:
        employee, slip_lines = people[slip.employee_id], lines_in(lines, slip)
        finding = _below_minimum(slip, employee, slip_lines, pricing, figures)
        if finding is not None:
            found.append(finding)
    return found


def expected_gross(lines: Sequence[TimesheetLine], slip: Payslip, pricing: Pricing) -> int:
    """Pence the timesheet lines are worth at the agreed rates (sleep-ins at the flat
    amount), plus the payslip's holiday pay beyond what its holiday lines explain (rolled-up
    holiday pay), rounded once."""
    exact = sum((pricing.pay(line) for line in lines), Fraction(0))
    holiday_lines = sum(
        (pricing.pay(line) for line in lines if line.kind is WorkKind.HOLIDAY), Fraction(0)
    )
    return round_half_up(exact + max(Fraction(0), slip.holiday_pay.pence - holiday_lines))


def _timesheet_findings(
    slip: Payslip, name: str, lines: Sequence[TimesheetLine], pricing: Pricing
) -> list[EmploymentFinding]:
    period = period_words(slip.period_start, slip.period_end)
    found = []
    minutes = sum(line.minutes for line in lines)
    if slip.minutes is not None and slip.minutes != minutes:
        message = (
            f"{name}'s payslip for {period} shows {hours_words(slip.minutes)}, but the "
            f"timesheets for those days add up to {hours_words(minutes)}."
        )
        found.append(_payslip_finding(FindingKind.TIMESHEET_MISMATCH, slip, name, message, None))
    expected = expected_gross(lines, slip, pricing)
    gap = slip.gross.pence - expected
    if abs(gap) > 1:
        message = (
            f"{name}'s payslip for {period} shows gross pay of {format_money(slip.gross)}, but "
            f"the timesheets at the agreed rates come to {format_money(Money(expected))} "
            f"({format_money(Money(abs(gap)))} {'more' if gap > 0 else 'less'} on the payslip)."
        )
        found.append(
            _payslip_finding(FindingKind.TIMESHEET_MISMATCH, slip, name, message, Money(abs(gap)))
        )
    return found


def check_timesheets(
    employees: Sequence[Employee],
    rates: Sequence[PayRate],
    lines: Sequence[TimesheetLine],
    payslips: Sequence[Payslip],
    bank_holidays: Collection[date] = (),
) -> list[EmploymentFinding]:
    """`timesheet-mismatch`: a payslip's hours differ from the timesheets of its period, or
    its gross from what those lines are worth by more than 1p."""
    people, pricing = employees_by_id(employees), Pricing(rates, bank_holidays)
    found: list[EmploymentFinding] = []
    for slip in payslips:
        name = people[slip.employee_id].name
        found.extend(_timesheet_findings(slip, name, lines_in(lines, slip), pricing))
    return found


def _pay_mismatch(slip: Payslip, name: str, paid: WagePayment | None) -> EmploymentFinding:
    period = period_words(slip.period_start, slip.period_end)
    if paid is None:
        words, gap = f"no card payment to {name} is linked to it", slip.net.pence
    else:
        gap = slip.net.pence - paid.amount.pence
        words = (
            f"the card payment linked to it, on {date_words(paid.day)}, was "
            f"{format_money(paid.amount)} ({format_money(Money(abs(gap)))} "
            f"{'less' if gap > 0 else 'more'})"
        )
    message = (
        f"{name}'s payslip for {period} shows net pay of {format_money(slip.net)}, but {words}."
    )
    return _payslip_finding(FindingKind.PAY_MISMATCH, slip, name, message, Money(abs(gap)))


def _shared_payment(payment: WagePayment, slips: list[Payslip], name: str) -> EmploymentFinding:
    net = Money(sum(s.net.pence for s in slips))
    message = (
        f"The card payment of {format_money(payment.amount)} to {name} on "
        f"{date_words(payment.day)} is linked to {len(slips)} payslips whose net pay adds up "
        f"to {format_money(net)}."
    )
    return EmploymentFinding(
        kind=FindingKind.PAY_MISMATCH,
        day=payment.day,
        message=message,
        about=f"Payment {date_words(payment.day)}, {name}, {format_money(payment.amount)}",
        amount=Money(abs(net.pence - payment.amount.pence)),
        record=f"money-out:{payment.id}",
    )


def _no_payslip(payment: WagePayment, name: str) -> EmploymentFinding:
    message = (
        f"The card payment of {format_money(payment.amount)} to {name} on "
        f"{date_words(payment.day)} is not on any payslip. Keep a payslip for every wage paid."
    )
    return EmploymentFinding(
        kind=FindingKind.NO_PAYSLIP,
        day=payment.day,
        message=message,
        about=f"Payment {date_words(payment.day)}, {name}, {format_money(payment.amount)}",
        amount=payment.amount,
        record=f"money-out:{payment.id}",
    )


def check_wage_payments(
    employees: Sequence[Employee], payslips: Sequence[Payslip], payments: Sequence[WagePayment]
) -> list[EmploymentFinding]:
    """`pay-mismatch`: the card payment a payslip names (to that PA) differs from its net
    pay; `no-payslip`: a card payment to a PA that no payslip names."""
    people = employees_by_id(employees)
    by_id = {p.id: p for p in payments}
    linked: dict[int, list[Payslip]] = {}
    found: list[EmploymentFinding] = []
    for slip in payslips:
        paid = by_id.get(slip.money_out_id) if slip.money_out_id is not None else None
        if paid is None or paid.employee_id != slip.employee_id:
            found.append(_pay_mismatch(slip, people[slip.employee_id].name, None))
        else:
            linked.setdefault(paid.id, []).append(slip)
    for pid, slips in linked.items():
        name, net = people[slips[0].employee_id].name, sum(s.net.pence for s in slips)
        if net != by_id[pid].amount.pence:
            single = len(slips) == 1
            found.append(
                _pay_mismatch(slips[0], name, by_id[pid])
                if single
                else _shared_payment(by_id[pid], slips, name)
            )
    for payment in payments:
        if payment.id not in linked:
            found.append(_no_payslip(payment, people[payment.employee_id].name))
    return found


@dataclass(frozen=True, slots=True)
class EmploymentRecords:
    """Everything the checks read, for one person who employs PAs."""

    employees: Sequence[Employee]
    rates: Sequence[PayRate] = ()
    lines: Sequence[TimesheetLine] = ()
    payslips: Sequence[Payslip] = ()
    payments: Sequence[WagePayment] = ()
    insurances: Sequence[Insurance] = ()
    hmrc_payments: Sequence[HmrcPayment] = ()
    details: EmployerDetails | None = None
    bank_holidays: Collection[date] = ()


def check_employment(
    records: EmploymentRecords, start: date, end: date, today: date
) -> list[EmploymentFinding]:
    """Every check, over the records given; insurance over the days `start` to `end`;
    HMRC only when the employer's details are known; holiday left near the end of a leave
    year as at `today`. Sorted by day."""
    r = records
    found = [
        *check_minimum_wage(r.employees, r.rates, r.lines, r.payslips, r.bank_holidays),
        *check_timesheets(r.employees, r.rates, r.lines, r.payslips, r.bank_holidays),
        *check_wage_payments(r.employees, r.payslips, r.payments),
        *check_insurance(r.employees, r.insurances, start, end, today),
        *check_pensions(r.employees, r.rates, r.payslips),
        *check_holiday(r.employees, r.rates, r.lines, r.bank_holidays),
        *holiday_reminders(r.employees, r.rates, r.lines, today),
    ]
    if r.details is not None:
        found.extend(check_hmrc(r.payslips, r.details, r.hmrc_payments, today))
    return sorted(found, key=lambda f: (f.day, f.kind.value, f.message))
