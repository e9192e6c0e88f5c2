"""The workbook's PA employment sheet and the pack's employment evidence, from a worked
example entered through the services: two PAs, two four-weekly payslips each.

The figures the tests expect are worked out by hand in the comments below, not by the app.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kentcard.core.employment.records import WorkKind
from kentcard.core.money import Money
from kentcard.services import employment, ledger
from kentcard.services.context import Context
from kentcard.services.employment import PayslipFigures, RateTerms
from kentcard.services.export import Format, export
from kentcard.services.recipients import setup_recipient

START, END = date(2026, 4, 1), date(2026, 5, 31)
SAM, ALEX = "Sam Taylor", "Alex Green"
SHEET = "PA employment"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh database, not the export tests' six-month ledger."""
    return tmp_path / "db" / "kentcard.sqlite3"


@dataclass
class Example:
    rid: int
    files: dict[str, bytes]  # what each attached file is → its bytes


def _file(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def _slip(
    ctx: Context,
    rid: int,
    who: str,
    period: tuple[date, date],
    paid_on: date,
    figures: PayslipFigures,
    payment: date | None,
    file: Path | None = None,
) -> None:
    """A payslip, linked to a card payment of its net on `payment` when given."""
    money_out_id = None
    if payment is not None:
        paid = ledger.add_money_out(ctx, rid, date=payment, amount=figures.net, payee=who)
        money_out_id = paid.id
    employment.add_payslip(
        ctx,
        rid,
        employee=who,
        period_start=period[0],
        period_end=period[1],
        paid_on=paid_on,
        figures=figures,
        money_out_id=money_out_id,
        file=file,
    )


def build(ctx: Context, folder: Path) -> Example:
    """Sam from 1 April at £13.00, Alex from 6 April at £12.80 (both four-weekly); cover
    from 6 April; two payslips each for 6 April–3 May and 4–31 May, and a third of Sam's
    for June, outside the period."""
    folder.mkdir(exist_ok=True)
    rid = setup_recipient(ctx, name="Jo Bloggs", kcc_ref="DP123456").id
    files = {
        "contract": b"Contract of employment: Alex Green\n",
        "certificate": PDF,
        "timesheet": b"Timesheet 7 April 2026, signed Sam Taylor\n",
        "payslip": b"Payslip Sam Taylor 6 April - 3 May 2026, net 411.00\n",
        "june": b"Payslip Sam Taylor June 2026\n",
    }
    weeks4 = RateTerms(Money(1300), frequency=employment.PayFrequency.FOUR_WEEKLY)
    employment.add_employee(ctx, rid, name=SAM, start=date(2026, 4, 1), terms=weeks4)
    employment.add_employee(
        ctx,
        rid,
        name=ALEX,
        start=date(2026, 4, 6),
        terms=RateTerms(Money(1280), frequency=employment.PayFrequency.FOUR_WEEKLY),
        file=_file(folder, "contract.txt", files["contract"]),
    )
    employment.add_insurance(
        ctx,
        rid,
        insurer="Acme Mutual",
        policy="EL-2026-001",
        start=date(2026, 4, 6),
        renewal=date(2027, 4, 6),
        cover=Money(500_000_000),
        premium=Money(12000),
        file=_file(folder, "certificate.pdf", files["certificate"]),
    )
    signed = _file(folder, "timesheet.txt", files["timesheet"])
    for who, day, minutes, kind, file in (
        # Sam, 6 April–3 May: care and other 450 + 45 + 60 = 555 min = 9.25 h; asleep 10 h;
        # holiday 7.50 h; sick 7 h.
        (SAM, date(2026, 4, 7), 450, WorkKind.CARE, signed),
        (SAM, date(2026, 4, 8), 45, WorkKind.TRAVEL, None),
        (SAM, date(2026, 4, 9), 600, WorkKind.SLEEP_IN, None),
        (SAM, date(2026, 4, 9), 60, WorkKind.SLEEP_IN_AWAKE, None),
        (SAM, date(2026, 4, 14), 450, WorkKind.HOLIDAY, None),
        (SAM, date(2026, 4, 21), 420, WorkKind.SICK, None),
        # Sam, 4–31 May: 480 + 540 = 1,020 min = 17 h; holiday 8 h (15.50 h in the leave year).
        (SAM, date(2026, 5, 5), 480, WorkKind.CARE, None),
        (SAM, date(2026, 5, 12), 540, WorkKind.WAKING_NIGHT, None),
        (SAM, date(2026, 5, 19), 480, WorkKind.HOLIDAY, None),
        # Alex, 6 April–3 May: 360 + 90 = 450 min = 7.50 h.
        (ALEX, date(2026, 4, 10), 360, WorkKind.CARE, None),
        (ALEX, date(2026, 4, 17), 90, WorkKind.TRAINING, None),
        # Alex, 4–31 May: 375 min = 6.25 h; sick 5 h.
        (ALEX, date(2026, 5, 8), 375, WorkKind.CARE, None),
        (ALEX, date(2026, 5, 15), 300, WorkKind.SICK, None),
    ):
        employment.add_timesheet_line(
            ctx, rid, employee=who, day=day, minutes=minutes, kind=kind, file=file
        )
    april, may = (date(2026, 4, 6), date(2026, 5, 3)), (date(2026, 5, 4), date(2026, 5, 31))
    # Net = gross - tax - employee NI - employee pension, each as issued.
    _slip(
        ctx, rid, SAM, april, date(2026, 5, 8),
        PayslipFigures(Money(45000), Money(41100), Money(2000), Money(800), Money(1100),
                       Money(1500), Money(700)),
        payment=date(2026, 5, 8), file=_file(folder, "payslip.txt", files["payslip"]),
    )  # fmt: skip
    _slip(
        ctx, rid, SAM, may, date(2026, 6, 5),
        PayslipFigures(Money(52000), Money(46500), Money(3000), Money(1200), Money(1300),
                       Money(2100), Money(800)),
        payment=date(2026, 6, 5),
    )  # fmt: skip
    _slip(ctx, rid, ALEX, april, date(2026, 5, 8), PayslipFigures(Money(9600), Money(9600)),
          payment=date(2026, 5, 8))  # fmt: skip
    _slip(
        ctx, rid, ALEX, may, date(2026, 6, 5),
        PayslipFigures(Money(14400), Money(14400), employer_ni=Money(250)), payment=None,
    )  # fmt: skip
    _slip(
        ctx, rid, SAM, (date(2026, 6, 1), date(2026, 6, 28)), date(2026, 7, 3),
        PayslipFigures(Money(30000), Money(30000)), payment=None,
        file=_file(folder, "june.txt", files["june"]),
    )  # fmt: skip
    return Example(rid, files)


# The rows by hand, in the sheet's order (by PA, then period): PA, from, to, pay date, hours
# (care and other, asleep, holiday, sick), gross, tax, employee NI, employee pension, net,
# employer NI, employer pension, card payment, card paid on, HMRC due (tax + employee NI +
# employer NI), holiday taken in the leave year (from 1 April) by the period's end, and
# holiday left: 5.6 weeks of the PA's average week (no contracted hours), pro rata for the
# days employed in the leave year, less what was taken.
#   Sam (from 1 April): 3,525 min on timesheets from 1 April to 19 May (49 days) → 3,525 ×
#   7 / 49 = 503.57 min a week; × 5.6 = 2,820 min allowed; less 450 taken = 2,370 min =
#   39.50 h (April), less 930 = 1,890 min = 31.50 h (May).
#   Alex (from 6 April, 360 of 365 days): 1,125 min from 6 April to 15 May (40 days) →
#   196.875 min a week; × 5.6 × 360 / 365 = 1,087.40 min allowed, none taken: 1,087 min
#   = 18.12 h.
ROWS = [
    (ALEX, date(2026, 4, 6), date(2026, 5, 3), date(2026, 5, 8), "7.50", "0.00", "0.00", "0.00",
     "96.00", "0.00", "0.00", "0.00", "96.00", "0.00", "0.00", "96.00", date(2026, 5, 8),
     "0.00", "0.00", "18.12"),
    (ALEX, date(2026, 5, 4), date(2026, 5, 31), date(2026, 6, 5), "6.25", "0.00", "0.00", "5.00",
     "144.00", "0.00", "0.00", "0.00", "144.00", "2.50", "0.00", "not linked", None,
     "2.50", "0.00", "18.12"),
    (SAM, date(2026, 4, 6), date(2026, 5, 3), date(2026, 5, 8), "9.25", "10.00", "7.50", "7.00",
     "450.00", "20.00", "8.00", "11.00", "411.00", "15.00", "7.00", "411.00", date(2026, 5, 8),
     "43.00", "7.50", "39.50"),  # HMRC: 20 + 8 + 15
    (SAM, date(2026, 5, 4), date(2026, 5, 31), date(2026, 6, 5), "17.00", "0.00", "8.00", "0.00",
     "520.00", "30.00", "12.00", "13.00", "465.00", "21.00", "8.00", "465.00", date(2026, 6, 5),
     "63.00", "15.50", "31.50"),  # HMRC: 30 + 12 + 21
]  # fmt: skip
# Column by column: hours 7.50 + 6.25 + 9.25 + 17 = 40; asleep 10; holiday 7.50 + 8 = 15.50;
# sick 5 + 7 = 12; gross 96 + 144 + 450 + 520 = 1,210; tax 50; employee NI 20; employee
# pension 24; net 96 + 144 + 411 + 465 = 1,116; employer NI 2.50 + 15 + 21 = 38.50; employer
# pension 15; card 96 + 411 + 465 = 972 ("not linked" is not a number); HMRC 2.50 + 43 + 63
# = 108.50. Holiday taken and left are running figures: not summed.
TOTALS = (
    "Total", None, None, None, "40.00", "10.00", "15.50", "12.00", "1210.00", "50.00", "20.00",
    "24.00", "1116.00", "38.50", "15.00", "972.00", None, "108.50", None, None,
)  # fmt: skip


def _plain(value: Any) -> Any:
    """A cell's value as the expected rows spell it: numbers as 2-decimal text, days as dates."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return f"{Decimal(str(value)):.2f}"
    return value.date() if hasattr(value, "date") else value


def _rows(ws: Any) -> list[tuple[Any, ...]]:
    return [tuple(_plain(v) for v in row) for row in ws.iter_rows(values_only=True)]


def recalculated(workbook: Path, tmp_path: Path) -> Path:
    """The workbook after LibreOffice has loaded, recalculated and saved it (as the tests
    in test_libreoffice.py do)."""
    out = tmp_path / "recalculated"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(out), str(workbook)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return out / workbook.name


def test_pa_sheet_rows_are_the_worked_example(ctx: Context, tmp_path: Path) -> None:
    """Each payslip in the period is a row: hours by kind, pay, card payment and HMRC due."""
    example = build(ctx, tmp_path / "files")
    path = export(ctx, example.rid, START, END, Format.XLSX, tmp_path / "review.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[-2:] == [SHEET, "Evidence"]
    ws = book[SHEET]
    rows = _rows(ws)
    assert rows[0][:4] == ("PA", "Period from", "Period to", "Pay date")
    # Written as the app's values except HMRC due, a formula over the row's tax and NI.
    body = [row[:17] + row[18:] for row in rows[1:5]]
    assert body == [row[:17] + row[18:] for row in ROWS]
    assert [row[17] for row in rows[1:5]] == [f"=ROUND(J{n}+K{n}+N{n},2)" for n in range(2, 6)]
    assert ws["I2"].number_format == "£#,##0.00" and ws["E2"].number_format == "0.00"
    assert isinstance(ws["I2"].value, int | float) and ws["I2"].value == 96
    assert ws.freeze_panes == "E2" and ws.print_title_cols == "$A:$D"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is needed")
def test_pa_sheet_totals_recalculate_to_the_hand_figures(ctx: Context, tmp_path: Path) -> None:
    """LibreOffice recalculates the total row and each HMRC due to the figures worked by hand."""
    example = build(ctx, tmp_path / "files")
    path = export(ctx, example.rid, START, END, Format.XLSX, tmp_path / "review.xlsx")
    ws = openpyxl.load_workbook(recalculated(path, tmp_path), data_only=True)[SHEET]
    rows = _rows(ws)
    assert rows[1:5] == ROWS
    assert rows[5] == TOTALS


def test_insurance_block_names_the_policy_its_certificate_and_the_days_without(
    ctx: Context, tmp_path: Path
) -> None:
    """Under the list: the policy, its certificate's pack name, and 1–5 April without cover."""
    example = build(ctx, tmp_path / "files")
    path = export(ctx, example.rid, START, END, Format.XLSX, tmp_path / "review.xlsx")
    rows = _rows(openpyxl.load_workbook(path)[SHEET])
    title = rows.index(("Employer's liability insurance",) + (None,) * 19)
    header = [v for v in rows[title + 1] if v is not None]
    assert header == ["Insurer", "Policy", "From", "Renewal", "Certificate", "Cover", "Premium"]
    policy = [v for v in rows[title + 2] if v is not None]
    assert policy == [
        "Acme Mutual", "EL-2026-001", date(2026, 4, 6), date(2027, 4, 6),
        "2026-04-06_Acme-Mutual_insurance-certificate.pdf", "5000000.00", "120.00",
    ]  # fmt: skip
    gap = [v for v in rows[title + 3] if v is not None]
    assert gap == ["No cover", "No employer's liability insurance recorded for 1–5 April 2026"]


def test_no_pa_sheet_for_a_person_who_employs_no_pa(ctx: Context, tmp_path: Path) -> None:
    """A person with payments but no PA gets the usual sheets, no empty PA employment sheet,
    and no PA kinds of query among the Summary's counts."""
    rid = setup_recipient(ctx, name="Jo Bloggs").id
    ledger.add_money_out(ctx, rid, date=date(2026, 5, 2), amount=Money(2500), payee="Taxi Co")
    path = export(ctx, rid, START, END, Format.XLSX, tmp_path / "review.xlsx")
    book = openpyxl.load_workbook(path)
    assert SHEET not in book.sheetnames
    summary = {row[0] for row in book["Summary"].iter_rows(values_only=True)}
    assert "PA pay below the minimum wage" not in summary  # nor the PA kinds of query
    pack = export(ctx, rid, START, END, Format.PACK, tmp_path / "review.zip")
    with zipfile.ZipFile(pack) as archive:
        assert SHEET not in archive.read("README.txt").decode("utf-8")


def test_a_pa_with_no_payslip_yet_gets_a_sheet_whose_totals_sum_nothing(
    ctx: Context, tmp_path: Path
) -> None:
    """A PA employed but not yet paid: the sheet says so, and its totals never sum their own row."""
    rid = setup_recipient(ctx, name="Jo Bloggs").id
    employment.add_employee(
        ctx, rid, name=SAM, start=date(2026, 5, 1), terms=RateTerms(Money(1300))
    )
    path = export(ctx, rid, START, END, Format.XLSX, tmp_path / "review.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book[SHEET]
    assert (ws["A2"].value, ws["A3"].value) == ("No payslip for the period", "Total")
    summary = {row[0] for row in book["Summary"].iter_rows(values_only=True)}
    assert "PA pay below the minimum wage" in summary  # the PA kinds of query are counted
    assert ws["I3"].value == "=ROUND(SUM(I2:I2),2)"


def test_unlinked_payslip_says_not_linked(ctx: Context, tmp_path: Path) -> None:
    """A payslip with no card payment linked shows "not linked" and no paid-on date."""
    example = build(ctx, tmp_path / "files")
    path = export(ctx, example.rid, START, END, Format.XLSX, tmp_path / "review.xlsx")
    ws = openpyxl.load_workbook(path)[SHEET]
    assert (ws["A3"].value, ws["P3"].value, ws["Q3"].value) == (ALEX, "not linked", None)
    assert ws["P3"].data_type == "s"


def test_pack_holds_each_employment_document_once_by_a_readable_name(
    ctx: Context, tmp_path: Path
) -> None:
    """Payslip, signed timesheet, certificate and contract are in the pack once each, by name."""
    example = build(ctx, tmp_path / "files")
    pack = export(ctx, example.rid, START, END, Format.PACK, tmp_path / "review.zip")
    with zipfile.ZipFile(pack) as archive:
        evidence = {
            n.removeprefix("evidence/"): archive.read(n)
            for n in archive.namelist()
            if n.startswith("evidence/")
        }
        readme = archive.read("README.txt").decode("utf-8")
        workbook = openpyxl.load_workbook(io.BytesIO(archive.read(archive.namelist()[1])))
    files = example.files
    # Sam's April payslip also proves the card payment of 8 May: one file, named after it.
    assert evidence == {
        "2026-04-06_Alex-Green_contract.txt": files["contract"],
        "2026-04-06_Acme-Mutual_insurance-certificate.pdf": files["certificate"],
        "2026-04-07_Sam-Taylor_timesheet.txt": files["timesheet"],
        "2026-05-08_Sam-Taylor_payslip.txt": files["payslip"],
    }  # June's payslip is for days after the period
    assert "- PA employment:" in readme and "signed timesheet" in readme
    money_out = _rows(workbook["Money out"])
    sam = [r for r in money_out if r[2] == SAM and r[0] == date(2026, 5, 8)]
    assert sam[0][6] == "2026-05-08_Sam-Taylor_payslip.txt"
    proves = {r[0]: r[1] for r in _rows(workbook["Evidence"])[1:-1]}
    assert proves["2026-05-08_Sam-Taylor_payslip.txt"] == (
        "Payment 8 May 2026, Sam Taylor, £411.00; Payslip 6 April – 3 May 2026, Sam Taylor"
    )
    assert proves["2026-04-07_Sam-Taylor_timesheet.txt"] == "Timesheet 7 April 2026, Sam Taylor"
