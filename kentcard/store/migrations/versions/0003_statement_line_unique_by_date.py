"""statement lines unique by person, date, fingerprint and occurrence

A statement's lines come in date order; with the date leading the unique key they go
into its index side by side, not at random places as a hash-first key sends them. The
fingerprint already holds the date, so the same lines are kept apart as before.

SQLite changes a table constraint by rebuilding the table (batch mode): the rebuilt
table keeps AUTOINCREMENT and its sequence, so no past line id is ever given again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = 'uq_statement_line_recipient_id'


def _RECREATE() -> str:
    """SQLite rebuilds the table (keeping its AUTOINCREMENT sequence by hand, below);
    PostgreSQL alters it in place, and its sequences are untouched."""
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade() -> None:
    _unique_by(['recipient_id', 'date', 'fingerprint', 'occurrence'])


def downgrade() -> None:
    _unique_by(['recipient_id', 'fingerprint', 'occurrence'])


def _unique_by(columns: list[str]) -> None:
    bind = op.get_bind()
    sequence = (bind.exec_driver_sql(
        "SELECT seq FROM sqlite_sequence WHERE name = 'statement_line'"
    ).scalar() if _RECREATE() == "always" else None)
    with op.batch_alter_table(
        'statement_line', recreate=_RECREATE(), table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.drop_constraint(_NAME, type_='unique')
        batch_op.create_unique_constraint(_NAME, columns)
    if sequence is not None:
        bind.exec_driver_sql(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'statement_line'",
            (sequence,),
        )
        bind.exec_driver_sql(
            "INSERT INTO sqlite_sequence (name, seq) SELECT 'statement_line', ? "
            "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'statement_line')",
            (sequence,),
        )
