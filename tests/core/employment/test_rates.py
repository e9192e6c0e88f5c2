"""The shipped figures for employing a PA: every one sourced and dated, no gap from 6 April
2025 to 5 April 2027, the 1 April and 6 April changes, and a new year being a new file."""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta
from fractions import Fraction
from importlib.resources import files
from pathlib import Path

import pytest

from kentcard.core.employment import rates
from kentcard.core.employment.rates import (
    RatesFileError,
    RatesNotKnown,
    bank_holidays,
    load_rates,
    minimum_wage,
    read_rate_file,
    thresholds,
)
from kentcard.core.employment.records import AgeBand, PayFrequency
from kentcard.core.errors import KentcardError
from kentcard.core.money import Money

D = date
DATA = files("kentcard.core.employment") / "data"
FIRST, LAST = D(2025, 4, 6), D(2027, 4, 5)


def _data_files() -> dict[str, dict]:
    return {
        item.name: tomllib.loads(item.read_text(encoding="utf-8"))
        for item in DATA.iterdir()
        if item.name.endswith(".toml")
    }


def _leaves(tree: dict, prefix: str = "") -> list[tuple[str, dict]]:
    found: list[tuple[str, dict]] = []
    for key, node in tree.items():
        name = f"{prefix}.{key}" if prefix else key
        found.extend([(name, node)] if "value" in node else _leaves(node, name))
    return found


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def test_shipped_files_are_the_two_tax_years() -> None:
    """The package ships one data file for 2025/26 and one for 2026/27."""
    assert sorted(_data_files()) == ["2025-26.toml", "2026-27.toml"]


def test_every_value_has_a_source_with_its_address_and_a_from_date() -> None:
    """Each figure in each file has a `from` date and a source 'Pn https://…', and no float."""
    for file_name, tree in _data_files().items():
        leaves = _leaves(tree)
        assert len(leaves) == 28, file_name  # 4 + 4 + 1 + 15 + 1 + 2 + 1 figures
        for name, node in leaves:
            assert set(node) == {"value", "from", "source"}, (file_name, name)
            assert isinstance(node["from"], date), (file_name, name)
            assert re.fullmatch(r"P[0-9]+ https?://\S+", node["source"]), (file_name, name)
            assert isinstance(node["value"], str | int), (file_name, name)
            assert not isinstance(node["value"], bool | float), (file_name, name)


def test_every_file_gives_the_same_figures() -> None:
    """A tax year's file repeats every figure, so no figure silently runs out."""
    names = [{name for name, _ in _leaves(tree)} for tree in _data_files().values()]
    assert names[0] == names[1]


def test_files_cover_6_april_2025_to_5_april_2027_without_a_gap() -> None:
    """Every figure resolves on every day of the two tax years, and the typed lookups parse."""
    table = load_rates()
    for day in _days(FIRST, LAST):
        for name in table.names():
            assert table.figure(name, day).name == name
        thresholds(day)
        for band in AgeBand:
            minimum_wage(band, day)


@pytest.mark.parametrize("day", [D(2025, 4, 5), D(2027, 4, 6)])
def test_a_day_outside_the_files_raises_naming_it(day: date) -> None:
    """Thresholds for 5 April 2025 or 6 April 2027 are not known: the error names the day."""
    with pytest.raises(RatesNotKnown, match=f"{day.day} April {day.year}") as raised:
        thresholds(day)
    assert isinstance(raised.value, KentcardError)


def test_minimum_wage_changes_on_1_april() -> None:
    """31 March 2026 has the 2025 rates (£12.21, £10.00, £7.55), 1 April 2026 the 2026 ones."""
    before = {band: minimum_wage(band, D(2026, 3, 31)).pence for band in AgeBand}
    after = {band: minimum_wage(band, D(2026, 4, 1)).pence for band in AgeBand}
    assert before == {
        AgeBand.ADULT: 1221,
        AgeBand.AGE_18_20: 1000,
        AgeBand.AGE_16_17: 755,
        AgeBand.APPRENTICE: 755,
    }
    assert after == {
        AgeBand.ADULT: 1271,
        AgeBand.AGE_18_20: 1085,
        AgeBand.AGE_16_17: 800,
        AgeBand.APPRENTICE: 800,
    }


def test_minimum_wage_before_april_2025_is_not_known() -> None:
    """31 March 2025 falls before the first file's minimum wage (from 1 April 2025)."""
    with pytest.raises(RatesNotKnown, match="31 March 2025"):
        minimum_wage(AgeBand.ADULT, D(2025, 3, 31))


def test_thresholds_change_file_on_6_april() -> None:
    """5 April 2026 reads the 2025/26 file, 6 April 2026 the 2026/27 one."""
    name = "employer_ni.secondary_threshold.month"
    old, new = rates.figure(name, D(2026, 4, 5)), rates.figure(name, D(2026, 4, 6))
    assert (old.tax_year, old.start) == (2025, D(2025, 4, 6))
    assert (new.tax_year, new.start) == (2026, D(2026, 4, 6))


def test_2026_27_figures_match_the_notes() -> None:
    """The 2026/27 figures are those of the notes' summary table."""
    t = thresholds(D(2026, 6, 1))
    assert t.employer_ni_rate == Fraction(15, 100)
    assert [t.secondary_threshold.week, t.secondary_threshold.month] == [Money(9600), Money(41700)]
    assert t.secondary_threshold.year == Money(500_000)
    assert t.employment_allowance == Money(1_050_000)
    by_period = [
        (t.pension_trigger, [19200, 38400, 76800, 83300, 1_000_000]),
        (t.pension_lower, [12000, 24000, 48000, 52000, 624_000]),
        (t.pension_upper, [96700, 193400, 386700, 418900, 5_027_000]),
    ]
    for per, pence in by_period:
        assert [per.week, per.fortnight, per.four_weeks, per.month, per.year] == [
            Money(p) for p in pence
        ]
    assert t.employer_pension_minimum == Fraction(3, 100)
    assert t.holiday_accrual == Fraction(1207, 10000)
    assert t.statutory_leave_weeks == Fraction(56, 10)
    assert t.hmrc_payment_day == 22
    # Two and four weeks of the secondary threshold are 2 × and 4 × £96.
    assert t.secondary_threshold.for_frequency(PayFrequency.FOUR_WEEKLY) == Money(38400)


def _copy_shipped(folder: Path) -> None:
    for item in DATA.iterdir():
        if item.name.endswith(".toml"):
            (folder / item.name).write_bytes(item.read_bytes())


def test_a_new_tax_year_is_a_new_file(tmp_path: Path) -> None:
    """Adding 2027-28.toml (NLW £13.00 from 1 April 2027) extends the figures, no code change."""
    _copy_shipped(tmp_path)
    text = (tmp_path / "2026-27.toml").read_text(encoding="utf-8")
    text = text.replace("2026-04", "2027-04").replace('value = "12.71"', 'value = "13.00"')
    assert load_rates(tmp_path).tax_years() == (2025, 2026)
    (tmp_path / "2027-28.toml").write_text(text, encoding="utf-8")
    table = load_rates(tmp_path)
    assert table.tax_years() == (2025, 2026, 2027)
    assert minimum_wage(AgeBand.ADULT, D(2027, 3, 31), table) == Money(1271)
    assert minimum_wage(AgeBand.ADULT, D(2027, 4, 1), table) == Money(1300)
    assert thresholds(D(2028, 4, 5), table).hmrc_payment_day == 22


GOOD = '[hmrc.payment_day]\nvalue = 22\nfrom = 2026-04-06\nsource = "P34 https://www.gov.uk/pay-paye-tax"\n'


@pytest.mark.parametrize(
    ("name", "text", "complaint"),
    [
        ("2026-27.toml", GOOD.replace('source = "P34 ', 'source = "'), "source"),
        ("2026-27.toml", GOOD.replace("value = 22", "value = 22.0"), "float"),
        ("2026-27.toml", GOOD.replace("from = 2026-04-06\n", ""), "exactly value, from"),
        ("2026-27.toml", GOOD.replace("2026-04-06", "2027-04-06"), "from"),
        ("2026-28.toml", GOOD, "named after its tax year"),
        ("2026-27.toml", "[hmrc]\npayment_day = 22\n", "must be a table"),
    ],
)
def test_a_file_in_the_wrong_shape_is_refused(name: str, text: str, complaint: str) -> None:
    """A data file in the wrong shape raises RatesFileError saying what is wrong."""
    # A figure without a source or `from`, a float, a date after the year, a misnamed file.
    assert read_rate_file("2026-27.toml", GOOD.encode())[0].value == 22
    with pytest.raises(RatesFileError, match=complaint):
        read_rate_file(name, text.encode())


def test_the_bank_holidays_are_eight_a_year_on_the_days_gov_uk_gives() -> None:
    """2025 to 2027, eight a year; 2026's Christmas falls on a Friday, so Boxing Day's
    holiday is Monday 28 December; Easter 2027 is 28 March."""
    days = bank_holidays()
    assert {year: sum(d.year == year for d in days) for year in (2025, 2026, 2027)} == {
        2025: 8,
        2026: 8,
        2027: 8,
    }
    assert {date(2026, 12, 25), date(2026, 12, 28), date(2027, 3, 26), date(2027, 3, 29)} <= days
    assert all(d.weekday() < 5 for d in days)
