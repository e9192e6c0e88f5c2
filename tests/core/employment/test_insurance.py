"""no-insurance: days a PA is employed with no employer's liability policy in force (an
expired one counts as none), and a reminder within 30 days of a renewal with no follow-on."""

from __future__ import annotations

from datetime import date

from kentcard.core.employment.insurance import check_insurance
from kentcard.core.employment.records import FindingKind, Insurance
from kentcard.core.money import Money
from tests.core.employment.factories import pa

D = date
TODAY = D(2026, 6, 15)


def policy(start: date, renewal: date, iid: int = 1, premium: int | None = 6100) -> Insurance:
    return Insurance(
        id=iid,
        insurer="Acme Insurance",
        policy=f"EL-{iid}",
        start=start,
        renewal=renewal,
        premium=None if premium is None else Money(premium),
    )


def test_pa_employed_before_the_policy_starts() -> None:
    """Employed from 1 April 2026, insured from 1 May: one finding for 1–30 April 2026."""
    found = check_insurance(
        [pa(start=D(2026, 4, 1))],
        [policy(D(2026, 5, 1), D(2027, 5, 1))],
        D(2026, 3, 1),
        D(2026, 5, 31),
        TODAY,
    )
    [finding] = found
    assert finding.kind is FindingKind.NO_INSURANCE and finding.day == D(2026, 4, 1)
    assert "1–30 April 2026" in finding.message and "Anna Smith" in finding.message


def test_an_expired_policy_counts_as_none() -> None:
    """An expired, unrenewed policy leaves the days after it uncovered."""
    # A policy renewing 1 April 2026 and not renewed: uncovered 1 April – 31 May 2026.
    [finding] = check_insurance(
        [pa(start=D(2025, 1, 1))],
        [policy(D(2025, 4, 1), D(2026, 4, 1))],
        D(2026, 3, 1),
        D(2026, 5, 31),
        TODAY,
    )
    assert "1 April – 31 May 2026" in finding.message


def test_only_days_a_pa_is_employed_count() -> None:
    """Anna leaves on 15 April 2026 and Bob starts on 10 May: gaps 1–15 April and 10–31 May."""
    staff = [pa(start=D(2025, 1, 1), end=D(2026, 4, 15)), pa(2, "Bob Jones", start=D(2026, 5, 10))]
    found = check_insurance(staff, [], D(2026, 4, 1), D(2026, 5, 31), TODAY)
    assert [(f.day, "Bob" in f.message) for f in found] == [
        (D(2026, 4, 1), False),
        (D(2026, 5, 10), True),
    ]


def test_back_to_back_policies_leave_no_gap() -> None:
    """A policy to 30 April and the next from 1 May 2026 cover every day: nothing to say."""
    policies = [policy(D(2025, 5, 1), D(2026, 5, 1)), policy(D(2026, 5, 1), D(2027, 5, 1), 2)]
    assert check_insurance([pa()], policies, D(2026, 1, 1), D(2026, 12, 31), TODAY) == []


def test_reminder_within_30_days_of_renewal_with_no_follow_on() -> None:
    """Renewal 1 July 2026 and today 15 June (16 days before): a reminder naming 30 June."""
    current = policy(D(2025, 7, 1), D(2026, 7, 1))
    [finding] = check_insurance([pa()], [current], D(2026, 6, 1), D(2026, 6, 15), TODAY)
    assert finding.day == D(2026, 7, 1) and finding.amount == Money(6100)
    assert "ends on 30 June 2026" in finding.message and finding.record == "insurance:1"


def test_no_reminder_when_renewed_too_early_or_the_pa_has_left() -> None:
    """No reminder with a follow-on policy, 31 days before renewal, or with no PA then."""
    current = policy(D(2025, 7, 1), D(2026, 7, 1))
    following = policy(D(2026, 7, 1), D(2027, 7, 1), 2)
    window = (D(2026, 6, 1), D(2026, 6, 15))
    assert check_insurance([pa()], [current, following], *window, TODAY) == []
    assert check_insurance([pa()], [current], *window, D(2026, 5, 31)) == []
    leaver = pa(end=D(2026, 6, 30))
    assert check_insurance([leaver], [current], *window, TODAY) == []
