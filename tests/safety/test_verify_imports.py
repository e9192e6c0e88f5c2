"""`kentcard verify` and entries a statement import created: accounted for by the import's
one audit record, never by a statement line alone."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from kentcard.services import reconcile_actions
from kentcard.services.context import Context
from kentcard.services.maintenance import verify
from kentcard.services.statement_import import import_statement
from kentcard.store.engine import url_for
from tests.services.helpers import person, rows

STATEMENT = b"""Date,Description,Amount
01/11/2026,SHOP,-1.50
02/11/2026,KCC DIRECT PAYMENT,250.00
03/11/2026,BUS,-2.00
"""


def test_imported_entries_pass_verify_by_the_imports_audit_record(
    ctx: Context, db_path: Path
) -> None:
    """Entries an import created have no audit line each, and verify accepts them, also
    after the person unties one from its line."""
    rid = person(ctx)
    import_statement(ctx, rid, STATEMENT)
    assert rows(db_path, "SELECT count(*) FROM audit WHERE entity = 'money_out'") == [(0,)]
    assert verify(url_for(db_path)).problems == []
    [(line,)] = rows(db_path, "SELECT id FROM statement_line WHERE money_out_id = 1")
    reconcile_actions.unmatch_line(ctx, line)
    assert rows(db_path, "SELECT count(*) FROM statement_line WHERE money_out_id = 1") == [(0,)]
    assert verify(url_for(db_path)).problems == []


def test_an_entry_with_neither_an_audit_line_nor_an_imports_record_is_reported(
    ctx: Context, db_path: Path
) -> None:
    """An entry written around the services is reported, even tied to a statement line of
    a real import whose audit record does not list it."""
    rid = person(ctx)
    import_statement(ctx, rid, STATEMENT)
    ctx.db.dispose()
    with closing(sqlite3.connect(db_path)) as raw, raw:
        ghost = raw.execute(
            "INSERT INTO money_out (recipient_id, date, amount_pence, payee, origin) "
            "VALUES (?, '2026-11-04', 300, 'Ghost', 'statement')",
            (rid,),
        ).lastrowid
        raw.execute(
            "INSERT INTO statement_line (recipient_id, batch_id, fingerprint, occurrence, date,"
            " amount_pence, description, state, money_out_id)"
            " VALUES (?, 1, 'forged', 1, '2026-11-04', -300, 'GHOST', 'created', ?)",
            (rid, ghost),
        )
        alone = raw.execute(
            "INSERT INTO money_in (recipient_id, date, amount_pence, source, origin) "
            "VALUES (?, '2026-11-05', 100, 'refund', 'statement')",
            (rid,),
        ).lastrowid
    assert verify(url_for(db_path)).problems == [
        f"money-in {alone} has no line in the audit log",
        f"money-out {ghost} has no line in the audit log",
    ]
