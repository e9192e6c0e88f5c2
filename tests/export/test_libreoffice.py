"""LibreOffice opens the workbook, recalculates the Summary, and gets the app's own figures."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kentcard.core.dates import Month
from kentcard.core.money import Money
from kentcard.services.context import Context
from kentcard.services.reports import UNCATEGORISED
from kentcard.services.review import PA_KINDS, Kind, kind_heading, review
from kentcard.services.summary import month_summary
from tests.export.ledger import END, START, Ledger, readme_session

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed; .ci/run installs libreoffice-calc-nogui",
)


def recalculated(workbook: Path, tmp_path: Path) -> dict[str, list[Any]]:
    """The Summary after LibreOffice has loaded, recalculated and saved the workbook."""
    out = tmp_path / "recalculated"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), str(workbook)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    ws = openpyxl.load_workbook(out / workbook.name, data_only=True)["Summary"]
    return {str(row[0]): list(row[1:]) for row in ws.iter_rows(values_only=True) if row[0]}


def pence(value: Any) -> int:
    assert isinstance(value, int | float), value
    return int((Decimal(str(value)) * 100).to_integral_value())


def test_every_summary_figure_equals_the_app(
    ctx: Context, ledger: Ledger, workbook: Path, tmp_path: Path
) -> None:
    """Received, spent, balances, owed, surplus, budget, categories and finding counts."""
    figures = recalculated(workbook, tmp_path)
    months = [month_summary(ctx, ledger.rid, Month(2026, m)) for m in range(4, 11)]
    april, period, last = months[0], months[1:], months[-1]
    money = {label: pence(values[0]) for label, values in figures.items() if values[0] is not None
             and isinstance(values[0], int | float)}  # fmt: skip
    assert money["Brought forward: the balance on 30/04/2026"] == april.balance.pence
    received = {s.value: sum(m.received[s].pence for m in period) for s in period[0].received}
    assert money["Received from KCC"] == received["kcc"]
    assert money["Received: your contribution"] == received["contribution"]
    assert money["Received: refunds from providers"] == received["refund"]
    assert money["Received: other"] == received["other"]
    spent = sum(m.spent.pence for m in period)
    assert money["Spent (paid out less refunds)"] == spent
    assert money["Paid out from the card"] == spent + received["refund"]
    assert money["Carried forward on 31/10/2026"] == last.balance.pence
    assert money["Card balance on 31/10/2026 in these records"] == last.balance.pence
    assert figures["Check"][0] == "OK" and figures["Check, month by month"][0] == "OK"
    assert money["Invoices still to pay on 31/10/2026"] == last.outstanding_invoices.pence
    assert money["Retained allowance"] == last.retained.pence
    assert money["Possible surplus"] == last.possible_surplus.pence
    assert money["Budget"] == sum(m.budget.pence for m in period)
    assert money["Spent (paid out less refunds)"] == spent
    assert money["Remaining"] == sum(m.remaining.pence for m in period)
    categories: Counter[str] = Counter()
    for m in period:
        for line in m.categories:
            categories[line.category] += line.spent.pence
    for name, amount in categories.items():
        label = "No category" if name == UNCATEGORISED else name
        assert pence(figures[label][1]) == amount, name
    assert pence(figures["Total"][0]) == sum(m.budget.pence for m in period)  # categories
    assert pence(figures["Total"][1]) == spent
    counts = Counter(f.kind for f in review(ctx, ledger.rid, START, END))
    for kind in Kind:
        if kind in PA_KINDS:  # this person employs no PA: those lines are left off
            assert kind_heading(kind) not in figures, kind
        else:
            assert figures[kind_heading(kind)][0] == counts[kind], kind


def test_budget_command_equals_the_recalculated_summary(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`kentcard budget --json` for November equals the workbook exported for November."""
    readme_session(run)
    shown = json.loads(run("budget", "--month", "2026-11", "--json").stdout)
    path = Path(run("export", "--from", "2026-11-01", "--to", "2026-11-30").stdout.strip())
    figures = recalculated(path, tmp_path)

    def amount(label: str, column: int = 0) -> str:
        return str(Money(pence(figures[label][column])).decimal)

    assert amount("Budget") == shown["budget"]
    assert amount("Spent (paid out less refunds)") == shown["spent"]
    assert amount("Remaining") == shown["remaining"]
    assert amount("Carried forward on 25/11/2026") == shown["balance"]
    assert amount("Invoices still to pay on 25/11/2026") == shown["outstanding_invoices"]
    assert amount("Possible surplus") == shown["possible_surplus"]
    assert amount("Received from KCC") == shown["received"]["kcc"]
    assert amount("Received: your contribution") == shown["received"]["contribution"]
    for line in shown["categories"]:
        assert amount(line["category"], 1) == line["spent"], line["category"]
        assert amount(line["category"], 0) == line["budget"], line["category"]
