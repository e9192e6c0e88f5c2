"""What the list, budget, report and review commands print, as text tables or JSON values."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

from kentcard.cli.present import jsonable, table
from kentcard.core.dates import Month
from kentcard.core.money import format_money, format_plain
from kentcard.core.validate import format_hours
from kentcard.core.words import source_words
from kentcard.services.context import Context
from kentcard.services.reports import MonthLines
from kentcard.services.summary import MonthSummary

if TYPE_CHECKING:  # `review` loads the ORM; `budget` and `report` do not need it
    from kentcard.services.review import Finding


def rows_for(
    ctx: Context, recipient_id: int, what: str, month: Month | None
) -> tuple[list[str], list[list[Any]], list[Any]]:
    """Headers, table rows and JSON records for one `kentcard list` target."""
    from kentcard.services import documents, invoices, ledger, providers

    start, end = (month.first, month.last) if month else (None, None)
    if what == "money-in":
        ins = ledger.list_money_in(ctx, recipient_id, start, end)
        rows = [
            [m.id, m.date, m.amount, source_words(m.source.value), m.reference, m.note] for m in ins
        ]
        return ["Id", "Date", "Amount", "Source", "Reference", "Note"], rows, ins
    if what == "money-out":
        outs = ledger.list_money_out(ctx, recipient_id, start, end)
        rows = [[m.id, m.date, m.amount, m.payee, m.category, m.description] for m in outs]
        return ["Id", "Date", "Amount", "Payee", "Category", "Description"], rows, outs
    if what == "invoices":
        states = [
            s
            for s in invoices.invoice_states(ctx, recipient_id)
            if start is None or (end is not None and start <= s.invoice.issue_date <= end)
        ]
        rows = [
            [
                s.invoice.id,
                s.invoice.issue_date,
                s.invoice.provider_name,
                s.invoice.number,
                s.invoice.amount,
                s.allocated,
                s.outstanding,
                s.status.value + (" (overdue)" if s.overdue else ""),
                s.invoice.due_date,
            ]
            for s in states
        ]
        records = [
            {
                **jsonable(s.invoice),
                "allocated": format_plain(s.allocated),
                "outstanding": format_plain(s.outstanding),
                "status": s.status.value,
                "overdue": s.overdue,
                "hours": None
                if s.invoice.hours_centi is None
                else format_hours(s.invoice.hours_centi),
            }
            for s in states
        ]
        headers = [
            "Id",
            "Date",
            "Provider",
            "Number",
            "Amount",
            "Allocated",
            "Outstanding",
            "Status",
            "Due",
        ]
        return headers, rows, records
    if what == "providers":
        found = providers.list_providers(ctx, recipient_id)
        rows = [[p.id, p.name, p.kind, p.rate, p.category] for p in found]
        return ["Id", "Name", "Kind", "Rate", "Category"], rows, found
    if what in ("employees", "timesheets", "payslips"):
        return employment_rows(ctx, recipient_id, what, start, end)
    docs = documents.list_documents(ctx, recipient_id)
    rows = [
        [d.id, d.filename, d.kind, d.media_type, d.size, d.sha256[:12], " ".join(d.links)]
        for d in docs
    ]
    return ["Id", "File", "Kind", "Type", "Size", "SHA-256", "Linked to"], rows, docs


def employment_rows(
    ctx: Context, recipient_id: int, what: str, start: date | None, end: date | None
) -> tuple[list[str], list[list[Any]], list[Any]]:
    """`kentcard list employees|timesheets|payslips`: a PA's records, in a month when given."""
    from kentcard.core.employment.pay import rate_in_force
    from kentcard.core.employment.words import hours_words
    from kentcard.services import employment

    found = employment.records(ctx, recipient_id)
    names = {e.id: e.name for e in found.employees}

    def within(day: date) -> bool:
        return start is None or (end is not None and start <= day <= end)

    if what == "employees":
        today = ctx.today()
        rows, records = [], []
        for e in found.employees:
            rate = rate_in_force(found.rates, e.id, today)
            hourly = None if rate is None else rate.hourly
            band = e.age_band.value if e.age_band else f"born {e.date_of_birth}"
            rows.append([e.id, e.name, e.start, e.end, band, hourly, rate and rate.frequency])
            records.append({**jsonable(e), "rate": jsonable(rate)})
        return ["Id", "Name", "Started", "Left", "Age band", "Rate", "Paid"], rows, records
    if what == "timesheets":
        lines = [line for line in found.lines if within(line.day)]
        rows = [
            [t.id, t.day, names[t.employee_id], hours_words(t.minutes), t.kind, t.rate]
            for t in lines
        ]
        return ["Id", "Date", "PA", "Time", "Kind", "Rate"], rows, lines
    slips = [p for p in found.payslips if within(p.paid_on)]
    rows = [
        [
            p.id,
            p.paid_on,
            names[p.employee_id],
            f"{p.period_start} to {p.period_end}",
            p.gross,
            p.net,
            p.money_out_id,
        ]
        for p in slips
    ]
    return ["Id", "Paid", "PA", "Period", "Gross", "Net", "Card payment"], rows, slips


def summary_json(summary: MonthSummary) -> dict[str, Any]:
    return {
        "month": str(summary.month),
        "budget": format_plain(summary.budget),
        "spent": format_plain(summary.spent),
        "remaining": format_plain(summary.remaining),
        "received": {
            source.value: format_plain(amount) for source, amount in summary.received.items()
        },
        "balance": format_plain(summary.balance),
        "balance_on": summary.balance_on.isoformat(),
        "outstanding_invoices": format_plain(summary.outstanding_invoices),
        "retained_allowance": format_plain(summary.retained),
        "possible_surplus": format_plain(summary.possible_surplus),
        "categories": [
            {
                "category": c.category,
                "budget": format_plain(c.budget),
                "spent": format_plain(c.spent),
                "remaining": format_plain(c.remaining),
            }
            for c in summary.categories
        ],
    }


def summary_text(summary: MonthSummary) -> str:
    remaining = summary.remaining
    lines = [
        f"{summary.month.label()}",
        f"  Budget     {format_money(summary.budget):>14}",
        f"  Spent      {format_money(summary.spent):>14}",
        f"  Remaining  {format_money(remaining):>14}"
        + ("   OVERSPENT" if remaining.pence < 0 else ""),
        "",
        f"  Card balance on {summary.balance_on}: {format_money(summary.balance)}",
        f"  Unpaid invoices: {format_money(summary.outstanding_invoices)}",
    ]
    received = [
        f"{source_words(s.value)} {format_money(a)}" for s, a in summary.received.items() if a.pence
    ]
    lines.append("  Received: " + (", ".join(received) if received else "nothing this month"))
    if summary.possible_surplus.pence > 0:
        lines.append(
            f"  Possible surplus: {format_money(summary.possible_surplus)} "
            f"(above {format_money(summary.retained)} the council lets you keep)"
        )
    if summary.categories:
        lines += [
            "",
            table(
                ["Category", "Budget", "Spent", "Remaining"],
                [[c.category, c.budget, c.spent, c.remaining] for c in summary.categories],
                right=("Budget", "Spent", "Remaining"),
            ),
        ]
    return "\n".join(lines)


def review_json(start: date, end: date, findings: list[Finding]) -> dict[str, Any]:
    counts = Counter(f.kind.value for f in findings)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "count": len(findings),
        "counts": dict(sorted(counts.items())),
        "exceptions": [jsonable(f) for f in findings],
    }


def review_text(start: date, end: date, findings: list[Finding]) -> str:
    from kentcard.services.review import kind_title

    if not findings:
        return f"Nothing a reviewer would query between {start} and {end}."
    things = "1 thing" if len(findings) == 1 else f"{len(findings)} things"
    head = f"{things} a reviewer would query between {start} and {end}:"
    rows = [[f.date, kind_title(f.kind), f.message, f.amount, f.about] for f in findings]
    return (
        head
        + "\n\n"
        + table(["Date", "What", "Detail", "Amount", "About"], rows, right=("Amount",))
    )


def monthly_json(first: Month, last: Month, months: list[MonthLines]) -> dict[str, Any]:
    return {
        "from": str(first),
        "to": str(last),
        "months": [
            {
                "month": str(m.month),
                "budget": format_plain(m.budget),
                "spent": format_plain(m.spent),
                "remaining": format_plain(m.budget - m.spent),
                "categories": [
                    {
                        "category": c.category,
                        "budget": format_plain(c.budget),
                        "spent": format_plain(c.spent),
                        "remaining": format_plain(c.remaining),
                    }
                    for c in m.categories
                ],
            }
            for m in months
        ],
    }


def monthly_text(months: list[MonthLines]) -> str:
    rows = [
        [str(m.month), c.category, c.budget, c.spent, c.remaining]
        for m in months
        for c in m.categories
    ]
    if not rows:
        return "Nothing to report: no budget and no spending in those months."
    return table(
        ["Month", "Category", "Budget", "Spent", "Remaining"],
        rows,
        right=("Budget", "Spent", "Remaining"),
    )
