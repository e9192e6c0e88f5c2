"""SQLModel tables, named as rows. Money columns are INTEGER pence with CHECK constraints.

Every table that a person or the audit log refers to by id uses AUTOINCREMENT, so a
deleted record's id is never handed out again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import CheckConstraint, Index, LargeBinary, MetaData, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from kentcard.core.records import DocumentKind, Frequency, Origin, ProviderKind, Source

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

AUTOINCREMENT = {"sqlite_autoincrement": True}


def one_of(column: str, values: Iterable[str]) -> str:
    """A CHECK that `column` holds one of `values`: a core enum where there is one, so the
    enum is the one list of them."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


FREQUENCIES = Frequency
SOURCES = Source
PROVIDER_KINDS = ProviderKind
DOCUMENT_KINDS = DocumentKind
ORIGINS = Origin


class RecipientRow(SQLModel, table=True):
    __tablename__ = "recipient"
    __table_args__ = (
        CheckConstraint("length(name) BETWEEN 1 AND 200", name="name_length"),
        CheckConstraint("retained_weeks BETWEEN 0 AND 52", name="retained_weeks_range"),
        CheckConstraint("card_last4 IS NULL OR length(card_last4) = 4", name="card_last4_length"),
        UniqueConstraint("name"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str
    kcc_ref: str | None = None
    card_last4: str | None = None
    retained_weeks: int = 8
    created_at: str


class PlanRow(SQLModel, table=True):
    __tablename__ = "plan"
    __table_args__ = (
        CheckConstraint(one_of("frequency", FREQUENCIES), name="frequency_known"),
        CheckConstraint("council_pence >= 0", name="council_not_negative"),
        CheckConstraint("contribution_pence >= 0", name="contribution_not_negative"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        Index("ix_plan_recipient_start", "recipient_id", "start_date"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    start_date: date
    end_date: date | None = None
    frequency: str
    council_pence: int
    contribution_pence: int = 0
    first_payment: date | None = None


class PlanLineRow(SQLModel, table=True):
    __tablename__ = "plan_line"
    __table_args__ = (
        CheckConstraint("amount_pence >= 0", name="amount_not_negative"),
        UniqueConstraint("plan_id", "category"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE")
    category: str
    amount_pence: int


class ProviderRow(SQLModel, table=True):
    __tablename__ = "provider"
    __table_args__ = (
        CheckConstraint(one_of("kind", PROVIDER_KINDS), name="kind_known"),
        CheckConstraint("rate_pence IS NULL OR rate_pence >= 0", name="rate_not_negative"),
        UniqueConstraint("recipient_id", "name"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    name: str
    kind: str = "other"
    rate_pence: int | None = None
    category: str | None = None


class MoneyInRow(SQLModel, table=True):
    __tablename__ = "money_in"
    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        CheckConstraint(one_of("source", SOURCES), name="source_known"),
        CheckConstraint(one_of("origin", ORIGINS), name="origin_known"),
        Index("ix_money_in_recipient_date", "recipient_id", "date"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    date: date
    amount_pence: int
    source: str
    reference: str | None = None
    note: str | None = None
    category: str | None = None
    origin: str = "manual"


class MoneyOutRow(SQLModel, table=True):
    __tablename__ = "money_out"
    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        CheckConstraint(one_of("origin", ORIGINS), name="origin_known"),
        Index("ix_money_out_recipient_date", "recipient_id", "date"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    date: date
    amount_pence: int
    payee: str
    provider_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    category: str | None = None
    description: str | None = None
    reference: str | None = None
    origin: str = "manual"
    # Why this payment has no receipt ("the lunch club gives no receipts"); set by
    # services.ledger.explain_missing_evidence, shown to a reviewer as explained.
    evidence_note: str | None = None


class InvoiceRow(SQLModel, table=True):
    __tablename__ = "invoice"
    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        CheckConstraint("hours_centi IS NULL OR hours_centi >= 0", name="hours_not_negative"),
        CheckConstraint("rate_pence IS NULL OR rate_pence >= 0", name="rate_not_negative"),
        CheckConstraint(
            "period_end IS NULL OR period_start IS NULL OR period_end >= period_start",
            name="period_ordered",
        ),
        UniqueConstraint("provider_id", "number"),
        Index("ix_invoice_recipient_issue", "recipient_id", "issue_date"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    provider_id: int = Field(foreign_key="provider.id")
    number: str
    issue_date: date
    period_start: date | None = None
    period_end: date | None = None
    hours_centi: int | None = None
    rate_pence: int | None = None
    amount_pence: int
    due_date: date


class AllocationRow(SQLModel, table=True):
    __tablename__ = "allocation"
    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        UniqueConstraint("money_out_id", "invoice_id"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    money_out_id: int = Field(foreign_key="money_out.id")
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    amount_pence: int


class BlobRow(SQLModel, table=True):
    """A stored file's bytes, once per distinct content (keyed by SHA-256)."""

    __tablename__ = "blob"
    __table_args__ = (
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint("size > 0", name="size_positive"),
    )

    sha256: str = Field(primary_key=True)
    size: int
    media_type: str
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class DocumentRow(SQLModel, table=True):
    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint(one_of("kind", DOCUMENT_KINDS), name="kind_known"),
        UniqueConstraint("recipient_id", "sha256"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    sha256: str = Field(foreign_key="blob.sha256")
    filename: str
    kind: str = "receipt"
    added_at: str


class DocumentLinkRow(SQLModel, table=True):
    """Ties a document to exactly one record: a money-out, a money-in or an invoice."""

    __tablename__ = "document_link"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN money_out_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN money_in_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN invoice_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_target",
        ),
        UniqueConstraint("document_id", "money_out_id", "money_in_id", "invoice_id"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    money_out_id: int | None = Field(default=None, foreign_key="money_out.id", index=True)
    money_in_id: int | None = Field(default=None, foreign_key="money_in.id", index=True)
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id", index=True)


class AuditRow(SQLModel, table=True):
    """Append-only: triggers in the migration refuse UPDATE and DELETE."""

    __tablename__ = "audit"
    __table_args__ = (
        CheckConstraint(one_of("action", ["create", "update", "delete"]), name="action_known"),
        Index("ix_audit_entity", "entity", "entity_id"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    at: str
    recipient_id: int | None = None
    entity: str
    entity_id: int
    action: str
    detail: str
    # The database login that made the change: on PostgreSQL a trigger writes it from the
    # session itself, so no one can sign a line as someone else; empty on a person's file.
    login: str | None = None


LINE_STATES = ["matched", "created", "decision", "deleted", "replaced"]


class StatementBatchRow(SQLModel, table=True):
    """One import of a statement file: when, which file, and what it did."""

    __tablename__ = "statement_batch"
    __table_args__ = (
        CheckConstraint("lines >= 0 AND skipped >= 0", name="counts_not_negative"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id", index=True)
    imported_at: str
    filename: str
    lines: int
    skipped: int = 0


class StatementLineRow(SQLModel, table=True):
    """A statement line once seen: its fingerprint stays so it is never imported twice.

    `state` says what became of it: matched to an entry the person had logged, created a
    new entry, left for the person to decide, its entry was deleted by the person, or it
    was replaced by a later download of the same payment with another amount.
    A line is unique by person, date, fingerprint and occurrence: the fingerprint already
    holds the date, and with the date first a statement's lines (in date order) go into
    the index side by side instead of at random places (migration 0003).
    """

    __tablename__ = "statement_line"
    __table_args__ = (
        CheckConstraint("occurrence >= 1", name="occurrence_positive"),
        CheckConstraint("amount_pence <> 0", name="amount_not_zero"),
        CheckConstraint(one_of("state", LINE_STATES), name="state_known"),
        CheckConstraint("money_in_id IS NULL OR money_out_id IS NULL", name="at_most_one_entry"),
        UniqueConstraint("recipient_id", "date", "fingerprint", "occurrence"),
        Index("ix_statement_line_recipient_date", "recipient_id", "date"),
        AUTOINCREMENT,
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    batch_id: int = Field(foreign_key="statement_batch.id", index=True)
    fingerprint: str
    occurrence: int = 1
    date: date
    amount_pence: int
    description: str
    payee: str | None = None
    balance_pence: int | None = None
    state: str
    money_in_id: int | None = Field(default=None, foreign_key="money_in.id", index=True)
    money_out_id: int | None = Field(default=None, foreign_key="money_out.id", index=True)
    # A line that looked like this stored one with another amount (settled with a tip):
    # while it waits for a decision, and after, which line it replaced.
    replaces_line_id: int | None = Field(default=None, foreign_key="statement_line.id")


class StatementMappingRow(SQLModel, table=True):
    """Columns given by hand for one card provider's statements, kept for next time."""

    __tablename__ = "statement_mapping"
    __table_args__ = (UniqueConstraint("recipient_id", "provider"), AUTOINCREMENT)

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    provider: str
    mapping: str  # JSON: role -> column name or number, and the date format
    saved_at: str


class PeriodLockRow(SQLModel, table=True):
    """Entries dated up to `locked_to` are reviewed and cannot change until unlocked."""

    __tablename__ = "period_lock"
    __table_args__ = (UniqueConstraint("recipient_id"), AUTOINCREMENT)

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id")
    locked_to: date
    locked_at: str
    locked_by: str
    reason: str | None = None


class StaffAssignmentRow(SQLModel, table=True):
    """Organisation mode: a member of staff's login may see and (by role) change this person.

    PostgreSQL's row-level security reads it (see store/org.py); a person's own SQLite file
    keeps it empty."""

    __tablename__ = "staff_assignment"
    __table_args__ = (UniqueConstraint("login", "recipient_id"), AUTOINCREMENT)

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(index=True)
    recipient_id: int = Field(foreign_key="recipient.id", index=True)
    assigned_at: str
