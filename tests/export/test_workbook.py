"""The review workbook read back: every data sheet equals the ledger, in values and types."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd

from kentcard.core import words
from kentcard.core.dates import Month
from kentcard.services.context import Context
from kentcard.services.documents import list_documents
from kentcard.services.invoices import invoice_states
from kentcard.services.ledger import list_money_in, list_money_out
from kentcard.services.review import Kind, kind_heading, review
from kentcard.services.summary import month_summary
from tests.export.ledger import END, START, Ledger

DATA = ["Exceptions", "Money in", "Money out", "Invoices", "Budget by month", "Evidence"]


def sheet(path: Path, name: str) -> pd.DataFrame:
    """A list read back without its total row (the last row, labelled `Total`)."""
    frame = pd.read_excel(path, sheet_name=name)
    assert str(frame.iloc[-1, 0]).startswith("Total"), "every list ends with its total row"
    return frame.iloc[:-1].reset_index(drop=True).infer_objects()


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
        header = ws.oddHeader
        assert header.left.text == "Jo Bloggs" and "KCC ref. DP123456" in ws.oddFooter.left.text
        assert "01/05/2026 to 31/10/2026" in header.center.text
        assert "Figures as at 31/10/2026" in ws.oddFooter.left.text


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
    """Money in: real dates, numeric amounts to the penny, sources in words, notes."""
    frame = sheet(workbook, "Money in")
    records = list_money_in(ctx, ledger.rid, START, END)
    assert frame["Date"].dtype.kind == "M" and pd.api.types.is_numeric_dtype(frame["Amount"])
    assert [d.date() for d in frame["Date"]] == [m.date for m in records]
    assert pence(frame["Amount"]) == [m.amount.pence for m in records]
    assert list(frame["Source"]) == [words.source_words(m.source.value) for m in records]
    assert set(frame["Source"]) == {"KCC", "Your contribution", "Refund"}
    assert set(frame["Entered"]) == {"Entered by hand"}
    refund = frame[frame["Source"] == "Refund"].iloc[0]
    assert refund["Category"] == "Home care" and refund["Note"] == "Overcharge on INV-1010"


def test_money_out_sheet_carries_invoices_and_evidence(
    ctx: Context, ledger: Ledger, workbook: Path
) -> None:
    """Money out: each payment with its category, payee, invoices paid and evidence files;
    a payment nothing proves says MISSING."""
    frame = sheet(workbook, "Money out")
    records = list_money_out(ctx, ledger.rid, START, END)
    frame.index = pd.Index([m.id for m in records])  # the sheet lists them in the same order
    assert frame["Amount"].dtype.kind == "f" and frame["Date"].dtype.kind == "M"
    assert [d.date() for d in frame["Date"]] == [m.date for m in records]
    assert pence(frame["Amount"]) == [m.amount.pence for m in records]
    assert list(frame["Payee"]) == [m.payee for m in records]
    assert [None if pd.isna(c) else c for c in frame["Category"]] == [m.category for m in records]
    split = next(m for m in records if m.amount.pence == 49000)
    assert frame.loc[split.id, "Invoices paid"] == "INV-1010; INV-1011"
    assert frame.loc[split.id, "Evidence"] == (
        "2026-10-05_Bright-Homecare_INV-1010.pdf; 2026-10-15_Bright-Homecare_INV-1011.pdf"
    )
    assert list(frame.loc[ledger.no_evidence, "Evidence"]) == ["MISSING"] * len(ledger.no_evidence)
    proven = frame.drop(index=ledger.no_evidence)
    assert "MISSING" not in set(proven["Evidence"])
    ws = openpyxl.load_workbook(workbook)["Money out"]
    missing = [c for c in ws["G"] if c.value == "MISSING"]
    assert len(missing) == len(ledger.no_evidence)
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("FFC7CE") for c in missing)


def test_invoices_sheet_equals_invoice_states(ctx: Context, ledger: Ledger, workbook: Path) -> None:
    """Invoices: amount, paid, outstanding and status as the app works them out."""
    frame = sheet(workbook, "Invoices")
    states = [s for s in invoice_states(ctx, ledger.rid) if s.invoice.issue_date <= END]
    assert list(frame["Number"]) == [s.invoice.number for s in states]
    assert pence(frame["Outstanding"]) == [s.outstanding.pence for s in states]
    assert pence(frame["Paid"]) == [s.allocated.pence for s in states]
    status_words = {"unpaid": "Unpaid", "part-paid": "Part paid", "paid": "Paid"}
    assert list(frame["Status"]) == [status_words[s.status.value] for s in states]
    assert list(frame["Overdue"]) == ["Yes" if s.overdue else "No" for s in states]
    assert list(frame["Hours"]) == [s.invoice.hours_centi / 100 for s in states]  # type: ignore[operator]
    assert frame["Issue date"].dtype.kind == "M" and frame["Service from"].dtype.kind == "M"


def test_budget_sheet_equals_month_summaries(ctx: Context, ledger: Ledger, workbook: Path) -> None:
    """Budget by month: each month's budget, spent and balance equal `kentcard budget`; the
    roll-forward columns are formulas over the Money in and Money out sheets."""
    frame = sheet(workbook, "Budget by month")
    months = [Month(2026, m) for m in range(5, 11)]
    summaries = [month_summary(ctx, ledger.rid, m) for m in months]
    assert [d.date() for d in frame["Month"]] == [m.first for m in months]
    assert pence(frame["Budget"]) == [s.budget.pence for s in summaries]
    assert pence(frame["Spent"]) == [s.spent.pence for s in summaries]
    assert pence(frame["Remaining"]) == [s.remaining.pence for s in summaries]
    assert pence(frame["Carried forward"]) == [s.balance.pence for s in summaries]
    ws = openpyxl.load_workbook(workbook)["Budget by month"]
    assert ws["E3"].value == "=H2"  # brought forward: the month before's carried forward
    assert ws["F2"].value.startswith("=ROUND(SUMIFS('Money in'!$B$2:$B$")
    assert ws["G2"].value.startswith("=ROUND(SUMIFS('Money out'!$B$2:$B$")
    assert ws["I2"].value.startswith('=IF(ROUND(E2+F2-G2-H2,2)=0,"OK"')


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
    assert frame["What it proves"].str.match(r"(Payment|Invoice|Money in) ").all()


def test_exceptions_sheet_lists_the_review_findings(
    ctx: Context, ledger: Ledger, workbook: Path
) -> None:
    """Exceptions: the same findings as `kentcard review`, in words, in the same order."""
    frame = sheet(workbook, "Exceptions")
    findings = review(ctx, ledger.rid, START, END)
    assert list(frame["What"]) == [kind_heading(f.kind) for f in findings]
    assert list(frame["Detail"]) == [f.message for f in findings]
    assert Counter(frame["What"])[kind_heading(Kind.NO_EVIDENCE)] == len(ledger.no_evidence)
    about = [None if pd.isna(a) else a for a in frame["About"]]
    assert about == [f.about for f in findings]


def test_cells_have_money_and_date_formats(workbook: Path) -> None:
    """Money cells are numbers formatted £#,##0.00; date cells are dates with a date format."""
    ws = openpyxl.load_workbook(workbook)["Money out"]
    date_cell, amount_cell = ws["A2"], ws["B2"]
    assert date_cell.is_date and date_cell.number_format == "dd/mm/yyyy"
    assert amount_cell.data_type == "n" and amount_cell.number_format == "£#,##0.00"


def test_summary_totals_are_formulas_over_the_data_sheets(workbook: Path) -> None:
    """The Summary's totals are formulas over the lists (never their total rows), with checks."""
    ws = openpyxl.load_workbook(workbook)["Summary"]
    formulas = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    last = openpyxl.load_workbook(workbook)["Money in"].max_row - 1  # above the total row
    sources, amounts = f"'Money in'!$C$2:$C${last}", f"'Money in'!$B$2:$B${last}"
    assert formulas["Received from KCC"] == (f'=ROUND(SUMPRODUCT(({sources}="KCC")*{amounts}),2)')
    assert str(formulas["Carried forward on 31/10/2026"]).startswith("=ROUND(B")
    assert "'Invoices'!$F$2:$F$" in str(formulas["Invoices still to pay on 31/10/2026"])
    assert str(formulas["Check"]).startswith("=IF(")
    assert ws._charts, "a chart of budget against spending"


def test_sheets_print_at_85_percent_or_more(workbook: Path) -> None:
    """Each list's printed columns are narrow enough for an A4 landscape page at 85 % (the
    page holds about 114 character widths at 100 %), and its technical ones do not print."""
    book = openpyxl.load_workbook(workbook)
    for name in DATA:
        ws = book[name]
        area = ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area
        last = area.split(":")[1].lstrip("$").rstrip("0123456789$")
        widths = [
            ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width
            for i in range(1, openpyxl.utils.column_index_from_string(last) + 1)
        ]
        assert sum(widths) <= 114 / 0.85, (name, widths)
    evidence = book["Evidence"]
    assert "SHA-256" not in [c.value for c in evidence["A1:E1"][0]]
