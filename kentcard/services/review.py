"""Exceptions: everything a KCC reviewer would query about a period, in plain words.

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
from kentcard.core.expected import PaymentProblem, check_expected
from kentcard.core.invoices import hours_mismatch
from kentcard.core.lines import InvoiceLine, MoneyOutLine
from kentcard.core.money import Money
from kentcard.core.records import MoneyIn, Plan, Source
from kentcard.services.balance_check import balance_mismatch
from kentcard.services.context import Context
from kentcard.services.period import PeriodLedger, read_period


class Kind(StrEnum):
    NO_EVIDENCE = "no-evidence"
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


class Finding(NamedTuple):
    kind: Kind
    date: date
    message: str
    record: str | None = None  # e.g. "money-out:12", "invoice:3", "month:2026-11"
    amount: Money | None = None


_SOURCE_WORDS = {Source.KCC: "KCC payment", Source.CONTRIBUTION: "contribution"}


def review(ctx: Context, recipient_id: int, start: date, end: date) -> list[Finding]:
    """Every exception in [start, end], sorted by date then kind.

    The same findings as `findings_in(read_period(...))`, but of the invoices only those a
    finding can be about are read (issued in the period, or still owed something), with
    what was paid against each summed in SQL: a large account has tens of thousands of
    invoices settled long ago, and the home screen reviews one month.
    """
    from kentcard.store import queries  # here, not above: `export` needs none of the ORM

    ledger = read_period(ctx, recipient_id, start, end, invoices=False)
    as_of = min(end, ledger.today)
    with ctx.db.read() as session:
        invoices = queries.invoices_to_review(
            session=session, recipient_id=recipient_id, day=end, issued_from=start
        )
        owing = (
            invoices
            if as_of == end
            else queries.invoices_to_review(session=session, recipient_id=recipient_id, day=as_of)
        )
    outstanding = Money(sum(max(0, line.pence - paid) for line, paid in owing))
    findings = _findings(
        ledger, [line for line, _ in invoices], {line.id: p for line, p in invoices}, outstanding
    )
    findings += balance_findings(ctx, recipient_id, start, end)
    return sorted(findings, key=review_order)


def review_order(f: Finding) -> tuple[date, str, str]:
    """Findings are listed by date, then kind, then the record they are about."""
    return (f.date, f.kind.value, f.record or "")


def findings_in(ledger: PeriodLedger) -> list[Finding]:
    """The findings worked out from the ledger alone (not yet sorted)."""
    return _findings(
        ledger,
        ledger.invoices,
        ledger.paid(ledger.end),
        ledger.outstanding(ledger.balance_on),
    )


def _findings(
    ledger: PeriodLedger,
    invoices: list[InvoiceLine],
    paid: dict[int, int],
    outstanding: Money,
) -> list[Finding]:
    """The findings from the ledger's payments, money in and months, and from `invoices`
    (every invoice issued by the end that may be overdue, or was issued in the period) with
    `paid` by the end against each, and `outstanding` on the balance day."""
    start, end = ledger.start, ledger.end
    as_of = min(end, ledger.today)
    findings = [
        Finding(
            Kind.NO_EVIDENCE,
            m.date,
            f"Payment to {m.payee} has no receipt or invoice attached",
            f"money-out:{m.id}",
            Money(m.pence),
        )
        for m in ledger.money_out
        if not m.evidenced
    ]
    findings += _outside_plan(ledger.plans, ledger.money_out)
    findings += _invoice_findings(invoices, paid, start, as_of)
    findings += _expected_findings(ledger.plans, ledger.money_in, start, as_of)
    findings += _month_findings(ledger, as_of, outstanding)
    return findings


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
        if inv.due_date < as_of and owed > 0:
            out.append(
                Finding(
                    Kind.OVERDUE_INVOICE,
                    inv.due_date,
                    f"{label} was due on {inv.due_date} and is not paid in full",
                    ref,
                    Money(owed),
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
        ref = f"money-in:{check.received.id}" if check.received else None
        for problem in check.problems:
            if problem is PaymentProblem.MISSING:
                out.append(
                    Finding(
                        Kind.PAYMENT_MISSING,
                        check.due,
                        f"The {what} due on {check.due} has not arrived",
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
                        f"The {what} due on {check.due} arrived {late} days late",
                        ref,
                        check.expected,
                    )
                )
            elif problem is PaymentProblem.SHORT and check.received:
                out.append(
                    Finding(
                        Kind.PAYMENT_SHORT,
                        check.due,
                        f"The {what} due on {check.due} was less than expected",
                        ref,
                        check.expected - check.received.amount,
                    )
                )
    return out


def _month_findings(ledger: PeriodLedger, as_of: date, outstanding: Money) -> list[Finding]:
    """Calendar months (whole, as the budget screen judges them) that spent more than their
    budget, up to `as_of`; then a possible surplus on the balance day."""
    out = []
    for line in ledger.calendar_months:
        month = line.month
        if month.first > as_of or not line.remaining.pence < 0:
            continue
        out.append(
            Finding(
                Kind.OVERSPENT,
                min(month.last, as_of),
                f"{month.label()}: spending was more than the budget",
                f"month:{month}",
                -line.remaining,
            )
        )
    possible = rules.Surplus(ledger.balance, outstanding, ledger.retained).possible
    if ledger.start <= as_of and possible.pence > 0:
        out.append(
            Finding(
                Kind.SURPLUS,
                ledger.balance_on,
                "The balance is more than the retained allowance and what is owed: "
                "KCC may ask for the surplus back",
                None,
                possible,
            )
        )
    return out


def balance_findings(ctx: Context, recipient_id: int, start: date, end: date) -> list[Finding]:
    """The first day the card statement's balance and the ledger's balance disagree."""
    check = balance_mismatch(ctx, recipient_id, start, end)
    if check.first_mismatch is None or check.statement_balance is None:
        return []
    assert check.ledger_balance is not None
    return [
        Finding(
            Kind.BALANCE_MISMATCH,
            check.first_mismatch,
            f"The statement shows a balance of {check.statement_balance} at the end of "
            f"{check.first_mismatch}, but the ledger shows {check.ledger_balance}",
            None,
            check.statement_balance - check.ledger_balance,
        )
    ]


def default_period(ctx: Context, recipient_id: int) -> tuple[date, date]:
    """From the first plan's start (or the first entry) to today."""
    from kentcard.store import queries

    today = ctx.today()
    with ctx.db.read() as session:
        plans = queries.plans(session=session, recipient_id=recipient_id)
        first_in = queries.money_in(session=session, recipient_id=recipient_id)[:1]
    starts = [p.start for p in plans[:1]] + [m.date for m in first_in]
    return (min(starts) if starts else today.replace(day=1)), today
