"""Every sample statement layout, parsed line by line (the samples are fictional)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kentcard.importers.statement import parse_statement

SAMPLES = Path(__file__).parent / "samples"
NOV = 11
# The same five card movements, as each bank or portal writes them: (day, pence, balance).
MOVES = [(3, 100000, 131240), (3, 8400, 139640), (10, -56000, 83640), (18, -4599, 79041),
         (21, -3000, 76041)]  # fmt: skip

# sample → (file line numbers oldest first, descriptions, has balance, skipped, footer lines)
EXPECTED: dict[str, tuple[list[int], list[str], bool, list[tuple[int, str]], int]] = {
    "barclays.csv": (
        [2, 3, 4, 5, 6],
        [
            "KENT COUNTY COUNCIL DP REF 123456",
            "J BLOGGS CONTRIBUTION",
            "BRIGHT HOMECARE INV-1001",
            "KENT MOBILITY ON 17 NOV BCC",
            "RIVERSIDE DAY CTR ON 20 NOV BCC",
        ],
        False,
        [],
        0,
    ),
    "hsbc.csv": (
        [5, 4, 3, 2, 1],
        [
            "KENT COUNTY COUNCIL DIRECT PAYMENT",
            "J BLOGGS CONTRIBUTION",
            "BRIGHT HOMECARE LTD INV-1001",
            "KENT MOBILITY ASHFORD",
            "RIVERSIDE DAY CTR MAIDSTONE",
        ],
        False,
        [],
        0,
    ),
    "lloyds.csv": (
        [6, 5, 4, 3, 2],
        [
            "KENT COUNTY COUNCIL DP",
            "J BLOGGS CONTRIBUTION",
            "BRIGHT HOMECARE INV-1001",
            "KENT MOBILITY CD 1234",
            "RIVERSIDE DAY CTR CD 1234",
        ],
        True,
        [],
        0,
    ),
    "natwest.csv": (
        [3, 4, 5, 6, 7],
        [
            "KENT COUNTY COUNCIL , DP 123456",
            "J BLOGGS , CONTRIBUTION",
            "BRIGHT HOMECARE , INV-1001",
            "1234 17NOV26 KENT MOBILITY , ASHFORD GB",
            "1234 20NOV26 RIVERSIDE DAY , MAIDSTONE GB",
        ],
        True,
        [],
        0,
    ),
    "nationwide.csv": (
        [6, 7, 8, 9, 10],
        [
            "KENT COUNTY COUNCIL DP",
            "J BLOGGS CONTRIBUTION",
            "BRIGHT HOMECARE INV-1001",
            "KENT MOBILITY – ASHFORD",
            "RIVERSIDE DAY CENTRE CAFÉ",
        ],
        True,
        [],
        0,
    ),
    "santander.csv": (
        [6, 7, 8, 9, 10],
        [
            "BANK GIRO CREDIT REF KENT COUNTY COUNCIL",
            "FASTER PAYMENTS RECEIPT FROM J BLOGGS",
            "BILL PAYMENT TO BRIGHT HOMECARE REF INV-1001",
            "CARD PAYMENT TO KENT MOBILITY ON 17-11-2026",
            "CARD PAYMENT TO RIVERSIDE DAY CTR ON 20-11-2026",
        ],
        True,
        [],
        0,
    ),
    "monzo.csv": (
        [2, 3, 4, 5, 6],
        [
            "KENT COUNTY COUNCIL DP 123456",
            "CONTRIBUTION",
            "INV-1001",
            "KENT MOBILITY ASHFORD GBR",
            "RIVERSIDE DAY CTR MAIDSTONE GBR",
        ],
        False,
        [],
        0,
    ),
    "starling.csv": (
        [2, 3, 4, 5, 6],
        [
            "Kent County Council",
            "Jo Bloggs",
            "Bright Homecare",
            "Kent Mobility",
            "Riverside Day Centre",
        ],
        True,
        [],
        0,
    ),
    "revolut.csv": (
        [2, 3, 4, 6, 8],
        [
            "Payment from Kent County Council",
            "Payment from Jo Bloggs",
            "To Bright Homecare",
            "Kent Mobility",
            "Riverside Day Centre",
        ],
        True,
        [(5, "declined"), (7, "reverted")],
        0,
    ),
    "kentcard.csv": (
        [6, 7, 8, 10, 11],
        [
            "KENT COUNTY COUNCIL DP LOAD",
            "CONTRIBUTION LOAD J BLOGGS",
            "BRIGHT HOMECARE MAIDSTONE",
            "KENT MOBILITY ASHFORD",
            "RIVERSIDE DAY CTR",
        ],
        True,
        [(9, "declined")],
        2,
    ),
    "prepaid_crdr.csv": (
        [6, 5, 4, 3, 2],
        [
            "KCC DIRECT PAYMENT",
            "CONTRIBUTION J BLOGGS",
            "BRIGHT HOMECARE",
            "KENT MOBILITY",
            "RIVERSIDE DAY CTR",
        ],
        True,
        [],
        0,
    ),
    "card_portal.csv": (
        [2, 3, 4, 5, 6],
        [
            "DIRECT PAYMENT LOAD",
            "CONTRIBUTION LOAD",
            "INV-1001",
            "CONTACTLESS ASHFORD",
            "CHIP AND PIN MAIDSTONE",
        ],
        True,
        [],
        0,
    ),
    "merchant_name.csv": (
        [2, 3, 4, 5, 6],
        [
            "Kent County Council",
            "J Bloggs",
            "Bright Homecare",
            "Kent Mobility",
            "Riverside Day Centre",
        ],
        False,
        [],
        0,
    ),
    "generic_brackets.csv": (
        [2, 3, 4, 5, 6],
        [
            "KCC DIRECT PAYMENT",
            "CONTRIBUTION",
            "BRIGHT HOMECARE",
            "KENT MOBILITY",
            "RIVERSIDE DAY CTR",
        ],
        True,
        [],
        0,
    ),
}


def test_every_sample_has_expectations() -> None:
    """Each sample file in the folder is checked below (none is left untested)."""
    assert {p.name for p in SAMPLES.glob("*.csv")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_parses_line_by_line(name: str) -> None:
    """Every line of the sample: its file line, date, signed pence, description and balance."""
    numbers, descriptions, has_balance, skipped, footer = EXPECTED[name]
    parsed = parse_statement((SAMPLES / name).read_bytes())
    got = [
        (ln.number, ln.date, ln.amount.pence, ln.description, ln.balance and ln.balance.pence)
        for ln in parsed.lines
    ]
    want = [
        (number, date(2026, NOV, day), pence, text, balance if has_balance else None)
        for number, (day, pence, balance), text in zip(numbers, MOVES, descriptions, strict=True)
    ]
    assert got == want
    assert [(s.number, s.reason) for s in parsed.skipped] == skipped
    assert parsed.footer_lines == footer
    assert parsed.has_balance is has_balance


def test_monzo_payee_comes_from_the_name_column() -> None:
    """Monzo's Name column is kept as the payee, apart from its Description."""
    parsed = parse_statement((SAMPLES / "monzo.csv").read_bytes())
    assert [ln.payee for ln in parsed.lines] == [
        "Kent County Council",
        "Jo Bloggs",
        "Bright Homecare",
        "Kent Mobility",
        "Riverside Day Centre",
    ]


def test_a_merchant_name_column_is_the_payee() -> None:
    """A card portal's Merchant Name is kept as the payee, apart from its Description."""
    parsed = parse_statement((SAMPLES / "card_portal.csv").read_bytes())
    assert [ln.payee for ln in parsed.lines] == [
        "Kent County Council",
        "J Bloggs",
        "Bright Homecare",
        "Kent Mobility",
        "Riverside Day Centre",
    ]


def test_a_lone_merchant_name_column_names_the_payee_through_the_description() -> None:
    """With no description column, Merchant Name is the description, which the import
    takes as the payee when a line has none (so no entry is paid to "Statement line")."""
    parsed = parse_statement((SAMPLES / "merchant_name.csv").read_bytes())
    assert parsed.layout is not None and parsed.layout.describe()["description"] == "Merchant Name"
    assert [ln.payee or ln.description for ln in parsed.lines] == [
        "Kent County Council",
        "J Bloggs",
        "Bright Homecare",
        "Kent Mobility",
        "Riverside Day Centre",
    ]


def test_revolut_lines_are_in_completed_date_order() -> None:
    """Revolut orders its file by the day a payment started; the lines come out in the order
    of the day it completed, the day they are booked on."""
    head, *rows = (SAMPLES / "revolut.csv").read_text().splitlines()
    late = "CARD_PAYMENT,Current,2026-11-02 18:00:00,2026-11-19 07:00:00,Hotel deposit,"
    text = "\n".join([head, late + "-25.00,0.00,GBP,COMPLETED,735.41", *rows]) + "\n"
    parsed = parse_statement(text.encode())
    days = [ln.date.day for ln in parsed.lines]
    assert days == [3, 3, 10, 18, 19, 21]
    assert parsed.lines[4].description == "Hotel deposit" and not parsed.newest_first


@pytest.mark.parametrize(
    ("name", "encoding", "newest_first"),
    [
        ("nationwide.csv", "windows-1252", False),
        ("starling.csv", "utf-8-sig", False),
        ("hsbc.csv", "utf-8", True),
        ("lloyds.csv", "utf-8", True),
    ],
)
def test_encoding_and_order_are_recognised(name: str, encoding: str, newest_first: bool) -> None:
    """Windows-1252 and BOM files are decoded as such; newest-first files are turned round."""
    parsed = parse_statement((SAMPLES / name).read_bytes())
    assert (parsed.encoding, parsed.newest_first) == (encoding, newest_first)
