"""What a person who employs a PA records, as immutable values: the PA, their pay rate,
timesheets, payslips, insurance, HMRC and pension payments, and the findings of the checks.

Money is `Money` (whole pence); time worked is whole minutes (7.5 hours is 450), never a
float. A record refuses a float where it needs whole minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kentcard.core.errors import InputError
from kentcard.core.money import Money

ZERO = Money(0)  # immutable, so safe as a default


class AgeBand(StrEnum):
    """The minimum-wage band: the National Living Wage from 21, lower rates below."""

    ADULT = "21+"
    AGE_18_20 = "18-20"
    AGE_16_17 = "16-17"
    APPRENTICE = "apprentice"


class WorkKind(StrEnum):
    CARE = "care"
    TRAVEL = "travel"  # between visits: working time for the minimum wage
    WAITING = "waiting"
    TRAINING = "training"
    SLEEP_IN = "sleep-in"  # asleep: not minimum-wage time
    SLEEP_IN_AWAKE = "sleep-in-awake"  # woken to work during a sleep-in
    WAKING_NIGHT = "waking-night"
    HOLIDAY = "holiday"
    SICK = "sick"


# Time that counts for the minimum wage (National Minimum Wage Regulations 2015, Part 5).
MINIMUM_WAGE_KINDS = frozenset(
    {
        WorkKind.CARE,
        WorkKind.TRAVEL,
        WorkKind.WAITING,
        WorkKind.TRAINING,
        WorkKind.SLEEP_IN_AWAKE,
        WorkKind.WAKING_NIGHT,
    }
)
# Time off: not worked, so it earns no holiday under the 12.07 % accrual.
TIME_OFF_KINDS = frozenset({WorkKind.HOLIDAY, WorkKind.SICK})


class PayFrequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    FOUR_WEEKLY = "four-weekly"
    MONTHLY = "monthly"


class HolidayScheme(StrEnum):
    WEEKS = "weeks"  # 5.6 weeks a year, pro rata
    ACCRUAL = "accrual"  # 12.07 % of the hours worked


class PayrollRoute(StrEnum):
    BUREAU = "bureau"
    COUNCIL = "council"
    BASIC_PAYE_TOOLS = "basic-paye-tools"


class HmrcFrequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class FindingKind(StrEnum):
    BELOW_MINIMUM_WAGE = "below-minimum-wage"
    TIMESHEET_MISMATCH = "timesheet-mismatch"
    PAY_MISMATCH = "pay-mismatch"
    NO_PAYSLIP = "no-payslip"
    HMRC_DUE = "hmrc-due"
    NO_INSURANCE = "no-insurance"
    PENSION_DUE = "pension-due"
    HOLIDAY_OVER = "holiday-over"


def _whole_minutes(minutes: object, field: str) -> None:
    if type(minutes) is not int:
        raise TypeError(f"{field} is whole minutes as an int, not {type(minutes).__name__}")
    if minutes < 0:
        raise InputError(field, "cannot be less than zero")


@dataclass(frozen=True, slots=True)
class Employee:
    """A PA. Give either `age_band` or `date_of_birth` (the band then follows the age)."""

    id: int
    name: str
    start: date
    end: date | None = None
    age_band: AgeBand | None = None
    date_of_birth: date | None = None
    relative_in_household: bool = False
    dbs_checked: date | None = None
    right_to_work_checked: date | None = None

    def __post_init__(self) -> None:
        if (self.age_band is None) == (self.date_of_birth is None):
            raise InputError("age", "give either the date of birth or the age band, not both")

    def employed_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class PayRate:
    """What a PA is paid from `effective_from` until the next rate. A premium left as None
    means the day rate. `contracted_minutes_per_week` is the basis of holiday under
    `weeks`; when None, the average of the timesheets is used."""

    employee_id: int
    effective_from: date
    hourly: Money
    night: Money | None = None
    weekend: Money | None = None
    bank_holiday: Money | None = None
    sleep_in_flat: Money | None = None  # per sleep-in
    frequency: PayFrequency = PayFrequency.MONTHLY
    holiday: HolidayScheme = HolidayScheme.WEEKS
    leave_year_start: tuple[int, int] = (4, 1)  # (month, day)
    category: str | None = None  # the budget line the wages are charged to
    contracted_minutes_per_week: int | None = None

    def __post_init__(self) -> None:
        month, day = self.leave_year_start
        if not (1 <= month <= 12 and 1 <= day <= (28 if month == 2 else 30)):
            raise InputError("leave year start", "must be a day that every year has")
        if self.contracted_minutes_per_week is not None:
            _whole_minutes(self.contracted_minutes_per_week, "contracted minutes per week")


@dataclass(frozen=True, slots=True)
class TimesheetLine:
    """Time on one day. `rate` (per hour) overrides the PA's rate for this line."""

    id: int
    employee_id: int
    day: date
    minutes: int
    kind: WorkKind = WorkKind.CARE
    rate: Money | None = None

    def __post_init__(self) -> None:
        _whole_minutes(self.minutes, "minutes")


@dataclass(frozen=True, slots=True)
class Payslip:
    """A payslip as the payroll issued it; kentcard stores it and checks it."""

    id: int
    employee_id: int
    period_start: date
    period_end: date
    paid_on: date
    gross: Money
    net: Money
    minutes: int | None = None
    tax: Money = ZERO
    employee_ni: Money = ZERO
    employee_pension: Money = ZERO
    employer_ni: Money = ZERO
    employer_pension: Money = ZERO
    holiday_pay: Money = ZERO  # the part of `gross` paid as holiday pay
    money_out_id: int | None = None  # the card payment of the net wage

    def __post_init__(self) -> None:
        if self.period_end < self.period_start:
            raise InputError("period", "ends before it starts")
        if self.minutes is not None:
            _whole_minutes(self.minutes, "minutes")


@dataclass(frozen=True, slots=True)
class Insurance:
    """Employer's liability insurance; cover runs from `start` to the day before `renewal`."""

    id: int
    insurer: str
    policy: str
    start: date
    renewal: date
    cover: Money | None = None
    premium: Money | None = None

    def in_force_on(self, day: date) -> bool:
        return self.start <= day < self.renewal


@dataclass(frozen=True, slots=True)
class EmployerDetails:
    route: PayrollRoute
    bureau: str | None = None
    paye_reference: str | None = None
    hmrc_frequency: HmrcFrequency = HmrcFrequency.MONTHLY
    allowance_years: frozenset[int] = frozenset()  # tax years (by start year) claimed
    pension_provider: str | None = None


@dataclass(frozen=True, slots=True)
class HmrcPayment:
    """A payment to HMRC for a tax month (1 to 12) or, when paying quarterly, a quarter."""

    id: int
    paid_on: date
    amount: Money
    tax_year: int  # the year the tax year starts in: 2026 for 2026/27
    period: int


@dataclass(frozen=True, slots=True)
class PensionPayment:
    id: int
    paid_on: date
    amount: Money
    employee_id: int
    period_start: date
    period_end: date


@dataclass(frozen=True, slots=True)
class WagePayment:
    """A card payment to a PA (a money-out of the ledger), as the checks need it."""

    id: int
    day: date
    amount: Money
    employee_id: int


@dataclass(frozen=True, slots=True)
class EmploymentFinding:
    """Something a reviewer would ask about. `about` names the record in words; `record`
    is its reference (e.g. "payslip:12") for opening it."""

    kind: FindingKind
    day: date
    message: str
    about: str
    amount: Money | None = None
    record: str | None = None
