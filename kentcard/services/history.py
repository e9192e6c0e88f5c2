"""A record's history from the append-only audit log: who changed what, and when."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kentcard.core.errors import InputError
from kentcard.services.context import Context
from kentcard.store import audit

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
}


@dataclass(frozen=True, slots=True)
class Change:
    at: str
    action: str
    changed: dict[str, tuple[Any, Any]]  # field -> (before, after)
    detail: dict[str, Any]


def parse_record(text: str) -> tuple[str, int]:
    """`money-out:12` → ("money_out", 12)."""
    kind, _, ident = text.strip().partition(":")
    if kind not in ENTITIES or not ident.isdigit():
        raise InputError(
            "record", "write it as KIND:ID, e.g. money-out:12; kinds: " + ", ".join(ENTITIES)
        )
    return ENTITIES[kind], int(ident)


def record_history(ctx: Context, record: str) -> list[Change]:
    entity, entity_id = parse_record(record)
    with ctx.db.read() as session:
        rows = audit.history(session=session, entity=entity, entity_id=entity_id)
    out = []
    for row in rows:
        detail = json.loads(row.detail)
        before, after = detail.pop("before") or {}, detail.pop("after") or {}
        changed = {
            key: (before.get(key), after.get(key))
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key) and key != "id"
        }
        out.append(Change(row.at, row.action, changed, detail))
    return out
