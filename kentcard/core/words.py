"""Records in the words a person or a council reviewer reads, never the app's own codes.

One place for how a payment, a money-in, an invoice, a source or an origin is named on a
screen, in `kentcard review`, in the workbook and in the CSV files: "Payment 20 May 2026,
Bright Homecare Ltd, £651.00", not `money-out:9`; "KCC", not `kcc`.
"""

from __future__ import annotations

from datetime import date

from kentcard.core.money import Money, format_money

SOURCE_WORDS = {
    "kcc": "KCC",
    "contribution": "Your contribution",
    "refund": "Refund",
    "opening": "Opening balance",
    "other": "Other",
}
ORIGIN_WORDS = {"manual": "Entered by hand", "statement": "From statement"}
DOCUMENT_KIND_WORDS = {
    "receipt": "Receipt",
    "invoice": "Invoice",
    "timesheet": "Timesheet",
    "payslip": "Payslip",
    "statement": "Statement",
    "other": "Other document",
}


def day_words(day: date) -> str:
    """`20 May 2026`."""
    return f"{day.day} {day:%b %Y}"


def uk_date(day: date) -> str:
    """`20/05/2026`: how dates are shown to people in the UK."""
    return f"{day:%d/%m/%Y}"


def source_words(source: str) -> str:
    return SOURCE_WORDS.get(str(source), str(source))


def origin_words(origin: str) -> str:
    return ORIGIN_WORDS.get(str(origin), str(origin))


def payment_words(day: date | None, payee: str, pence: int) -> str:
    """`Payment 20 May 2026, Bright Homecare Ltd, £651.00`."""
    when = f" {day_words(day)}" if day else ""
    return f"Payment{when}, {payee}, {format_money(Money(pence))}"


def money_in_words(day: date | None, source: str, pence: int) -> str:
    """`Money in 20 May 2026, KCC, £651.00`."""
    when = f" {day_words(day)}" if day else ""
    return f"Money in{when}, {source_words(source)}, {format_money(Money(pence))}"


def invoice_words(number: str, provider: str) -> str:
    """`Invoice INV-1001, Bright Homecare Ltd`."""
    return f"Invoice {number}, {provider}"


FREQUENCY_WORDS = {
    "monthly": "Every month",
    "four-weekly": "Every four weeks",
    "weekly": "Every week",
}
NOT_IN_A_LINE = "Not in any budget line"  # the part of a budget the plan's lines leave out
