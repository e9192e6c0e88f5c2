"""The tables of a person's records as the employer of a PA: employer details, Employment
Allowance years, employer's liability insurance, PAs, their pay rates, timesheet lines,
payslips and payments to HMRC.

They are declared on the same metadata as `models.py`, in a module of their own so that a
command that never reads them (`budget`, `list money-out`) does not pay for building them
at start-up (each SQLModel class costs about 3 ms to build). Migrations and the schema test
import both modules. Money columns are INTEGER pence; time is whole minutes; the CHECK
lists come from the core enums. A record's evidence file is its `document_id`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from kentcard.core.employment.records import (
    AgeBand,
    HmrcFrequency,
    HolidayScheme,
    PayFrequency,
    PayrollRoute,
    WorkKind,
)
from kentcard.store.models import AUTOINCREMENT, one_of


class EmployerRow(SQLModel, table=True):
    """How a person who employs PAs runs their payroll: one row per person."""

    __tablename__ = "employer"
    __table_args__ = (
        CheckConstraint(one_of("route", PayrollRoute), name="route_known"),
        CheckConstraint(one_of("hmrc_frequency", HmrcFrequency), name="hmrc_frequency_known"),
        UniqueConstraint("recipient_id"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    route: str
    bureau: str | None = None
    paye_reference: str | None = None
    hmrc_frequency: str = "monthly"
    pension_provider: str | None = None
    pension_reference: str | None = None


class EmploymentAllowanceRow(SQLModel, table=True):
    """A tax year (by the year it starts in) for which the Employment Allowance is claimed."""

    __tablename__ = "employment_allowance"
    __table_args__ = (
        CheckConstraint("tax_year BETWEEN 2000 AND 2100", name="tax_year_range"),
        UniqueConstraint("recipient_id", "tax_year"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    tax_year: int


class InsuranceRow(SQLModel, table=True):
    """Employer's liability insurance, in force from `start_date` to the day before `renewal`."""

    __tablename__ = "insurance"
    __table_args__ = (
        CheckConstraint("renewal > start_date", name="renewal_after_start"),
        CheckConstraint("cover_pence IS NULL OR cover_pence > 0", name="cover_positive"),
        CheckConstraint("premium_pence IS NULL OR premium_pence >= 0", name="premium_not_negative"),
        Index("ix_insurance_recipient_start", "recipient_id", "start_date"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    insurer: str
    policy: str
    start_date: date
    renewal: date
    cover_pence: int | None = None
    premium_pence: int | None = None
    document_id: int | None = Field(default=None, foreign_key="document.id")


class EmployeeRow(SQLModel, table=True):
    """A PA. Card payments to them are the ledger's payments to `provider_id`."""

    __tablename__ = "employee"
    __table_args__ = (
        CheckConstraint("(age_band IS NULL) <> (date_of_birth IS NULL)", name="band_or_birth_date"),
        CheckConstraint(
            "age_band IS NULL OR " + one_of("age_band", AgeBand), name="age_band_known"
        ),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        UniqueConstraint("recipient_id", "name"),
        UniqueConstraint("provider_id"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    provider_id: int = Field(foreign_key="provider.id")
    name: str
    start_date: date
    end_date: date | None = None
    age_band: str | None = None
    date_of_birth: date | None = None
    relative_in_household: bool = False
    dbs_checked: date | None = None
    right_to_work_checked: date | None = None
    document_id: int | None = Field(default=None, foreign_key="document.id")  # the contract


class PayRateRow(SQLModel, table=True):
    """What a PA is paid from `effective_from` until the next rate."""

    __tablename__ = "pay_rate"
    __table_args__ = (
        CheckConstraint("hourly_pence > 0", name="hourly_positive"),
        CheckConstraint(
            "coalesce(night_pence, 0) >= 0 AND coalesce(weekend_pence, 0) >= 0"
            " AND coalesce(bank_holiday_pence, 0) >= 0 AND coalesce(sleep_in_pence, 0) >= 0",
            name="premiums_not_negative",
        ),
        CheckConstraint(one_of("frequency", PayFrequency), name="frequency_known"),
        CheckConstraint(one_of("holiday", HolidayScheme), name="holiday_known"),
        CheckConstraint("length(leave_year_start) = 5", name="leave_year_start_form"),
        CheckConstraint(
            "contracted_minutes IS NULL OR contracted_minutes BETWEEN 1 AND 10080",
            name="contracted_minutes_range",
        ),
        UniqueConstraint("employee_id", "effective_from"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id")
    effective_from: date
    hourly_pence: int
    night_pence: int | None = None
    weekend_pence: int | None = None
    bank_holiday_pence: int | None = None
    sleep_in_pence: int | None = None  # a flat amount per sleep-in
    frequency: str = "monthly"
    holiday: str = "weeks"
    leave_year_start: str = "04-01"  # MM-DD
    category: str | None = None
    contracted_minutes: int | None = None  # a week


class TimesheetLineRow(SQLModel, table=True):
    __tablename__ = "timesheet_line"
    __table_args__ = (
        CheckConstraint("minutes BETWEEN 1 AND 1440", name="minutes_in_a_day"),
        CheckConstraint(one_of("kind", WorkKind), name="kind_known"),
        CheckConstraint("rate_pence IS NULL OR rate_pence >= 0", name="rate_not_negative"),
        Index("ix_timesheet_line_employee_date", "employee_id", "date"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    employee_id: int = Field(foreign_key="employee.id")
    date: date
    minutes: int
    kind: str = "care"
    rate_pence: int | None = None  # this line's own rate an hour, instead of the PA's
    document_id: int | None = Field(default=None, foreign_key="document.id")  # signed sheet


class PayslipRow(SQLModel, table=True):
    """A payslip as the payroll issued it."""

    __tablename__ = "payslip"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        CheckConstraint("minutes IS NULL OR minutes >= 0", name="minutes_not_negative"),
        CheckConstraint("gross_pence >= 0 AND net_pence >= 0", name="pay_not_negative"),
        CheckConstraint(
            "employee_ni_pence >= 0 AND employee_pension_pence >= 0 AND employer_ni_pence >= 0"
            " AND employer_pension_pence >= 0 AND holiday_pay_pence >= 0",
            name="deductions_not_negative",
        ),
        CheckConstraint("holiday_pay_pence <= gross_pence", name="holiday_pay_within_gross"),
        Index("ix_payslip_employee_period", "employee_id", "period_start"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    employee_id: int = Field(foreign_key="employee.id")
    period_start: date
    period_end: date
    paid_on: date
    minutes: int | None = None
    gross_pence: int
    tax_pence: int = 0  # PAYE; below zero when tax is refunded
    employee_ni_pence: int = 0
    employee_pension_pence: int = 0
    net_pence: int
    employer_ni_pence: int = 0
    employer_pension_pence: int = 0
    holiday_pay_pence: int = 0
    money_out_id: int | None = Field(default=None, foreign_key="money_out.id", index=True)
    document_id: int | None = Field(default=None, foreign_key="document.id")


class HmrcPaymentRow(SQLModel, table=True):
    """A card payment to HMRC, for a tax month (1 to 12) or a quarter (1 to 4)."""

    __tablename__ = "hmrc_payment"
    __table_args__ = (
        CheckConstraint("period BETWEEN 1 AND 12", name="period_range"),
        CheckConstraint("tax_year BETWEEN 2000 AND 2100", name="tax_year_range"),
        UniqueConstraint("money_out_id"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    money_out_id: int = Field(foreign_key="money_out.id")
    tax_year: int
    period: int


class PensionPaymentRow(SQLModel, table=True):
    """A card payment to the workplace pension provider, for a PA's pay period."""

    __tablename__ = "pension_payment"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        UniqueConstraint("money_out_id"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    money_out_id: int = Field(foreign_key="money_out.id")
    employee_id: int = Field(foreign_key="employee.id")
    period_start: date
    period_end: date
