"""Money is exact integer pence: strict parsing, stable formatting and safe arithmetic."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kentcard.core.errors import InputError
from kentcard.core.money import (
    MAX_PENCE,
    Money,
    format_money,
    format_plain,
    parse_money,
    parse_positive_money,
    round_half_up,
    total,
)

pence_in_range = st.integers(min_value=-MAX_PENCE, max_value=MAX_PENCE)


# --- parse_money: accepted forms -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("1234.56", 123456),
        ("£1,234.56", 123456),
        ("1,234,567.89", 123456789),
        ("-12.00", -1200),
        ("(12.00)", -1200),
        ("(£12.00)", -1200),
        ("12", 1200),
        ("12.5", 1250),
        (".5", 50),
        ("0.05", 5),
        ("-£12.00", -1200),
        ("£-12.00", -1200),
        ("+12.00", 1200),
        ("  12.34  ", 1234),
        ("\t£1,234.56\n", 123456),
        ("0", 0),
        ("100000000.00", 10_000_000_000),
    ],
)
def test_parse_money_accepts_documented_forms(text: str, pence: int) -> None:
    """Each documented way of writing an amount parses to exactly the expected pence."""
    result = parse_money(text)
    assert result == Money(pence)
    assert type(result) is Money
    assert type(result.pence) is int


def test_parse_money_accepts_the_limit_itself() -> None:
    """An amount of exactly MAX_PENCE, positive or negative, is still accepted."""
    assert parse_money(format_plain(Money(MAX_PENCE))) == Money(MAX_PENCE)
    assert parse_money(format_plain(Money(-MAX_PENCE))) == Money(-MAX_PENCE)


def test_money_of_is_parse_money() -> None:
    """Money.of parses text the same way parse_money does and reports the given field."""
    assert Money.of("£1,234.56") == Money(123456)
    with pytest.raises(InputError) as info:
        Money.of("12.345", "rate")
    assert info.value.field == "rate"


# --- parse_money: refused forms --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("12.345", "decimal"),
        ("-0.001", "decimal"),
        ("1e3", "not an amount"),
        ("NaN", "not an amount"),
        ("nan", "not an amount"),
        ("inf", "not an amount"),
        ("-Infinity", "not an amount"),
        ("", "empty"),
        ("   ", "empty"),
        ("£", "not an amount"),
        ("+", "not an amount"),
        ("()", "not an amount"),
        ("-", "not an amount"),
        (".", "not an amount"),
        ("1,23", "not an amount"),
        ("12,34.56", "not an amount"),
        ("1,2345.00", "not an amount"),
        ("--5", "not an amount"),
        ("+-5", "not an amount"),
        ("-£-12.00", "not an amount"),
        ("(£-5)", "not an amount"),
        ("(-5)", "not an amount"),
        ("(12.00", "not an amount"),
        ("١٢", "not an amount"),
        ("１２", "not an amount"),
        ("0x10", "not an amount"),
        ("1_000", "not an amount"),
        ("£12.00£", "not an amount"),
        ("12.00p", "not an amount"),
        ("$12.00", "not an amount"),
        ("10000000000.01", "too large"),
        ("-10000000000.01", "too large"),
        ("(£99,999,999,999.99)", "too large"),
    ],
)
def test_parse_money_refuses_bad_text(text: str, word: str) -> None:
    """Malformed, ambiguous or oversized amounts raise InputError naming the field and why."""
    with pytest.raises(InputError) as info:
        parse_money(text, "council amount")
    assert info.value.field == "council amount"
    assert word in info.value.reason
    assert str(info.value).startswith("council amount: ")


def test_parse_money_refuses_newline_inside_brackets() -> None:
    """A newline hidden inside brackets is not silently accepted as part of an amount."""
    with pytest.raises(InputError):
        parse_money("(12\n)")


def test_parse_money_refuses_non_text() -> None:
    """A non-string (for example a float) is refused, so floats never become amounts."""
    with pytest.raises(InputError) as info:
        parse_money(12.5, "payment")  # type: ignore[arg-type]
    assert info.value.field == "payment"


@pytest.mark.parametrize(
    "text", ["999.999", "7777.7777", "31337e2", "0x1f2e3d", "4242,42", "99999999999999"]
)
def test_parse_money_error_does_not_echo_input(text: str) -> None:
    """The error message never repeats what was typed (it may be private)."""
    with pytest.raises(InputError) as info:
        parse_money(text)
    assert text not in str(info.value)
    assert text not in info.value.reason


# --- parse_money: properties -----------------------------------------------------------------


@given(pence_in_range)
def test_parse_inverts_format_money(pence: int) -> None:
    """Every in-range amount survives format_money -> parse_money unchanged."""
    assert parse_money(format_money(Money(pence))) == Money(pence)


@given(pence_in_range)
def test_parse_inverts_format_plain(pence: int) -> None:
    """Every in-range amount survives format_plain -> parse_money unchanged."""
    assert parse_money(format_plain(Money(pence))) == Money(pence)


@given(
    st.integers(min_value=-(10**15), max_value=10**15).filter(lambda n: n % 10 != 0),
    st.integers(min_value=3, max_value=6),
)
def test_parse_money_refuses_more_than_two_decimals(digits: int, places: int) -> None:
    """Any amount with a significant third-or-later decimal is refused, never rounded."""
    text = format(Decimal(digits).scaleb(-places), f".{places}f")
    with pytest.raises(InputError) as info:
        parse_money(text)
    assert "decimal" in info.value.reason


@given(st.text())
@example("£")
def test_parse_money_only_raises_input_error(text: str) -> None:
    """For any text at all, parse_money returns int-pence Money or raises InputError."""
    try:
        result = parse_money(text)
    except InputError:
        return
    assert type(result) is Money
    assert type(result.pence) is int


@given(
    st.from_regex(r"\A[ ]*[-+]?£?(?:[0-9]{1,3}(?:,[0-9]{3}){0,3}|[0-9]{1,12})(?:\.[0-9]{0,2})?\Z")
)
def test_parse_money_pence_is_always_a_plain_int(text: str) -> None:
    """Whenever an amount parses, its pence is a plain int (never bool, float or Decimal)."""
    try:
        result = parse_money(text)
    except InputError as err:
        assert "too large" in err.reason
        return
    assert type(result.pence) is int


# --- parse_positive_money --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["0", "0.00", "-0.01", "-12.00", "(5.00)"])
def test_parse_positive_money_refuses_zero_and_negative(text: str) -> None:
    """Payments and invoices must be more than £0.00."""
    with pytest.raises(InputError) as info:
        parse_positive_money(text, "invoice amount")
    assert info.value.field == "invoice amount"
    assert "more than" in info.value.reason


def test_parse_positive_money_accepts_one_penny() -> None:
    """The smallest positive amount, one penny, is accepted."""
    assert parse_positive_money("0.01") == Money(1)


# --- formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pence", "text"),
    [
        (123456, "£1,234.56"),
        (-1200, "-£12.00"),
        (0, "£0.00"),
        (5, "£0.05"),
        (-5, "-£0.05"),
        (99, "£0.99"),
        (123456789012, "£1,234,567,890.12"),
        (-100000000, "-£1,000,000.00"),
    ],
)
def test_format_money(pence: int, text: str) -> None:
    """format_money writes £, thousands separators, two decimals and a leading minus."""
    assert format_money(Money(pence)) == text
    assert str(Money(pence)) == text


@pytest.mark.parametrize(
    ("pence", "text"),
    [(123456, "1234.56"), (-1200, "-12.00"), (5, "0.05"), (-5, "-0.05"), (0, "0.00")],
)
def test_format_plain(pence: int, text: str) -> None:
    """format_plain writes no symbol and no separators, always two decimals."""
    assert format_plain(Money(pence)) == text


def test_repr_shows_plain_amount() -> None:
    """repr(Money) shows the amount in pounds, so debugging output is unambiguous."""
    assert repr(Money(1234)) == "Money(12.34)"


# --- Money arithmetic ------------------------------------------------------------------------


def test_money_is_immutable() -> None:
    """An amount cannot be changed in place."""
    money = Money(100)
    with pytest.raises(AttributeError):
        money.pence = 5  # type: ignore[misc]
    assert money == Money(100)


def test_money_add_subtract_negate() -> None:
    """Addition, subtraction and negation work in exact pence and return Money."""
    assert Money(1) + Money(2) == Money(3)
    assert type(Money(1) + Money(2)) is Money
    assert Money(5) - Money(8) == Money(-3)
    assert type(Money(5) - Money(8)) is Money
    assert -Money(7) == Money(-7)
    assert type(-Money(7)) is Money


def test_money_sums() -> None:
    """sum() with or without a Money start, and total(), add amounts exactly."""
    amounts = [Money(10), Money(-3), Money(250)]
    assert sum(amounts, Money(0)) == Money(257)
    assert sum(amounts) == Money(257)
    assert total(amounts) == Money(257)
    assert total(iter(amounts)) == Money(257)
    assert total([]) == Money(0)
    assert Money.zero() == Money(0)


def test_money_times_int() -> None:
    """Money multiplied by a whole number is Money."""
    assert Money(5) * 3 == Money(15)
    assert type(Money(5) * 3) is Money
    assert Money(5) * -2 == Money(-10)


@pytest.mark.parametrize("factor", [2.5, True, Decimal("2"), Fraction(1, 2)])
def test_money_times_non_int_is_refused(factor: object) -> None:
    """Multiplying Money by a float, bool, Decimal or Fraction is a TypeError."""
    with pytest.raises(TypeError):
        Money(5) * factor  # type: ignore[operator]


def test_int_times_money_is_not_a_tuple() -> None:
    """`3 * Money(5)` gives Money(15) or a TypeError, never the bare tuple (5, 5, 5)."""
    with contextlib.suppress(TypeError):
        result = 3 * Money(5)
        assert type(result) is Money
        assert result == Money(15)


def test_money_plus_int_is_refused() -> None:
    """Adding a bare number to Money is a TypeError, not a silent unit mix-up."""
    with pytest.raises(TypeError):
        Money(1) + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(1) + 1.5  # type: ignore[operator]


def test_money_minus_int_is_refused() -> None:
    """Subtracting a bare number from Money is a TypeError, like addition."""
    with pytest.raises(TypeError):
        Money(1) - 1  # type: ignore[operator]


def test_money_truthiness() -> None:
    """Zero is falsy, any other amount (including negative) is truthy."""
    assert not Money(0)
    assert Money(1)
    assert Money(-1)


def test_money_decimal() -> None:
    """.decimal is the exact amount in pounds as a Decimal."""
    assert Money(1234).decimal == Decimal("12.34")
    assert str(Money(1234).decimal) == "12.34"
    assert Money(-5).decimal == Decimal("-0.05")
    assert Money(0).decimal == 0


def test_money_ordering() -> None:
    """Amounts order by value, so sorting and min/max work."""
    assert Money(-1) < Money(0) < Money(1)
    assert Money(2) >= Money(2)
    assert sorted([Money(3), Money(-7), Money(1)]) == [Money(-7), Money(1), Money(3)]
    assert max(Money(3), Money(9)) == Money(9)


def test_is_negative() -> None:
    """is_negative is true only below zero."""
    assert Money(-1).is_negative()
    assert not Money(0).is_negative()
    assert not Money(1).is_negative()


# --- round_half_up ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(1, 2), 1),
        (Fraction(3, 2), 2),
        (Fraction(5, 2), 3),
        (Fraction(-1, 2), -1),
        (Fraction(-3, 2), -2),
        (Fraction(1, 3), 0),
        (Fraction(2, 3), 1),
        (Fraction(-2, 3), -1),
        (Fraction(-1, 3), 0),
        (Fraction(1249, 100), 12),
        (Fraction(1250, 100), 13),
        (Fraction(1251, 100), 13),
        (Fraction(-1250, 100), -13),
        (Fraction(0), 0),
        (Fraction(7), 7),
        (Fraction(-7), -7),
        (Fraction(1300, 12), 108),
    ],
)
def test_round_half_up_examples(value: Fraction, expected: int) -> None:
    """Exact fractions round to the nearest penny, halves away from zero."""
    result = round_half_up(value)
    assert result == expected
    assert type(result) is int


@given(st.fractions())
def test_round_half_up_is_nearest(value: Fraction) -> None:
    """The rounded result is never more than half a penny from the exact value."""
    assert abs(round_half_up(value) - value) <= Fraction(1, 2)


@given(st.fractions())
def test_round_half_up_is_symmetric(value: Fraction) -> None:
    """Rounding is symmetric about zero, so negatives round away from zero too."""
    assert round_half_up(-value) == -round_half_up(value)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_round_half_up_breaks_ties_away_from_zero(n: int) -> None:
    """An exact half always rounds to the integer further from zero."""
    value = Fraction(2 * n + 1, 2)
    expected = n + 1 if value > 0 else n
    assert round_half_up(value) == expected


@pytest.mark.parametrize("value", [12.5, 12.0, True, False, Decimal("1.00"), "100", None])
def test_money_holds_only_whole_pence(value: object) -> None:
    """A float, a bool, a Decimal or text is refused: it would round or mean something else."""
    with pytest.raises(TypeError, match="whole pence"):
        Money(value)  # type: ignore[arg-type]


def test_money_of_an_int_is_still_a_plain_value() -> None:
    """An int is kept as it is; a Money still compares, hashes and sums like its pence."""
    assert Money(1250).pence == 1250 and Money(1250) == Money(1250)
    assert len({Money(1), Money(1), Money(2)}) == 2
    assert sum([Money(1), Money(2)]) == Money(3)
