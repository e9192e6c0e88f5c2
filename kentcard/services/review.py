"""Exceptions: everything a KCC reviewer would query about a period, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kentcard.core import budget as rules
from kentcard.core.dates import Month
from kentcard.core.expected import PaymentProblem, check_expected
from kentcard.core.invoices import InvoiceState
from kentcard.core.money import Money
from kentcard.core.records import InvoiceStatus, Plan, Source
from kentcard.services.balance_check import balance_mismatch
from kentcard.services.context import Context
from kentcard.services.summary import month_summary
from kentcard.store import queries


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


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    date: date
    message: str
    record: str | None = None  # e.g. "money-out:12", "invoice:3", "month:2026-11"
    amount: Money | None = None


_SOURCE_WORDS = {Source.KCC: "KCC payment", Source.CONTRIBUTION: "contribution"}


def review(ctx: Context, recipient_id: int, start: date, end: date) -> list[Finding]:
    """Every exception in [start, end], sorted by date then kind."""
    today = ctx.today()
    with ctx.db.read() as session:
        plans = queries.plans(session=session, recipient_id=recipient_id)
        unproven = queries.money_out_without_evidence(
            session=session, recipient_id=recipient_id, start=start, end=end
        )
        spending = queries.money_out(
            session=session, recipient_id=recipient_id, start=start, end=end
        )
        received = queries.money_in(session=session, recipient_id=recipient_id)
        invoices = queries.invoices_with_allocated(
            session=session, recipient_id=recipient_id, issued_by=end
        )
    findings = [
        Finding(
            Kind.NO_EVIDENCE,
            m.date,
            f"Payment to {m.payee} has no receipt or invoice attached",
            f"money-out:{m.id}",
            m.amount,
        )
        for m in unproven
    ]
    findings += _outside_plan(plans, spending)
    as_of = min(end, today)
    findings += _invoice_findings([InvoiceState(i, paid, as_of) for i, paid in invoices], start)
    findings += _expected_findings(plans, received, start, min(end, today))
    findings += _month_findings(ctx, recipient_id, start, min(end, today))
    findings += _balance_findings(ctx, recipient_id, start, end)
    return sorted(findings, key=lambda f: (f.date, f.kind.value, f.record or ""))


def _outside_plan(plans: list[Plan], spending: list) -> list[Finding]:  # type: ignore[type-arg]
    out = []
    for payment in spending:
        plan = rules.plan_on(plans, payment.date)
        allowed = {line.category.casefold() for line in plan.lines} if plan else set()
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
                payment.amount,
            )
        )
    return out


def _invoice_findings(states: list[InvoiceState], start: date) -> list[Finding]:
    out = []
    for state in states:
        inv = state.invoice
        ref = f"invoice:{inv.id}"
        label = f"Invoice {inv.number} from {inv.provider_name}"
        if state.overdue:
            out.append(
                Finding(
                    Kind.OVERDUE_INVOICE,
                    inv.due_date,
                    f"{label} was due on {inv.due_date} and is not paid in full",
                    ref,
                    state.outstanding,
                )
            )
        if inv.issue_date < start:
            continue
        if state.status is InvoiceStatus.OVERPAID:
            out.append(
                Finding(
                    Kind.OVERPAID_INVOICE,
                    inv.issue_date,
                    f"{label} has been paid more than it asked for",
                    ref,
                    -state.outstanding,
                )
            )
        if state.hours_mismatch:
            out.append(
                Finding(
                    Kind.HOURS_MISMATCH,
                    inv.issue_date,
                    f"{label}: hours × rate does not equal the amount charged",
                    ref,
                    inv.amount,
                )
            )
    return out


def _expected_findings(plans: list[Plan], received: list, start: date, end: date) -> list[Finding]:  # type: ignore[type-arg]
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


def _month_findings(ctx: Context, recipient_id: int, start: date, end: date) -> list[Finding]:
    if end < start:
        return []
    out = []
    month, last = Month.of(start), Month.of(end)
    summary = None
    while month <= last:
        summary = month_summary(ctx, recipient_id, month)
        if summary.overspent:
            out.append(
                Finding(
                    Kind.OVERSPENT,
                    month.last if month.last <= end else end,
                    f"{month.label()}: spending was more than the budget",
                    f"month:{month}",
                    -summary.remaining,
                )
            )
        month = month.shift(1)
    if summary is not None and summary.possible_surplus.pence > 0:
        out.append(
            Finding(
                Kind.SURPLUS,
                summary.balance_on,
                "The balance is more than the retained allowance and what is owed: "
                "KCC may ask for the surplus back",
                None,
                summary.possible_surplus,
            )
        )
    return out


def _balance_findings(ctx: Context, recipient_id: int, start: date, end: date) -> list[Finding]:
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
    today = ctx.today()
    with ctx.db.read() as session:
        plans = queries.plans(session=session, recipient_id=recipient_id)
        first_in = queries.money_in(session=session, recipient_id=recipient_id)[:1]
    starts = [p.start for p in plans[:1]] + [m.date for m in first_in]
    return (min(starts) if starts else today.replace(day=1)), today
