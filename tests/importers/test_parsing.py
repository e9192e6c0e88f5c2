"""The statement parser's rules one at a time: cells, layouts, and files it must refuse."""

from __future__ import annotations

from datetime import date

import pytest

from kentcard.core.errors import InputError
from kentcard.core.money import Money
from kentcard.importers.columns import ColumnMap
from kentcard.importers.statement import parse_statement
from kentcard.importers.values import parse_statement_amount, parse_statement_date

HEADER = "Date,Description,Amount,Balance\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/11/2026", date(2026, 11, 5)),
        ("5/11/2026", date(2026, 11, 5)),
        ("05-11-2026", date(2026, 11, 5)),
        ("2026-11-05", date(2026, 11, 5)),
        ("5 Nov 2026", date(2026, 11, 5)),
        ("05 November 2026", date(2026, 11, 5)),
        ("5-Nov-26", date(2026, 11, 5)),
        ("05/11/2026 14:22", date(2026, 11, 5)),
        ("2026-11-05 14:22:09", date(2026, 11, 5)),
        ("2026-11-05T14:22:09Z", date(2026, 11, 5)),
        ("31/02/2026", None),
        ("Closing balance", None),
        ("", None),
    ],
)
def test_statement_dates(text: str, expected: date | None) -> None:
    """UK statement date styles parse, with or without a time; impossible dates do not."""
    assert parse_statement_date(text) == expected


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("12.50", 1250),
        ("-12.50", -1250),
        ("£1,234.56", 123456),
        ("+£84.00", 8400),
        ("-£560.00", -56000),
        ("£-560.00", -56000),
        ("(45.99)", -4599),
        ("(£45.99)", -4599),
        ("45.99 DR", -4599),
        ("1,000.00 CR", 100000),
        ("DR 45.99", -4599),
        ("45.99-", -4599),
        ("GBP 12.00", 1200),
        ("12.00 GBP", 1200),
        ("'12.00", 1200),
        ("", None),
        ("  ", None),
    ],
)
def test_statement_amounts(text: str, pence: int | None) -> None:
    """Amounts as statements write them become signed pence; an empty cell is None."""
    result = parse_statement_amount(text)
    assert (None if result is None else result.pence) == pence


@pytest.mark.parametrize(
    "text", ["12.345", "-45.99 DR", "12.00 CR DR", "abc", "1.2.3", "CR 1 DR", "£\n12.50", "9" * 80]
)
def test_bad_statement_amounts_are_refused(text: str) -> None:
    """More than two decimals, double signs and words are refused, never rounded or guessed."""
    with pytest.raises(InputError, match="amount"):
        parse_statement_amount(text)


def refused(text: str | bytes, **mapping: str) -> str:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(InputError) as caught:
        parse_statement(data, ColumnMap(**mapping) if mapping else None)
    return str(caught.value)


def test_binary_garbage_is_refused_with_its_line() -> None:
    """A file holding NUL bytes is refused as binary, naming the line where they start."""
    assert refused(b"Date,Amount\n05/11/2026,1.00\n\x00\x01\x02garbage") == (
        "line 3: holds binary data, not text: is this really a CSV statement?"
    )


def test_random_bytes_are_refused() -> None:
    """Bytes that are neither UTF-8 nor Windows-1252 text are refused."""
    assert "binary data" in refused(bytes(range(128, 256)) * 4)


def test_a_line_cut_off_mid_way_is_refused() -> None:
    """A file truncated in the middle of its last line is refused with that line's number."""
    text = HEADER + "05/11/2026,TESCO,-12.00,100.00\n06/11/2026,BOOTS,-3"
    assert refused(text) == "line 3: has 3 columns where the statement has 4"


def test_a_date_cut_off_is_refused_not_taken_for_a_footer() -> None:
    """A last line holding half a date is an error, not footer text."""
    text = HEADER + "05/11/2026,TESCO,-12.00,100.00\n06/1"
    assert refused(text) == "line 3: Date: '06/1' is not a date"


def test_a_wrong_column_count_is_refused() -> None:
    """A row with more columns than the header names is refused with its line number."""
    text = HEADER + "05/11/2026,TESCO,-12.00,100.00\n06/11/2026,BOOTS,X,-3.00,97.00\n"
    assert refused(text) == "line 3: has 5 columns where the statement has 4"


def test_a_bad_amount_names_the_line_and_the_column() -> None:
    """An amount with three decimals is refused naming the line and the column."""
    text = HEADER + "05/11/2026,TESCO,-12.005,100.00\n"
    assert refused(text) == "line 2: Amount: has more than two decimal places"


def test_text_without_a_date_between_transactions_is_refused() -> None:
    """A line between transactions whose date cannot be read is an error, not skipped."""
    text = HEADER + "05/11/2026,A,-1.00,9.00\nyesterday,B,-1.00,8.00\n07/11/2026,C,-1.00,7.00\n"
    assert refused(text) == "line 3: Date: 'yesterday' is not a date"


def test_a_repeated_header_mid_file_is_ignored() -> None:
    """Some portals repeat the header every page; those rows are not transactions."""
    text = HEADER + "05/11/2026,A,-1.00,9.00\n" + HEADER + "07/11/2026,C,-1.00,8.00\n"
    assert [ln.number for ln in parse_statement(text.encode()).lines] == [2, 4]


def test_an_empty_file_is_refused() -> None:
    """An empty file says so."""
    assert refused("\n\n") == "statement: is empty: it has no lines to import"


def test_a_file_with_no_dates_is_refused() -> None:
    """A CSV with no recognisable header and no dates asks for the columns by hand."""
    assert "--date-column" in refused("a,b,c\n1,2,3\n4,5,6\n")


def test_a_zero_amount_is_skipped_and_counted() -> None:
    """A £0.00 card check moved no money: it is skipped and reported."""
    parsed = parse_statement((HEADER + "05/11/2026,CARD CHECK,0.00,9.00\n").encode())
    assert parsed.lines == () and [s.reason for s in parsed.skipped] == ["moved no money"]


def test_explicit_columns_by_name_and_date_format() -> None:
    """Columns named by hand, with a strptime date format, read a layout detection cannot."""
    text = "When,What,Cost,Left\n11.05.2026,TESCO,12.00,88.00\n"
    parsed = parse_statement(
        text.encode(),
        ColumnMap(
            date="When",
            amount="Cost",
            description="What",
            balance="Left",
            date_format="%m.%d.%Y",
        ),
    )
    (line,) = parsed.lines
    assert (line.date, line.amount, line.description, line.balance) == (
        date(2026, 11, 5),
        Money(1200),
        "TESCO",
        Money(8800),
    )


def test_explicit_columns_by_number_on_a_headerless_file() -> None:
    """Columns given by number work on a file without a header, with out/in columns."""
    text = "X1,05/11/2026,TESCO,12.00,\nX2,06/11/2026,KCC,,100.00\n"
    parsed = parse_statement(text.encode(), ColumnMap(date="2", description="3", out="4", in_="5"))
    assert [(ln.description, ln.amount.pence) for ln in parsed.lines] == [
        ("TESCO", -1200),
        ("KCC", 10000),
    ]


def test_an_explicit_column_that_does_not_exist_is_named() -> None:
    """Naming a column the file does not have says which option is wrong."""
    assert refused(HEADER + "05/11/2026,A,1.00,1.00\n", date="Date", amount="Cost") == (
        "amount-column: no column is called 'Cost'"
    )


def test_control_characters_in_text_never_reach_the_ledger() -> None:
    """Tabs and odd spaces in a description are folded to single spaces."""
    text = HEADER + '05/11/2026,"A\tB\u00a0\u00a0C\u202eD",-1.00,9.00\n'
    assert parse_statement(text.encode()).lines[0].description == "A B C D"


def test_a_line_break_inside_a_quoted_amount_is_refused() -> None:
    """An amount cell holding a line break (a quote left open) is refused, not a crash."""
    data = b'Date,Description,Amount\n05/01/2026,TESCO,"\xc2\xa3\n12.50"\n'
    assert refused(data) == "line 3: Amount: has a line break inside the amount"


def test_an_amount_thousands_of_digits_long_is_refused() -> None:
    """A cell of thousands of digits is refused as an amount, never turned into an int."""
    text = "Date,Description,Amount\n05/01/2026,TESCO,£" + "9" * 5000 + "\n"
    assert refused(text) == "line 2: Amount: is not an amount (5,001 characters long)"


def test_headerless_rows_shorter_than_the_layout_are_refused() -> None:
    """Without a header, a row too short for the columns the others have is refused, even
    when such rows outnumber the full ones after the first date."""
    text = "Account,J Bloggs,12345678\n05/01/2026\n06/01/2026\n06/01/2026,SHOP,-2.00\n"
    assert refused(text + "07/01/2026,KCC,300.00\n") == (
        "line 2: has 1 column where the statement has 3"
    )


def test_lines_are_in_date_order_whatever_the_file_order() -> None:
    """A file out of date order gives its lines by date; one day's lines keep file order."""
    text = "Date,Description,Amount\n10/01/2026,A,-1.00\n02/01/2026,B,-2.00\n"
    text += "10/01/2026,C,-3.00\n20/01/2026,D,-4.00\n"
    parsed = parse_statement(text.encode())
    assert [(ln.date.day, ln.description) for ln in parsed.lines] == [
        (2, "B"),
        (10, "A"),
        (10, "C"),
        (20, "D"),
    ]
    assert not parsed.newest_first


def test_a_newest_first_file_out_of_order_is_turned_round_then_sorted() -> None:
    """Newest first with one line out of place: reversed, so one day's lines are in the
    order they happened, then sorted by date."""
    text = "Date,Description,Amount\n20/01/2026,D,-4.00\n02/01/2026,B,-2.00\n"
    text += "10/01/2026,C,-3.00\n10/01/2026,A,-1.00\n01/01/2026,Z,-5.00\n"
    parsed = parse_statement(text.encode())
    assert [ln.description for ln in parsed.lines] == ["Z", "B", "A", "C", "D"]
    assert parsed.newest_first


def test_a_short_row_is_refused_when_a_column_given_by_hand_is_the_last() -> None:
    """A row one short is let through for a header's stray trailing comma, but not when
    the amount was given by hand as that last, unnamed column."""
    text = "Date,Description,\n05/11/2026,TESCO,-1.00\n06/11/2026,BOOTS\n"
    assert refused(text, date="Date", amount="3") == (
        "line 3: has 2 columns where the statement has 3"
    )
