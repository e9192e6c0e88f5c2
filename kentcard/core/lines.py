"""Light, tuple-based views of ledger rows for bulk reads (a review, an export).

The same facts as `records.MoneyOut`, `records.Invoice`, ... but each is a NamedTuple of
plain values (money as integer pence) built straight from a database row, so reading
100,000 payments costs a tuple each rather than an object graph. Use the records for
single-record work; use these where a whole period is read at once.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class MoneyOutLine(NamedTuple):
    """A payment from the card, and whether any evidence proves it."""

    id: int
    date: date
    pence: int
    payee: str
    category: str | None
    description: str | None
    reference: str | None
    origin: str
    evidenced: bool
    evidence_note: str | None = None  # why it has no receipt, when the person has said


class InvoiceLine(NamedTuple):
    """A provider's invoice (money in pence, hours in hundredths)."""

    id: int
    provider_name: str
    number: str
    issue_date: date
    pence: int
    due_date: date
    hours_centi: int | None
    rate_pence: int | None
    period_start: date | None
    period_end: date | None


class AllocationLine(NamedTuple):
    """Part of a payment set against an invoice, with the payment's date."""

    id: int
    money_out_id: int
    invoice_id: int
    pence: int
    paid_on: date


class DocumentLine(NamedTuple):
    """A stored document and the records it is linked to (`money-out:12`, `invoice:3`, ...)."""

    id: int
    sha256: str
    filename: str
    media_type: str
    size: int
    kind: str
    added_at: str
    links: tuple[str, ...]
