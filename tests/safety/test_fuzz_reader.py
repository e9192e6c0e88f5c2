"""The statement reader on damaged files: every sample layout, cut, shuffled and corrupted.

Whatever is done to a file, `parse_statement` gives a statement whose lines are all real
movements (not £0.00, dated within the years the ledger takes, in date order) or one
InputError that names where (`line 3: ...`, `statement: ...`). A few hundred examples run
by default; `KENTCARD_SOAK=1 pytest tests/safety/test_fuzz_reader.py` runs thousands.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kentcard.core.dates import EARLIEST, LATEST
from kentcard.core.errors import InputError
from kentcard.importers.statement import ParsedStatement, parse_statement

SOAK = os.environ.get("KENTCARD_SOAK") == "1"
SAMPLES = Path(__file__).parents[1] / "importers" / "samples"

# The layouts the importer tests build by hand, beside the bank samples.
BUILT = [
    b"Date,Description,Amount,Balance\n05/11/2026,TESCO,-12.00,100.00\n"
    b"06/11/2026,BOOTS,-3.00,97.00\n07/11/2026,KCC,500.00,597.00\n",
    b"When,What,Cost,Left\n11.05.2026,TESCO,12.00,88.00\n",
    b"X1,05/11/2026,TESCO,12.00,\nX2,06/11/2026,KCC,,100.00\n",
    b"05/01/2026,TESCO,-1.00\n06/01/2026,SHOP,-2.00\n07/01/2026,KCC,300.00\n",
    b"Date,Merchant Name,Amount\n05/01/2026,Tesco Stores,-12.50\n06/01/2026,Boots,-3.99\n",
    b'Date,Description,Amount\n05/01/2026,TESCO,"\xc2\xa3\n12.50"\n',
    b"Date,Paid out,Paid in,Balance\n5 Nov 2026,12.00,,88.00\n6 Nov 2026,,100.00,188.00\n",
]
SEEDS = [p.read_bytes() for p in sorted(SAMPLES.glob("*.csv"))] + BUILT

FIELD = re.compile(r"(line [0-9]+|statement|date-column|amount-column): \S")
GARBAGE_DATES = [b"31/02/2026", b"00/00/0000", b"01/01/1899", b"01/01/2200", b"yesterday", b""]
GARBAGE_AMOUNTS = [
    b"abc",
    b"1e9",
    b"99999999999999.99",
    b"9" * 5000,
    b"\xc2\xa3",
    b"--1.00",
    b"0.00",
    b"(",
    b"1,2,3",
    b"12.345",
    b'"',
]
JUNK = [
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\x80\x81",
    b'"',
    b'""',
    b"\r",
    b"\n",
    b"\t",
    b";",
    b"\xe2\x80\xae",
]
DATE = re.compile(rb"[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{2,4}|[0-9]{1,2} [A-Z][a-z]{2} [0-9]{4}")
AMOUNT = re.compile(rb"-?\xc2?\xa3?[0-9][0-9,]*\.[0-9]{2}")

KINDS = [
    "delete", "duplicate", "swap", "cut", "add_cell", "remove_cell", "quote", "quoted_newline",
    "junk", "bom", "delimiter", "bad_date", "bad_amount", "empty",
]  # fmt: skip
MUTATION = st.tuples(
    st.sampled_from(KINDS),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.integers(0, 100),
)


def mutate(data: bytes, kind: str, i: int, j: int, k: int) -> bytes:
    """One damage to the file; `i`, `j` and `k` pick the line, the place and the junk."""
    lines = data.split(b"\n")
    at, other = i % len(lines), j % len(lines)
    line = lines[at]
    if kind == "delete":
        del lines[at]
    elif kind == "duplicate":
        lines.insert(at, line)
    elif kind == "swap":
        lines[at], lines[other] = lines[other], line
    elif kind == "cut":
        lines[at] = line[: j % (len(line) + 1)]
    elif kind == "add_cell":
        lines[at] = line + b"," + GARBAGE_AMOUNTS[k % len(GARBAGE_AMOUNTS)]
    elif kind == "remove_cell":
        lines[at] = line.rpartition(b",")[0]
    elif kind == "quote":
        cut = j % (len(line) + 1)
        lines[at] = line[:cut] + b'"' + line[cut:]
    elif kind == "quoted_newline":
        cells = line.split(b",")
        cells[j % len(cells)] = b'"' + cells[j % len(cells)].replace(b"/", b"/\n", 1) + b'\n"'
        lines[at] = b",".join(cells)
    elif kind == "junk":
        cut = j % (len(line) + 1)
        lines[at] = line[:cut] + JUNK[k % len(JUNK)] + line[cut:]
    elif kind == "bom":
        return b"\xef\xbb\xbf" + data
    elif kind == "delimiter":
        return data.replace(b",", [b";", b"\t", b"|", b", "][k % 4])
    elif kind == "bad_date":
        lines[at] = DATE.sub(GARBAGE_DATES[k % len(GARBAGE_DATES)], line, count=1)
    elif kind == "bad_amount":
        lines[at] = AMOUNT.sub(GARBAGE_AMOUNTS[k % len(GARBAGE_AMOUNTS)], line, count=1)
    elif kind == "empty":
        return b""
    return b"\n".join(lines)


def check(data: bytes) -> None:
    """A statement of real, dated, ordered lines, or one InputError naming the field."""
    try:
        parsed = parse_statement(data)
    except InputError as error:
        assert FIELD.match(str(error)), str(error)
        return
    assert isinstance(parsed, ParsedStatement)
    assert parsed.lines or parsed.skipped
    for line in parsed.lines:
        assert line.amount.pence != 0, line
        assert EARLIEST <= line.date <= LATEST, line
    days = [line.date for line in parsed.lines]
    assert days == sorted(days)


@settings(
    max_examples=5000 if SOAK else 300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(seed=st.sampled_from(SEEDS), mutations=st.lists(MUTATION, max_size=6))
def test_damaged_statements_parse_or_are_refused_by_line(
    seed: bytes, mutations: list[tuple[str, int, int, int]]
) -> None:
    """Any damage to any sample layout: real lines in date order, or an InputError naming where."""
    data = seed
    for mutation in mutations:
        data = mutate(data, *mutation)
    check(data)


@settings(max_examples=2000 if SOAK else 100, deadline=None)
@given(
    rows=st.lists(
        st.lists(
            st.sampled_from(
                ["05/01/2026", "2026-01-06", "7 Jan 2026", "-1.00", "2.50", "", "TESCO", "X", "0"]
            ),
            min_size=1,
            max_size=6,
        ),
        min_size=1,
        max_size=12,
    )
)
def test_headerless_rows_of_any_width_parse_or_are_refused(rows: list[list[str]]) -> None:
    """Rows without a header, of uneven widths, with dates and amounts in any column."""
    check("\n".join(",".join(cells) for cells in rows).encode())
