"""Saying why a payment has no receipt: kept with the payment, audited, never locked out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kentcard.core.errors import InputError, NotFoundError
from kentcard.core.money import Money
from kentcard.services import history, ledger, period_lock
from kentcard.services.context import Context
from kentcard.store import ledger as store_ledger
from tests.services.helpers import counts, last_audit_id, person, rows

LUNCH = "the lunch club gives no receipts"


@pytest.fixture
def rid(ctx: Context) -> int:
    return person(ctx)


@pytest.fixture
def payment(ctx: Context, rid: int) -> int:
    return ledger.add_money_out(
        ctx, rid, date=date(2026, 11, 21), amount=Money(3000), payee="Riverside Day Centre"
    ).id


def note_in_db(db_path: Path, money_out_id: int) -> str | None:
    [(note,)] = rows(db_path, "SELECT evidence_note FROM money_out WHERE id = ?", (money_out_id,))
    return note


def test_set_is_stripped_kept_and_returned(
    ctx: Context, rid: int, payment: int, db_path: Path
) -> None:
    """The words are stored without surrounding space and come back on every read."""
    record = ledger.explain_missing_evidence(ctx, rid, payment, f"  {LUNCH} \n")
    assert record.evidence_note == LUNCH
    assert note_in_db(db_path, payment) == LUNCH
    [listed] = ledger.list_money_out(ctx, rid)
    assert listed.evidence_note == LUNCH
    with ctx.db.read() as session:
        [line] = store_ledger.money_out_lines(
            session=session, recipient_id=rid, start=date(2026, 11, 1), end=date(2026, 11, 30)
        )
    assert (line.evidenced, line.evidence_note) == (False, LUNCH)


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_clears(
    ctx: Context, rid: int, payment: int, db_path: Path, empty: str | None
) -> None:
    """None or blank text removes the explanation."""
    ledger.explain_missing_evidence(ctx, rid, payment, LUNCH)
    record = ledger.explain_missing_evidence(ctx, rid, payment, empty)
    assert record.evidence_note is None
    assert note_in_db(db_path, payment) is None


def test_too_long_is_refused_as_reason_and_writes_nothing(
    ctx: Context, rid: int, payment: int, db_path: Path
) -> None:
    """200 characters are kept; 201 are an InputError naming `reason`, and nothing changes."""
    ledger.explain_missing_evidence(ctx, rid, payment, "x" * 200)
    before = counts(db_path)
    with pytest.raises(InputError) as refused:
        ledger.explain_missing_evidence(ctx, rid, payment, "y" * 201)
    assert refused.value.field == "reason"
    assert "200" in refused.value.reason
    assert counts(db_path) == before
    assert note_in_db(db_path, payment) == "x" * 200


def test_control_characters_are_refused_as_reason(ctx: Context, rid: int, payment: int) -> None:
    with pytest.raises(InputError) as refused:
        ledger.explain_missing_evidence(ctx, rid, payment, "no\x1b[31m receipts")
    assert refused.value.field == "reason"


def test_allowed_in_a_locked_period(ctx: Context, rid: int, payment: int, db_path: Path) -> None:
    """A payment in a reviewed, locked period can still be explained (and the explanation
    removed), as a receipt can still be attached; its own facts stay locked."""
    period_lock.lock_period(ctx, rid, date(2026, 11, 24), "reviewed")
    ledger.explain_missing_evidence(ctx, rid, payment, LUNCH)
    assert note_in_db(db_path, payment) == LUNCH
    ledger.explain_missing_evidence(ctx, rid, payment, None)
    assert note_in_db(db_path, payment) is None


def test_each_change_writes_one_audit_line(ctx: Context, rid: int, payment: int) -> None:
    """Setting and clearing each leave a line on the payment with before and after; the
    same words again write nothing."""
    ledger.explain_missing_evidence(ctx, rid, payment, LUNCH)
    ledger.explain_missing_evidence(ctx, rid, payment, LUNCH)
    ledger.explain_missing_evidence(ctx, rid, payment, "")
    changes = history.record_history(ctx, f"money-out:{payment}")
    assert [c.action for c in changes] == ["create", "update", "update"]
    set_line, cleared = changes[1:]
    assert set_line.changed == {"evidence_note": (None, LUNCH)}
    assert set_line.detail == {"event": "evidence explained"}
    assert cleared.changed == {"evidence_note": (LUNCH, None)}
    assert cleared.detail == {"event": "evidence explanation cleared"}


def test_someone_elses_payment_is_not_found(
    ctx: Context, rid: int, payment: int, db_path: Path
) -> None:
    """Another person's payment, or no payment at all, is refused; nothing is written."""
    other = person(ctx, "Bob Jones")
    before, audit_id = counts(db_path), last_audit_id(db_path)
    with pytest.raises(NotFoundError, match=f"money-out {payment} does not exist"):
        ledger.explain_missing_evidence(ctx, other, payment, LUNCH)
    with pytest.raises(NotFoundError, match="money-out 999 does not exist"):
        ledger.explain_missing_evidence(ctx, rid, 999, LUNCH)
    assert (counts(db_path), last_audit_id(db_path)) == (before, audit_id)
    assert note_in_db(db_path, payment) is None


def test_an_edit_keeps_the_explanation(ctx: Context, rid: int, payment: int) -> None:
    """Editing the payment's other fields leaves its explanation as it was; the explanation
    is not one of the fields an edit changes."""
    ledger.explain_missing_evidence(ctx, rid, payment, LUNCH)
    edited = ledger.edit_money_out(ctx, payment, description="Lunch club")
    assert edited.evidence_note == LUNCH
    with pytest.raises(InputError, match="cannot be changed"):
        ledger.edit_money_out(ctx, payment, evidence_note="other words")
