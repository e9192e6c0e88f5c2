"""The employment records refuse what would be a mistake (float minutes, two ages, a period
that ends before it starts), and periods and hours read as a person says them."""

from __future__ import annotations

from datetime import date

import pytest

from kentcard.core.employment.records import (
    AgeBand,
    Employee,
    Insurance,
    PayRate,
    Payslip,
    TimesheetLine,
)
from kentcard.core.employment.words import hours_words, period_words
from kentcard.core.errors import InputError
from kentcard.core.money import Money

D = date


def test_employee_takes_an_age_band_or_a_date_of_birth_not_both() -> None:
    """Neither or both of age band and date of birth is refused; either one alone is kept."""
    Employee(1, "Anna", D(2026, 1, 1), age_band=AgeBand.ADULT)
    Employee(1, "Anna", D(2026, 1, 1), date_of_birth=D(2000, 5, 1))
    with pytest.raises(InputError, match="age"):
        Employee(1, "Anna", D(2026, 1, 1))
    with pytest.raises(InputError, match="age"):
        Employee(1, "Anna", D(2026, 1, 1), age_band=AgeBand.ADULT, date_of_birth=D(2000, 5, 1))


def test_minutes_are_whole_numbers() -> None:
    """Minutes are whole and not negative: 7.5 hours is 450, never 450.0."""
    assert TimesheetLine(1, 1, D(2026, 4, 1), 450).minutes == 450
    with pytest.raises(TypeError):
        TimesheetLine(1, 1, D(2026, 4, 1), 450.0)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        TimesheetLine(1, 1, D(2026, 4, 1), -30)


def test_payslip_period_must_not_end_before_it_starts() -> None:
    """A payslip for 28 April back to 1 April is refused."""
    with pytest.raises(InputError, match="period"):
        Payslip(1, 1, D(2026, 4, 28), D(2026, 4, 1), D(2026, 4, 28), Money(100), Money(100))


def test_leave_year_start_must_be_a_day_every_year_has() -> None:
    """A leave year starting 29 February is refused; 1 April is kept."""
    assert PayRate(1, D(2026, 1, 1), Money(1300), leave_year_start=(4, 1)).leave_year_start
    with pytest.raises(InputError, match="leave year"):
        PayRate(1, D(2026, 1, 1), Money(1300), leave_year_start=(2, 29))


def test_insurance_is_in_force_up_to_the_day_before_renewal() -> None:
    """A policy from 1 May 2026 renewing 1 May 2027 covers 30 April 2027 but not 1 May 2027."""
    policy = Insurance(1, "Acme", "EL-1", D(2026, 5, 1), D(2027, 5, 1))
    assert policy.in_force_on(D(2026, 5, 1)) and policy.in_force_on(D(2027, 4, 30))
    assert not policy.in_force_on(D(2027, 5, 1)) and not policy.in_force_on(D(2026, 4, 30))


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (D(2026, 4, 1), D(2026, 4, 28), "1–28 April 2026"),
        (D(2026, 3, 30), D(2026, 4, 26), "30 March – 26 April 2026"),
        (D(2026, 12, 29), D(2027, 1, 25), "29 December 2026 – 25 January 2027"),
        (D(2026, 5, 5), D(2026, 5, 5), "5 May 2026"),
    ],
)
def test_period_words(start: date, end: date, words: str) -> None:
    """A pay period reads as in a letter: '1–28 April 2026'."""
    assert period_words(start, end) == words


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (2400, "40 hours"),
        (60, "1 hour"),
        (450, "7 hours 30 minutes"),
        (1, "1 minute"),
        (0, "0 minutes"),
    ],
)
def test_hours_words(minutes: int, words: str) -> None:
    """Minutes read as hours and minutes: 450 is '7 hours 30 minutes'."""
    assert hours_words(minutes) == words
