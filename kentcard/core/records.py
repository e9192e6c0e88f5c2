"""The ledger's records as immutable values: what services return and the rules work on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from kentcard.core.money import Money


class Frequency(StrEnum):
    MONTHLY = "monthly"
    FOUR_WEEKLY = "four-weekly"
    WEEKLY = "weekly"


class Source(StrEnum):
    KCC = "kcc"
    CONTRIBUTION = "contribution"
    REFUND = "refund"
    OPENING = "opening"
    OTHER = "other"


class ProviderKind(StrEnum):
    AGENCY = "agency"
    PA = "pa"
    DAY_SERVICE = "day-service"
    RESPITE = "respite"
    EQUIPMENT = "equipment"
    OTHER = "other"


class DocumentKind(StrEnum):
    RECEIPT = "receipt"
    INVOICE = "invoice"
    TIMESHEET = "timesheet"
    PAYSLIP = "payslip"
    STATEMENT = "statement"
    OTHER = "other"


class Origin(StrEnum):
    """Where an entry came from: typed by the person, or created from a statement line."""

    MANUAL = "manual"
    STATEMENT = "statement"


class InvoiceStatus(StrEnum):
    UNPAID = "unpaid"
    PART_PAID = "part-paid"
    PAID = "paid"
    OVERPAID = "overpaid"


@dataclass(frozen=True, slots=True)
class Recipient:
    id: int
    name: str
    kcc_ref: str | None = None
    card_last4: str | None = None
    retained_weeks: int = 8


@dataclass(frozen=True, slots=True)
class PlanLine:
    category: str
    amount: Money


@dataclass(frozen=True, slots=True)
class Plan:
    id: int
    recipient_id: int
    start: date
    end: date | None
    frequency: Frequency
    council: Money
    contribution: Money
    first_payment: date | None = None
    lines: tuple[PlanLine, ...] = ()

    @property
    def per_period(self) -> Money:
        return self.council + self.contribution

    def in_force_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Provider:
    id: int
    recipient_id: int
    name: str
    kind: ProviderKind = ProviderKind.OTHER
    rate: Money | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class MoneyIn:
    id: int
    recipient_id: int
    date: date
    amount: Money
    source: Source
    reference: str | None = None
    note: str | None = None
    category: str | None = None
    origin: Origin = Origin.MANUAL


@dataclass(frozen=True, slots=True)
class MoneyOut:
    id: int
    recipient_id: int
    date: date
    amount: Money
    payee: str
    provider_id: int | None = None
    category: str | None = None
    description: str | None = None
    reference: str | None = None
    origin: Origin = Origin.MANUAL
    evidence_note: str | None = None  # why it has no receipt, when the person has said


@dataclass(frozen=True, slots=True)
class Invoice:
    id: int
    recipient_id: int
    provider_id: int
    provider_name: str
    number: str
    issue_date: date
    amount: Money
    due_date: date
    hours_centi: int | None = None
    rate: Money | None = None
    period_start: date | None = None
    period_end: date | None = None


@dataclass(frozen=True, slots=True)
class Allocation:
    id: int
    money_out_id: int
    invoice_id: int
    amount: Money


@dataclass(frozen=True, slots=True)
class Document:
    id: int
    recipient_id: int
    sha256: str
    filename: str
    media_type: str
    size: int
    kind: DocumentKind
    added_at: str
    links: tuple[str, ...] = field(default=())
