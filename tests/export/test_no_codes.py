"""A reviewer reads words, never the app's own ids and codes.

Every cell of the workbook (and each string in its formulas), every field of the CSV files,
the READMEs and `kentcard review`'s text are searched for record tags (`money-out:12`,
`invoice:3`, `month:2026-11`), the kinds of finding as codes (`no-evidence`, ...), and
sources, origins, statuses, frequencies and document kinds as codes (`kcc`, `manual`,
`part-paid`, ...). Tags and hyphenated codes count anywhere in a text; a short word only
as a whole value, so "Your contribution" and "From statement" are words, not codes.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from kentcard.cli import app
from kentcard.core.records import (
    DocumentKind,
    Frequency,
    InvoiceStatus,
    Origin,
    ProviderKind,
    Source,
)
from kentcard.services.context import Context
from kentcard.services.export import Format, export
from kentcard.services.review import Kind
from tests.conftest import TODAY
from tests.export.ledger import END, START, Ledger

TAG = re.compile(r"\b(?:money-out|money-in|invoice|month|document|lock|allocation|plan):\d")
CODES = {str(v) for enum in (Kind, Source, Origin, InvoiceStatus, Frequency, DocumentKind,
                              ProviderKind) for v in enum}  # fmt: skip
HYPHENATED = sorted((c for c in CODES if "-" in c), key=len, reverse=True)
FORMULA_TEXT = re.compile(r'"((?:[^"]|"")*)"')


def codes_in(text: str) -> list[str]:
    """The tags and codes in one cell, field or line of text."""
    found = [m.group(0) for m in TAG.finditer(text)]
    found += [code for code in HYPHENATED if code in text]
    if text.strip() in CODES:
        found.append(text.strip())
    return found


def check(where: str, texts: Iterator[tuple[str, str]]) -> int:
    """Assert no text has a code in it; returns how many texts were looked at."""
    seen, bad = 0, []
    for place, text in texts:
        seen += 1
        bad += [(place, text, code) for code in codes_in(text)]
    assert not bad, f"{where}: {bad[:10]}"
    return seen


def test_the_patterns_find_codes_and_pass_words() -> None:
    codes = ("money-out:12", "see invoice:3", "month:2026-11", "no-evidence", "kcc",
             "contribution", "opening", "manual", "statement", "part-paid", "unpaid",
             "overdue-invoice", "dated-later", "overspent", "surplus", "four-weekly")  # fmt: skip
    for code in codes:
        assert codes_in(code), code
    for words in ("Your contribution", "From statement", "Entered by hand", "Part paid",
                  "Unpaid", "KCC", "Opening balance", "Possible surplus", "Overspent",
                  "    Budget for a month: the payment × 13 ÷ 12", "Invoice INV-1001, Bright",
                  "2026-05-05_Bright-Homecare_INV-1005.pdf"):  # fmt: skip
        assert not codes_in(words), words


def workbook_texts(path: Path) -> Iterator[tuple[str, str]]:
    """Each text cell, each string inside a formula, and each page header and footer."""
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, str):
                    continue
                place = f"{ws.title}!{cell.coordinate}"
                if value.startswith("="):
                    for literal in FORMULA_TEXT.findall(value):
                        yield place, literal.replace('""', '"')
                    yield place, FORMULA_TEXT.sub('""', value)  # the formula's own text
                else:
                    yield place, value
        for part in (ws.oddHeader, ws.oddFooter):
            for side in (part.left, part.center, part.right):
                if side.text:
                    yield f"{ws.title} header/footer", side.text


def readme_texts(name: str, text: str) -> Iterator[tuple[str, str]]:
    """Each line, and each key figure's label and value (`  Label:   value`) on its own."""
    for n, line in enumerate(text.splitlines(), start=1):
        yield f"{name}:{n}", line
        figure = re.fullmatch(r"  (.+?):\s+(.+)", line)
        if figure:
            yield f"{name}:{n} label", figure.group(1)
            yield f"{name}:{n} value", figure.group(2)


def test_no_code_in_the_workbook(workbook: Path) -> None:
    assert check("workbook", workbook_texts(workbook)) > 500


def test_no_code_in_the_csv_files_or_their_readme(
    ctx: Context, ledger: Ledger, tmp_path: Path
) -> None:
    folder = export(ctx, ledger.rid, START, END, Format.CSV, tmp_path / "out" / "csv")
    files = sorted(folder.glob("*.csv"))
    assert len(files) == 7

    def fields() -> Iterator[tuple[str, str]]:
        for path in files:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                for n, row in enumerate(csv.reader(handle), start=1):
                    for value in row:
                        yield f"{path.name}:{n}", value

    assert check("CSV files", fields()) > 500
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert check("CSV README", readme_texts("README.txt", readme)) > 20


def test_no_code_in_the_pack_readme_or_its_workbook(pack: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(pack) as archive:
        readme = archive.read("README.txt").decode("utf-8")
        name = next(n for n in archive.namelist() if n.endswith(".xlsx"))
        (tmp_path / "packed.xlsx").write_bytes(archive.read(name))
    assert check("pack README", readme_texts("README.txt", readme)) > 20
    assert check("packed workbook", workbook_texts(tmp_path / "packed.xlsx")) > 500


def table_cells(text: str) -> Iterator[tuple[str, str]]:
    """The cells of `kentcard review`'s table, cut where its row of dashes says."""
    lines = text.splitlines()
    rule = next(n for n, line in enumerate(lines) if line.startswith("---"))
    spans = [m.span() for m in re.finditer(r"-+", lines[rule])]
    for n, line in enumerate(lines):
        yield f"line {n + 1}", line
        if n > rule:
            for i, (a, _) in enumerate(spans):
                b = spans[i + 1][0] if i + 1 < len(spans) else len(line)
                yield f"line {n + 1} column {i + 1}", line[a:b].strip()


@pytest.mark.parametrize("period", [("--from", START.isoformat(), "--to", END.isoformat()), ()])
def test_no_code_in_the_review_command(
    db_path: Path, ledger: Ledger, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    period: tuple[str, ...],
) -> None:  # fmt: skip
    """For the ledger's six months, and by default (from the plan's start to today)."""
    monkeypatch.setenv("KENTCARD_DB", str(db_path))
    monkeypatch.setenv("KENTCARD_TODAY", TODAY.isoformat())
    monkeypatch.setenv("KENTCARD_KEEP_DAILY", "0")
    monkeypatch.setenv("KENTCARD_KEEP_WEEKLY", "0")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["review", *period], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "things a reviewer would query" in result.stdout
    assert check("kentcard review", table_cells(result.stdout)) > 40
