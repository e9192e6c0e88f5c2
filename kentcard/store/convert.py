"""Turn table rows into the immutable records the rest of the code sees."""

from __future__ import annotations

from kentcard.core.money import Money
from kentcard.core.records import (
    Allocation,
    Document,
    DocumentKind,
    Frequency,
    Invoice,
    MoneyIn,
    MoneyOut,
    Origin,
    Plan,
    PlanLine,
    Provider,
    ProviderKind,
    Recipient,
    Source,
)
from kentcard.store.models import (
    AllocationRow,
    DocumentRow,
    InvoiceRow,
    MoneyInRow,
    MoneyOutRow,
    PlanLineRow,
    PlanRow,
    ProviderRow,
    RecipientRow,
)


def _money(pence: int | None) -> Money | None:
    return None if pence is None else Money(pence)


def recipient(row: RecipientRow) -> Recipient:
    assert row.id is not None
    return Recipient(row.id, row.name, row.kcc_ref, row.card_last4, row.retained_weeks)


def plan(row: PlanRow, lines: list[PlanLineRow]) -> Plan:
    assert row.id is not None
    return Plan(
        id=row.id,
        recipient_id=row.recipient_id,
        start=row.start_date,
        end=row.end_date,
        frequency=Frequency(row.frequency),
        council=Money(row.council_pence),
        contribution=Money(row.contribution_pence),
        first_payment=row.first_payment,
        lines=tuple(PlanLine(line.category, Money(line.amount_pence)) for line in lines),
    )


def provider(row: ProviderRow) -> Provider:
    assert row.id is not None
    return Provider(
        row.id,
        row.recipient_id,
        row.name,
        ProviderKind(row.kind),
        _money(row.rate_pence),
        row.category,
    )


def money_in(row: MoneyInRow) -> MoneyIn:
    assert row.id is not None
    return MoneyIn(
        id=row.id,
        recipient_id=row.recipient_id,
        date=row.date,
        amount=Money(row.amount_pence),
        source=Source(row.source),
        reference=row.reference,
        note=row.note,
        category=row.category,
        origin=Origin(row.origin),
    )


def money_out(row: MoneyOutRow) -> MoneyOut:
    assert row.id is not None
    return MoneyOut(
        id=row.id,
        recipient_id=row.recipient_id,
        date=row.date,
        amount=Money(row.amount_pence),
        payee=row.payee,
        provider_id=row.provider_id,
        category=row.category,
        description=row.description,
        reference=row.reference,
        origin=Origin(row.origin),
        evidence_note=row.evidence_note,
    )


def invoice(row: InvoiceRow, provider_name: str) -> Invoice:
    assert row.id is not None
    return Invoice(
        id=row.id,
        recipient_id=row.recipient_id,
        provider_id=row.provider_id,
        provider_name=provider_name,
        number=row.number,
        issue_date=row.issue_date,
        amount=Money(row.amount_pence),
        due_date=row.due_date,
        hours_centi=row.hours_centi,
        rate=_money(row.rate_pence),
        period_start=row.period_start,
        period_end=row.period_end,
    )


def allocation(row: AllocationRow) -> Allocation:
    assert row.id is not None
    return Allocation(row.id, row.money_out_id, row.invoice_id, Money(row.amount_pence))


def document(row: DocumentRow, size: int, media_type: str, links: tuple[str, ...]) -> Document:
    assert row.id is not None
    return Document(
        id=row.id,
        recipient_id=row.recipient_id,
        sha256=row.sha256,
        filename=row.filename,
        media_type=media_type,
        size=size,
        kind=DocumentKind(row.kind),
        added_at=row.added_at,
        links=links,
    )
