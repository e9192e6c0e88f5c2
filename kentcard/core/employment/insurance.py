"""Employer's liability insurance: councils ask for it for every day a PA is employed.

A finding for each run of days on which some PA is employed and no policy is in force
(an expired policy counts as none), and a reminder from 30 days before a policy's renewal
when no policy is recorded to follow it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from kentcard.core.employment.records import (
    Employee,
    EmploymentFinding,
    FindingKind,
    Insurance,
)
from kentcard.core.employment.words import date_words, period_words

REMIND_DAYS = 30


def _names(employees: Sequence[Employee]) -> str:
    names = [e.name for e in employees]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def uncovered_runs(
    employees: Sequence[Employee], insurances: Sequence[Insurance], start: date, end: date
) -> list[tuple[date, date]]:
    """First and last days of each run in `start`..`end` with a PA employed and no cover."""
    runs: list[tuple[date, date]] = []
    day = start
    while day <= end:
        bare = any(e.employed_on(day) for e in employees) and not any(
            i.in_force_on(day) for i in insurances
        )
        if bare and runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        elif bare:
            runs.append((day, day))
        day += timedelta(days=1)
    return runs


def _gap(employees: Sequence[Employee], first: date, last: date) -> EmploymentFinding:
    working = [e for e in employees if e.start <= last and (e.end is None or e.end >= first)]
    message = (
        f"No employer's liability insurance is recorded for {period_words(first, last)}, "
        f"while {_names(working)} worked for you. Councils ask for cover on every day a PA "
        "is employed; add the policy, or its renewal."
    )
    return EmploymentFinding(
        kind=FindingKind.NO_INSURANCE,
        day=first,
        message=message,
        about=f"Employer's liability insurance, {period_words(first, last)}",
    )


def _reminder(policy: Insurance) -> EmploymentFinding:
    last = policy.renewal - timedelta(days=1)
    message = (
        f"Your employer's liability insurance with {policy.insurer} (policy {policy.policy}) "
        f"ends on {date_words(last)} and no policy from {date_words(policy.renewal)} is "
        "recorded. Renew it, and add the new policy."
    )
    return EmploymentFinding(
        kind=FindingKind.NO_INSURANCE,
        day=policy.renewal,
        message=message,
        about=f"Employer's liability insurance, {policy.insurer}, policy {policy.policy}",
        amount=policy.premium,
        record=f"insurance:{policy.id}",
    )


def check_insurance(
    employees: Sequence[Employee],
    insurances: Sequence[Insurance],
    start: date,
    end: date,
    today: date,
) -> list[EmploymentFinding]:
    """`no-insurance`: days in `start`..`end` with a PA employed and no policy in force;
    and, within 30 days before a renewal, a policy with nothing recorded to follow it
    while a PA is still employed on the renewal day."""
    found = [_gap(employees, a, b) for a, b in uncovered_runs(employees, insurances, start, end)]
    for policy in insurances:
        soon = today < policy.renewal <= today + timedelta(days=REMIND_DAYS)
        followed = any(i.in_force_on(policy.renewal) for i in insurances)
        employed = any(e.employed_on(policy.renewal) for e in employees)
        if soon and employed and not followed:
            found.append(_reminder(policy))
    return found
