"""Findings: everything a KCC reviewer would query about a period, in plain words.

The period is read once (`services.period.read_period`: a handful of plain queries) and
every finding is worked out from it in memory, so a review of ten years of a large account
takes about a second, and the export computes its Exceptions sheet from the same reading.
`review` reads of the invoices only those still owed something or issued in the period.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import NamedTuple

from kentcard.core import budget as rules
from kentcard.core import words
from kentcard.core.dates import Month
from kentcard.core.employment.records import EmploymentFinding
from kentcard.core.employment.records import FindingKind as PaKind
from kentcard.core.expected import PaymentProblem, check_expected
from kentcard.core.invoices import hours_mismatch
from kentcard.core.lines import InvoiceLine, MoneyOutLine
from kentcard.core.money import Money, format_money
from kentcard.core.records import MoneyIn, Plan, Source
from kentcard.services.balance_check import BalanceCheck, balance_mismatch
from kentcard.services.context import Context
from kentcard.services.period import PeriodLedger, read_period
from kentcard.store import invoices as store_invoices
from kentcard.store import ledger as store_ledger
from kentcard.store import plans as store_plans


class Kind(StrEnum):
    NO_EVIDENCE = "no-evidence"
    EXPLAINED_NO_EVIDENCE = "no-evidence-explained"
    OUTSIDE_PLAN = "outside-plan"
    OVERDUE_INVOICE = "overdue-invoice"
    OVERPAID_INVOICE = "overpaid-invoice"
    HOURS_MISMATCH = "hours-mismatch"
    PAYMENT_MISSING = "payment-missing"
    PAYMENT_LATE = "payment-late"
    PAYMENT_SHORT = "payment-short"
    OVERSPENT = "overspent"
    SURPLUS = "surplus"
    BALANCE_MISMATCH = "balance-mismatch"
    NEGATIVE_BALANCE = "negative-balance"
    DATED_LATER = "dated-later"
    # Employing a PA: the values are the employment checks' own (core.employment).
    BELOW_MINIMUM_WAGE = PaKind.BELOW_MINIMUM_WAGE.value
    TIMESHEET_MISMATCH = PaKind.TIMESHEET_MISMATCH.value
    PAY_MISMATCH = PaKind.PAY_MISMATCH.value
    NO_PAYSLIP = PaKind.NO_PAYSLIP.value
    HMRC_DUE = PaKind.HMRC_DUE.value
    NO_INSURANCE = PaKind.NO_INSURANCE.value
    PENSION_DUE = PaKind.PENSION_DUE.value
    HOLIDAY_OVER = PaKind.HOLIDAY_OVER.value


# Each kind in words: a short title for a screen's column, and a heading for a reviewer.
KIND_WORDS: dict[Kind, tuple[str, str]] = {
    Kind.NO_EVIDENCE: ("No receipt", "Payments with no receipt or invoice attached"),
    Kind.EXPLAINED_NO_EVIDENCE: (
        "No receipt, explained",
        "Payments with no receipt, and the reason why recorded",
    ),
    Kind.OUTSIDE_PLAN: ("Not in the plan", "Payments not matched to the support plan"),
    Kind.OVERDUE_INVOICE: ("Invoice overdue", "Invoices overdue"),
    Kind.OVERPAID_INVOICE: ("Invoice overpaid", "Invoices paid more than they asked for"),
    Kind.HOURS_MISMATCH: ("Hours × rate", "Invoices where hours × rate is not the amount"),
    Kind.PAYMENT_MISSING: ("Payment missing", "Expected payments that did not arrive"),
    Kind.PAYMENT_LATE: ("Payment late", "Payments that arrived more than 5 days late"),
    Kind.PAYMENT_SHORT: ("Payment short", "Payments less than expected"),
    Kind.OVERSPENT: ("Overspent", "Months where spending was more than the budget"),
    Kind.SURPLUS: ("Possible surplus", "Possible surplus above the retained allowance"),
    Kind.BALANCE_MISMATCH: ("Balance differs", "Statement balance that differs from the ledger's"),
    Kind.NEGATIVE_BALANCE: ("Balance below zero", "Days the card balance went below zero"),
    Kind.DATED_LATER: ("Dated later", "Entries dated after the as-at date, in no figure"),
    Kind.BELOW_MINIMUM_WAGE: ("Below minimum wage", "PA pay below the minimum wage"),
    Kind.TIMESHEET_MISMATCH: ("Timesheet differs", "Payslips that differ from the timesheets"),
    Kind.PAY_MISMATCH: ("Wage paid differs", "PA wages paid that differ from the payslip's net"),
    Kind.NO_PAYSLIP: ("No payslip", "Payments to a PA with no payslip"),
    Kind.HMRC_DUE: ("HMRC not paid", "Tax and NI not paid to HMRC by the 22nd"),
    Kind.NO_INSURANCE: ("No insurance", "Days a PA was employed without employer's insurance"),
    Kind.PENSION_DUE: ("Pension due", "PAs due a workplace pension with no contribution"),
    Kind.HOLIDAY_OVER: ("Holiday", "PA holiday beyond the entitlement, or left to take"),
}


def kind_title(kind: Kind) -> str:
    """`No receipt`: a finding's kind on a screen."""
    return KIND_WORDS[kind][0]


def kind_heading(kind: Kind) -> str:
    """`Payments with no receipt or invoice attached`: a kind as a reviewer reads it."""
    return KIND_WORDS[kind][1]


class Finding(NamedTuple):
    kind: Kind
    date: date
    message: str
    record: str | None = None  # e.g. "money-out:12", "invoice:3", "month:2026-11"
    amount: Money | None = None
    about: str | None = None  # the record in words: "Payment 20 May 2026, Bright Homecare, £651.00"


_SOURCE_WORDS = {Source.KCC: "KCC payment", Source.CONTRIBUTION: "contribution"}


def _payment(m: MoneyOutLine) -> str:
    return words.payment_words(m.date, m.payee, m.pence)


def _invoice(inv: InvoiceLine) -> str:
    return words.invoice_words(inv.number, inv.provider_name)


def review(ctx: Context, recipient_id: int, start: date, end: date) -> list[Finding]:
    """Every finding in [start, end], sorted by date then kind.

    The same findings as `findings_in(read_period(...))`, but of the invoices only those a
    finding can be about are read (issued in the period, or still owed something), with
    what was paid against each summed in SQL: a large account has tens of thousands of
    invoices settled long ago, and the home screen reviews one month.
    """
    ledger = read_period(ctx, recipient_id, start, end, invoices=False)
    with ctx.db.read() as session:
        invoices = store_invoices.invoices_to_review(
            session=session, recipient_id=recipient_id, day=ledger.as_at, issued_from=start
        )
    outstanding = Money(sum(max(0, line.pence - paid) for line, paid in invoices))
    findings = _findings(
        ledger, [line for line, _ in invoices], {line.id: p for line, p in invoices}, outstanding
    )
    findings += balance_findings(ctx, recipient_id, start, end)
    findings += employment_findings(ctx, recipient_id, start, end)
    return sorted(findings, key=review_order)


def employment_findings(ctx: Context, recipient_id: int, start: date, end: date) -> list[Finding]:
    """The employment checks' findings dated in [start, end] (none for a person who
    employs no PA)."""
    from kentcard.services.employment import findings

    return pa_findings(findings(ctx, recipient_id, start, end))


def pa_findings(found: list[EmploymentFinding]) -> list[Finding]:
    """The employment checks' findings as the review's."""
    return [
        Finding(Kind(f.kind.value), f.day, f.message, f.record, f.amount, f.about) for f in found
    ]


PA_KINDS = frozenset(Kind(k.value) for k in PaKind)  # said only of a person who employs a PA


def review_order(f: Finding) -> tuple[date, str, str]:
    """Findings are listed by date, then kind, then the record they are about."""
    return (f.date, f.kind.value, f.record or "")


def findings_in(ledger: PeriodLedger) -> list[Finding]:
    """The findings worked out from the ledger alone (not yet sorted)."""
    return _findings(
        ledger,
        ledger.invoices,
        ledger.paid(ledger.as_at),
        ledger.outstanding(ledger.as_at),
    )


def _findings(
    ledger: PeriodLedger,
    invoices: list[InvoiceLine],
    paid: dict[int, int],
    outstanding: Money,
) -> list[Finding]:
    """The findings from the ledger's payments, money in and months, and from `invoices`
    (every invoice issued by the as-at date that may be overdue, or was issued in the period)
    with `paid` by then against each, and `outstanding` on that day."""
    start, as_of = ledger.start, ledger.as_at
    findings = [_no_evidence(m) for m in ledger.money_out if not m.evidenced]
    findings += _outside_plan(ledger.plans, ledger.money_out)
    findings += _invoice_findings(invoices, paid, start, as_of)
    findings += _expected_findings(ledger.plans, ledger.money_in, start, as_of)
    findings += _month_findings(ledger, as_of, outstanding)
    findings += _below_zero(ledger)
    findings += _dated_later(ledger)
    return findings


def _no_evidence(m: MoneyOutLine) -> Finding:
    """A payment nothing proves: explained when the person recorded why there is no receipt."""
    note = m.evidence_note
    if note:
        return Finding(
            Kind.EXPLAINED_NO_EVIDENCE,
            m.date,
            f"Payment to {m.payee} has no receipt or invoice; the reason given: {note}",
            f"money-out:{m.id}",
            Money(m.pence),
            _payment(m),
        )
    return Finding(
        Kind.NO_EVIDENCE,
        m.date,
        f"Payment to {m.payee} has no receipt or invoice attached",
        f"money-out:{m.id}",
        Money(m.pence),
        _payment(m),
    )


def _below_zero(ledger: PeriodLedger) -> list[Finding]:
    """Each day the balance went from zero or more to below zero: a prepaid card cannot, so
    an entry is wrong or missing."""
    out = []
    above = ledger.opening.pence >= 0
    if not above and ledger.start <= ledger.as_at:
        out.append(_negative(ledger.start, ledger.opening, "was already below zero on"))
    for day, balance in ledger.daily_balances():
        if above and balance.pence < 0:
            out.append(_negative(day, balance, "went below zero on"))
        above = balance.pence >= 0
    return out


def _negative(day: date, balance: Money, what: str) -> Finding:
    return Finding(
        Kind.NEGATIVE_BALANCE,
        day,
        f"The card balance {what} {words.day_words(day)}: a prepaid card cannot, so a "
        "payment in is missing or an entry is wrong",
        None,
        balance,
    )


def _dated_later(ledger: PeriodLedger) -> list[Finding]:
    """Entries of the period dated after its as-at date: listed, and in no figure."""
    later = [
        (
            m.date,
            f"money-in:{m.id}",
            m.amount,
            words.money_in_words(m.date, m.source.value, m.amount.pence),
        )
        for m in ledger.later_in
    ]
    later += [(m.date, f"money-out:{m.id}", Money(m.pence), _payment(m)) for m in ledger.later_out]
    as_at = words.day_words(ledger.as_at)
    return [
        Finding(
            Kind.DATED_LATER,
            day,
            f"{about} is dated after {as_at}, so it is in no figure yet",
            record,
            amount,
            about,
        )
        for day, record, amount, about in later
    ]


def _outside_plan(plans: list[Plan], spending: list[MoneyOutLine]) -> list[Finding]:
    out = []
    allowed_by_plan: dict[int, set[str]] = {
        p.id: {line.category.casefold() for line in p.lines} for p in plans
    }
    for payment in spending:
        plan = rules.plan_on(plans, payment.date)
        allowed = allowed_by_plan[plan.id] if plan else set()
        if not allowed:
            continue  # a plan without budget lines does not say what is in or out
        if payment.category is None:
            reason = "has no category, so it cannot be matched to the support plan"
        elif payment.category.casefold() not in allowed:
            reason = "is in a category the support plan does not include"
        else:
            continue
        out.append(
            Finding(
                Kind.OUTSIDE_PLAN,
                payment.date,
                f"Payment to {payment.payee} {reason}",
                f"money-out:{payment.id}",
                Money(payment.pence),
                _payment(payment),
            )
        )
    return out


def _invoice_findings(
    invoices: list[InvoiceLine], paid: dict[int, int], start: date, as_of: date
) -> list[Finding]:
    """Overdue as of `as_of`; overpaid and hours × rate for those issued in the period."""
    out = []
    for inv in invoices:
        owed = inv.pence - paid.get(inv.id, 0)
        ref = f"invoice:{inv.id}"
        label = f"Invoice {inv.number} from {inv.provider_name}"
        about = _invoice(inv)
        if inv.due_date < as_of and owed > 0:
            out.append(
                Finding(
                    Kind.OVERDUE_INVOICE,
                    inv.due_date,
                    f"{label} was due on {words.day_words(inv.due_date)} and is not paid in full",
                    ref,
                    Money(owed),
                    about,
                )
            )
        if inv.issue_date < start:
            continue
        if owed < 0:
            out.append(
                Finding(
                    Kind.OVERPAID_INVOICE,
                    inv.issue_date,
                    f"{label} has been paid more than it asked for",
                    ref,
                    Money(-owed),
                    about,
                )
            )
        if hours_mismatch(inv.hours_centi, inv.rate_pence, inv.pence):
            out.append(
                Finding(
                    Kind.HOURS_MISMATCH,
                    inv.issue_date,
                    f"{label}: hours × rate does not equal the amount charged",
                    ref,
                    Money(inv.pence),
                    about,
                )
            )
    return out


def _expected_findings(
    plans: list[Plan], received: list[MoneyIn], start: date, end: date
) -> list[Finding]:
    out = []
    for check in check_expected(plans, received, end):
        if not start <= check.due <= end:
            continue
        what = _SOURCE_WORDS[check.source]
        due = words.day_words(check.due)
        ref = f"money-in:{check.received.id}" if check.received else None
        got = check.received
        about = words.money_in_words(got.date, got.source.value, got.amount.pence) if got else None
        for problem in check.problems:
            if problem is PaymentProblem.MISSING:
                out.append(
                    Finding(
                        Kind.PAYMENT_MISSING,
                        check.due,
                        f"The {what} due on {due} has not arrived",
                        None,
                        check.expected,
                    )
                )
            elif problem is PaymentProblem.LATE and check.received:
                late = (check.received.date - check.due).days
                out.append(
                    Finding(
                        Kind.PAYMENT_LATE,
                        check.due,
                        f"The {what} due on {due} arrived {late} days late",
                        ref,
                        check.expected,
                        about,
                    )
                )
            elif problem is PaymentProblem.SHORT and check.received:
                out.append(
                    Finding(
                        Kind.PAYMENT_SHORT,
                        check.due,
                        f"The {what} due on {due} was less than expected",
                        ref,
                        check.expected - check.received.amount,
                        about,
                    )
                )
    return out


def _month_findings(ledger: PeriodLedger, as_of: date, outstanding: Money) -> list[Finding]:
    """Months of the period (a part month on its own days and prorated budget, as the
    workbook shows it) that spent more than their budget by `as_of`; then a possible
    surplus on that day."""
    out = []
    for line in ledger.months:
        if line.first > as_of or not line.remaining.pence < 0:
            continue
        days = " on these days" if line.partial else ""
        out.append(
            Finding(
                Kind.OVERSPENT,
                min(line.last, as_of),
                f"{line.label()}: spending was more than the budget{days}",
                f"month:{line.month}",
                -line.remaining,
                line.label(),
            )
        )
    possible = rules.Surplus(ledger.balance, outstanding, ledger.retained).possible
    if ledger.start <= as_of and possible.pence > 0:
        out.append(
            Finding(
                Kind.SURPLUS,
                as_of,
                "The balance is more than the retained allowance and what is owed: "
                "KCC may ask for the surplus back",
                None,
                possible,
            )
        )
    return out


def balance_findings(ctx: Context, recipient_id: int, start: date, end: date) -> list[Finding]:
    """The first day the card statement's balance and the ledger's balance disagree."""
    return balance_findings_of(balance_mismatch(ctx, recipient_id, start, end))


def balance_findings_of(check: BalanceCheck) -> list[Finding]:
    if check.first_mismatch is None or check.statement_balance is None:
        return []
    assert check.ledger_balance is not None
    return [
        Finding(
            Kind.BALANCE_MISMATCH,
            check.first_mismatch,
            f"The statement shows a balance of {format_money(check.statement_balance)} at the "
            f"end of {words.day_words(check.first_mismatch)}, but the ledger shows "
            f"{format_money(check.ledger_balance)}",
            None,
            check.statement_balance - check.ledger_balance,
        )
    ]


def statement_status(check: BalanceCheck) -> str:
    """How the card statement reconciles with the ledger over a period, in words."""
    if check.dates_checked == 0:
        return "No card statement imported for this period: balances not checked"
    days = f"{check.dates_checked} day{'s' if check.dates_checked != 1 else ''}"
    if check.first_mismatch is None:
        return f"Card statement balances checked on {days}: all agree with these records"
    return (
        f"Card statement balances checked on {days}: they differ from these records from "
        f"{words.day_words(check.first_mismatch)} (see Exceptions)"
    )


def default_period(ctx: Context, recipient_id: int) -> tuple[date, date]:
    """From the first plan's start (or the first entry) to the end of this month, worked
    out as at today: the month is judged on its whole budget, not on the days so far."""
    today = ctx.today()
    with ctx.db.read() as session:
        plans = store_plans.plans(connection=session.connection(), recipient_id=recipient_id)
        first_in = store_ledger.money_in(session=session, recipient_id=recipient_id)[:1]
    starts = [p.start for p in plans[:1]] + [m.date for m in first_in]
    return (min(starts) if starts else today.replace(day=1)), Month.of(today).last


# What still needs doing today, whatever the month: each stays until it is put right (a
# receipt attached or explained, the payment arrives, the invoice is paid, the entry fixed).
OPEN_KINDS = frozenset(
    {
        Kind.PAYMENT_MISSING,
        Kind.NEGATIVE_BALANCE,
        Kind.BALANCE_MISMATCH,
        Kind.OVERDUE_INVOICE,
        Kind.DATED_LATER,
        Kind.NO_EVIDENCE,
        Kind.OUTSIDE_PLAN,
        Kind.SURPLUS,
        *PA_KINDS,
    }
)
# What is said about one month and is history once it is over: shown with that month only.
MONTH_KINDS = frozenset(
    {
        Kind.OVERSPENT,
        Kind.PAYMENT_SHORT,
        Kind.PAYMENT_LATE,
        Kind.OVERPAID_INVOICE,
        Kind.HOURS_MISMATCH,
    }
)
# Home lists the most pressing first: money that did not arrive or is owed, then records
# that are wrong, then what a reviewer would ask for.
ATTENTION_ORDER = (
    Kind.PAYMENT_MISSING,
    Kind.NEGATIVE_BALANCE,
    Kind.BALANCE_MISMATCH,
    Kind.NO_INSURANCE,
    Kind.BELOW_MINIMUM_WAGE,
    Kind.HMRC_DUE,
    Kind.OVERDUE_INVOICE,
    Kind.OVERSPENT,
    Kind.PAYMENT_SHORT,
    Kind.PAYMENT_LATE,
    Kind.PAY_MISMATCH,
    Kind.NO_PAYSLIP,
    Kind.TIMESHEET_MISMATCH,
    Kind.PENSION_DUE,
    Kind.DATED_LATER,
    Kind.NO_EVIDENCE,
    Kind.OUTSIDE_PLAN,
    Kind.HOURS_MISMATCH,
    Kind.OVERPAID_INVOICE,
    Kind.HOLIDAY_OVER,
    Kind.SURPLUS,
)


def attention(ctx: Context, recipient_id: int, month: Month) -> list[Finding]:
    """What needs attention today, with `month` on screen, most pressing first.

    Every open finding of the whole history as at today (`OPEN_KINDS`: a KCC payment missed
    in October is listed in November, and in any month shown, until it arrives), and the
    findings about `month` itself (`MONTH_KINDS`: its overspending, a payment of it late or
    short). A past month's overspending is history, not a task, so it is not listed while
    another month is shown; an explained missing receipt is answered, and only Review
    lists it.
    """
    first, last = default_period(ctx, recipient_id)
    first, last = min(first, month.first), max(last, month.last)
    ledger = read_period(ctx, recipient_id, first, last, invoices=False)
    with ctx.db.read() as session:
        # Invoices still owed (any may be overdue) and those issued in the month shown.
        invoices = store_invoices.invoices_to_review(
            session=session, recipient_id=recipient_id, day=ledger.as_at, issued_from=month.first
        )
    outstanding = Money(sum(max(0, line.pence - paid) for line, paid in invoices))
    found = _findings(
        ledger, [line for line, _ in invoices], {line.id: p for line, p in invoices}, outstanding
    )
    found += balance_findings(ctx, recipient_id, first, last)
    found += employment_findings(ctx, recipient_id, first, last)
    shown = [
        f
        for f in found
        if f.kind in OPEN_KINDS or (f.kind in MONTH_KINDS and month.first <= f.date <= month.last)
    ]
    rank = {kind: i for i, kind in enumerate(ATTENTION_ORDER)}
    return sorted(shown, key=lambda f: (rank[f.kind], *review_order(f)))
