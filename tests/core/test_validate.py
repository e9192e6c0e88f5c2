"""Checks for typed text and numbers: each refusal names the field it is about."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentcard.core.errors import InputError
from kentcard.core.records import Frequency, Source
from kentcard.core.validate import (
    clean_text,
    format_hours,
    parse_card_last4,
    parse_choice,
    parse_hours,
    parse_minutes,
    shift_minutes,
)

# --- clean_text -------------------------------------------------------------------------------


def test_clean_text_strips_surrounding_space() -> None:
    """Leading and trailing spaces and tabs are removed; inner spaces are kept."""
    assert clean_text("  Bluebell  Care \t", "payee") == "Bluebell  Care"


@pytest.mark.parametrize("blank", [None, "", "   ", "\t"])
def test_clean_text_blank_optional_is_none(blank: str | None) -> None:
    """Blank optional text becomes None."""
    assert clean_text(blank, "note") is None


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_clean_text_blank_required_is_refused(blank: str | None) -> None:
    """Blank required text is refused, naming the field."""
    with pytest.raises(InputError) as err:
        clean_text(blank, "payee", required=True)
    assert err.value.field == "payee"


@pytest.mark.parametrize(
    "text",
    [
        "Blue\x00bell",  # NUL
        "\x1b[31mBluebell",  # terminal escape
        "Blue\nbell",  # newline inside
        "Blue\rbell",  # carriage return inside
        "Blue\tbell",  # tab inside
        "Bluebell \u202eeraC",  # right-to-left override
        "Bluebell\u2066Care",  # left-to-right isolate
        "Blue\u200bbell",  # zero-width space
    ],
)
def test_clean_text_refuses_control_characters(text: str) -> None:
    """Control, format and bidi characters are refused, naming the field."""
    with pytest.raises(InputError) as err:
        clean_text(text, "payee")
    assert err.value.field == "payee"


def test_clean_text_keeps_ordinary_unicode() -> None:
    """Accents, the pound sign and apostrophes are ordinary text and kept."""
    assert clean_text("Zoë’s café £5", "note") == "Zoë’s café £5"


def test_clean_text_length_limit() -> None:
    """Text of exactly max_length is kept; one character more is refused, naming the field."""
    assert clean_text("x" * 200, "note") == "x" * 200
    assert clean_text("  " + "x" * 10 + "  ", "ref", max_length=10) == "x" * 10
    with pytest.raises(InputError) as err:
        clean_text("x" * 201, "note")
    assert err.value.field == "note"
    with pytest.raises(InputError) as err:
        clean_text("x" * 11, "ref", max_length=10)
    assert err.value.field == "ref"


@pytest.mark.parametrize("text", ["=SUM(A1:A9)", "+44 1622 000000", "-12", "@cmd"])
def test_clean_text_keeps_formula_like_text_as_typed(text: str) -> None:
    """Text starting with =, +, - or @ is stored exactly as typed (exports neutralise it)."""
    assert clean_text(text, "payee") == text


# --- parse_choice -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monthly", Frequency.MONTHLY),
        ("Four-Weekly", Frequency.FOUR_WEEKLY),
        ("  WEEKLY ", Frequency.WEEKLY),
    ],
)
def test_parse_choice_is_case_insensitive(text: str, expected: Frequency) -> None:
    """Choices are accepted whatever their case and surrounding space."""
    assert parse_choice(text, Frequency, "frequency") is expected


def test_parse_choice_source() -> None:
    """A money-in source such as 'KCC' parses to Source.KCC."""
    assert parse_choice("KCC", Source, "source") is Source.KCC


@pytest.mark.parametrize("text", ["fortnightly", "", "four weekly"])
def test_parse_choice_error_lists_allowed_values(text: str) -> None:
    """An unknown choice is refused, naming the field and listing every allowed value."""
    with pytest.raises(InputError) as err:
        parse_choice(text, Frequency, "frequency")
    assert err.value.field == "frequency"
    for allowed in ("monthly", "four-weekly", "weekly"):
        assert allowed in err.value.reason


# --- hours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "centi"),
    [
        ("7.5", 750),
        ("7.25", 725),
        ("20", 2_000),
        (" 20 ", 2_000),
        ("0.01", 1),
        ("10000", 1_000_000),
    ],
)
def test_parse_hours(text: str, centi: int) -> None:
    """Hours parse to hundredths of an hour."""
    assert parse_hours(text) == centi


@pytest.mark.parametrize(
    "text", ["7.255", "-1", "0", "0.00", "abc", "10001", "10000.01", "", "1e2", "7,5"]
)
def test_parse_hours_refuses(text: str) -> None:
    """Too many decimals, negative, zero, non-numbers and over 10,000 hours are refused."""
    with pytest.raises(InputError) as err:
        parse_hours(text, "hours")
    assert err.value.field == "hours"


def test_parse_hours_names_the_given_field() -> None:
    """The refusal names whatever field the caller passed."""
    with pytest.raises(InputError) as err:
        parse_hours("abc", "timesheet-hours")
    assert err.value.field == "timesheet-hours"


@pytest.mark.parametrize(
    ("centi", "text"),
    [(750, "7.5"), (725, "7.25"), (2_000, "20"), (705, "7.05"), (1, "0.01")],
)
def test_format_hours(centi: int, text: str) -> None:
    """Hundredths of an hour format without trailing zeros."""
    assert format_hours(centi) == text


@given(st.integers(min_value=1, max_value=1_000_000))
def test_format_then_parse_hours_round_trips(centi: int) -> None:
    """Any valid number of hundredths formats to text that parses back to the same number."""
    assert parse_hours(format_hours(centi)) == centi


# --- card last four ---------------------------------------------------------------------------


def test_parse_card_last4_accepts_four_digits() -> None:
    """'1234' (with surrounding space) is a valid card ending."""
    assert parse_card_last4(" 1234 ") == "1234"


def test_parse_card_last4_blank_is_none() -> None:
    """No card ending given is None."""
    assert parse_card_last4(None) is None
    assert parse_card_last4("  ") is None


@pytest.mark.parametrize("text", ["12a4", "12345", "123", "١٢٣٤"])
def test_parse_card_last4_refuses(text: str) -> None:
    """Anything but four ASCII digits is refused, naming the field."""
    with pytest.raises(InputError) as err:
        parse_card_last4(text)
    assert err.value.field == "card-last4"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("7.5", 450), ("7.25", 435), ("7:20", 440), ("0:45", 45), ("12", 720), ("24:00", 1440)],
)
def test_time_worked_is_whole_minutes(text: str, minutes: int) -> None:
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("7.33", "is not a whole number of minutes; write 7:20 for 7 hours 20 minutes"),
        ("7:60", "is not a number of hours with at most two decimals, e.g. 7.5"),
        ("0:00", "must be more than 0"),
        ("-1", "is not a number of hours with at most two decimals, e.g. 7.5"),
    ],
)
def test_time_that_is_not_whole_minutes_is_refused_naming_the_field(text: str, reason: str) -> None:
    with pytest.raises(InputError) as error:
        parse_minutes(text, "hours")
    assert (error.value.field, error.value.reason) == ("hours", reason)


@pytest.mark.parametrize(
    ("start", "end", "rest", "minutes"),
    [
        ("09:00", "17:00", "0:30", 450),  # 8 h less half an hour
        ("9.15", "12:45", None, 210),
        ("22:00", "07:00", None, 540),  # a waking night ends the next morning
        ("08:00", "08:00", "1", 1380),  # a whole day, less an hour
    ],
)
def test_a_shift_is_the_time_from_start_to_end_less_the_break(
    start: str, end: str, rest: str | None, minutes: int
) -> None:
    assert shift_minutes(start, end, rest) == minutes


def test_a_break_as_long_as_the_shift_or_a_time_that_is_not_one_is_refused() -> None:
    with pytest.raises(InputError, match=r"^break: is as long as"):
        shift_minutes("09:00", "10:00", "1:00")
    with pytest.raises(InputError, match=r"^end: is not a time of day"):
        shift_minutes("09:00", "25:00")
