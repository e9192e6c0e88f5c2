"""A record's history from the append-only audit log: who changed what, and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kentcard.core.errors import InputError
from kentcard.services.context import Context
from kentcard.store import audit
from kentcard.store import statements as store

# What people type → the audit log's entity name.
ENTITIES = {
    "money-in": "money_in",
    "money-out": "money_out",
    "invoice": "invoice",
    "allocation": "allocation",
    "plan": "plan",
    "provider": "provider",
    "period-lock": "period_lock",
    "statement-import": "statement_batch",
    "statement-line": "statement_line",
    "employer": "employer",
    "insurance": "insurance",
    "employee": "employee",
    "pay-rate": "pay_rate",
    "timesheet-line": "timesheet_line",
    "payslip": "payslip",
    "hmrc-payment": "hmrc_payment",
    "pension-payment": "pension_payment",
}


@dataclass(frozen=True, slots=True)
class Change:
    at: str
    action: str
    changed: dict[str, tuple[Any, Any]]  # field -> (before, after)
    detail: dict[str, Any]
    summary: str = ""  # in words, for a change told by another record (the import)
    login: str | None = None  # the database login that made it (organisation mode)


def parse_record(text: str) -> tuple[str, int]:
    """`money-out:12` → ("money_out", 12)."""
    kind, _, ident = text.strip().partition(":")
    if kind not in ENTITIES or not ident.isdigit():
        raise InputError(
            "record", "write it as KIND:ID, e.g. money-out:12; kinds: " + ", ".join(ENTITIES)
        )
    return ENTITIES[kind], int(ident)


def record_history(ctx: Context, record: str) -> list[Change]:
    """The record's audit lines, oldest first.

    An entry a statement import created has no 'create' line of its own: its history
    starts with the import's audit record (found through the statement line tied to it),
    and a statement line's starts with the import that read it.
    """
    entity, entity_id = parse_record(record)
    with ctx.db.read() as session:
        rows = audit.history(session=session, entity=entity, entity_id=entity_id)
        origin = None
        if not any(row.action == "create" for row in rows):
            origin = store.import_origin(session=session, entity=entity, entity_id=entity_id)
    out = [] if origin is None else [_imported(origin, entity)]
    for row in rows:
        detail = json.loads(row.detail)
        before, after = detail.pop("before") or {}, detail.pop("after") or {}
        changed = {
            key: (before.get(key), after.get(key))
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key) and key != "id"
        }
        out.append(Change(row.at, row.action, changed, detail, login=row.login))
    return out


def _imported(origin: store.ImportOrigin, entity: str) -> Change:
    """The import that created an entry (or read a line), as the first change."""
    done = "Imported from" if entity == "statement_line" else "Created by importing"
    sha = f" (sha256 {origin.sha256})" if origin.sha256 else ""
    summary = (
        f"{done} statement {origin.filename}{sha} on {origin.at[:10]}, batch {origin.batch_id}"
    )
    if origin.line_id is not None and entity != "statement_line":
        summary += f", statement-line:{origin.line_id}"
    detail: dict[str, Any] = {"statement_import": origin.batch_id, "filename": origin.filename}
    if origin.sha256:
        detail["sha256"] = origin.sha256
    if origin.line_id is not None:
        detail["statement_line"] = origin.line_id
    return Change(origin.at, "create", {}, detail, summary)
