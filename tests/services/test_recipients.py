"""Setting up people and choosing between them; the database file is private to its owner."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from kentcard.core.errors import ConflictError, InputError, KentcardError, NotFoundError
from kentcard.core.money import Money
from kentcard.core.records import Source
from kentcard.services.context import Context
from kentcard.services.ledger import add_money_out, list_money_in
from kentcard.services.recipients import (
    list_recipients,
    resolve_recipient,
    set_retained_weeks,
    setup_recipient,
)
from tests.services.helpers import count, pdf_file


def test_only_person_is_chosen_without_a_reference(ctx: Context) -> None:
    """With one person set up, no reference (or a blank one) means that person."""
    ann = setup_recipient(ctx, name="Ann Smith", kcc_ref="KCC-123", card_last4="4321")
    assert resolve_recipient(ctx) == ann
    assert resolve_recipient(ctx, "  ") == ann
    assert (ann.kcc_ref, ann.card_last4, ann.retained_weeks) == ("KCC-123", "4321", 8)


def test_two_people_and_no_reference_names_both(ctx: Context) -> None:
    """With two people, leaving out the reference is an error listing each id and name."""
    ann = setup_recipient(ctx, name="Ann Smith")
    bob = setup_recipient(ctx, name="Bob Jones")
    with pytest.raises(KentcardError) as caught:
        resolve_recipient(ctx)
    message = str(caught.value)
    assert f"{ann.id} (Ann Smith)" in message
    assert f"{bob.id} (Bob Jones)" in message


def test_resolve_by_name_ignoring_case_and_by_id(ctx: Context) -> None:
    """A person is found by their name in any case (spaces trimmed) or by their id."""
    ann = setup_recipient(ctx, name="Ann Smith")
    bob = setup_recipient(ctx, name="Bob Jones")
    assert resolve_recipient(ctx, "  bob JONES ") == bob
    assert resolve_recipient(ctx, "ann smith") == ann
    assert resolve_recipient(ctx, str(bob.id)) == bob
    assert resolve_recipient(ctx, str(ann.id)) == ann


def test_unknown_reference_fails_and_lists_the_choices(ctx: Context) -> None:
    """A name or id that matches no one is NotFound, naming who there is."""
    setup_recipient(ctx, name="Ann Smith")
    bob = setup_recipient(ctx, name="Bob Jones")
    for ref in ("Carol", str(bob.id + 1), "Ann"):
        with pytest.raises(NotFoundError) as caught:
            resolve_recipient(ctx, ref)
        assert "Ann Smith" in str(caught.value) and "Bob Jones" in str(caught.value)


def test_resolve_with_no_one_set_up(ctx: Context) -> None:
    """An empty database says to set someone up first."""
    with pytest.raises(NotFoundError, match="kentcard init"):
        resolve_recipient(ctx)


def test_duplicate_name_is_refused(ctx: Context, db_path: Path) -> None:
    """Setting up a name that exists (spaces trimmed) is a conflict and adds no one."""
    setup_recipient(ctx, name="Ann Smith")
    with pytest.raises(ConflictError, match=r"^name: "):
        setup_recipient(ctx, name="  Ann Smith ")
    assert [p.name for p in list_recipients(ctx)] == ["Ann Smith"]
    assert count(db_path, "recipient") == 1


def test_name_differing_only_in_case_is_a_duplicate(ctx: Context) -> None:
    """'ann smith' is refused when 'Ann Smith' exists, since names are matched ignoring case."""
    setup_recipient(ctx, name="Ann Smith")
    with pytest.raises(ConflictError):
        setup_recipient(ctx, name="ann smith")


def test_opening_balance_becomes_an_opening_money_in(ctx: Context) -> None:
    """An opening balance is stored as a money-in of source opening on its as-of date."""
    ann = setup_recipient(
        ctx, name="Ann Smith", opening_balance=Money(123_456), as_of=date(2026, 10, 1)
    )
    [opening] = list_money_in(ctx, ann.id)
    assert (opening.date, opening.amount, opening.source) == (
        date(2026, 10, 1),
        Money(123_456),
        Source.OPENING,
    )


def test_opening_balance_without_a_date_is_refused(ctx: Context, db_path: Path) -> None:
    """An opening balance needs the date it was read: InputError on as-of, no one added."""
    with pytest.raises(InputError) as caught:
        setup_recipient(ctx, name="Ann Smith", opening_balance=Money(10_000))
    assert caught.value.field == "as-of"
    assert count(db_path, "recipient") == 0
    assert count(db_path, "money_in") == 0


def test_negative_opening_balance_is_refused(ctx: Context, db_path: Path) -> None:
    """A prepaid card cannot start below zero: InputError on opening-balance."""
    with pytest.raises(InputError) as caught:
        setup_recipient(ctx, name="Ann Smith", opening_balance=Money(-1), as_of=date(2026, 10, 1))
    assert caught.value.field == "opening-balance"
    assert count(db_path, "recipient") == 0


@pytest.mark.parametrize("last4", ["12a4", "123", "12345", "١٢٣٤"])
def test_card_last4_must_be_four_digits(ctx: Context, db_path: Path, last4: str) -> None:
    """The card's last four must be four ASCII digits."""
    with pytest.raises(InputError) as caught:
        setup_recipient(ctx, name="Ann Smith", card_last4=last4)
    assert caught.value.field == "card-last4"
    assert count(db_path, "recipient") == 0


@pytest.mark.parametrize(("name", "field"), [("", "name"), ("Ann\tSmith", "name")])
def test_name_is_required_plain_text(ctx: Context, name: str, field: str) -> None:
    """A blank name or one with a control character is an InputError on name."""
    with pytest.raises(InputError) as caught:
        setup_recipient(ctx, name=name)
    assert caught.value.field == field


def test_retained_weeks_between_0_and_52(ctx: Context) -> None:
    """The retained weeks setting takes 0–52 and refuses 53."""
    ann = setup_recipient(ctx, name="Ann Smith")
    assert set_retained_weeks(ctx, ann.id, 0).retained_weeks == 0
    assert set_retained_weeks(ctx, ann.id, 52).retained_weeks == 52
    with pytest.raises(InputError) as caught:
        set_retained_weeks(ctx, ann.id, 53)
    assert caught.value.field == "retained-weeks"
    assert resolve_recipient(ctx).retained_weeks == 52


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_database_file_is_private(ctx: Context, db_path: Path, tmp_path: Path) -> None:
    """The database is 0600 in a 0700 folder, and stays so after writes (WAL files too)."""
    assert mode(db_path) == 0o600
    assert mode(db_path.parent) == 0o700
    ann = setup_recipient(ctx, name="Ann Smith")
    add_money_out(
        ctx,
        ann.id,
        date=date(2026, 11, 3),
        amount=Money(1_000),
        payee="Chemist",
        receipts=[pdf_file(tmp_path)],
    )
    assert mode(db_path) == 0o600
    for extra in (Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        if extra.exists():
            assert mode(extra) == 0o600
