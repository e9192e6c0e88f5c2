"""a statement line's identity depends on that line alone; a line can replace another

Until now a line's fingerprint held the statement's running balance, so one earlier line
that changed between two downloads (a card payment settled with a tip) shifted every
later line's balance and made each of them look new. The fingerprint is now the line's
date, amount, folded description and folded payee; every stored line's fingerprint and
occurrence are worked out again that way, so a statement imported before this change is
still recognised afterwards.

A line that looks like a stored line with another amount waits for a decision and keeps
which line it would replace (`replaces_line_id`); once accepted, the old line's state is
`replaced`.

SQLite changes a table constraint by rebuilding the table (batch mode): the rebuilt
table keeps AUTOINCREMENT and its sequence, so no past line id is ever given again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

import hashlib
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATES = "state IN ('matched', 'created', 'decision', 'deleted', 'replaced')"
_OLD_STATES = "state IN ('matched', 'created', 'decision', 'deleted')"
_SPACES = re.compile(r"\s+")


def _RECREATE() -> str:
    """SQLite rebuilds the table (keeping its AUTOINCREMENT sequence by hand, below);
    PostgreSQL alters it in place, and its sequences are untouched."""
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade() -> None:
    sequence = _sequence()
    with op.batch_alter_table(
        'statement_line', recreate=_RECREATE(), table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.add_column(sa.Column('replaces_line_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_statement_line_replaces_line_id_statement_line'),
            'statement_line',
            ['replaces_line_id'],
            ['id'],
        )
        batch_op.drop_constraint(op.f('ck_statement_line_state_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_statement_line_state_known'), _STATES)
    _keep_sequence(sequence)
    _rekey(_line_key)


def downgrade() -> None:
    op.execute("UPDATE statement_line SET state = 'deleted' WHERE state = 'replaced'")
    sequence = _sequence()
    with op.batch_alter_table(
        'statement_line', recreate=_RECREATE(), table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.drop_constraint(
            op.f('fk_statement_line_replaces_line_id_statement_line'), type_='foreignkey'
        )
        batch_op.drop_column('replaces_line_id')
        batch_op.drop_constraint(op.f('ck_statement_line_state_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_statement_line_state_known'), _OLD_STATES)
    _keep_sequence(sequence)
    _rekey(_balance_key)


def _fold(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip().casefold()


def _line_key(day: str, pence: int, description: str, payee: str | None, _: int | None) -> str:
    """The fingerprint from this revision on (frozen here: a migration never changes)."""
    key = f"{day}|{pence}|{_fold(description)}"
    if payee:
        key += f"|{_fold(payee)}"
    return key


def _balance_key(
    day: str, pence: int, description: str, _: str | None, balance: int | None
) -> str:
    """The fingerprint of revisions 0002 and 0003."""
    return f"{day}|{pence}|{_fold(description)}|{'' if balance is None else balance}"


def _rekey(key) -> None:  # type: ignore[no-untyped-def]
    """Work every line's fingerprint and occurrence out again, in id order."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, recipient_id, date, amount_pence, description, payee, balance_pence "
            "FROM statement_line ORDER BY id"
        )
    ).fetchall()
    if not rows:
        return
    seen: dict[tuple[int, str], int] = {}
    updates = []
    for line_id, rid, day, pence, description, payee, balance in rows:
        day = str(day)[:10]
        fingerprint = hashlib.sha256(
            key(day, pence, description, payee, balance).encode()
        ).hexdigest()[:32]
        seen[rid, fingerprint] = occurrence = seen.get((rid, fingerprint), 0) + 1
        updates.append({"id": line_id, "fp": fingerprint, "occ": occurrence})
    # Out of the unique key's way first, so no row collides with one not yet changed.
    bind.execute(sa.text("UPDATE statement_line SET fingerprint = 'rekey-' || id"))
    bind.execute(
        sa.text("UPDATE statement_line SET fingerprint = :fp, occurrence = :occ WHERE id = :id"),
        updates,
    )


def _sequence() -> int | None:
    if _RECREATE() != "always":
        return None
    return op.get_bind().exec_driver_sql(
        "SELECT seq FROM sqlite_sequence WHERE name = 'statement_line'"
    ).scalar()


def _keep_sequence(sequence: int | None) -> None:
    if sequence is None:
        return
    bind = op.get_bind()
    bind.exec_driver_sql(
        "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'statement_line'",
        (sequence,),
    )
    bind.exec_driver_sql(
        "INSERT INTO sqlite_sequence (name, seq) SELECT 'statement_line', ? "
        "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'statement_line')",
        (sequence,),
    )
