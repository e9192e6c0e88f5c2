"""Employing a PA: record the employer's details, insurance, PAs and their rates, timesheet
lines, payslips and payments to HMRC; check them; estimate what a PA costs.

kentcard records and checks what a payroll issued; it does not run a payroll. Each record
is one transaction with its audit line; a dated record in a locked period is refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from kentcard.core.budget import category_budgets, plan_on
from kentcard.core.dates import Month, check_date_range
from kentcard.core.employment.checks import EmploymentRecords, check_employment
from kentcard.core.employment.cost import CostEstimate, employer_cost
from kentcard.core.employment.hmrc import tax_year_of
from kentcard.core.employment.pay import rate_in_force
from kentcard.core.employment.records import (
    ZERO,
    AgeBand,
    Employee,
    EmployerDetails,
    EmploymentFinding,
    HmrcFrequency,
    HmrcPayment,
    HolidayScheme,
    Insurance,
    PayFrequency,
    PayRate,
    PayrollRoute,
    Payslip,
    PensionPayment,
    TimesheetLine,
    WorkKind,
)
from kentcard.core.employment.words import period_words
from kentcard.core.errors import ConflictError, InputError, NotFoundError
from kentcard.core.money import Money, format_money
from kentcard.core.records import DocumentKind, ProviderKind
from kentcard.core.validate import clean_text, require_text
from kentcard.services.context import Context
from kentcard.services.documents import store_upload
from kentcard.services.intake import Upload, read_upload
from kentcard.store import documents as store_documents
from kentcard.store import employment as store
from kentcard.store import ledger as store_ledger
from kentcard.store import locks, plans, providers, recipients

File = str | os.PathLike[str] | Upload | None


def _read(file: File, field: str) -> Upload | None:
    """Read and check a file before any transaction starts, so a bad one writes nothing."""
    if file is None or isinstance(file, Upload):
        return file
    return read_upload(file, field)


def _store_file(
    session: Session, recipient_id: int, upload: Upload | None, kind: DocumentKind
) -> int | None:
    if upload is None:
        return None
    return store_upload(session=session, recipient_id=recipient_id, upload=upload, kind=kind)


def _not_negative(amount: Money | None, field: str) -> int | None:
    if amount is None:
        return None
    if amount.pence < 0:
        raise InputError(field, "cannot be less than zero")
    return amount.pence


def _minutes(minutes: int, field: str, most: int) -> int:
    if type(minutes) is not int or not 0 < minutes <= most:
        raise InputError(field, f"must be more than 0 and at most {most // 60} hours")
    return minutes


def _employee(session: Session, recipient_id: int, name: str) -> Employee:
    found = store.employee_by_name(session=session, recipient_id=recipient_id, name=name)
    if found is None:
        raise InputError("employee", f"no PA called {name.strip()!r}; add them with employee add")
    return found


# --- employer and insurance ------------------------------------------------------------------


def set_employer(
    ctx: Context,
    recipient_id: int,
    *,
    route: PayrollRoute,
    bureau: str | None = None,
    paye_reference: str | None = None,
    hmrc_frequency: HmrcFrequency = HmrcFrequency.MONTHLY,
    pension_provider: str | None = None,
    pension_reference: str | None = None,
    allowance_year: int | None = None,
) -> EmployerDetails:
    """Set how the person runs their payroll; `allowance_year` claims the Employment
    Allowance for the tax year starting in that year."""
    values = {
        "route": route.value,
        "bureau": clean_text(bureau, "bureau", max_length=120),
        "paye_reference": clean_text(paye_reference, "paye-reference", max_length=20),
        "hmrc_frequency": hmrc_frequency.value,
        "pension_provider": clean_text(pension_provider, "pension-provider", max_length=120),
        "pension_reference": clean_text(pension_reference, "pension-reference", max_length=40),
    }
    if route is PayrollRoute.BUREAU and not values["bureau"]:
        raise InputError("bureau", "give the payroll bureau's name")
    if allowance_year is not None and not 2000 <= allowance_year <= 2100:
        raise InputError("allowance-year", "must be the year a tax year starts in, e.g. 2026")
    with ctx.db.write() as session:
        recipients.recipient(connection=session.connection(), recipient_id=recipient_id)
        if allowance_year is not None:
            store.claim_allowance(
                session=session, recipient_id=recipient_id, tax_year=allowance_year
            )
        return store.save_employer(session=session, recipient_id=recipient_id, **values)


def add_insurance(
    ctx: Context,
    recipient_id: int,
    *,
    insurer: str,
    start: date,
    renewal: date,
    policy: str | None = None,
    cover: Money | None = None,
    premium: Money | None = None,
    file: File = None,
) -> Insurance:
    """Employer's liability insurance in force from `start` to the day before `renewal`."""
    clean = require_text(insurer, "insurer", max_length=120)
    start, renewal = check_date_range(start, "from"), check_date_range(renewal, "to")
    if renewal <= start:
        raise InputError("to", "the renewal date must be after the start")
    if cover is not None and cover.pence <= 0:
        raise InputError("cover", "must be more than zero")
    upload = _read(file, "file")
    with ctx.db.write() as session:
        recipients.recipient(connection=session.connection(), recipient_id=recipient_id)
        return store.add_insurance(
            session=session,
            recipient_id=recipient_id,
            insurer=clean,
            policy=clean_text(policy, "policy", max_length=60) or "",
            start_date=start,
            renewal=renewal,
            cover_pence=None if cover is None else cover.pence,
            premium_pence=_not_negative(premium, "premium"),
            document_id=_store_file(session, recipient_id, upload, DocumentKind.OTHER),
        )


# --- PAs and their rates ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RateTerms:
    """What a PA is paid; premiums left as None are paid at the day rate."""

    hourly: Money
    night: Money | None = None
    weekend: Money | None = None
    bank_holiday: Money | None = None
    sleep_in: Money | None = None
    frequency: PayFrequency = PayFrequency.MONTHLY
    holiday: HolidayScheme = HolidayScheme.WEEKS
    leave_year_start: tuple[int, int] = (4, 1)
    category: str | None = None
    contracted_minutes: int | None = None


def _rate_values(terms: RateTerms) -> dict[str, Any]:
    if terms.hourly.pence <= 0:
        raise InputError("rate", "must be more than zero")
    month, day = terms.leave_year_start
    PayRate(0, date(2000, 1, 1), terms.hourly, leave_year_start=(month, day))  # checks the day
    if terms.contracted_minutes is not None:
        _minutes(terms.contracted_minutes, "hours-per-week", 7 * 24 * 60)
    return {
        "hourly_pence": terms.hourly.pence,
        "night_pence": _not_negative(terms.night, "night-rate"),
        "weekend_pence": _not_negative(terms.weekend, "weekend-rate"),
        "bank_holiday_pence": _not_negative(terms.bank_holiday, "bank-holiday-rate"),
        "sleep_in_pence": _not_negative(terms.sleep_in, "sleep-in"),
        "frequency": terms.frequency.value,
        "holiday": terms.holiday.value,
        "leave_year_start": f"{month:02d}-{day:02d}",
        "category": clean_text(terms.category, "category", max_length=60),
        "contracted_minutes": terms.contracted_minutes,
    }


def add_employee(
    ctx: Context,
    recipient_id: int,
    *,
    name: str,
    start: date,
    terms: RateTerms,
    age_band: AgeBand | None = None,
    date_of_birth: date | None = None,
    relative_in_household: bool = False,
    dbs_checked: date | None = None,
    right_to_work_checked: date | None = None,
    file: File = None,
) -> Employee:
    """A new PA with their first rate. Card payments to them are payments to the provider
    of the same name (kind PA), which is added when the person has none."""
    clean = require_text(name, "name", max_length=120)
    start = check_date_range(start, "start")
    if age_band is None and date_of_birth is None:
        age_band = AgeBand.ADULT
    if age_band is not None and date_of_birth is not None:
        raise InputError("age-band", "give the date of birth or the age band, not both")
    rate = _rate_values(terms)
    upload = _read(file, "file")
    with ctx.db.write() as session:
        recipients.recipient(connection=session.connection(), recipient_id=recipient_id)
        provider = providers.by_name(session=session, recipient_id=recipient_id, name=clean)
        if provider is None:
            provider = providers.add_provider(
                session=session,
                recipient_id=recipient_id,
                name=clean,
                kind=ProviderKind.PA.value,
                rate_pence=terms.hourly.pence,
                category=rate["category"],
            )
        employee = store.add_employee(
            session=session,
            recipient_id=recipient_id,
            provider_id=provider.id,
            name=clean,
            start_date=start,
            age_band=None if age_band is None else age_band.value,
            date_of_birth=date_of_birth,
            relative_in_household=relative_in_household,
            dbs_checked=dbs_checked,
            right_to_work_checked=right_to_work_checked,
            document_id=_store_file(session, recipient_id, upload, DocumentKind.OTHER),
        )
        store.add_pay_rate(
            session=session,
            recipient_id=recipient_id,
            employee_id=employee.id,
            effective_from=start,
            **rate,
        )
        return employee


def set_pay_rate(
    ctx: Context, recipient_id: int, *, employee: str, effective_from: date, terms: RateTerms
) -> PayRate:
    """A PA's new rate from a day on; earlier pay periods keep the rate they had."""
    day = check_date_range(effective_from, "from")
    rate = _rate_values(terms)
    with ctx.db.write() as session:
        found = _employee(session, recipient_id, employee)
        locks.ensure_open(session=session, recipient_id=recipient_id, days=[day], field="from")
        return store.add_pay_rate(
            session=session,
            recipient_id=recipient_id,
            employee_id=found.id,
            effective_from=day,
            **rate,
        )


def change_pay(
    ctx: Context,
    recipient_id: int,
    *,
    employee: str,
    effective_from: date,
    hourly: Money,
    premiums: dict[str, Money | None] | None = None,
) -> PayRate:
    """A pay rise (or cut) from a day on: the new hourly rate, and any of the premiums
    (`night`, `weekend`, `bank_holiday`, `sleep_in`) given; everything else as the rate
    before that day had it."""
    day = check_date_range(effective_from, "from")
    with ctx.db.read() as session:
        found = _employee(session, recipient_id, employee)
        rates = store.pay_rates(session=session, recipient_id=recipient_id)
    before = rate_in_force(rates, found.id, day - timedelta(days=1))
    if before is None:
        raise InputError("from", f"{found.name} has no pay before {day}; give the day they start")
    given = premiums or {}
    terms = RateTerms(
        hourly=hourly,
        night=given.get("night", before.night),
        weekend=given.get("weekend", before.weekend),
        bank_holiday=given.get("bank_holiday", before.bank_holiday),
        sleep_in=given.get("sleep_in", before.sleep_in_flat),
        frequency=before.frequency,
        holiday=before.holiday,
        leave_year_start=before.leave_year_start,
        category=before.category,
        contracted_minutes=before.contracted_minutes_per_week,
    )
    return set_pay_rate(
        ctx,
        recipient_id,
        employee=found.name,
        effective_from=day,
        terms=terms,
    )


def end_employment(
    ctx: Context, recipient_id: int, *, employee: str, last_day: date | None
) -> Employee:
    """The PA's last day of work (None: they work on after all). Timesheet lines after it
    are refused, and the insurance and holiday checks stop at it."""
    day = None if last_day is None else check_date_range(last_day, "on")
    with ctx.db.write() as session:
        found = _employee(session, recipient_id, employee)
        if day is not None and day < found.start:
            raise InputError("on", f"is before {found.name} started, on {found.start}")
        later = [
            line.day
            for line in store.timesheet_lines(session=session, recipient_id=recipient_id)
            if line.employee_id == found.id and day is not None and line.day > day
        ]
        if later:
            raise ConflictError(
                f"on: {found.name} has timesheet lines after {day} (the last on {max(later)})"
            )
        changed = [d for d in (day, found.end) if d is not None]
        locks.ensure_open(session=session, recipient_id=recipient_id, days=changed, field="on")
        return store.end_employment(session=session, employee_id=found.id, last_day=day)


# --- timesheets, payslips, HMRC ------------------------------------------------------------


def add_timesheet_line(
    ctx: Context,
    recipient_id: int,
    *,
    employee: str,
    day: date,
    minutes: int,
    kind: WorkKind = WorkKind.CARE,
    rate: Money | None = None,
    file: File = None,
) -> TimesheetLine:
    """Time a PA worked (or was on holiday or sick) on one day."""
    day = check_date_range(day)
    _minutes(minutes, "hours", 24 * 60)
    rate_pence = _not_negative(rate, "rate")
    upload = _read(file, "file")
    with ctx.db.write() as session:
        found = _employee(session, recipient_id, employee)
        if not found.employed_on(day):
            raise InputError("date", f"{found.name} was not employed on {day}")
        locks.ensure_open(session=session, recipient_id=recipient_id, days=[day])
        return store.add_timesheet_line(
            session=session,
            recipient_id=recipient_id,
            employee_id=found.id,
            date=day,
            minutes=minutes,
            kind=kind.value,
            rate_pence=rate_pence,
            document_id=_store_file(session, recipient_id, upload, DocumentKind.TIMESHEET),
        )


@dataclass(frozen=True, slots=True)
class PayslipFigures:
    """A payslip's figures as issued."""

    gross: Money
    net: Money
    tax: Money = ZERO
    employee_ni: Money = ZERO
    employee_pension: Money = ZERO
    employer_ni: Money = ZERO
    employer_pension: Money = ZERO
    holiday_pay: Money = ZERO
    minutes: int | None = None


def _payslip_values(figures: PayslipFigures) -> dict[str, Any]:
    f = figures
    values = {
        "gross_pence": _not_negative(f.gross, "gross"),
        "net_pence": _not_negative(f.net, "net"),
        "tax_pence": f.tax.pence,
        "employee_ni_pence": _not_negative(f.employee_ni, "employee-ni"),
        "employee_pension_pence": _not_negative(f.employee_pension, "pension"),
        "employer_ni_pence": _not_negative(f.employer_ni, "employer-ni"),
        "employer_pension_pence": _not_negative(f.employer_pension, "employer-pension"),
        "holiday_pay_pence": _not_negative(f.holiday_pay, "holiday-pay"),
        "minutes": None if f.minutes is None else _minutes(f.minutes, "hours", 31 * 24 * 60),
    }
    left = f.gross.pence - f.tax.pence - f.employee_ni.pence - f.employee_pension.pence
    if f.net.pence > left:
        raise InputError(
            "net",
            f"{format_money(f.net)} is more than the gross less tax, NI and pension "
            f"({format_money(Money(left))}); check the payslip",
        )
    if f.holiday_pay.pence > f.gross.pence:
        raise InputError("holiday-pay", "is part of the gross, so cannot be more than it")
    return values


def add_payslip(
    ctx: Context,
    recipient_id: int,
    *,
    employee: str,
    period_start: date,
    period_end: date,
    paid_on: date,
    figures: PayslipFigures,
    money_out_id: int | None = None,
    file: File = None,
) -> Payslip:
    """A payslip as issued, linked to the card payment of its net wage when given; its
    file is then that payment's evidence too. A PA's pay periods do not overlap: a second
    payslip for days another covers is refused."""
    period_start = check_date_range(period_start, "from")
    period_end = check_date_range(period_end, "to")
    paid_on = check_date_range(paid_on, "paid")
    if period_end < period_start:
        raise InputError("to", "the pay period ends before it starts")
    values = _payslip_values(figures)
    upload = _read(file, "file")
    with ctx.db.write() as session:
        found = _employee(session, recipient_id, employee)
        if money_out_id is not None:
            wages = store.wage_payments(session=session, recipient_id=recipient_id)
            if not any(p.id == money_out_id and p.employee_id == found.id for p in wages):
                raise InputError(
                    "money-out", f"payment {money_out_id} is not a payment to {found.name}"
                )
        days = [period_end, paid_on]
        locks.ensure_open(session=session, recipient_id=recipient_id, days=days, field="paid")
        for other in store.payslips(session=session, recipient_id=recipient_id):
            if other.employee_id == found.id and (
                other.period_start <= period_end and period_start <= other.period_end
            ):
                raise ConflictError(
                    f"from: {found.name} already has a payslip for "
                    f"{period_words(other.period_start, other.period_end)}; a pay period is on "
                    f"one payslip (to replace it, delete payslip {other.id} first)"
                )
        document_id = _store_file(session, recipient_id, upload, DocumentKind.PAYSLIP)
        if document_id is not None and money_out_id is not None:  # it proves the wage paid
            store_documents.link(
                session=session,
                document_id=document_id,
                target="money_out_id",
                target_id=money_out_id,
            )
        return store.add_payslip(
            session=session,
            recipient_id=recipient_id,
            employee_id=found.id,
            period_start=period_start,
            period_end=period_end,
            paid_on=paid_on,
            money_out_id=money_out_id,
            document_id=document_id,
            **values,
        )


def add_hmrc_payment(
    ctx: Context, recipient_id: int, *, money_out_id: int, tax_year: int, period: int
) -> HmrcPayment:
    """Mark a card payment as paying HMRC for a tax month (1 to 12) or, for an employer who
    pays quarterly, a quarter (1 to 4) of the tax year starting in `tax_year`."""
    if not 2000 <= tax_year <= 2100:
        raise InputError("tax-year", "must be the year a tax year starts in, e.g. 2026")
    with ctx.db.write() as session:
        details = store.employer(session=session, recipient_id=recipient_id)
        quarterly = details is not None and details.hmrc_frequency is HmrcFrequency.QUARTERLY
        most = 4 if quarterly else 12
        if not 1 <= period <= most:
            what = "quarter (1 to 4)" if quarterly else "tax month (1 to 12)"
            raise InputError("period", f"must be a {what}")
        payment = store_ledger.money_out_record(session=session, money_out_id=money_out_id)
        if payment.recipient_id != recipient_id:
            raise NotFoundError(f"money-out {money_out_id} does not exist")
        return store.add_hmrc_payment(
            session=session,
            recipient_id=recipient_id,
            money_out_id=money_out_id,
            tax_year=tax_year,
            period=period,
        )


def add_pension_payment(
    ctx: Context,
    recipient_id: int,
    *,
    money_out_id: int,
    employee: str,
    period_start: date,
    period_end: date,
) -> PensionPayment:
    """Mark a card payment as paying a PA's workplace pension contributions for a period."""
    period_start = check_date_range(period_start, "from")
    period_end = check_date_range(period_end, "to")
    if period_end < period_start:
        raise InputError("to", "the pay period ends before it starts")
    with ctx.db.write() as session:
        found = _employee(session, recipient_id, employee)
        payment = store_ledger.money_out_record(session=session, money_out_id=money_out_id)
        if payment.recipient_id != recipient_id:
            raise NotFoundError(f"money-out {money_out_id} does not exist")
        return store.add_pension_payment(
            session=session,
            recipient_id=recipient_id,
            money_out_id=money_out_id,
            employee_id=found.id,
            period_start=period_start,
            period_end=period_end,
        )


def delete_timesheet_line(ctx: Context, line_id: int) -> TimesheetLine:
    with ctx.db.write() as session:
        line = store.delete_timesheet_line(session=session, line_id=line_id)
        recipient_id, _ = store.employee_owner(session=session, employee_id=line.employee_id)
        locks.ensure_open(session=session, recipient_id=recipient_id, days=[line.day])
        return line


def delete_payslip(ctx: Context, payslip_id: int) -> Payslip:
    with ctx.db.write() as session:
        slip = store.delete_payslip(session=session, payslip_id=payslip_id)
        recipient_id, _ = store.employee_owner(session=session, employee_id=slip.employee_id)
        days = [slip.period_end, slip.paid_on]
        locks.ensure_open(session=session, recipient_id=recipient_id, days=days, field="paid")
        return slip


# --- reading and checking --------------------------------------------------------------------


def records(ctx: Context, recipient_id: int) -> EmploymentRecords:
    with ctx.db.read() as session:
        return store.records(session=session, recipient_id=recipient_id)


def employees(ctx: Context, recipient_id: int) -> list[Employee]:
    with ctx.db.read() as session:
        return store.employees(session=session, recipient_id=recipient_id)


def findings(ctx: Context, recipient_id: int, start: date, end: date) -> list[EmploymentFinding]:
    """The employment checks' findings dated in [start, end], judged as at today (no
    insurance is looked for before the first PA starts). None for a person who employs no PA."""
    with ctx.db.read() as session:  # Home asks on every load: most people employ no PA
        if not store.employees(session=session, recipient_id=recipient_id):
            return []
        found = store.records(session=session, recipient_id=recipient_id)
    return findings_of(found, start, end, ctx.today())


def findings_of(
    found: EmploymentRecords, start: date, end: date, today: date
) -> list[EmploymentFinding]:
    """`findings` over records already read."""
    if not found.employees:
        return []
    every = check_employment(found, start, end, today)
    return [f for f in every if start <= f.day <= end]


@dataclass(frozen=True, slots=True)
class PaCost:
    """What a PA would cost a month, and the plan line that pays for it."""

    employee: Employee
    hourly: Money
    frequency: PayFrequency
    estimate: CostEstimate
    category: str | None
    budget: Money | None  # the category's budget for this month, when the plan has one


def employee_cost(
    ctx: Context,
    recipient_id: int,
    *,
    employee: str,
    minutes_per_week: int,
    payroll_fee_per_week: Money = Money(0),
) -> PaCost:
    """Estimate a PA's cost a month at today's rate and figures; the Employment Allowance
    counts when it is claimed for this tax year, the insurance premium in force today."""
    today = ctx.today()
    _minutes(minutes_per_week, "hours-per-week", 7 * 24 * 60)
    with ctx.db.read() as session:
        found = _employee(session, recipient_id, employee)
        rates = store.pay_rates(session=session, recipient_id=recipient_id)
        details = store.employer(session=session, recipient_id=recipient_id)
        cover = store.insurances(session=session, recipient_id=recipient_id)
        plan_list = plans.plans(connection=session.connection(), recipient_id=recipient_id)
    rate = rate_in_force(rates, found.id, today)
    if rate is None:
        raise ConflictError(f"employee: {found.name} has no pay rate in force on {today}")
    claimed = details is not None and tax_year_of(today) in details.allowance_years
    premium = next((i.premium for i in cover if i.in_force_on(today) and i.premium), None)
    estimate = employer_cost(
        rate.hourly,
        minutes_per_week,
        rate.frequency,
        today,
        claimed,
        payroll_fee_per_week=payroll_fee_per_week,
        insurance_per_year=premium or Money(0),
    )
    budget = None
    if rate.category is not None and plan_on(plan_list, today) is not None:
        budget = category_budgets(plan_list, Month.of(today)).get(rate.category)
    return PaCost(found, rate.hourly, rate.frequency, estimate, rate.category, budget)
