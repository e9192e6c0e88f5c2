"""Reconciling statement lines by hand: list, match, unmatch, accept, create, lock."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kentcard.core.errors import ConflictError, InputError
from kentcard.core.money import Money
from kentcard.core.records import Source
from kentcard.services import history, ledger, period_lock
from kentcard.services.context import Context
from kentcard.services.reconcile import (
    LineState,
    ledger_entries,
    list_batches,
    statement_lines,
)
from kentcard.services.reconcile_actions import (
    accept_all_suggestions,
    accept_suggestion,
    create_entry_from_line,
    lock_reviewed,
    match_line,
    unmatch_line,
)
from kentcard.services.statement_import import import_statement
from tests.services.helpers import audit_since, last_audit_id, person, provider, rows

STATEMENT = b"""Date,Description,Amount
03/11/2026,KENT COUNTY COUNCIL,1000.00
10/11/2026,BRIGHT HOMECARE,-560.00
20/11/2026,CAFE,-20.00
20/11/2026,CAFE,-20.00
"""


def watched(db: Path) -> list[tuple[object, ...]]:
    """Everything a refused action must leave alone."""
    return rows(
        db,
        "SELECT (SELECT count(*) FROM money_out), (SELECT count(*) FROM money_in),"
        " (SELECT group_concat(state || ':' || coalesce(money_out_id, money_in_id, '-'))"
        "  FROM statement_line), (SELECT count(*) FROM audit)",
    )


@pytest.fixture
def setup(ctx: Context) -> tuple[int, dict[str, str]]:
    """A KCC payment logged, two £20 cafe payments the same day, then the statement imported."""
    rid = person(ctx)
    kcc = ledger.add_money_in(
        ctx, rid, date=date(2026, 11, 3), amount=Money(100000), source=Source.KCC
    )
    a = ledger.add_money_out(ctx, rid, date=date(2026, 11, 20), amount=Money(2000), payee="Cafe A")
    b = ledger.add_money_out(ctx, rid, date=date(2026, 11, 20), amount=Money(2000), payee="Cafe B")
    import_statement(ctx, rid, STATEMENT)
    return rid, {"kcc": f"money-in:{kcc.id}", "a": f"money-out:{a.id}", "b": f"money-out:{b.id}"}


def test_lines_show_state_entry_and_candidates(ctx: Context, setup: tuple[int, dict]) -> None:
    """After import: matched, created and two tied cafe lines listing both cafes as candidates."""
    rid, refs = setup
    lines = statement_lines(ctx, rid)
    assert [x.state for x in lines] == [
        LineState.MATCHED,
        LineState.CREATED,
        LineState.DECISION,
        LineState.DECISION,
    ]
    assert lines[0].entry == refs["kcc"] and lines[0].entry_label == "2026-11-03  kcc"
    assert lines[1].entry is not None and "BRIGHT HOMECARE" in (lines[1].entry_label or "")
    assert lines[2].candidates == (refs["a"], refs["b"]) and lines[2].suggestion is None
    entries = ledger_entries(ctx, rid, date(2026, 11, 1), date(2026, 11, 30))
    tied = {e.ref: e.line_id for e in entries}
    assert tied[refs["kcc"]] == lines[0].id and tied[refs["a"]] is None
    [batch] = list_batches(ctx, rid)
    assert (batch.lines, batch.stored, batch.already_imported) == (4, 4, 0)
    assert (batch.first, batch.last) == (date(2026, 11, 3), date(2026, 11, 20))


def test_match_by_hand_then_the_other_line_has_a_suggestion(
    ctx: Context, setup: tuple[int, dict], db_path: Path
) -> None:
    """Matching one cafe line to Cafe A leaves Cafe B as the other line's single suggestion."""
    rid, refs = setup
    first, second = [x for x in statement_lines(ctx, rid) if x.state is LineState.DECISION]
    before = last_audit_id(db_path)
    done = match_line(ctx, first.id, refs["a"])
    assert done.state is LineState.MATCHED and done.entry == refs["a"]
    assert audit_since(db_path, before) == [("statement_line", first.id, "update")]
    [again] = [x for x in statement_lines(ctx, rid) if x.id == second.id]
    assert again.suggestion == refs["b"]
    accepted = accept_suggestion(ctx, second.id)
    assert accepted.entry == refs["b"] and accepted.state is LineState.MATCHED
    changes = history.record_history(ctx, f"statement-line:{second.id}")
    assert changes[-1].detail == {"event": "accept suggestion", "entry": refs["b"]}


def test_accept_all_ties_every_single_suggestion(ctx: Context, setup: tuple[int, dict]) -> None:
    """Unmatching two lines makes both suggestions again; accept all ties both back."""
    rid, refs = setup
    first, second = [x for x in statement_lines(ctx, rid) if x.state is LineState.DECISION]
    match_line(ctx, first.id, refs["a"])
    match_line(ctx, second.id, refs["b"])
    kcc_line = statement_lines(ctx, rid)[0]
    unmatch_line(ctx, kcc_line.id)
    unmatch_line(ctx, first.id)
    assert accept_all_suggestions(ctx, rid) == 2
    entries = {x.id: x.entry for x in statement_lines(ctx, rid)}
    assert entries[kcc_line.id] == refs["kcc"] and entries[first.id] == refs["a"]
    assert accept_all_suggestions(ctx, rid) == 0


def test_unmatch_keeps_the_entry(ctx: Context, setup: tuple[int, dict], db_path: Path) -> None:
    """Unmatching a created line unties it and leaves its entry in the ledger."""
    rid, _ = setup
    created = statement_lines(ctx, rid)[1]
    count = rows(db_path, "SELECT count(*) FROM money_out")
    line = unmatch_line(ctx, created.id)
    assert line.state is LineState.DECISION and line.entry is None
    assert line.suggestion == created.entry  # its own entry is the obvious match again
    assert rows(db_path, "SELECT count(*) FROM money_out") == count
    with pytest.raises(ConflictError, match="not tied"):
        unmatch_line(ctx, created.id)


def test_match_refuses_a_wrong_amount_or_an_entry_already_tied(
    ctx: Context, setup: tuple[int, dict], db_path: Path
) -> None:
    """A different amount names the entry field; an entry tied elsewhere is refused."""
    rid, refs = setup
    first, second = [x for x in statement_lines(ctx, rid) if x.state is LineState.DECISION]
    before = watched(db_path)
    with pytest.raises(InputError) as wrong:
        match_line(ctx, first.id, refs["kcc"])
    assert wrong.value.field == "entry" and "£1,000.00" in str(wrong.value)
    with pytest.raises(InputError, match="entry: write it as"):
        match_line(ctx, first.id, "invoice:3")
    match_line(ctx, first.id, refs["a"])
    with pytest.raises(ConflictError, match="already tied to statement line"):
        match_line(ctx, second.id, refs["a"])
    with pytest.raises(ConflictError, match="unmatch it first"):
        match_line(ctx, first.id, refs["b"])
    assert watched(db_path)[0][:2] == before[0][:2]


def test_create_money_out_from_a_line_uses_the_provider(
    ctx: Context, setup: tuple[int, dict], db_path: Path
) -> None:
    """A new payment from a line takes the line's date and amount and the provider's category."""
    rid, _ = setup
    provider(ctx, rid, "Kent Cafe", category="Day activities")
    line = statement_lines(ctx, rid)[2]
    before = last_audit_id(db_path)
    done = create_entry_from_line(ctx, line.id, payee="kent cafe", description="Lunch club")
    assert done.state is LineState.CREATED and done.entry is not None
    entry_id = int(done.entry.split(":")[1])
    assert rows(
        db_path,
        "SELECT date, amount_pence, payee, category, description, origin FROM money_out"
        " WHERE id = ?",
        (entry_id,),
    ) == [("2026-11-20", 2000, "Kent Cafe", "Day activities", "Lunch club", "statement")]
    assert audit_since(db_path, before) == [
        ("money_out", entry_id, "create"),
        ("statement_line", line.id, "update"),
    ]


def test_create_refuses_bad_input_naming_the_field(
    ctx: Context, setup: tuple[int, dict], db_path: Path
) -> None:
    """No payee for money out, or no source for money in, is refused by name; nothing written."""
    rid, refs = setup
    lines = statement_lines(ctx, rid)
    before = watched(db_path)
    with pytest.raises(InputError) as missing:
        create_entry_from_line(ctx, lines[2].id, payee="  ")
    assert missing.value.field == "payee"
    unmatch_line(ctx, lines[0].id)
    middle = watched(db_path)
    with pytest.raises(InputError) as no_source:
        create_entry_from_line(ctx, lines[0].id)
    assert no_source.value.field == "source"
    with pytest.raises(InputError, match="source: must be one of"):
        create_entry_from_line(ctx, lines[0].id, source="lottery")
    assert watched(db_path) == middle and watched(db_path)[0][:2] == before[0][:2]
    done = create_entry_from_line(ctx, lines[0].id, source="contribution", note="Top-up")
    assert done.entry != refs["kcc"]
    assert rows(
        db_path,
        "SELECT source, note, amount_pence FROM money_in WHERE id = ?",
        (int((done.entry or ":0").split(":")[1]),),
    ) == [("contribution", "Top-up", 100000)]


def test_a_locked_period_refuses_every_reconcile_change(
    ctx: Context, setup: tuple[int, dict], db_path: Path
) -> None:
    """Match, unmatch, accept, accept all and create refuse a locked period; nothing changes."""
    rid, refs = setup
    lines = statement_lines(ctx, rid)
    unmatch_line(ctx, lines[0].id)  # the KCC line now has a suggestion to accept
    period_lock.lock_period(ctx, rid, date(2026, 11, 24), "reviewed")
    assert all(x.locked for x in statement_lines(ctx, rid))
    before = watched(db_path)
    attempts = [
        lambda: match_line(ctx, lines[2].id, refs["a"]),
        lambda: unmatch_line(ctx, lines[1].id),
        lambda: create_entry_from_line(ctx, lines[2].id, payee="Cafe"),
        lambda: accept_suggestion(ctx, lines[0].id),
        lambda: accept_all_suggestions(ctx, rid),
    ]
    for attempt in attempts:
        with pytest.raises(ConflictError, match="locked up to 2026-11-24"):
            attempt()
    assert watched(db_path) == before


def test_lock_reviewed_needs_every_line_decided_and_a_reason(
    ctx: Context, setup: tuple[int, dict], db_path: Path
) -> None:
    """Undecided lines or an empty reason refuse the lock; once decided it locks with the reason."""
    rid, refs = setup
    with pytest.raises(ConflictError, match="2 statement line"):
        lock_reviewed(ctx, rid, date(2026, 11, 24), "KCC review")
    with pytest.raises(InputError) as no_reason:
        lock_reviewed(ctx, rid, date(2026, 11, 19), " ")
    assert no_reason.value.field == "reason"
    assert period_lock.current_lock(ctx, rid) is None
    done = lock_reviewed(ctx, rid, date(2026, 11, 19), "KCC review")  # before the cafe lines
    assert done.locked_to == date(2026, 11, 19) and done.reason == "KCC review"
    first, second = [x for x in statement_lines(ctx, rid) if x.state is LineState.DECISION]
    match_line(ctx, first.id, refs["a"])
    create_entry_from_line(ctx, second.id, payee="Cafe B")
    assert lock_reviewed(ctx, rid, date(2026, 11, 24), "KCC review").locked_to == date(2026, 11, 24)
    assert rows(db_path, "SELECT locked_to, reason FROM period_lock") == [
        ("2026-11-24", "KCC review")
    ]


def test_reimport_counts_already_imported_lines_in_the_batch(
    ctx: Context, setup: tuple[int, dict]
) -> None:
    """A second import of the same file stores nothing new and says so in its batch."""
    rid, _ = setup
    import_statement(ctx, rid, STATEMENT)
    newest = list_batches(ctx, rid)[0]
    assert (newest.lines, newest.stored, newest.already_imported) == (4, 0, 4)
    assert statement_lines(ctx, rid, batch_id=newest.id) == []
