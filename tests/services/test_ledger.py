"""Money in and out: bad input writes nothing, every change is audited, ids are never reused."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kentcard.core.errors import InputError, KentcardError, NotFoundError
from kentcard.core.money import MAX_PENCE, Money
from kentcard.core.records import Source
from kentcard.services.allocations import allocate, unallocate
from kentcard.services.context import Context
from kentcard.services.invoices import delete_invoice, edit_invoice
from kentcard.services.ledger import (
    InvoiceClaim,
    add_money_in,
    add_money_out,
    delete_money_in,
    delete_money_out,
    edit_money_in,
    edit_money_out,
    list_money_out,
)
from tests.services.helpers import (
    AGENCY,
    audit_since,
    count,
    counts,
    invoice,
    last_audit_id,
    pdf_file,
    person,
    provider,
    rows,
)

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48)


@pytest.fixture
def rid(ctx: Context, tmp_path: Path) -> int:
    """A person with a provider, two invoices and one earlier evidenced payment."""
    rid = person(ctx)
    provider(ctx, rid)
    invoice(ctx, rid, "INV-1", 5_000)
    invoice(ctx, rid, "INV-2", 6_000)
    add_money_out(
        ctx,
        rid,
        date=date(2026, 11, 1),
        amount=Money(1_000),
        payee=AGENCY,
        receipts=[pdf_file(tmp_path, "earlier")],
    )
    return rid


def good_payment(tmp_path: Path) -> dict[str, Any]:
    """A payment that writes a money-out, an allocation, a document, a blob and audit lines."""
    return {
        "date": date(2026, 11, 10),
        "amount": Money(10_000),
        "payee": AGENCY,
        "invoices": [InvoiceClaim("INV-1")],
        "receipts": [pdf_file(tmp_path, "good")],
    }


def missing_file(tmp_path: Path) -> dict[str, Any]:
    return {"receipts": [pdf_file(tmp_path, "good"), tmp_path / "no-such-receipt.pdf"]}


def folder(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "a-folder.pdf").mkdir()
    return {"receipts": [pdf_file(tmp_path, "good"), tmp_path / "a-folder.pdf"]}


def empty_file(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "empty.pdf").write_bytes(b"")
    return {"receipts": [pdf_file(tmp_path, "good"), tmp_path / "empty.pdf"]}


def symlink(tmp_path: Path) -> dict[str, Any]:
    link = tmp_path / "link.pdf"
    os.symlink(pdf_file(tmp_path, "target"), link)
    return {"receipts": [pdf_file(tmp_path, "good"), link]}


def wrong_type(tmp_path: Path) -> dict[str, Any]:
    (tmp_path / "receipt.pdf").write_bytes(EXE)  # a program, whatever its name says
    return {"receipts": [pdf_file(tmp_path, "good"), tmp_path / "receipt.pdf"]}


BAD_INPUT: dict[str, tuple[Callable[[Path], dict[str, Any]], type[KentcardError], str]] = {
    "receipt missing": (missing_file, InputError, "receipt"),
    "receipt is a folder": (folder, InputError, "receipt"),
    "receipt is empty": (empty_file, InputError, "receipt"),
    "receipt is a link": (symlink, InputError, "receipt"),
    "receipt of the wrong type": (wrong_type, InputError, "receipt"),
    "amount zero": (lambda _: {"amount": Money(0)}, InputError, "amount"),
    "amount negative": (lambda _: {"amount": Money(-10_000)}, InputError, "amount"),
    "date before 1990": (lambda _: {"date": date(1989, 12, 31)}, InputError, "date"),
    "date after 2100": (lambda _: {"date": date(2101, 1, 1)}, InputError, "date"),
    "payee control char": (lambda _: {"payee": "Kent\x07Care"}, InputError, "payee"),
    "payee bidi override": (lambda _: {"payee": "Kent\u202eCare"}, InputError, "payee"),
    "unknown invoice": (
        lambda _: {"invoices": [InvoiceClaim("INV-1"), InvoiceClaim("INV-404")]},
        NotFoundError,
        "invoice",
    ),
    "allocations exceed payment": (
        # 5,000 + 6,000 = 11,000 > 10,000
        lambda _: {"invoices": [InvoiceClaim("INV-1"), InvoiceClaim("INV-2", Money(6_000))]},
        InputError,
        "invoice",
    ),
}


def test_good_payment_writes_every_kind_of_row(
    ctx: Context, rid: int, tmp_path: Path, db_path: Path
) -> None:
    """The valid payment the bad-input cases start from does change every watched count."""
    before = counts(db_path)
    add_money_out(ctx, rid, **good_payment(tmp_path))
    after = counts(db_path)
    # +1 money-out, +1 allocation, +1 document, +1 blob; audit: money-out, allocation,
    # document, and the attachment on the payment
    assert after == before | {
        "money_out": before["money_out"] + 1,
        "allocation": before["allocation"] + 1,
        "document": before["document"] + 1,
        "blob": before["blob"] + 1,
        "audit": before["audit"] + 4,
    }


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_payment_is_refused_and_writes_nothing(
    ctx: Context, rid: int, tmp_path: Path, db_path: Path, case: str
) -> None:
    """Each bad input raises the right error naming its field, and no row is added anywhere."""
    make, error, field = BAD_INPUT[case]
    values = good_payment(tmp_path) | make(tmp_path)
    before = counts(db_path)
    with pytest.raises(error) as caught:
        add_money_out(ctx, rid, **values)
    if isinstance(caught.value, InputError):
        assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}:")
    assert counts(db_path) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": Money(0)}, "amount"),
        ({"amount": Money(4_999)}, "amount"),  # less than the 5,000 it already settles
        ({"date": date(2101, 1, 1)}, "date"),
        ({"payee": "\x00"}, "payee"),
        ({"category": "x" * 61}, "category"),
        ({"recipient_id": 2}, "recipient_id"),
    ],
)
def test_bad_edit_of_a_payment_changes_nothing(
    ctx: Context, rid: int, tmp_path: Path, db_path: Path, changes: dict[str, Any], field: str
) -> None:
    """A bad edit is an InputError on its field; the payment and the audit log are unchanged."""
    out = add_money_out(ctx, rid, **good_payment(tmp_path))
    before = counts(db_path)
    with pytest.raises(InputError) as caught:
        edit_money_out(ctx, out.id, **changes)
    assert caught.value.field == field
    assert counts(db_path) == before
    assert [m for m in list_money_out(ctx, rid) if m.id == out.id] == [out]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": Money(0)}, "amount"),
        ({"amount": Money(-1)}, "amount"),
        ({"date": date(1989, 12, 31)}, "date"),
        ({"reference": "ref\nwith newline"}, "reference"),
    ],
)
def test_bad_money_in_writes_nothing(
    ctx: Context, rid: int, db_path: Path, values: dict[str, Any], field: str
) -> None:
    """A bad money-in is an InputError naming its field, and nothing is written."""
    good = {"date": date(2026, 11, 2), "amount": Money(100_000), "source": Source.KCC}
    before = counts(db_path)
    with pytest.raises(InputError) as caught:
        add_money_in(ctx, rid, **(good | values))
    assert caught.value.field == field
    assert counts(db_path) == before


def test_every_change_to_money_records_is_audited(
    ctx: Context, rid: int, tmp_path: Path, db_path: Path
) -> None:
    """Each add, edit and delete of money in/out, invoice and allocation adds its audit lines."""
    mark = last_audit_id(db_path)

    def since() -> list[tuple[str, int, str]]:
        nonlocal mark
        lines = audit_since(db_path, mark)
        mark = last_audit_id(db_path)
        return lines

    got = add_money_in(ctx, rid, date=date(2026, 11, 2), amount=Money(10_000), source=Source.KCC)
    assert since() == [("money_in", got.id, "create")]
    edit_money_in(ctx, got.id, amount=Money(12_000))
    assert since() == [("money_in", got.id, "update")]
    delete_money_in(ctx, got.id)
    assert since() == [("money_in", got.id, "delete")]

    inv = invoice(ctx, rid, "INV-3", 7_000)
    assert since() == [("invoice", inv, "create")]
    edit_invoice(ctx, inv, amount=Money(8_000))
    assert since() == [("invoice", inv, "update")]

    out = add_money_out(
        ctx,
        rid,
        date=date(2026, 11, 10),
        amount=Money(8_000),
        payee=AGENCY,
        invoices=[InvoiceClaim("INV-3")],
    )
    [(entity, first_allocation, action)] = since()[1:]
    assert (entity, action) == ("allocation", "create")
    edit_money_out(ctx, out.id, description="Four visits")
    assert since() == [("money_out", out.id, "update")]
    unallocate(ctx, first_allocation)
    assert since() == [("allocation", first_allocation, "delete")]
    second_allocation = allocate(ctx, out.id, inv).id
    assert since() == [("allocation", second_allocation, "create")]
    delete_money_out(ctx, out.id)
    assert since() == [("allocation", second_allocation, "delete"), ("money_out", out.id, "delete")]
    delete_invoice(ctx, inv)
    assert since() == [("invoice", inv, "delete")]


def test_audit_line_keeps_before_and_after(ctx: Context, rid: int, db_path: Path) -> None:
    """An edit's audit line holds the old and the new values."""
    got = add_money_in(ctx, rid, date=date(2026, 11, 2), amount=Money(10_000), source=Source.KCC)
    edit_money_in(ctx, got.id, amount=Money(12_000))
    [(detail,)] = rows(
        db_path,
        "SELECT detail FROM audit WHERE entity = 'money_in' AND entity_id = ? AND action = ?",
        (got.id, "update"),
    )
    change = json.loads(detail)
    assert change["before"]["amount_pence"] == 10_000
    assert change["after"]["amount_pence"] == 12_000


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit SET action = 'update'",
        "UPDATE audit SET detail = '{}' WHERE id = 1",
        "DELETE FROM audit",
        "DELETE FROM audit WHERE id = 1",
    ],
)
def test_audit_log_is_append_only(rid: int, db_path: Path, statement: str) -> None:
    """The database itself refuses to change or remove audit lines."""
    before = rows(db_path, "SELECT * FROM audit ORDER BY id")
    assert before
    with (
        closing(sqlite3.connect(db_path)) as conn,
        pytest.raises(sqlite3.DatabaseError, match="append-only"),
    ):
        conn.execute(statement)
    assert rows(db_path, "SELECT * FROM audit ORDER BY id") == before


def test_deleted_ids_are_never_reused(ctx: Context, rid: int) -> None:
    """After deleting the newest payment, the next one gets a new, higher id."""

    def add() -> int:
        return add_money_out(
            ctx, rid, date=date(2026, 11, 10), amount=Money(1_000), payee="Corner shop"
        ).id

    first, newest = add(), add()
    assert first < newest
    delete_money_out(ctx, newest)
    again = add()
    assert again > newest


def test_deleted_invoice_and_money_in_ids_are_never_reused(ctx: Context, rid: int) -> None:
    """Invoices and money-in get fresh ids after their newest row is deleted."""
    inv = invoice(ctx, rid, "INV-9", 1_000)
    delete_invoice(ctx, inv)
    assert invoice(ctx, rid, "INV-9", 1_000) > inv

    def add_in() -> int:
        return add_money_in(
            ctx, rid, date=date(2026, 11, 2), amount=Money(1_000), source=Source.OTHER
        ).id

    got = add_in()
    delete_money_in(ctx, got)
    assert add_in() > got


def test_payee_matching_a_provider_takes_its_name(ctx: Context, rid: int, db_path: Path) -> None:
    """A payee typed in another case is stored as the provider's own name and linked to it."""
    out = add_money_out(
        ctx, rid, date=date(2026, 11, 10), amount=Money(1_000), payee=f"  {AGENCY.lower()} "
    )
    assert out.payee == AGENCY
    assert out.provider_id is not None
    assert count(db_path, "money_out") == 2


def test_amount_above_the_ceiling_is_refused(ctx: Context, rid: int, db_path: Path) -> None:
    """An amount over MAX_PENCE given to the service is an InputError on amount, not stored."""
    before = counts(db_path)
    with pytest.raises(InputError) as caught:
        add_money_out(ctx, rid, date=date(2026, 11, 10), amount=Money(MAX_PENCE + 1), payee=AGENCY)
    assert caught.value.field == "amount"
    assert counts(db_path) == before
