"""Employing a PA: the employer's details, insurance, PAs, timesheets, payslips, HMRC
payments, and what a PA costs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from kentcard.cli.base import (
    JsonOpt,
    OneLineErrors,
    RecipientOpt,
    app,
    chosen_recipient,
    context,
    day,
    emit,
    handled,
    money,
    record_id,
)
from kentcard.cli.present import jsonable, table
from kentcard.core.dates import parse_date
from kentcard.core.employment.records import (
    ZERO,
    AgeBand,
    HmrcFrequency,
    HolidayScheme,
    PayFrequency,
    PayrollRoute,
    WorkKind,
)
from kentcard.core.employment.words import hours_words
from kentcard.core.errors import InputError
from kentcard.core.money import Money, format_money, format_plain, parse_money
from kentcard.core.validate import parse_choice, parse_minutes, shift_minutes

if TYPE_CHECKING:  # `kentcard --help` loads no database layer
    from kentcard.services.employment import RateTerms

employee_app = typer.Typer(
    cls=OneLineErrors, help="Your PAs (personal assistants) and their pay.", no_args_is_help=True
)
timesheet_app = typer.Typer(cls=OneLineErrors, help="Time your PAs worked.", no_args_is_help=True)
payslip_app = typer.Typer(
    cls=OneLineErrors, help="Payslips as the payroll issued them.", no_args_is_help=True
)
insurance_app = typer.Typer(
    cls=OneLineErrors, help="Employer's liability insurance.", no_args_is_help=True
)
employer_app = typer.Typer(
    cls=OneLineErrors, help="How you run your PAs' payroll.", no_args_is_help=True
)
pension_app = typer.Typer(
    cls=OneLineErrors, help="Payments to your PAs' workplace pension.", no_args_is_help=True
)
hmrc_app = typer.Typer(
    cls=OneLineErrors, help="Payments to HMRC for your PAs' tax and NI.", no_args_is_help=True
)
for sub, name in [
    (employee_app, "employee"),
    (timesheet_app, "timesheet"),
    (payslip_app, "payslip"),
    (insurance_app, "insurance"),
    (employer_app, "employer"),
    (hmrc_app, "hmrc"),
    (pension_app, "pension"),
]:
    app.add_typer(sub, name=name)

AGE_BANDS = ", ".join(AgeBand)
KINDS = ", ".join(WorkKind)


def _leave_year(text: str) -> tuple[int, int]:
    """`04-01` or `1/4`: the day a PA's leave year starts."""
    parts = text.replace("/", "-").split("-")
    try:
        if "/" in text:
            day_of, month = (int(p) for p in parts)
        else:
            month, day_of = (int(p) for p in parts)
    except ValueError:
        raise InputError("leave-year-start", "is not a day of the year such as 04-01") from None
    return month, day_of


def _terms(
    rate: str,
    frequency: str,
    holiday: str,
    category: str | None,
    night: str | None,
    weekend: str | None,
    bank_holiday: str | None,
    sleep_in: str | None,
    hours_per_week: str | None,
    leave_year_start: str,
) -> RateTerms:
    from kentcard.services.employment import RateTerms

    return RateTerms(
        hourly=parse_money(rate, "rate"),
        night=money(night, "night-rate"),
        weekend=money(weekend, "weekend-rate"),
        bank_holiday=money(bank_holiday, "bank-holiday-rate"),
        sleep_in=money(sleep_in, "sleep-in"),
        frequency=parse_choice(frequency, PayFrequency, "frequency"),
        holiday=parse_choice(holiday, HolidayScheme, "holiday"),
        leave_year_start=_leave_year(leave_year_start),
        category=category,
        contracted_minutes=None
        if hours_per_week is None
        else parse_minutes(hours_per_week, "hours-per-week"),
    )


RateOpt = Annotated[str, typer.Option(help="Pay an hour, e.g. 13.00.")]
FrequencyOpt = Annotated[str, typer.Option(help="weekly, fortnightly, four-weekly or monthly.")]
HolidayOpt = Annotated[
    str,
    typer.Option(
        help="weeks (5.6 weeks a year) or accrual (12.07 % of hours, for irregular hours)."
    ),
]
CategoryOpt = Annotated[str | None, typer.Option(help="The plan line the wages are paid from.")]
NightOpt = Annotated[
    str | None, typer.Option("--night-rate", help="An hour at night, if different.")
]
WeekendOpt = Annotated[
    str | None, typer.Option("--weekend-rate", help="An hour at weekends, if different.")
]
BankHolidayOpt = Annotated[
    str | None, typer.Option("--bank-holiday-rate", help="An hour on bank holidays, if different.")
]
SleepInOpt = Annotated[
    str | None, typer.Option("--sleep-in", help="The flat amount for a sleep-in.")
]
WeeklyHoursOpt = Annotated[
    str | None, typer.Option("--hours-per-week", help="Contracted hours a week (for holiday).")
]
LeaveYearOpt = Annotated[str, typer.Option(help="The day the leave year starts, MM-DD.")]
FileOpt = Annotated[str | None, typer.Option("--file", help="The signed document to keep with it.")]


@employee_app.command("add")
@handled
def employee_add(
    invoked: typer.Context,
    name: Annotated[str, typer.Argument(help="The PA's name.")],
    rate: RateOpt,
    age_band: Annotated[
        str | None, typer.Option(help=f"For the minimum wage: {AGE_BANDS}.")
    ] = None,
    born: Annotated[
        str | None, typer.Option(help="Date of birth, instead of the age band.")
    ] = None,
    start: Annotated[str | None, typer.Option(help="First day of work (default today).")] = None,
    category: CategoryOpt = None,
    holiday: HolidayOpt = "weeks",
    frequency: FrequencyOpt = "monthly",
    night_rate: NightOpt = None,
    weekend_rate: WeekendOpt = None,
    bank_holiday_rate: BankHolidayOpt = None,
    sleep_in: SleepInOpt = None,
    hours_per_week: WeeklyHoursOpt = None,
    leave_year_start: LeaveYearOpt = "04-01",
    relative: Annotated[
        bool, typer.Option(help="A relative living in the same household.")
    ] = False,
    dbs_checked: Annotated[str | None, typer.Option(help="Date of the DBS check.")] = None,
    right_to_work_checked: Annotated[
        str | None, typer.Option(help="Date of the right-to-work check.")
    ] = None,
    file: Annotated[str | None, typer.Option("--file", help="The contract.")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a PA you employ, with their pay."""
    from kentcard.services.employment import add_employee

    terms = _terms(
        rate,
        frequency,
        holiday,
        category,
        night_rate,
        weekend_rate,
        bank_holiday_rate,
        sleep_in,
        hours_per_week,
        leave_year_start,
    )
    ctx = context(invoked)
    record = add_employee(
        ctx,
        chosen_recipient(invoked, recipient).id,
        name=name,
        start=day(start, "start") or ctx.today(),
        terms=terms,
        age_band=None if age_band is None else parse_choice(age_band, AgeBand, "age-band"),
        date_of_birth=day(born, "born"),
        relative_in_household=relative,
        dbs_checked=day(dbs_checked, "dbs-checked"),
        right_to_work_checked=day(right_to_work_checked, "right-to-work-checked"),
        file=file,
    )
    emit(record, as_json)


@employee_app.command("rate")
@handled
def employee_rate(
    invoked: typer.Context,
    name: Annotated[str, typer.Argument(help="The PA's name.")],
    rate: RateOpt,
    start: Annotated[str, typer.Option("--from", help="The first day of the new rate.")],
    night_rate: NightOpt = None,
    weekend_rate: WeekendOpt = None,
    bank_holiday_rate: BankHolidayOpt = None,
    sleep_in: SleepInOpt = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a PA's pay from a day on: earlier pay keeps its rate, and what is not given
    (premiums, pay frequency, holiday, category) stays as it was."""
    from kentcard.services.employment import change_pay

    given = {
        "night": money(night_rate, "night-rate"),
        "weekend": money(weekend_rate, "weekend-rate"),
        "bank_holiday": money(bank_holiday_rate, "bank-holiday-rate"),
        "sleep_in": money(sleep_in, "sleep-in"),
    }
    found = change_pay(
        context(invoked),
        chosen_recipient(invoked, recipient).id,
        employee=name,
        effective_from=parse_date(start, "from"),
        hourly=parse_money(rate, "rate"),
        premiums={key: value for key, value in given.items() if value is not None},
    )
    typer.echo(
        json.dumps(jsonable(found))
        if as_json
        else f"{name}: {format_money(found.hourly)} an hour from {found.effective_from}"
    )


@employee_app.command("leave")
@handled
def employee_leave(
    invoked: typer.Context,
    name: Annotated[str, typer.Argument(help="The PA's name.")],
    on: Annotated[str | None, typer.Option(help="Their last day of work.")] = None,
    undo: Annotated[bool, typer.Option("--undo", help="They work on after all.")] = False,
    recipient: RecipientOpt = None,
) -> None:
    """Record a PA's last day of work (or, with --undo, that they did not leave)."""
    from kentcard.services.employment import end_employment

    if (on is None) != undo:
        raise InputError("on", "give their last day, or --undo")
    found = end_employment(
        context(invoked),
        chosen_recipient(invoked, recipient).id,
        employee=name,
        last_day=None if on is None else parse_date(on, "on"),
    )
    typer.echo(f"{found.name}: last day {found.end}." if found.end else f"{found.name} works on.")


@employee_app.command("cost")
@handled
def employee_cost(
    invoked: typer.Context,
    name: Annotated[str, typer.Argument(help="The PA's name.")],
    hours_per_week: Annotated[str, typer.Option("--hours-per-week", help="Hours a week, e.g. 20.")],
    payroll_fee: Annotated[
        str | None, typer.Option("--payroll-fee", help="The payroll bureau's fee a week.")
    ] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Estimate what a PA costs a month: wage, holiday cover, employer NI and pension,
    payroll and insurance, against the plan line that pays for it."""
    from kentcard.services.employment import employee_cost as cost

    minutes = parse_minutes(hours_per_week, "hours-per-week")
    found = cost(
        context(invoked),
        chosen_recipient(invoked, recipient).id,
        employee=name,
        minutes_per_week=minutes,
        payroll_fee_per_week=money(payroll_fee, "payroll-fee") or ZERO,
    )
    e = found.estimate
    lines = [
        ("Wage", e.wage_estimate),
        ("Holiday cover (5.6 weeks a year at the same rate)", e.holiday_cover_estimate),
        ("Employer's National Insurance", e.employer_ni_estimate),
        ("Employer's pension", e.employer_pension_estimate),
        ("Payroll fee", e.payroll_fee_estimate),
        ("Insurance", e.insurance_estimate),
        ("Total a month", e.total_estimate),
    ]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "employee": found.employee.name,
                    "estimate": True,
                    "on": e.on.isoformat(),
                    "hourly": format_plain(found.hourly),
                    "frequency": found.frequency.value,
                    "minutes_per_week": minutes,
                    "wage": format_plain(e.wage_estimate),
                    "holiday_cover": format_plain(e.holiday_cover_estimate),
                    "employer_ni": format_plain(e.employer_ni_estimate),
                    "employer_pension": format_plain(e.employer_pension_estimate),
                    "payroll_fee": format_plain(e.payroll_fee_estimate),
                    "insurance": format_plain(e.insurance_estimate),
                    "total": format_plain(e.total_estimate),
                    "per_hour": format_plain(e.per_hour_estimate),
                    "category": found.category,
                    "budget": None if found.budget is None else format_plain(found.budget),
                }
            )
        )
        return
    typer.echo(
        f"Estimate for {found.employee.name}: {hours_words(minutes)} a week at "
        f"{format_money(found.hourly)} an hour, paid {found.frequency.value}, "
        f"with the figures in force on {e.on:%-d %B %Y}."
    )
    typer.echo(table(["A month", "Estimate"], [[w, m] for w, m in lines], right=("Estimate",)))
    typer.echo(f"That is about {format_money(e.per_hour_estimate)} for each hour worked.")
    if found.budget is not None:
        left = found.budget.pence - e.total_estimate.pence
        verdict = "left over" if left >= 0 else "more than the budget"
        typer.echo(
            f"The plan's {found.category} budget this month is {format_money(found.budget)}: "
            f"{format_money(Money(abs(left)))} {verdict}."
        )


@timesheet_app.command("add")
@handled
def timesheet_add(
    invoked: typer.Context,
    employee: Annotated[str, typer.Option(help="The PA's name.")],
    date_: Annotated[str, typer.Option("--date", help="The day worked.")],
    hours: Annotated[str | None, typer.Option(help="Hours, e.g. 7.5 or 7:20.")] = None,
    start: Annotated[str | None, typer.Option(help="Or the time started, e.g. 09:00.")] = None,
    end: Annotated[str | None, typer.Option(help="With --start: the time finished.")] = None,
    unpaid_break: Annotated[
        str | None, typer.Option("--break", help="With --start: the unpaid break, e.g. 0:30.")
    ] = None,
    kind: Annotated[str, typer.Option(help=f"One of {KINDS}.")] = "care",
    rate: Annotated[
        str | None, typer.Option(help="This day's rate an hour, if not the PA's.")
    ] = None,
    file: FileOpt = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a line of a PA's timesheet: its hours, or the times it started and ended."""
    from kentcard.services.employment import add_timesheet_line

    if hours is None and start is None:
        raise InputError("hours", "is required, or give --start and --end")
    if hours is not None and start is not None:
        raise InputError("hours", "give the hours or --start and --end, not both")
    if start is not None and end is None:
        raise InputError("end", "is required with --start")
    if start is None and unpaid_break is not None:
        raise InputError("break", "goes with --start and --end")
    if hours is not None:
        minutes = parse_minutes(hours)
    else:
        assert start is not None and end is not None
        minutes = shift_minutes(start, end, unpaid_break)
    record = add_timesheet_line(
        context(invoked),
        chosen_recipient(invoked, recipient).id,
        employee=employee,
        day=parse_date(date_),
        minutes=minutes,
        kind=parse_choice(kind, WorkKind, "kind"),
        rate=money(rate, "rate"),
        file=file,
    )
    emit(record, as_json)


@timesheet_app.command("delete")
@handled
def timesheet_delete(
    invoked: typer.Context, line_id: Annotated[str, typer.Argument(metavar="ID")]
) -> None:
    """Delete a timesheet line (the audit log keeps what it was)."""
    from kentcard.services.employment import delete_timesheet_line

    delete_timesheet_line(context(invoked), record_id(line_id))
    typer.echo("Deleted.")


@payslip_app.command("add")
@handled
def payslip_add(
    invoked: typer.Context,
    employee: Annotated[str, typer.Option(help="The PA's name.")],
    start: Annotated[str, typer.Option("--from", help="First day of the pay period.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the pay period.")],
    paid: Annotated[str, typer.Option(help="The pay date.")],
    gross: Annotated[str, typer.Option(help="Gross pay.")],
    net: Annotated[str, typer.Option(help="Net pay.")],
    hours: Annotated[str | None, typer.Option(help="Hours paid.")] = None,
    tax: Annotated[str | None, typer.Option(help="PAYE tax (negative for a refund).")] = None,
    employee_ni: Annotated[str | None, typer.Option(help="Employee's NI.")] = None,
    employer_ni: Annotated[str | None, typer.Option(help="Employer's NI.")] = None,
    pension: Annotated[str | None, typer.Option(help="Employee's pension.")] = None,
    employer_pension: Annotated[str | None, typer.Option(help="Employer's pension.")] = None,
    holiday_pay: Annotated[str | None, typer.Option(help="Holiday pay in the gross.")] = None,
    money_out: Annotated[
        str | None, typer.Option("--money-out", help="Id of the card payment of the net wage.")
    ] = None,
    file: FileOpt = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a payslip as the payroll issued it."""
    from kentcard.services.employment import PayslipFigures, add_payslip

    def amount(text: str | None, field: str) -> Money:
        return money(text, field) or ZERO

    figures = PayslipFigures(
        gross=parse_money(gross, "gross"),
        net=parse_money(net, "net"),
        tax=amount(tax, "tax"),
        employee_ni=amount(employee_ni, "employee-ni"),
        employee_pension=amount(pension, "pension"),
        employer_ni=amount(employer_ni, "employer-ni"),
        employer_pension=amount(employer_pension, "employer-pension"),
        holiday_pay=amount(holiday_pay, "holiday-pay"),
        minutes=None if hours is None else parse_minutes(hours),
    )
    record = add_payslip(
        context(invoked),
        chosen_recipient(invoked, recipient).id,
        employee=employee,
        period_start=parse_date(start, "from"),
        period_end=parse_date(end, "to"),
        paid_on=parse_date(paid, "paid"),
        figures=figures,
        money_out_id=None if money_out is None else record_id(money_out, "money-out"),
        file=file,
    )
    emit(record, as_json)


@payslip_app.command("delete")
@handled
def payslip_delete(
    invoked: typer.Context, payslip_id: Annotated[str, typer.Argument(metavar="ID")]
) -> None:
    """Delete a payslip (the audit log keeps what it was)."""
    from kentcard.services.employment import delete_payslip

    delete_payslip(context(invoked), record_id(payslip_id))
    typer.echo("Deleted.")


@insurance_app.command("add")
@handled
def insurance_add(
    invoked: typer.Context,
    insurer: Annotated[str, typer.Option(help="The insurer's name.")],
    start: Annotated[str, typer.Option("--from", help="The first day of cover.")],
    renewal: Annotated[
        str, typer.Option("--to", help="The renewal date (cover ends the day before).")
    ],
    policy: Annotated[str | None, typer.Option(help="Policy number.")] = None,
    cover: Annotated[str | None, typer.Option(help="Cover, e.g. 5000000.")] = None,
    premium: Annotated[str | None, typer.Option(help="The premium for the year.")] = None,
    file: Annotated[str | None, typer.Option("--file", help="The certificate.")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add employer's liability insurance."""
    from kentcard.services.employment import add_insurance

    record = add_insurance(
        context(invoked),
        chosen_recipient(invoked, recipient).id,
        insurer=insurer,
        start=parse_date(start, "from"),
        renewal=parse_date(renewal, "to"),
        policy=policy,
        cover=money(cover, "cover"),
        premium=money(premium, "premium"),
        file=file,
    )
    emit(record, as_json)


@employer_app.command("set")
@handled
def employer_set(
    invoked: typer.Context,
    route: Annotated[str, typer.Option(help="bureau, council or basic-paye-tools.")],
    bureau: Annotated[str | None, typer.Option(help="The payroll bureau's name.")] = None,
    paye_reference: Annotated[str | None, typer.Option(help="Employer PAYE reference.")] = None,
    hmrc: Annotated[
        str, typer.Option(help="How often you pay HMRC: monthly or quarterly.")
    ] = "monthly",
    allowance: Annotated[
        int | None,
        typer.Option(help="Employment Allowance claimed for the tax year starting in this year."),
    ] = None,
    pension_provider: Annotated[
        str | None, typer.Option(help="The workplace pension provider.")
    ] = None,
    pension_reference: Annotated[
        str | None, typer.Option(help="Your employer reference with them.")
    ] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Say how you run your PAs' payroll."""
    from kentcard.services.employment import set_employer

    details = set_employer(
        context(invoked),
        chosen_recipient(invoked, recipient).id,
        route=parse_choice(route, PayrollRoute, "route"),
        bureau=bureau,
        paye_reference=paye_reference,
        hmrc_frequency=parse_choice(hmrc, HmrcFrequency, "hmrc"),
        pension_provider=pension_provider,
        pension_reference=pension_reference,
        allowance_year=allowance,
    )
    typer.echo(json.dumps(jsonable(details)) if as_json else "Saved.")


@hmrc_app.command("add")
@handled
def hmrc_add(
    invoked: typer.Context,
    money_out: Annotated[str, typer.Option("--money-out", help="Id of the card payment to HMRC.")],
    tax_year: Annotated[int, typer.Option(help="The year the tax year starts in, e.g. 2026.")],
    period: Annotated[int, typer.Option(help="The tax month (1 to 12) or quarter (1 to 4).")],
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record that a card payment paid HMRC for a tax month or quarter."""
    from kentcard.services.employment import add_hmrc_payment

    record = add_hmrc_payment(
        context(invoked),
        chosen_recipient(invoked, recipient).id,
        money_out_id=record_id(money_out, "money-out"),
        tax_year=tax_year,
        period=period,
    )
    emit(record, as_json)


@pension_app.command("add")
@handled
def pension_add(
    invoked: typer.Context,
    money_out: Annotated[
        str, typer.Option("--money-out", help="Id of the card payment to the pension.")
    ],
    employee: Annotated[str, typer.Option(help="The PA whose pension it pays.")],
    start: Annotated[str, typer.Option("--from", help="First day of the pay period.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the pay period.")],
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record that a card payment paid a PA's workplace pension for a pay period."""
    from kentcard.services.employment import add_pension_payment

    record = add_pension_payment(
        context(invoked),
        chosen_recipient(invoked, recipient).id,
        money_out_id=record_id(money_out, "money-out"),
        employee=employee,
        period_start=parse_date(start, "from"),
        period_end=parse_date(end, "to"),
    )
    emit(record, as_json)
