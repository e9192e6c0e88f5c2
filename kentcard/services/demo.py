"""A realistic sample year in `db/demo.sqlite3`, built through the services like real use.

The demo file is the only file this module ever writes or deletes: peers' users lost real data
to a demo that overwrote it, so every path is checked before anything is touched.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from kentcard.core.dates import Month
from kentcard.core.employment.hmrc import HmrcPeriod, period_of, tax_year_of
from kentcard.core.employment.records import (
    AgeBand,
    HmrcFrequency,
    HolidayScheme,
    PayFrequency,
    PayrollRoute,
    Payslip,
    WorkKind,
)
from kentcard.core.errors import KentcardError
from kentcard.core.money import Money, format_money, format_plain, round_half_up
from kentcard.core.records import Frequency, PlanLine, ProviderKind, Source
from kentcard.services import (
    employment,
    invoices,
    ledger,
    plans,
    providers,
    recipients,
    statement_import,
)
from kentcard.services.context import Context
from kentcard.services.settings import DEMO_DB, Settings

AGENCY, PA, SHOP, CLUB = (
    "Bright Homecare Ltd",
    "Sam Taylor",  # the PA: an employee, and the payee of their wages
    "Kent Mobility",
    "Riverside Day Centre",
)
AGENCY_RATE = Money(2800)
# Every four weeks KCC pays £1,080 and Jo pays £84 towards care. The plan's £430 for the PA
# is their wages (32 hours at £13.00 = £416.00, see below) and the insurance premium.
COUNCIL = Money(108000)
CONTRIBUTION = Money(8400)
PLAN_LINES = (("Home care", 65000), ("Personal assistant", 43000), ("Equipment", 5000))
HOURS = (2300, 2350, 2250, 2400, 2325, 2300, 2275, 2350, 2400, 2300, 2250, 2325, 2350, 2300)
EQUIPMENT = [
    (40, "Bath seat", 4599, True),
    (120, "Grab rails", 3250, True),
    (200, "Kettle tipper", 2199, False),
]


def demo_path(cwd: Path) -> Path:
    return cwd / DEMO_DB


def fresh_demo_file(path: Path, real_db: str) -> None:
    """Delete the old demo file (and its WAL files), refusing anything that is not it."""
    if path.name != DEMO_DB.name or path.parent.name != DEMO_DB.parent.name:
        raise KentcardError(f"demo: refusing to touch {path}; the demo only uses {DEMO_DB}")
    real = Path(real_db)
    if "://" not in real_db and real.exists() and path.exists() and os.path.samefile(real, path):
        raise KentcardError("demo: your database is the demo file; choose another with --db")
    for victim in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if victim.is_symlink() or (victim.exists() and not victim.is_file()):
            raise KentcardError(f"demo: {victim} is not an ordinary file; not touching it")
        victim.unlink(missing_ok=True)


def demo_settings(settings: Settings, cwd: Path) -> Settings:
    """Settings for the demo file: the same clock and exports, and no start-up backups of it."""
    changes: dict[str, object] = {"db": str(demo_path(cwd))}
    if "keep_daily" in {f.name for f in dataclasses.fields(Settings)}:
        changes["keep_daily"] = 0
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]


def build_demo(ctx: Context) -> None:
    """A four-weekly plan and a year of care spending, ending today: an agency's care and
    a PA employed through a payroll bureau."""
    today = ctx.today()
    start = Month.of(today).shift(-11).first
    recipient = recipients.setup_recipient(
        ctx,
        name="Jo Bloggs",
        kcc_ref="DP123456",
        card_last4="1234",
        opening_balance=Money(31240),
        as_of=start - timedelta(days=1),
    )
    rid = recipient.id
    plans.set_plan(
        ctx,
        rid,
        start=start,
        frequency=Frequency.FOUR_WEEKLY,
        council=COUNCIL,
        contribution=CONTRIBUTION,
        lines=[PlanLine(c, Money(p)) for c, p in [*PLAN_LINES, ("Activities", 3400)]],
        first_payment=start + timedelta(days=2),
    )
    kinds = [
        (AGENCY, ProviderKind.AGENCY, AGENCY_RATE, "Home care"),
        (PA, ProviderKind.PA, None, "Personal assistant"),
        (SHOP, ProviderKind.EQUIPMENT, None, "Equipment"),
        (CLUB, ProviderKind.DAY_SERVICE, None, "Activities"),
    ]
    for name, kind, rate, category in kinds:
        providers.add_provider(ctx, rid, name=name, kind=kind, rate=rate, category=category)
    with tempfile.TemporaryDirectory(prefix="kentcard-demo-") as folder:
        work = _employ_pa(ctx, rid, start, today, Path(folder))
        slips = _periods(ctx, rid, start, today, Path(folder), work)
        _pay_hmrc(ctx, rid, slips, today, Path(folder))
        _extras(ctx, rid, start, today, Path(folder))
    statement_import.import_statement(
        ctx, rid, sample_statement(ctx, rid, today).encode(), filename="kent-card-statement.csv"
    )


STATEMENT_DAYS = 35  # the sample card statement covers the last five weeks
NEW_ON_STATEMENT = ("TESCO STORES 2841", -845, 6)  # a card payment nobody logged, days ago
UNSURE_CREDIT = ("FASTER PAYMENT J BLOGGS", 2000, 3)  # money in the app cannot place


def sample_statement(ctx: Context, rid: int, today: date) -> str:
    """The card statement of the last five weeks, as the Kent Card portal downloads it.

    Every entry logged in those weeks is on it, so they match; one card payment nobody
    logged comes in as new ("from statement"), and one credit needs a decision on the
    Reconcile screen. The running balance runs on from the ledger's balance before.
    """
    first = today - timedelta(days=STATEMENT_DAYS)
    ins = ledger.list_money_in(ctx, rid)
    outs = ledger.list_money_out(ctx, rid)
    balance = sum(m.amount.pence for m in ins if m.date < first)
    balance -= sum(m.amount.pence for m in outs if m.date < first)
    lines = [(m.date, "Kent County Council" if m.source is Source.KCC else "Jo Bloggs",
              "DIRECT PAYMENT LOAD" if m.source is Source.KCC else "CONTRIBUTION LOAD",
              m.amount.pence) for m in ins if m.date >= first]  # fmt: skip
    lines += [(m.date, m.payee, (m.description or "CARD PAYMENT").upper(), -m.amount.pence)
              for m in outs if m.date >= first]  # fmt: skip
    for who, pence, days_ago in (NEW_ON_STATEMENT, UNSURE_CREDIT):
        lines.append((today - timedelta(days=days_ago), "", who, pence))
    rows = ["Transaction Date,Merchant Name,Description,Amount,Balance"]
    for day, name, words, pence in sorted(lines, key=lambda line: (line[0], -line[3])):
        balance += pence
        rows.append(
            f"{day:%d/%m/%Y},{name},{words.replace(',', ' ')},"
            f"{format_plain(Money(pence))},{format_plain(Money(balance))}"
        )
    return "\r\n".join(rows) + "\r\n"


def _periods(
    ctx: Context, rid: int, start: date, today: date, folder: Path, work: list[Shift]
) -> list[Payslip]:
    """Each four weeks: KCC and contribution in, an agency invoice paid, the PA paid; the
    PA's payslips, in order."""
    slips = []
    for n in range(14):
        pay_day = start + timedelta(days=2 + 28 * n)
        if pay_day > today:
            break
        if n != 6:  # one KCC payment never arrived
            ledger.add_money_in(
                ctx, rid, date=pay_day, amount=COUNCIL, source=Source.KCC, reference="KCC DP"
            )
        if pay_day + timedelta(days=1) <= today:  # nothing in the demo is dated after today
            ledger.add_money_in(
                ctx,
                rid,
                date=pay_day + timedelta(days=1),
                amount=CONTRIBUTION,
                source=Source.CONTRIBUTION,
            )
        _agency_invoice(ctx, rid, n, pay_day, today, folder)
        slip = _pa_pay(ctx, rid, start + timedelta(days=28 * n), today, folder, work)
        if slip is not None:
            slips.append(slip)
    return slips


def _agency_invoice(
    ctx: Context, rid: int, n: int, pay_day: date, today: date, folder: Path
) -> None:
    issued = pay_day + timedelta(days=18)
    if issued > today:
        return
    hours = HOURS[n]
    amount = Money(hours * AGENCY_RATE.pence // 100)
    number = f"BH-{2401 + n}"
    pdf = folder / f"{number}.pdf"
    pdf.write_bytes(_pdf(f"Bright Homecare Ltd invoice {number}: {hours / 100:g} hours at 28.00"))
    draft = invoices.InvoiceDraft(
        provider=AGENCY,
        number=number,
        issue_date=issued,
        amount=amount,
        hours_centi=hours,
        rate=AGENCY_RATE,
        period_start=issued - timedelta(days=28),
        period_end=issued - timedelta(days=1),
        due_date=issued + timedelta(days=14),
    )
    invoices.add_invoice(ctx, rid, draft, pdf)
    paid = issued + timedelta(days=7)
    if paid <= today:
        short = AGENCY_RATE if n == 9 else Money(0)  # one invoice left part-paid: overdue
        ledger.add_money_out(
            ctx,
            rid,
            date=paid,
            amount=amount - short,
            payee=AGENCY,
            description=f"Care {draft.period_start} to {draft.period_end}",
            invoices=[ledger.InvoiceClaim(number)],
        )


# --- Sam, the PA, employed through a payroll bureau -----------------------------------------

CARE = "Personal assistant"  # the plan line the PA's wages, PAYE and insurance are paid from
BUREAU = "Weald Payroll Services"
PAYE_REFERENCE = "120/WA48213"
HMRC_REFERENCE = "120PA00048213"  # the accounts office reference PAYE is paid with
INSURER, POLICY = "Medway Mutual Insurance", "EL-48213"
PREMIUMS = (Money(8400), Money(8900))  # the first year's, then the renewal's
INSURANCE_COVER = Money(1_000_000_000)  # £10 million

# Sam is paid above the National Living Wage (21 and over), which is £12.21 an hour until
# 31 March 2026 and £12.71 from 1 April 2026: £12.50, rising to £13.00 on that day.
PA_RATE = Money(1250)
PA_RISE = (date(2026, 4, 1), Money(1300))
# Sam works one day a week, the fifth of each week of the plan (a Friday in the demo ending
# November 2026): 7½ hours' care and ½ hour's travel taking Jo to the shops, 8 hours; 32
# hours each pay period. A week off is 8 hours' holiday, on the timesheet as worked time is.
WEEK = ((4, WorkKind.CARE, 450), (4, WorkKind.TRAVEL, 30))
HOLIDAY = ((4, WorkKind.HOLIDAY, 480),)
HOLIDAY_WEEK = 36  # Sam's week off: in August, in the demo ending November 2026
WEEK_MINUTES = 480

# The bureau's payslip, every four weeks, paid three days after they end. Sam's main job is
# elsewhere, so their tax code is BR: basic rate on every whole pound. Their own NI starts
# at £242 a week, so they pay none; employer NI is 15 % of the pay above £384 (4 × £96).
# Their pay is under the £768 four-weekly trigger (£10,000 a year) for a workplace pension.
#   at £12.50: gross 32 h × £12.50 = £400.00, tax 20 % × £400 = £80.00, net £320.00,
#              employer NI 15 % × (£400.00 − £384.00) = £2.40
#   at £13.00: gross 32 h × £13.00 = £416.00, tax 20 % × £416 = £83.20, net £332.80,
#              employer NI 15 % × (£416.00 − £384.00) = £4.80
# PAYE is paid to HMRC quarterly: tax + employee NI + employer NI − Employment Allowance.
# The allowance (£10,500 a tax year, claimed) wipes out the employer NI, so a quarter's
# payment is the tax on the payslips paid in it, paid on the 15th of the month after the
# quarter, a week before the 22nd it is due by. For the demo of 1 Dec 2025 to 25 Nov 2026:
#   6 Oct 2025 to 5 Jan 2026: £80.00 (one payslip)                  = £80.00, 15 Jan 2026
#   6 Jan to 5 Apr 2026:      3 × £80.00                            = £240.00, 15 Apr 2026
#   6 Apr to 5 Jul 2026:      £82.40 + £83.20 + £83.20              = £248.80, 15 Jul 2026
#     (23 Mar to 19 Apr: 8 h × £12.50 + 24 h × £13.00 = £412.00, tax 20 % × £412 = £82.40)
#   6 Jul to 5 Oct 2026:      3 × £83.20                            = £249.60, 15 Oct 2026
#   6 Oct 2026 to 5 Jan 2027: 2 × £83.20 = £166.40, due by 22 Jan 2027, so not yet paid.
BASIC_RATE_PERCENT = 20
EMPLOYER_NI_PERCENT = 15
SECONDARY_THRESHOLD = Money(38400)  # four weeks at £96
HMRC_PAY_DAY = 15


@dataclasses.dataclass(frozen=True, slots=True)
class Shift:
    """One timesheet line: time Sam worked, or was on holiday, on a day."""

    day: date
    kind: WorkKind
    minutes: int


def _rate_on(day: date) -> Money:
    rise_day, risen = PA_RISE
    return risen if day >= rise_day else PA_RATE


def _terms(hourly: Money) -> employment.RateTerms:
    return employment.RateTerms(
        hourly=hourly,
        frequency=PayFrequency.FOUR_WEEKLY,
        holiday=HolidayScheme.WEEKS,
        category=CARE,
        contracted_minutes=WEEK_MINUTES,
    )


def _years_on(day: date, years: int) -> date:
    return day.replace(year=day.year + years)  # `day` is a 1st: every year has it


def _employ_pa(ctx: Context, rid: int, start: date, today: date, folder: Path) -> list[Shift]:
    """Sam employed from the plan's first day: the employer's details, the insurance, the
    contract, April's pay rise and the timesheets to today, which are returned."""
    for year in range(tax_year_of(start), tax_year_of(today) + 1):  # the allowance each year
        employment.set_employer(
            ctx,
            rid,
            route=PayrollRoute.BUREAU,
            bureau=BUREAU,
            paye_reference=PAYE_REFERENCE,
            hmrc_frequency=HmrcFrequency.QUARTERLY,
            pension_provider="NEST",
            allowance_year=year,
        )
    _insure(ctx, rid, start, today, folder)
    contract = folder / "contract-sam-taylor.pdf"
    contract.write_bytes(
        _pdf(
            f"Contract of employment: Sam Taylor, personal assistant to Jo Bloggs, from "
            f"{start}: 8 hours a week at {format_plain(_rate_on(start))} an hour, paid "
            "four-weekly, 5.6 weeks' holiday a year"
        )
    )
    employment.add_employee(
        ctx,
        rid,
        name=PA,
        start=start,
        terms=_terms(_rate_on(start)),
        age_band=AgeBand.ADULT,
        dbs_checked=start - timedelta(days=24),
        right_to_work_checked=start - timedelta(days=17),
        file=contract,
    )
    rise_day, risen = PA_RISE
    if start < rise_day <= today:
        employment.set_pay_rate(ctx, rid, employee=PA, effective_from=rise_day, terms=_terms(risen))
    work = []
    for week in range((today - start).days // 7 + 1):
        for offset, kind, minutes in HOLIDAY if week == HOLIDAY_WEEK else WEEK:
            day = start + timedelta(days=7 * week + offset)
            if day <= today:
                employment.add_timesheet_line(
                    ctx, rid, employee=PA, day=day, minutes=minutes, kind=kind
                )
                work.append(Shift(day, kind, minutes))
    return work


def _insure(ctx: Context, rid: int, start: date, today: date, folder: Path) -> None:
    """Employer's liability insurance from Sam's first day, and its renewal for the next
    year; each premium paid by card, with the certificate as its receipt."""
    for year, premium in enumerate(PREMIUMS):
        begins, renewal = _years_on(start, year), _years_on(start, year + 1)
        paid = begins if year == 0 else min(today, begins - timedelta(days=14))
        policy = f"{POLICY}-{begins.year}"
        certificate = folder / f"insurance-{policy}.pdf"
        certificate.write_bytes(
            _pdf(
                f"{INSURER}: certificate of employer's liability insurance, policy {policy}, "
                f"Jo Bloggs employing a personal assistant, {begins} to "
                f"{renewal - timedelta(days=1)}, cover 10,000,000.00, premium "
                f"{format_plain(premium)} paid"
            )
        )
        ledger.add_money_out(
            ctx,
            rid,
            date=paid,
            amount=premium,
            payee=INSURER,
            category=CARE,
            description="Employer's liability insurance",
            reference=policy,
            receipts=[certificate],
        )
        employment.add_insurance(
            ctx,
            rid,
            insurer=INSURER,
            start=begins,
            renewal=renewal,
            policy=policy,
            cover=INSURANCE_COVER,
            premium=premium,
            file=certificate,
        )


def _pay(shifts: list[Shift]) -> Money:
    """What the shifts are worth at the rate of their days (exact, rounded once)."""
    pence = sum(s.minutes * _rate_on(s.day).pence for s in shifts)
    return Money(round_half_up(Fraction(pence, 60)))


def _pa_pay(
    ctx: Context, rid: int, first: date, today: date, folder: Path, work: list[Shift]
) -> Payslip | None:
    """Four weeks of Sam's timesheets, paid three days after they end: the net wage by card
    and the bureau's payslip for it, linked to the payment."""
    last = first + timedelta(days=27)
    paid = last + timedelta(days=3)
    if paid > today:
        return None
    shifts = [s for s in work if first <= s.day <= last]
    gross = _pay(shifts)
    tax = Money(gross.pence // 100 * BASIC_RATE_PERCENT)
    above = max(0, gross.pence - SECONDARY_THRESHOLD.pence)
    figures = employment.PayslipFigures(
        gross=gross,
        net=gross - tax,
        tax=tax,
        employer_ni=Money(round_half_up(Fraction(above * EMPLOYER_NI_PERCENT, 100))),
        holiday_pay=_pay([s for s in shifts if s.kind is WorkKind.HOLIDAY]),
        minutes=sum(s.minutes for s in shifts),
    )
    out = ledger.add_money_out(
        ctx, rid, date=paid, amount=figures.net, payee=PA, description=f"PA wages to {last}"
    )
    slip = folder / f"payslip-{paid}.txt"
    slip.write_text(_payslip_text(first, last, paid, figures, shifts), encoding="utf-8")
    return employment.add_payslip(
        ctx,
        rid,
        employee=PA,
        period_start=first,
        period_end=last,
        paid_on=paid,
        figures=figures,
        money_out_id=out.id,
        file=slip,
    )


def _payslip_text(
    first: date, last: date, paid: date, f: employment.PayslipFigures, shifts: list[Shift]
) -> str:
    by_rate: dict[Money, int] = {}
    for s in shifts:
        by_rate[_rate_on(s.day)] = by_rate.get(_rate_on(s.day), 0) + s.minutes
    hours = "".join(f"  {m / 60:.2f} hours at {format_money(r)}\n" for r, m in by_rate.items())
    return (
        f"{BUREAU}: payslip\n"
        f"Employer: Jo Bloggs, PAYE reference {PAYE_REFERENCE}\n"
        f"Employee: Sam Taylor, personal assistant, tax code BR\n"
        f"Pay period {first} to {last} (four-weekly), paid {paid}\n{hours}"
        f"Gross pay {format_money(f.gross)} (holiday pay {format_money(f.holiday_pay)})\n"
        f"Income tax {format_money(f.tax)}\nEmployee NI {format_money(f.employee_ni)}\n"
        f"Net pay {format_money(f.net)}, paid by Kent Card\n"
        f"Employer NI {format_money(f.employer_ni)}, met by the Employment Allowance\n"
    )


def _pay_hmrc(ctx: Context, rid: int, slips: list[Payslip], today: date, folder: Path) -> None:
    """Each quarter's PAYE paid to HMRC by card on the 15th after it, once that day has
    come, and marked as paying that quarter; the bureau's payment record is its receipt."""
    quarters: dict[HmrcPeriod, list[Payslip]] = {}
    for slip in slips:
        quarters.setdefault(period_of(slip.paid_on, quarterly=True), []).append(slip)
    for quarter, mine in quarters.items():
        day = quarter.end.replace(day=HMRC_PAY_DAY)
        if day > today:
            continue
        # Tax and employee NI; the employer NI is all met by the Employment Allowance.
        amount = Money(sum(s.tax.pence + s.employee_ni.pence for s in mine))
        employer_ni = Money(sum(s.employer_ni.pence for s in mine))
        reference = f"{HMRC_REFERENCE}{quarter.tax_year % 100:02d}{3 * quarter.number:02d}"
        count = f"{len(mine)} payslip{'' if len(mine) == 1 else 's'}"
        record = folder / f"paye-{quarter.tax_year}-q{quarter.number}.txt"
        record.write_text(
            f"{BUREAU}: employer payment record (P32)\n"
            f"Jo Bloggs, PAYE reference {PAYE_REFERENCE}, paying HMRC quarterly\n"
            f"Quarter {quarter.start} to {quarter.end}: {count}\n"
            f"Income tax {format_money(Money(sum(s.tax.pence for s in mine)))}\n"
            f"Employee NI {format_money(Money(sum(s.employee_ni.pence for s in mine)))}\n"
            f"Employer NI {format_money(employer_ni)}\n"
            f"Employment Allowance -{format_money(employer_ni)}\n"
            f"Due to HMRC by {quarter.end.replace(day=22)}: {format_money(amount)}\n"
            f"Pay with reference {reference}\n",
            encoding="utf-8",
        )
        out = ledger.add_money_out(
            ctx,
            rid,
            date=day,
            amount=amount,
            payee="HMRC",
            category=CARE,
            description=f"PAYE {quarter.start} to {quarter.end}",
            reference=reference,
            receipts=[record],
        )
        employment.add_hmrc_payment(
            ctx, rid, money_out_id=out.id, tax_year=quarter.tax_year, period=quarter.number
        )


def _extras(ctx: Context, rid: int, start: date, today: date, folder: Path) -> None:
    """Equipment (one receipt missing), lunch clubs without receipts, and a refund."""
    for offset, what, pence, has_receipt in EQUIPMENT:
        day = start + timedelta(days=offset)
        receipt = folder / f"receipt-{what.lower().replace(' ', '-')}.txt"
        receipt.write_text(
            f"Kent Mobility\n{what}\nTotal {format_plain(Money(pence))}\nPaid by card\n"
        )
        ledger.add_money_out(
            ctx,
            rid,
            date=day,
            amount=Money(pence),
            payee=SHOP,
            description=what,
            receipts=[receipt] if has_receipt else [],
        )
    ledger.add_money_in(
        ctx,
        rid,
        date=start + timedelta(days=130),
        amount=Money(1299),
        source=Source.REFUND,
        category="Equipment",
        note="Grab rails: one returned",
    )
    for k, offset in enumerate(range(20, (today - start).days, 45)):
        ledger.add_money_out(
            ctx,
            rid,
            date=start + timedelta(days=offset),
            amount=Money(1450 if k % 2 else 1200),
            payee=CLUB,
            description="Lunch club",
        )


def _pdf(text: str) -> bytes:
    """A minimal valid one-page PDF showing `text`."""
    stream = f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
