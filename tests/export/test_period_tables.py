"""The period reads' lightweight tables are the models' tables: same columns, same SQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.dialects import sqlite

from kentcard.store import models
from kentcard.store import period_rows as P

MODELS = {
    "OUT": models.MoneyOutRow, "IN": models.MoneyInRow, "INV": models.InvoiceRow,
    "ALLOC": models.AllocationRow, "LINK": models.DocumentLinkRow, "DOC": models.DocumentRow,
    "BLOB": models.BlobRow, "PROVIDER": models.ProviderRow,
}  # fmt: skip
DAY = date(2026, 11, 25)


@pytest.mark.parametrize("name", MODELS)
def test_each_column_is_the_models_column_with_its_type(name: str) -> None:
    light, schema = getattr(P, name), MODELS[name].__table__  # type: ignore[attr-defined]
    assert light.name == schema.name
    for column in light.columns:
        assert column.name in schema.columns, f"{light.name}.{column.name}"
        model_type = schema.columns[column.name].type
        assert column.type._type_affinity is model_type._type_affinity, column.name


class Recorder:
    """Stands in for a session: keeps each statement's SQL and parameters, returns no rows."""

    def __init__(self) -> None:
        self.sql: list[tuple[str, dict[str, Any]]] = []

    def connection(self) -> Recorder:
        return self

    def execute(self, statement: Any) -> Recorder:
        compiled = statement.compile(dialect=sqlite.dialect())
        self.sql.append((str(compiled), dict(compiled.params)))
        return self

    def all(self) -> list[Any]:
        return []


def every_read(session: Any) -> None:
    P.money_out_lines(session=session, recipient_id=3, start=date(2025, 11, 26), end=DAY)
    P.money_in_records(session=session, recipient_id=3)
    P.invoice_lines(session=session, recipient_id=3, issued_by=DAY)
    P.allocation_lines(session=session, recipient_id=3, paid_by=DAY)
    P.document_lines(session=session, recipient_id=3)
    P.month_totals(session=session, recipient_id=3, start=date(2026, 1, 15), end=DAY)


def test_the_reads_are_the_same_sql_as_over_the_models(monkeypatch: pytest.MonkeyPatch) -> None:
    light = Recorder()
    every_read(light)
    for name, model in MODELS.items():
        monkeypatch.setattr(P, name, model.__table__)  # type: ignore[attr-defined]
    schema = Recorder()
    every_read(schema)
    assert len(light.sql) == 6
    assert light.sql == schema.sql


def test_the_reads_do_not_build_the_models(tmp_path: Any) -> None:
    import subprocess
    import sys

    probe = "import sys, kentcard.store.period_rows\nprint('kentcard.store.models' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
