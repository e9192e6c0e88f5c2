"""below-minimum-wage: pay for minimum-wage time in a pay period against the rate for the
PA's age band in force at the period's start, with worked examples written out by hand."""

from __future__ import annotations

from datetime import date, timedelta

from kentcard.core.employment.checks import check_minimum_wage
from kentcard.core.employment.pay import band_on
from kentcard.core.employment.records import AgeBand, FindingKind, PayFrequency, WorkKind
from kentcard.core.money import Money
from tests.core.employment.factories import line, pa, rate, slip

D = date


def _ten_shifts(first: date, minutes: int = 240, eid: int = 1) -> list:
    """Ten care shifts of `minutes`, one every other day from `first`."""
    return [line(first + timedelta(days=2 * k), minutes, eid=eid) for k in range(10)]


def test_period_starting_31_march_is_judged_at_the_2025_rate() -> None:
    """Four-weekly 31 March – 27 April 2026 at £12.50: judged at £12.21, so no finding."""
    # 10 × 4 h = 40 h; 40 × £12.50 = £500.00 ≥ 40 × £12.21 = £488.40.
    lines = _ten_shifts(D(2026, 3, 31))
    rates = [rate(1250, frequency=PayFrequency.FOUR_WEEKLY)]
    payslip = slip(D(2026, 3, 31), D(2026, 4, 27), 50000)
    assert check_minimum_wage([pa()], rates, lines, [payslip]) == []


def test_period_starting_1_april_is_judged_at_the_2026_rate() -> None:
    """Four-weekly 1–28 April 2026 at £12.50: judged at £12.71, £8.40 short."""
    # 10 × 4 h = 40 h; 40 × £12.50 = £500.00 < 40 × £12.71 = £508.40; short £8.40.
    lines = _ten_shifts(D(2026, 4, 1))
    rates = [rate(1250, frequency=PayFrequency.FOUR_WEEKLY)]
    payslip = slip(D(2026, 4, 1), D(2026, 4, 28), 50000)
    [finding] = check_minimum_wage([pa()], rates, lines, [payslip])
    assert finding.kind is FindingKind.BELOW_MINIMUM_WAGE
    assert finding.amount == Money(840)
    assert finding.day == D(2026, 4, 28)
    assert "Anna Smith" in finding.message and "1–28 April 2026" in finding.message
    assert "£500.00" in finding.message and "£12.71 an hour" in finding.message
    assert "£8.40 short" in finding.message
    assert finding.about == "Payslip 1–28 April 2026, Anna Smith"


def test_a_birthday_moves_the_pa_into_the_adult_band_from_the_next_period() -> None:
    """A 21st birthday moves the PA to the 21+ rate from the next period starting after it."""
    # Born 15 May 2005, paid £11.00: May 2026 is judged at the 18–20 rate (£10.85, fine),
    # June 2026 at the 21+ rate (£12.71): 40 h short by £68.40.
    # May: 40 h × £11.00 = £440.00 ≥ 40 × £10.85 = £434.00.
    # June: 40 h × £11.00 = £440.00 < 40 × £12.71 = £508.40; short £68.40.
    anna = pa(born=D(2005, 5, 15))
    lines = _ten_shifts(D(2026, 5, 1)) + _ten_shifts(D(2026, 6, 1))
    slips = [
        slip(D(2026, 5, 1), D(2026, 5, 31), 44000, sid=1),
        slip(D(2026, 6, 1), D(2026, 6, 30), 44000, sid=2),
    ]
    [finding] = check_minimum_wage([anna], [rate(1100)], lines, slips)
    assert finding.record == "payslip:2"
    assert finding.amount == Money(6840)
    assert "aged 21 or over" in finding.message


def test_the_band_on_the_birthday_itself_is_the_new_one() -> None:
    """A period starting on the 21st birthday is judged in the 21+ band; the day before is not."""
    anna = pa(born=D(2005, 5, 15))
    assert band_on(anna, D(2026, 5, 14)) is AgeBand.AGE_18_20
    assert band_on(anna, D(2026, 5, 15)) is AgeBand.ADULT
    assert band_on(pa(born=D(2010, 6, 1)), D(2026, 5, 31)) is None  # 15: no minimum wage


def _sleep_in_week(awake_pence: int | None) -> list:
    """5 care shifts of 8 h, 4 sleep-ins of 8 h asleep, 4 awake hours during them."""
    first = D(2026, 4, 6)
    care = [line(first + timedelta(days=k), 480) for k in range(5)]
    asleep = [line(first + timedelta(days=k), 480, WorkKind.SLEEP_IN) for k in range(4)]
    awake = [
        line(first + timedelta(days=k), 60, WorkKind.SLEEP_IN_AWAKE, pence=awake_pence)
        for k in range(4)
    ]
    return care + asleep + awake


def test_asleep_sleep_in_hours_are_left_out() -> None:
    """Awake time paid at £12.80: 44 minimum-wage hours, not 76; the £50 flats are not counted."""
    # Care 40 h + awake 4 h = 44 h at £12.80 = £563.20 ≥ 44 × £12.71 = £559.24.
    # Counting the 32 h asleep would give 76 h for £763.20 (£10.04/h), below £12.71.
    rates = [rate(1280, sleep_in_flat=5000)]
    payslip = slip(D(2026, 4, 6), D(2026, 4, 12), 76320)
    assert check_minimum_wage([pa()], rates, _sleep_in_week(None), [payslip]) == []


def test_awake_sleep_in_hours_count_and_the_flat_is_not_minimum_wage_pay() -> None:
    """Awake time left unpaid (only the £50 flats): 44 h for £512.00, £47.24 short."""
    # Care 40 h × £12.80 = £512.00; awake 4 h × £0 = £0; needed 44 × £12.71 = £559.24.
    rates = [rate(1280, sleep_in_flat=5000)]
    payslip = slip(D(2026, 4, 6), D(2026, 4, 12), 71200)
    [finding] = check_minimum_wage([pa()], rates, _sleep_in_week(0), [payslip])
    assert finding.amount == Money(4724)
    assert "44 hours" in finding.message


def test_holiday_and_sick_time_is_left_out() -> None:
    """40 h of care at £12.80 plus 8 h holiday and 8 h sick paid nothing: still no finding."""
    # Counted: 40 h × £12.80 = £512.00 ≥ 40 × £12.71 = £508.40. With the 16 h off it
    # would be 56 h for £512.00, below the minimum.
    lines = [
        *_ten_shifts(D(2026, 4, 6)),
        line(D(2026, 4, 27), 480, WorkKind.HOLIDAY, pence=0),
        line(D(2026, 4, 28), 480, WorkKind.SICK, pence=0),
    ]
    payslip = slip(D(2026, 4, 6), D(2026, 5, 3), 51200)
    assert check_minimum_wage([pa()], [rate(1280)], lines, [payslip]) == []


def test_travel_between_visits_counts_as_work() -> None:
    """36 h care at £13.00 and 4 h travel paid nothing: 40 h for £468.00 < £508.40."""
    # 36 × £13.00 = £468.00; needed 40 × £12.71 = £508.40; short £40.40.
    lines = [line(D(2026, 5, 1) + timedelta(days=k), 360) for k in range(6)] + [
        line(D(2026, 5, 1) + timedelta(days=k), 40, WorkKind.TRAVEL, pence=0) for k in range(6)
    ]
    payslip = slip(D(2026, 5, 1), D(2026, 5, 31), 46800)
    [finding] = check_minimum_wage([pa()], [rate(1300)], lines, [payslip])
    assert finding.amount == Money(4040)


def test_an_apprentice_is_judged_at_the_apprentice_rate() -> None:
    """An apprentice paid £8.50 in June 2026: at least £8.00, so no finding; at £7.90 there is."""
    apprentice = pa(band=AgeBand.APPRENTICE)
    lines = _ten_shifts(D(2026, 6, 1))
    june = slip(D(2026, 6, 1), D(2026, 6, 30), 34000)
    assert check_minimum_wage([apprentice], [rate(850)], lines, [june]) == []
    # 40 h × £7.90 = £316.00 < 40 × £8.00 = £320.00; short £4.00.
    [finding] = check_minimum_wage([apprentice], [rate(790)], lines, [june])
    assert finding.amount == Money(400)
