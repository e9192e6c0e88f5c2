"""Builders shared by the service tests: people, providers, files, and raw looks at the database."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

from kentcard.core.money import Money
from kentcard.core.records import Frequency, PlanLine
from kentcard.services.context import Context
from kentcard.services.invoices import InvoiceDraft, add_invoice
from kentcard.services.plans import set_plan
from kentcard.services.providers import add_provider
from kentcard.services.recipients import setup_recipient

AGENCY = "Kent Care Agency"
HELPERS = "Helping Hands"
WATCHED = ("money_in", "money_out", "allocation", "invoice", "document", "blob", "audit")


def person(ctx: Context, name: str = "Ann Smith", **kwargs: Any) -> int:
    """Set up one person and return their id."""
    return setup_recipient(ctx, name=name, **kwargs).id


def provider(ctx: Context, rid: int, name: str = AGENCY, category: str | None = None) -> int:
    return add_provider(ctx, rid, name=name, category=category).id


def monthly_plan(
    ctx: Context,
    rid: int,
    council: int,
    contribution: int = 0,
    start: date = date(2026, 1, 1),
    lines: dict[str, int] | None = None,
    first_payment: date | None = None,
) -> None:
    set_plan(
        ctx,
        rid,
        start=start,
        frequency=Frequency.MONTHLY,
        council=Money(council),
        contribution=Money(contribution),
        lines=[PlanLine(c, Money(a)) for c, a in (lines or {}).items()],
        first_payment=first_payment,
    )


def invoice(
    ctx: Context,
    rid: int,
    number: str,
    amount: int,
    issued: date = date(2026, 11, 1),
    provider_name: str = AGENCY,
    due: date | None = None,
    file: Path | None = None,
) -> int:
    draft = InvoiceDraft(provider_name, number, issued, Money(amount), due_date=due)
    return add_invoice(ctx, rid, draft, file).id


def pdf_bytes(label: str = "receipt") -> bytes:
    """A small PDF-looking file; distinct labels give distinct bytes (and hashes)."""
    return b"%PDF-1.4\n% " + label.encode() + b"\n1 0 obj\n<< >>\nendobj\n%%EOF\n"


def pdf_file(folder: Path, label: str = "receipt") -> Path:
    path = folder / f"{label}.pdf"
    path.write_bytes(pdf_bytes(label))
    return path


def rows(db_path: Path, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one read-only query with plain sqlite3 (not through the app)."""
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(statement, params).fetchall()


def count(db_path: Path, table: str) -> int:
    return rows(db_path, f"SELECT count(*) FROM {table}")[0][0]


def counts(db_path: Path) -> dict[str, int]:
    """Row counts of the tables a failed action must leave alone."""
    return {table: count(db_path, table) for table in WATCHED}


def last_audit_id(db_path: Path) -> int:
    return rows(db_path, "SELECT coalesce(max(id), 0) FROM audit")[0][0]


def audit_since(db_path: Path, after_id: int) -> list[tuple[str, int, str]]:
    """(entity, entity_id, action) of every audit line written after `after_id`, in order."""
    return [
        (entity, entity_id, action)
        for entity, entity_id, action in rows(
            db_path,
            "SELECT entity, entity_id, action FROM audit WHERE id > ? ORDER BY id",
            (after_id,),
        )
    ]
