"""The legal figures of employing a PA, read from the data files shipped with kentcard.

One file per tax year (`data/2026-27.toml` for 6 April 2026 to 5 April 2027); every `*.toml`
in the folder is read, so a new tax year is a new file, not a change here. Each figure is a
table of `value`, `from` and `source`. A figure from a year's file is in force from its
`from` to the end of that tax year (5 April); where two files' figures both are, the later
year's wins. So the minimum wage of 1 to 5 April 2026 comes from the 2026/27 file, its
`from` being 1 April 2026. A day no file covers raises `RatesNotKnown` naming the day.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from kentcard.core.employment.records import AgeBand, PayFrequency
from kentcard.core.employment.words import date_words
from kentcard.core.errors import KentcardError
from kentcard.core.money import Money, parse_money

_FILE_NAME = re.compile(r"^([0-9]{4})-([0-9]{2})\.toml$")
_SOURCE = re.compile(r"^P[0-9]+ https?://\S+")
_LEAF_KEYS = {"value", "from", "source"}


class RatesNotKnown(KentcardError):
    """No data file gives a figure for the day asked about."""


class RatesFileError(KentcardError):
    """A data file is not in the expected shape."""


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure as a data file gives it: `value` is text (money, percentages) or a whole
    number; `start` is its `from`; `tax_year` is the file's (2026 for 2026/27)."""

    name: str
    value: str | int
    start: date
    source: str
    tax_year: int

    @property
    def last_day(self) -> date:
        return date(self.tax_year + 1, 4, 5)

    def in_force_on(self, day: date) -> bool:
        return self.start <= day <= self.last_day


@dataclass(frozen=True, slots=True)
class RateTable:
    """Every figure of every data file."""

    figures: tuple[Figure, ...]
    _by_name: dict[str, tuple[Figure, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, list[Figure]] = {}
        for f in self.figures:
            by_name.setdefault(f.name, []).append(f)
        object.__setattr__(self, "_by_name", {k: tuple(v) for k, v in by_name.items()})

    def names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.figures)

    def tax_years(self) -> tuple[int, ...]:
        return tuple(sorted({f.tax_year for f in self.figures}))

    def figure(self, name: str, day: date) -> Figure:
        """The figure `name` in force on `day`: of those in force, the latest year's."""
        found = [f for f in self._by_name.get(name, ()) if f.in_force_on(day)]
        if not found:
            raise RatesNotKnown(_not_known(name, day, self))
        return max(found, key=lambda f: f.tax_year)


def _not_known(name: str, day: date, table: RateTable) -> str:
    years = table.tax_years()
    known = (
        f"it has them for 6 April {years[0]} to 5 April {years[-1] + 1}"
        if years
        else "it has none at all"
    )
    return (
        f"kentcard does not know the pay and tax figures for {date_words(day)} ({name}): "
        f"{known}. A newer version of kentcard adds each new tax year."
    )


def _leaves(tree: dict[str, object], prefix: str, where: str) -> Iterable[tuple[str, dict]]:
    for key, node in tree.items():
        name = f"{prefix}.{key}" if prefix else key
        if not isinstance(node, dict):
            raise RatesFileError(f"{where}: {name} must be a table with value, from and source")
        if "value" in node:
            yield name, node
        else:
            yield from _leaves(node, name, where)


def _figure(name: str, node: dict, tax_year: int, where: str) -> Figure:
    value, start, source = node.get("value"), node.get("from"), node.get("source")
    if set(node) != _LEAF_KEYS:
        raise RatesFileError(f"{where}: {name} must have exactly value, from and source")
    if not isinstance(start, date) or start > date(tax_year + 1, 4, 5):
        raise RatesFileError(f"{where}: {name} needs a `from` date within or before the year")
    if not isinstance(source, str) or not _SOURCE.match(source):
        raise RatesFileError(f"{where}: {name} needs a source such as 'P1 https://…'")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise RatesFileError(f"{where}: {name} must be text or a whole number, never a float")
    return Figure(name, value, start, source, tax_year)


def read_rate_file(name: str, data: bytes) -> list[Figure]:
    """The figures of one data file; `name` ("2026-27.toml") gives its tax year."""
    match = _FILE_NAME.fullmatch(name)
    if match is None or (int(match[1]) + 1) % 100 != int(match[2]):
        raise RatesFileError(f"{name}: a data file is named after its tax year, e.g. 2026-27.toml")
    try:
        tree = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RatesFileError(f"{name}: {error}") from None
    year = int(match[1])
    return [_figure(key, node, year, name) for key, node in _leaves(tree, "", name)]


def load_rates(folder: Traversable | None = None) -> RateTable:
    """Every `*.toml` in `folder` (by default the data shipped inside kentcard)."""
    if folder is None:
        return _shipped()
    figures: list[Figure] = []
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.name.endswith(".toml"):
            figures.extend(read_rate_file(item.name, item.read_bytes()))
    return RateTable(tuple(figures))


@cache
def _shipped() -> RateTable:
    return load_rates(files("kentcard.core.employment") / "data")


def figure(name: str, day: date) -> Figure:
    """The shipped figure `name` (e.g. "employer_ni.rate_percent") in force on `day`."""
    return load_rates().figure(name, day)


def money_of(table: RateTable, name: str, day: date) -> Money:
    found = table.figure(name, day)
    return parse_money(str(found.value), f"{name} in {found.tax_year} figures")


def percent_of(table: RateTable, name: str, day: date) -> Fraction:
    """A percentage as an exact fraction: "12.07" is 1207/10000."""
    return Fraction(str(table.figure(name, day).value)) / 100


def minimum_wage(band: AgeBand, day: date, table: RateTable | None = None) -> Money:
    """The least a worker of `band` may be paid an hour on `day`."""
    return money_of(table or load_rates(), f"minimum_wage.{band.value}", day)


@dataclass(frozen=True, slots=True)
class PerPeriod:
    """A threshold for each length of pay period."""

    week: Money
    fortnight: Money
    four_weeks: Money
    month: Money
    year: Money

    def for_frequency(self, frequency: PayFrequency) -> Money:
        return {
            PayFrequency.WEEKLY: self.week,
            PayFrequency.FORTNIGHTLY: self.fortnight,
            PayFrequency.FOUR_WEEKLY: self.four_weeks,
            PayFrequency.MONTHLY: self.month,
        }[frequency]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The employer's figures in force on `day` (rates are exact fractions: 15 % is 3/20)."""

    day: date
    employer_ni_rate: Fraction
    secondary_threshold: PerPeriod
    employment_allowance: Money
    pension_trigger: PerPeriod
    pension_lower: PerPeriod
    pension_upper: PerPeriod
    employer_pension_minimum: Fraction
    holiday_accrual: Fraction
    statutory_leave_weeks: Fraction
    hmrc_payment_day: int


def _per_period(table: RateTable, name: str, day: date) -> PerPeriod:
    def get(period: str) -> Money:
        return money_of(table, f"{name}.{period}", day)

    return PerPeriod(get("week"), get("fortnight"), get("four_weeks"), get("month"), get("year"))


def _secondary_threshold(table: RateTable, day: date) -> PerPeriod:
    # The data gives the week, month and year; two and four weeks are that many weeks.
    def get(period: str) -> Money:
        return money_of(table, f"employer_ni.secondary_threshold.{period}", day)

    week = get("week")
    return PerPeriod(week, week * 2, week * 4, get("month"), get("year"))


def thresholds(day: date, table: RateTable | None = None) -> Thresholds:
    """Every employer threshold in force on `day`."""
    t = table or load_rates()
    payment_day = t.figure("hmrc.payment_day", day).value
    if not isinstance(payment_day, int):
        raise RatesFileError("hmrc.payment_day must be a whole number")
    return Thresholds(
        day=day,
        employer_ni_rate=percent_of(t, "employer_ni.rate_percent", day),
        secondary_threshold=_secondary_threshold(t, day),
        employment_allowance=money_of(t, "employment_allowance.year", day),
        pension_trigger=_per_period(t, "pension.trigger", day),
        pension_lower=_per_period(t, "pension.lower", day),
        pension_upper=_per_period(t, "pension.upper", day),
        employer_pension_minimum=percent_of(t, "pension.employer_minimum_percent", day),
        holiday_accrual=percent_of(t, "holiday.accrual_percent", day),
        statutory_leave_weeks=Fraction(str(t.figure("holiday.statutory_weeks", day).value)),
        hmrc_payment_day=payment_day,
    )


@cache
def bank_holidays() -> frozenset[date]:
    """The bank holidays of England and Wales shipped with kentcard (2025 to 2027)."""
    data = files("kentcard.core.employment") / "data" / "bank-holidays" / "england-and-wales.toml"
    return frozenset(tomllib.loads(data.read_text("utf-8"))["days"])
