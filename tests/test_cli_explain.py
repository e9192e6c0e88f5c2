"""`kentcard money-out explain`: say why a payment has no receipt, or take it back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests import dbcheck
from tests.test_cli import counts, run  # noqa: F401  (the `run` fixture: SQLite, then PostgreSQL)

LUNCH = "the lunch club gives no receipts"


def note(db: str, money_out_id: int) -> Any:
    found = dbcheck.rows(db, "SELECT evidence_note FROM money_out WHERE id = :id", id=money_out_id)
    return found[0][0] if found else "no such payment"


@pytest.fixture
def lunch(run) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Jo with one payment (id 1) that has no receipt."""
    assert run("init", "--name", "Jo Bloggs").exit_code == 0
    added = run(
        "money-out", "add", "--date", "2026-11-21", "--amount", "30.00",
        "--payee", "Riverside Day Centre", "--description", "Lunch club",
    )  # fmt: skip
    assert added.exit_code == 0 and added.stdout.strip() == "1"


def test_explain_then_clear(run, lunch, any_db) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """--reason keeps the words (stripped) and says so in one line; --clear removes them;
    `audit` shows both changes."""
    done = run("money-out", "explain", "1", "--reason", f"  {LUNCH}  ")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == f"Money-out 1: no receipt, explained: {LUNCH}\n"
    assert note(any_db, 1) == LUNCH
    cleared = run("money-out", "explain", "1", "--clear")
    assert cleared.exit_code == 0, cleared.stderr
    assert cleared.stdout == "Money-out 1: explanation removed.\n"
    assert note(any_db, 1) is None
    history = run("audit", "--record", "money-out:1").stdout
    assert f"evidence_note: None -> {LUNCH!r}" in history
    assert f"evidence_note: {LUNCH!r} -> None" in history


def test_json_prints_the_record_as_add_does(run, lunch) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """With --json, the payment as `money-out add --json` prints one, note included."""
    record = json.loads(run("money-out", "explain", "1", "--reason", LUNCH, "--json").stdout)
    assert record["id"] == 1 and record["amount"] == "30.00"
    assert record["payee"] == "Riverside Day Centre"
    assert record["evidence_note"] == LUNCH
    listed = json.loads(run("list", "money-out", "--json").stdout)
    assert [m["evidence_note"] for m in listed] == [LUNCH]
    added = json.loads(
        run(
            "money-out", "add", "--date", "2026-11-22", "--amount", "1", "--payee", "X", "--json"
        ).stdout
    )
    assert set(added) == set(record)
    cleared = json.loads(run("money-out", "explain", "1", "--clear", "--json").stdout)
    assert cleared["evidence_note"] is None


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((), "reason"),  # neither
        (("--reason", LUNCH, "--clear"), "reason"),  # both
        (("--reason", "   "), "reason"),  # empty: --clear says that
        (("--reason", "x" * 201), "reason"),
        (("--reason", "bad\x1b[2J"), "reason"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(  # type: ignore[no-untyped-def]
    run,  # noqa: F811
    lunch,
    any_db,
    args,
    field,
) -> None:
    before = counts(any_db)
    result = run("money-out", "explain", "1", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"kentcard: error: {field}: ")
    assert counts(any_db) == before
    assert note(any_db, 1) is None


def test_too_long_names_the_limit(run, lunch) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    result = run("money-out", "explain", "1", "--reason", "x" * 201)
    assert result.stderr == "kentcard: error: reason: is longer than 200 characters\n"


@pytest.mark.parametrize("ident", ["2", "abc", "0"])
def test_an_unknown_or_bad_id_is_refused(run, lunch, any_db, ident) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    before = counts(any_db)
    result = run("money-out", "explain", ident, "--reason", LUNCH)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert counts(any_db) == before


def test_another_persons_payment_is_not_found(run, lunch, any_db) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """With two people, --recipient chooses; a payment of the other person is not found."""
    assert run("init", "--name", "Sam Smith").exit_code == 0
    ambiguous = run("money-out", "explain", "1", "--reason", LUNCH)
    assert ambiguous.exit_code == 2 and "--recipient" in ambiguous.stderr
    before = counts(any_db)
    refused = run("money-out", "explain", "1", "--reason", LUNCH, "--recipient", "Sam Smith")
    assert refused.exit_code == 2
    assert refused.stderr == "kentcard: error: money-out 1 does not exist\n"
    assert counts(any_db) == before
    done = run("money-out", "explain", "1", "--reason", LUNCH, "--recipient", "Jo Bloggs")
    assert done.exit_code == 0 and note(any_db, 1) == LUNCH


def test_allowed_in_a_locked_period(run, lunch, any_db) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """A locked payment cannot be deleted but can still be explained."""
    assert run("lock", "--to", "2026-11-24").exit_code == 0
    assert run("money-out", "delete", "1").exit_code == 2
    done = run("money-out", "explain", "1", "--reason", LUNCH)
    assert done.exit_code == 0, done.stderr
    assert note(any_db, 1) == LUNCH
