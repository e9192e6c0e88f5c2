"""The review workbook read back: every data sheet equals the ledger, in values and types."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd

from kentcard.core.dates import Month
from kentcard.services.context import Context
from kentcard.services.documents import list_documents
from kentcard.services.invoices import invoice_states
from kentcard.services.ledger import list_money_in, list_money_out
from kentcard.services.review import review
from kentcard.services.summary import month_summary
from tests.export.ledger import END, START, Ledger

DATA = ["Money in", "Money out", "Invoices", "Budget by month", "Evidence", "Exceptions"]


def sheet(path: Path, name: str) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=name)


def pence(series: pd.Series) -> list[int | None]:
    return [None if pd.isna(v) else round(float(v) * 100) for v in series]


def test_sheets_are_in_order_plain_and_visible(workbook: Path) -> None:
    """Seven visible sheets in order; each data sheet has a frozen bold header and no merges."""
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["Summary", *DATA]
    for name in DATA:
        ws = book[name]
        assert ws.sheet_state == "visible"
        assert ws.freeze_panes == "A2"
        assert all(cell.font.b for cell in ws[1])
        assert not ws.merged_cells.ranges
        assert not any(ws.row_dimensions[r].hidden for r in ws.row_dimensions)
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == "$1:$1"
        assert "Jo Bloggs" in ws.oddHeader.left.text and "2026-05-01" in ws.oddHeader.center.text


def test_file_has_no_comments_links_or_personal_properties(workbook: Path) -> None:
    """No comments, hyperlinks or hidden parts; document properties do not name the person."""
    with zipfile.ZipFile(workbook) as archive:
        names = archive.namelist()
        props = (
            archive.read("docProps/core.xml").decode() + archive.read("docProps/app.xml").decode()
        )
        workbook_xml = archive.read("xl/workbook.xml").decode()
    assert not [n for n in names if "comment" in n or "externalLink" in n or "vml" in n]
    assert "Jo Bloggs" not in props and "DP123456" not in props and "kentcard" in props
    assert 'state="hidden"' not in workbook_xml and 'hidden="1"' not in workbook_xml


def test_money_in_sheet_equals_the_ledger(ctx: Context, ledger: Ledger, workbook: Path) -> None:
    """Money in: ids, real dates, numeric amounts to the penny, sources, notes."""
    frame = sheet(workbook, "Money in")
    records = list_money_in(ctx, ledger.rid, START, END)
    assert list(frame["Id"]) == [m.id for m in records]
    assert frame["Date"].dtype.kind == "M" and pd.api.types.is_numeric_dtype(frame["Amount"])
    assert [d.date() for d in frame["Date"]] == [m.date for m in records]
    assert pence(frame["Amount"]) == [m.amount.pence for m in records]
    assert list(frame["Source"]) == [m.source.value for m in records]
    refund = frame[frame["Id"] == ledger.refund_id].iloc[0]
    assert refund["Category"] == "Home care" and refund["Note"] == "Overcharge on INV-1010"


def test_money_out_sheet_carries_invoices_and_evidence(
    ctx: Context, ledger: Ledger, workbook: Path
) -> None:
    """Money out: each payment with its category, payee, invoices paid and evidence files."""
    frame = sheet(workbook, "Money out").set_index("Id")
    records = list_money_out(ctx, ledger.rid, START, END)
    assert list(frame.index) == [m.id for m in records]
    assert frame["Amount"].dtype.kind == "f" and frame["Date"].dtype.kind == "M"
    assert pence(frame["Amount"]) == [m.amount.pence for m in records]
    assert list(frame["Payee"]) == [m.payee for m in records]
    assert [None if pd.isna(c) else c for c in frame["Category"]] == [m.category for m in records]
    split = next(m for m in records if m.amount.pence == 49000)
    assert frame.loc[split.id, "Invoices paid"] == "INV-1010; INV-1011"
    assert frame.loc[split.id, "Evidence"] == (
        "2026-10-05_Bright-Homecare_INV-1010.pdf; 2026-10-15_Bright-Homecare_INV-1011.pdf"
    )
    for payment_id in ledger.no_evidence:
        assert pd.isna(frame.loc[payment_id, "Evidence"])
    proven = frame.drop(index=ledger.no_evidence)
    assert proven["Evidence"].notna().all()


def test_invoices_sheet_equals_invoice_states(ctx: Context, ledger: Ledger, workbook: Path) -> None:
    """Invoices: amount, paid, outstanding and status as the app works them out."""
    frame = sheet(workbook, "Invoices")
    states = [s for s in invoice_states(ctx, ledger.rid) if s.invoice.issue_date <= END]
    assert list(frame["Number"]) == [s.invoice.number for s in states]
    assert pence(frame["Outstanding"]) == [s.outstanding.pence for s in states]
    assert pence(frame["Paid"]) == [s.allocated.pence for s in states]
    assert list(frame["Status"]) == [s.status.value for s in states]
    assert list(frame["Hours"]) == [s.invoice.hours_centi / 100 for s in states]  # type: ignore[operator]
    assert frame["Issue date"].dtype.kind == "M" and frame["Service from"].dtype.kind == "M"


def test_budget_sheet_equals_month_summaries(ctx: Context, ledger: Ledger, workbook: Path) -> None:
    """Budget by month: each month's budget, spent and balance equal `kentcard budget`."""
    frame = sheet(workbook, "Budget by month")
    months = [Month(2026, m) for m in range(5, 11)]
    summaries = [month_summary(ctx, ledger.rid, m) for m in months]
    assert [d.date() for d in frame["Month"]] == [m.first for m in months]
    assert pence(frame["Budget"]) == [s.budget.pence for s in summaries]
    assert pence(frame["Spent"]) == [s.spent.pence for s in summaries]
    assert pence(frame["Remaining"]) == [s.remaining.pence for s in summaries]
    assert pence(frame["Closing balance"]) == [s.balance.pence for s in summaries]


def test_evidence_sheet_lists_each_linked_document(
    ctx: Context, ledger: Ledger, workbook: Path
) -> None:
    """Evidence: one row per attached document, unique safe names, its SHA-256 and size."""
    frame = sheet(workbook, "Evidence")
    documents = {d.sha256: d for d in list_documents(ctx, ledger.rid)}
    assert set(frame["SHA-256"]) == set(documents)
    assert (
        frame["Evidence file"]
        .str.fullmatch(r"\d{4}-\d\d-\d\d_[A-Za-z0-9-]+_[A-Za-z0-9-]+\.(pdf|txt)")
        .all()
    )
    assert frame["Evidence file"].str.casefold().is_unique
    assert [documents[h].size for h in frame["SHA-256"]] == list(frame["Bytes"])
    assert sorted(frame["Original name"]) == sorted(ledger.files)


def test_exceptions_sheet_lists_the_review_findings(
    ctx: Context, ledger: Ledger, workbook: Path
) -> None:
    """Exceptions: the same findings as `kentcard review`, in words, in the same order."""
    frame = sheet(workbook, "Exceptions")
    findings = review(ctx, ledger.rid, START, END)
    assert list(frame["Kind"]) == [f.kind.value for f in findings]
    assert list(frame["Detail"]) == [f.message for f in findings]
    assert Counter(frame["Kind"])["no-evidence"] == len(ledger.no_evidence)


def test_cells_have_money_and_date_formats(workbook: Path) -> None:
    """Money cells are numbers formatted £#,##0.00; date cells are dates with a date format."""
    ws = openpyxl.load_workbook(workbook)["Money out"]
    date_cell, amount_cell = ws["B2"], ws["C2"]
    assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"
    assert amount_cell.data_type == "n" and amount_cell.number_format == "£#,##0.00"


def test_summary_totals_are_formulas_over_the_data_sheets(workbook: Path) -> None:
    """The Summary's totals are formulas that refer to the data sheets, not typed numbers."""
    ws = openpyxl.load_workbook(workbook)["Summary"]
    formulas = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert formulas["Received from KCC"] == (
        "=ROUND(SUMIFS('Money in'!$C:$C,'Money in'!$D:$D,\"kcc\"),2)"
    )
    assert str(formulas["Closing balance on 2026-10-31"]).startswith("=ROUND(")
    assert "'Invoices'!$G:$G" in str(formulas["Invoices not yet paid on 2026-10-31"])
    assert ws._charts, "a chart of budget against spending"
