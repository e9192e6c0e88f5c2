"""A person's records as the employer of a PA: read them as core records, add them with
their audit lines. Services check the values and the locked period before calling here."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, SQLModel, col, select

from kentcard.core.employment.checks import EmploymentRecords
from kentcard.core.employment.rates import bank_holidays
from kentcard.core.employment.records import (
    AgeBand,
    Employee,
    EmployerDetails,
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
    WagePayment,
    WorkKind,
)
from kentcard.core.errors import ConflictError, NotFoundError
from kentcard.core.money import Money
from kentcard.store import audit
from kentcard.store.employment_models import (
    EmployeeRow,
    EmployerRow,
    EmploymentAllowanceRow,
    HmrcPaymentRow,
    InsuranceRow,
    PayRateRow,
    PayslipRow,
    PensionPaymentRow,
    TimesheetLineRow,
)
from kentcard.store.models import MoneyOutRow


def _money(pence: int | None) -> Money | None:
    return None if pence is None else Money(pence)


# --- rows as core records ----------------------------------------------------------------


def _employee(row: EmployeeRow) -> Employee:
    assert row.id is not None
    return Employee(
        id=row.id,
        name=row.name,
        start=row.start_date,
        end=row.end_date,
        age_band=None if row.age_band is None else AgeBand(row.age_band),
        date_of_birth=row.date_of_birth,
        relative_in_household=row.relative_in_household,
        dbs_checked=row.dbs_checked,
        right_to_work_checked=row.right_to_work_checked,
    )


def _rate(row: PayRateRow) -> PayRate:
    month, day = (int(part) for part in row.leave_year_start.split("-"))
    return PayRate(
        employee_id=row.employee_id,
        effective_from=row.effective_from,
        hourly=Money(row.hourly_pence),
        night=_money(row.night_pence),
        weekend=_money(row.weekend_pence),
        bank_holiday=_money(row.bank_holiday_pence),
        sleep_in_flat=_money(row.sleep_in_pence),
        frequency=PayFrequency(row.frequency),
        holiday=HolidayScheme(row.holiday),
        leave_year_start=(month, day),
        category=row.category,
        contracted_minutes_per_week=row.contracted_minutes,
    )


def _line(row: TimesheetLineRow) -> TimesheetLine:
    assert row.id is not None
    return TimesheetLine(
        id=row.id,
        employee_id=row.employee_id,
        day=row.date,
        minutes=row.minutes,
        kind=WorkKind(row.kind),
        rate=_money(row.rate_pence),
    )


def _payslip(row: PayslipRow) -> Payslip:
    assert row.id is not None
    return Payslip(
        id=row.id,
        employee_id=row.employee_id,
        period_start=row.period_start,
        period_end=row.period_end,
        paid_on=row.paid_on,
        gross=Money(row.gross_pence),
        net=Money(row.net_pence),
        minutes=row.minutes,
        tax=Money(row.tax_pence),
        employee_ni=Money(row.employee_ni_pence),
        employee_pension=Money(row.employee_pension_pence),
        employer_ni=Money(row.employer_ni_pence),
        employer_pension=Money(row.employer_pension_pence),
        holiday_pay=Money(row.holiday_pay_pence),
        money_out_id=row.money_out_id,
    )


def _insurance(row: InsuranceRow) -> Insurance:
    assert row.id is not None
    return Insurance(
        id=row.id,
        insurer=row.insurer,
        policy=row.policy,
        start=row.start_date,
        renewal=row.renewal,
        cover=_money(row.cover_pence),
        premium=_money(row.premium_pence),
    )


# --- adding, with the audit line ---------------------------------------------------------


def _add(session: Session, row: SQLModel, entity: str, recipient_id: int) -> Any:
    return audit.insert(session=session, row=row, entity=entity, recipient_id=recipient_id)


def _delete(session: Session, row: Any, entity: str) -> None:
    audit.remove(session=session, row=row, entity=entity)
    session.flush()


def save_employer(*, session: Session, recipient_id: int, **values: Any) -> EmployerDetails:
    """Set the person's payroll details (created the first time), with an audit line."""
    row = session.exec(select(EmployerRow).where(EmployerRow.recipient_id == recipient_id)).first()
    if row is None:
        _add(session, EmployerRow(recipient_id=recipient_id, **values), "employer", recipient_id)
    else:
        audit.change(
            session=session, row=row, values=values, entity="employer", recipient_id=recipient_id
        )
    details = employer(session=session, recipient_id=recipient_id)
    assert details is not None
    return details


def claim_allowance(*, session: Session, recipient_id: int, tax_year: int) -> None:
    """Record that the Employment Allowance is claimed for a tax year (once)."""
    claimed = select(EmploymentAllowanceRow).where(
        EmploymentAllowanceRow.recipient_id == recipient_id,
        EmploymentAllowanceRow.tax_year == tax_year,
    )
    if session.exec(claimed).first() is None:
        row = EmploymentAllowanceRow(recipient_id=recipient_id, tax_year=tax_year)
        _add(session, row, "employment_allowance", recipient_id)


def add_insurance(*, session: Session, recipient_id: int, **values: Any) -> Insurance:
    row = _add(
        session, InsuranceRow(recipient_id=recipient_id, **values), "insurance", recipient_id
    )
    return _insurance(row)


def add_employee(*, session: Session, recipient_id: int, **values: Any) -> Employee:
    """A new PA (ConflictError if the person has a PA of that name)."""
    if employee_by_name(session=session, recipient_id=recipient_id, name=values["name"]):
        raise ConflictError("name: a PA with that name already exists")
    row = _add(session, EmployeeRow(recipient_id=recipient_id, **values), "employee", recipient_id)
    return _employee(row)


def add_pay_rate(*, session: Session, recipient_id: int, **values: Any) -> PayRate:
    """A PA's rate from a day (ConflictError if a rate already starts that day)."""
    taken = select(PayRateRow.id).where(
        PayRateRow.employee_id == values["employee_id"],
        PayRateRow.effective_from == values["effective_from"],
    )
    if session.exec(taken).first() is not None:
        raise ConflictError("from: this PA already has a rate starting that day")
    return _rate(_add(session, PayRateRow(**values), "pay_rate", recipient_id))


def add_timesheet_line(*, session: Session, recipient_id: int, **values: Any) -> TimesheetLine:
    row = TimesheetLineRow(recipient_id=recipient_id, **values)
    return _line(_add(session, row, "timesheet_line", recipient_id))


def add_payslip(*, session: Session, recipient_id: int, **values: Any) -> Payslip:
    return _payslip(
        _add(session, PayslipRow(recipient_id=recipient_id, **values), "payslip", recipient_id)
    )


def add_hmrc_payment(
    *, session: Session, recipient_id: int, money_out_id: int, tax_year: int, period: int
) -> HmrcPayment:
    """Mark a card payment as paying HMRC for a tax month or quarter (once per payment)."""
    taken = select(HmrcPaymentRow.id).where(HmrcPaymentRow.money_out_id == money_out_id)
    if session.exec(taken).first() is not None:
        raise ConflictError("money-out: this payment is already recorded as paying HMRC")
    row = HmrcPaymentRow(
        recipient_id=recipient_id, money_out_id=money_out_id, tax_year=tax_year, period=period
    )
    _add(session, row, "hmrc_payment", recipient_id)
    found = [p for p in hmrc_payments(session=session, recipient_id=recipient_id) if p.id == row.id]
    return found[0]


def add_pension_payment(*, session: Session, recipient_id: int, **values: Any) -> PensionPayment:
    """Mark a card payment as paying a PA's pension contributions for a pay period (once)."""
    taken = select(PensionPaymentRow.id).where(
        PensionPaymentRow.money_out_id == values["money_out_id"]
    )
    if session.exec(taken).first() is not None:
        raise ConflictError("money-out: this payment is already recorded as a pension payment")
    row = _add(
        session,
        PensionPaymentRow(recipient_id=recipient_id, **values),
        "pension_payment",
        recipient_id,
    )
    return next(
        p for p in pension_payments(session=session, recipient_id=recipient_id) if p.id == row.id
    )


def pension_payments(*, session: Session, recipient_id: int) -> list[PensionPayment]:
    rows = session.exec(
        select(PensionPaymentRow, MoneyOutRow)
        .join(MoneyOutRow, col(MoneyOutRow.id) == col(PensionPaymentRow.money_out_id))
        .where(PensionPaymentRow.recipient_id == recipient_id)
        .order_by(col(MoneyOutRow.date), col(PensionPaymentRow.id))
    )
    found = []
    for paid, entry in rows:
        assert paid.id is not None
        found.append(
            PensionPayment(
                id=paid.id,
                paid_on=entry.date,
                amount=Money(entry.amount_pence),
                employee_id=paid.employee_id,
                period_start=paid.period_start,
                period_end=paid.period_end,
            )
        )
    return found


def end_employment(*, session: Session, employee_id: int, last_day: date | None) -> Employee:
    """Set (or, with None, clear) the PA's last day of work, with an audit line."""
    row = session.get(EmployeeRow, employee_id)
    if row is None:
        raise NotFoundError(f"PA {employee_id} does not exist")
    audit.change(
        session=session,
        row=row,
        values={"end_date": last_day},
        entity="employee",
        recipient_id=row.recipient_id,
    )
    return _employee(row)


def delete_timesheet_line(*, session: Session, line_id: int) -> TimesheetLine:
    row = session.get(TimesheetLineRow, line_id)
    if row is None:
        raise NotFoundError(f"timesheet line {line_id} does not exist")
    line = _line(row)
    _delete(session, row, "timesheet_line")
    return line


def delete_payslip(*, session: Session, payslip_id: int) -> Payslip:
    row = session.get(PayslipRow, payslip_id)
    if row is None:
        raise NotFoundError(f"payslip {payslip_id} does not exist")
    slip = _payslip(row)
    _delete(session, row, "payslip")
    return slip


# --- reads ---------------------------------------------------------------------------------


def employer(*, session: Session, recipient_id: int) -> EmployerDetails | None:
    row = session.exec(select(EmployerRow).where(EmployerRow.recipient_id == recipient_id)).first()
    if row is None:
        return None
    years = session.exec(
        select(EmploymentAllowanceRow.tax_year).where(
            EmploymentAllowanceRow.recipient_id == recipient_id
        )
    ).all()
    return EmployerDetails(
        route=PayrollRoute(row.route),
        bureau=row.bureau,
        paye_reference=row.paye_reference,
        hmrc_frequency=HmrcFrequency(row.hmrc_frequency),
        allowance_years=frozenset(years),
        pension_provider=row.pension_provider,
    )


def employees(*, session: Session, recipient_id: int) -> list[Employee]:
    rows = session.exec(
        select(EmployeeRow)
        .where(EmployeeRow.recipient_id == recipient_id)
        .order_by(func.lower(EmployeeRow.name))
    )
    return [_employee(r) for r in rows]


def employee_by_name(*, session: Session, recipient_id: int, name: str) -> Employee | None:
    """Case-insensitive exact name match."""
    row = session.exec(
        select(EmployeeRow).where(
            EmployeeRow.recipient_id == recipient_id,
            func.lower(EmployeeRow.name) == name.strip().lower(),
        )
    ).first()
    return None if row is None else _employee(row)


def employee_owner(*, session: Session, employee_id: int) -> tuple[int, int]:
    """The person who employs this PA, and the provider their card payments go to."""
    row = session.get(EmployeeRow, employee_id)
    if row is None:
        raise NotFoundError(f"PA {employee_id} does not exist")
    return row.recipient_id, row.provider_id


def pay_rates(*, session: Session, recipient_id: int) -> list[PayRate]:
    rows = session.exec(
        select(PayRateRow)
        .join(EmployeeRow, col(EmployeeRow.id) == col(PayRateRow.employee_id))
        .where(EmployeeRow.recipient_id == recipient_id)
        .order_by(col(PayRateRow.employee_id), col(PayRateRow.effective_from))
    )
    return [_rate(r) for r in rows]


def timesheet_lines(
    *, session: Session, recipient_id: int, start: date | None = None, end: date | None = None
) -> list[TimesheetLine]:
    statement = select(TimesheetLineRow).where(TimesheetLineRow.recipient_id == recipient_id)
    if start is not None:
        statement = statement.where(col(TimesheetLineRow.date) >= start)
    if end is not None:
        statement = statement.where(col(TimesheetLineRow.date) <= end)
    rows = session.exec(statement.order_by(col(TimesheetLineRow.date), col(TimesheetLineRow.id)))
    return [_line(r) for r in rows]


def payslips(*, session: Session, recipient_id: int) -> list[Payslip]:
    rows = session.exec(
        select(PayslipRow)
        .where(PayslipRow.recipient_id == recipient_id)
        .order_by(col(PayslipRow.period_start), col(PayslipRow.id))
    )
    return [_payslip(r) for r in rows]


def insurances(*, session: Session, recipient_id: int) -> list[Insurance]:
    rows = session.exec(
        select(InsuranceRow)
        .where(InsuranceRow.recipient_id == recipient_id)
        .order_by(col(InsuranceRow.start_date))
    )
    return [_insurance(r) for r in rows]


def hmrc_payments(*, session: Session, recipient_id: int) -> list[HmrcPayment]:
    rows = session.exec(
        select(HmrcPaymentRow, MoneyOutRow)
        .join(MoneyOutRow, col(MoneyOutRow.id) == col(HmrcPaymentRow.money_out_id))
        .where(HmrcPaymentRow.recipient_id == recipient_id)
        .order_by(col(MoneyOutRow.date))
    )
    found = []
    for paid, entry in rows:
        assert paid.id is not None
        found.append(
            HmrcPayment(
                id=paid.id,
                paid_on=entry.date,
                amount=Money(entry.amount_pence),
                tax_year=paid.tax_year,
                period=paid.period,
            )
        )
    return found


def wage_payments(*, session: Session, recipient_id: int) -> list[WagePayment]:
    """The person's card payments to their PAs: the ledger's payments to each PA's provider,
    and those logged to the PA's name before they were a provider (no provider linked)."""
    to_pa = or_(
        col(EmployeeRow.provider_id) == col(MoneyOutRow.provider_id),
        and_(
            col(MoneyOutRow.provider_id).is_(None),
            func.lower(MoneyOutRow.payee) == func.lower(EmployeeRow.name),
        ),
    )
    rows = session.exec(
        select(MoneyOutRow, EmployeeRow.id)
        .join(EmployeeRow, and_(to_pa, col(EmployeeRow.recipient_id) == recipient_id))
        .where(MoneyOutRow.recipient_id == recipient_id)
        .order_by(col(MoneyOutRow.date), col(MoneyOutRow.id))
    )
    found = []
    for entry, employee_id in rows:
        assert entry.id is not None and employee_id is not None
        found.append(WagePayment(entry.id, entry.date, Money(entry.amount_pence), employee_id))
    return found


def records(*, session: Session, recipient_id: int) -> EmploymentRecords:
    """Everything the checks read, for one person."""
    return EmploymentRecords(
        employees=employees(session=session, recipient_id=recipient_id),
        rates=pay_rates(session=session, recipient_id=recipient_id),
        lines=timesheet_lines(session=session, recipient_id=recipient_id),
        payslips=payslips(session=session, recipient_id=recipient_id),
        payments=wage_payments(session=session, recipient_id=recipient_id),
        insurances=insurances(session=session, recipient_id=recipient_id),
        hmrc_payments=hmrc_payments(session=session, recipient_id=recipient_id),
        details=employer(session=session, recipient_id=recipient_id),
        bank_holidays=bank_holidays(),
    )


def evidence(*, session: Session, recipient_id: int) -> list[tuple[int, str, str]]:
    """The documents employment records name: (document id, kind of record, record ref),
    e.g. (12, "payslip", "payslip:3"), for the evidence pack."""
    found: list[tuple[int, str, str]] = []
    for model, entity in (
        (EmployeeRow, "employee"),
        (InsuranceRow, "insurance"),
        (TimesheetLineRow, "timesheet-line"),
        (PayslipRow, "payslip"),
    ):
        table: Any = model
        rows = session.exec(
            select(table.id, table.document_id)
            .where(table.recipient_id == recipient_id, col(table.document_id).is_not(None))
            .order_by(col(table.id))  # the same order on PostgreSQL, which keeps none
        )
        found.extend((doc, entity, f"{entity}:{rid}") for rid, doc in rows)
    return found
