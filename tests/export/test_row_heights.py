"""Wrapped text gets a row tall enough to show it, since spreadsheet programs do not fit a
row to its wrapped text on opening; the line count is checked against a plain count."""

from __future__ import annotations

import textwrap
from pathlib import Path

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from kentcard.export.xlsx import LINE_HEIGHT, _lines

DATA = ["Exceptions", "Money in", "Money out", "Invoices", "Budget by month", "Evidence"]


def plain_lines(text: str, width: float) -> int:
    """Letter by letter: capitals and digits one unit, small letters 0.82, spaces and
    punctuation 0.5; the text wraps at as many letters of its average width as fit."""
    if len(text) < width - 1 and "\n" not in text:
        return 1
    units = sum(0.5 if c in " .,;:'!|()-_/" else 0.82 if c.islower() else 1.0 for c in text)
    fits = max(1, int((width - 1) * len(text) / (units or 1.0)))
    return sum(
        len(textwrap.wrap(part, width=fits, break_long_words=True)) or 1
        for part in text.splitlines() or [""]
    )


LETTERS = st.sampled_from("abcxyzABCXYZ0189 .,;:'!|()-_/\n")


@given(st.data(), st.sampled_from([8.0, 12.5, 30.0, 44.0]))
def test_line_count_equals_the_plain_count(data: st.DataObject, width: float) -> None:
    """Texts around the column's width, where one letter decides a line more or less."""
    size = data.draw(st.integers(int(width) - 2, int(width) * 3))
    text = data.draw(st.text(alphabet=LETTERS, min_size=size, max_size=size))
    assert _lines(text, width) == plain_lines(text, width)


def test_rows_with_wrapped_text_are_as_tall_as_their_lines(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    taller = 0
    for name in DATA:
        ws = book[name]
        for row in ws.iter_rows(min_row=2, max_row=ws.max_row - 1):  # not the total row
            wrapped = [
                plain_lines(c.value, ws.column_dimensions[c.column_letter].width)
                for c in row
                if c.alignment.wrap_text and isinstance(c.value, str)
            ]
            lines = max(wrapped, default=1)
            height = ws.row_dimensions[row[0].row].height
            assert height == (LINE_HEIGHT * lines if lines > 1 else None), (name, row[0].row)
            taller += lines > 1
    assert taller, "the ledger has text long enough to wrap"
