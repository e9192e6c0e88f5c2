"""Support plans: a new plan ends the one before, the same start replaces, order is enforced."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kentcard.core.dates import Month
from kentcard.core.errors import ConflictError, InputError
from kentcard.core.money import Money
from kentcard.core.records import Frequency, PlanLine
from kentcard.services.context import Context
from kentcard.services.plans import list_plans, set_plan
from kentcard.services.summary import month_summary
from tests.services.helpers import audit_since, count, last_audit_id, monthly_plan, person


def spans(ctx: Context, rid: int) -> list[tuple[date, date | None, int]]:
    return [(p.start, p.end, p.council.pence) for p in list_plans(ctx, rid)]


def test_new_plan_ends_the_previous_one_the_day_before(ctx: Context, db_path: Path) -> None:
    """A plan from 11 November ends the open plan on 10 November, and the change is audited."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 100_000)
    first_id = list_plans(ctx, rid)[0].id
    mark = last_audit_id(db_path)
    monthly_plan(ctx, rid, 110_000, start=date(2026, 11, 11))
    assert spans(ctx, rid) == [
        (date(2026, 1, 1), date(2026, 11, 10), 100_000),
        (date(2026, 11, 11), None, 110_000),
    ]
    second_id = list_plans(ctx, rid)[1].id
    assert audit_since(db_path, mark) == [
        ("plan", first_id, "update"),
        ("plan", second_id, "create"),
    ]


def test_new_plan_shortens_a_plan_with_a_later_end(ctx: Context) -> None:
    """A plan set to end in December is cut to end the day before a new plan starts."""
    rid = person(ctx)
    set_plan(
        ctx,
        rid,
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        frequency=Frequency.MONTHLY,
        council=Money(100_000),
    )
    monthly_plan(ctx, rid, 120_000, start=date(2026, 6, 1))
    assert spans(ctx, rid)[0] == (date(2026, 1, 1), date(2026, 5, 31), 100_000)


def test_plan_that_already_ended_is_left_alone(ctx: Context) -> None:
    """A plan that ended before the new one starts keeps its end; the gap has no budget."""
    rid = person(ctx)
    set_plan(
        ctx,
        rid,
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        frequency=Frequency.MONTHLY,
        council=Money(100_000),
    )
    monthly_plan(ctx, rid, 120_000, start=date(2026, 6, 1))
    assert spans(ctx, rid) == [
        (date(2026, 1, 1), date(2026, 3, 31), 100_000),
        (date(2026, 6, 1), None, 120_000),
    ]
    assert month_summary(ctx, rid, Month(2026, 5)).budget == Money(0)
    assert month_summary(ctx, rid, Month(2026, 3)).budget == Money(100_000)


def test_same_start_replaces_the_plan_and_its_lines(ctx: Context) -> None:
    """Setting a plan on an existing plan's start day replaces it, lines and all."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 100_000, lines={"Agency": 100_000})
    monthly_plan(ctx, rid, 100_001, start=date(2026, 11, 11), lines={"Agency": 100_001})
    monthly_plan(ctx, rid, 90_000, start=date(2026, 11, 11), lines={"PA": 60_000})
    plans = list_plans(ctx, rid)
    assert [(p.start, p.end, p.council.pence) for p in plans] == [
        (date(2026, 1, 1), date(2026, 11, 10), 100_000),
        (date(2026, 11, 11), None, 90_000),
    ]
    assert plans[1].lines == (PlanLine("PA", Money(60_000)),)


def test_plan_starting_before_an_existing_one_is_a_conflict(ctx: Context, db_path: Path) -> None:
    """A plan earlier than the latest one is refused and changes nothing."""
    rid = person(ctx)
    monthly_plan(ctx, rid, 100_000)
    monthly_plan(ctx, rid, 110_000, start=date(2026, 11, 11))
    before = spans(ctx, rid)
    audit_before = count(db_path, "audit")
    with pytest.raises(ConflictError, match=r"^start: "):
        monthly_plan(ctx, rid, 120_000, start=date(2026, 6, 1))
    assert spans(ctx, rid) == before
    assert count(db_path, "audit") == audit_before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": date(2026, 5, 31)}, "end"),  # before the start, 2026-06-01
        ({"council": Money(-1)}, "council"),
        ({"contribution": Money(-1)}, "contribution"),
        ({"council": Money(0), "contribution": Money(0)}, "council"),
        # lines 60,000 + 50,001 = 110,001 > 100,000 + 10,000 = 110,000
        ({"lines": [PlanLine("Agency", Money(60_000)), PlanLine("PA", Money(50_001))]}, "line"),
        ({"lines": [PlanLine("PA", Money(1)), PlanLine("pa", Money(1))]}, "line"),
        ({"lines": [PlanLine("PA", Money(-1))]}, "line"),
        ({"first_payment": date(2026, 4, 30)}, "first-payment"),  # 32 days before the start
    ],
)
def test_bad_plan_is_refused_naming_the_field(
    ctx: Context, db_path: Path, changes: dict[str, Any], field: str
) -> None:
    """Each bad plan value is an InputError naming its field, and no plan is written."""
    rid = person(ctx)
    values: dict[str, Any] = {
        "start": date(2026, 6, 1),
        "frequency": Frequency.MONTHLY,
        "council": Money(100_000),
        "contribution": Money(10_000),
    }
    with pytest.raises(InputError) as caught:
        set_plan(ctx, rid, **(values | changes))
    assert caught.value.field == field
    assert count(db_path, "plan") == 0


def test_lines_adding_up_to_the_total_are_accepted(ctx: Context) -> None:
    """Lines that add up to exactly council + contribution are fine (the limit is inclusive)."""
    rid = person(ctx)
    plan = set_plan(
        ctx,
        rid,
        start=date(2026, 6, 1),
        frequency=Frequency.WEEKLY,
        council=Money(30_000),
        contribution=Money(2_000),
        lines=[PlanLine("PA", Money(25_000)), PlanLine("Agency", Money(7_000))],  # = 32,000
        first_payment=date(2026, 5, 1),  # 31 days before the start: allowed
    )
    assert plan.per_period == Money(32_000)
    # weekly: 32,000 × 52/12 × 30/30 in November = 1,664,000/12 = 138,666.67 → 138,667
    assert month_summary(ctx, rid, Month(2026, 11)).budget == Money(138_667)
