"""A receipt's suggested date, amount and payee, as the command line shows and uses them.

`receipt read` prints them; `money-out add --from-receipt` fills in what the person did
not give and says on stderr what it took from the receipt, so nothing is filled in
unseen. The commands themselves are registered in `cli/ledger.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import typer

from kentcard.cli.base import one_line, shown
from kentcard.core.errors import InputError
from kentcard.core.money import Money, format_money, format_plain
from kentcard.core.validate import format_hours
from kentcard.importers.receipt import Found, Suggestion
from kentcard.services.receipts import Reading

ENGINE_WORDS = {"text": "the file's own text", "rapidocr": "RapidOCR", "tesseract": "tesseract"}


def as_json(reading: Reading) -> dict[str, Any]:
    """`{"date": …, "amount": "12.50", "payee": …, "evidence": [lines], …}`; null when
    not found."""
    found = reading.suggestion
    return {
        "date": None if found.date is None else found.date.value.isoformat(),
        "amount": None if found.amount is None else format_plain(found.amount.value),
        "payee": None if found.payee is None else found.payee.value,
        "evidence": found.evidence,
        "number": None if found.number is None else found.number.value,
        "hours": None if found.hours_centi is None else format_hours(found.hours_centi.value),
        "rate": None if found.rate is None else format_plain(found.rate.value),
        "engine": None if reading.engine is None else reading.engine.value,
        "reason": reading.reason,
    }


def as_text(reading: Reading) -> str:
    """One line per field, each with the line of the document it was read from."""
    if not reading.found:
        return f"No suggestion: {reading.reason}."
    found = reading.suggestion
    rows: list[tuple[str, str, str | None]] = [
        ("Date", *_shown(found.date, lambda v: v.isoformat())),
        ("Amount", *_shown(found.amount, format_money)),
        ("Payee", *_shown(found.payee, str)),
    ]
    if found.number is not None:
        rows.append(("Invoice", found.number.value, found.number.line))
    if found.hours_centi is not None and found.rate is not None:
        work = f"{format_hours(found.hours_centi.value)} × {format_money(found.rate.value)}"
        rows.append(("Hours", work, found.rate.line))
    width = max(len(value) for _, value, _ in rows)
    out = [
        f"{label:<8} {value:<{width}}   from {shown(line, 60)}" if line else f"{label:<8} {value}"
        for label, value, line in rows
    ]
    engine = "nothing" if reading.engine is None else ENGINE_WORDS[reading.engine.value]
    out.append(f"Read by  {engine}. Check each value before you use it.")
    return "\n".join(one_line(line) for line in out)


def _shown(part: Found[Any] | None, show: Any) -> tuple[str, str | None]:
    return ("not found", None) if part is None else (show(part.value), part.line)


@dataclass(frozen=True)
class Filled:
    """A payment's date, amount and payee: as given, else as read from the receipt."""

    date: date
    amount: Money
    payee: str


def fill(
    given_date: date | None,
    given_amount: Money | None,
    given_payee: str | None,
    reading: Reading | None,
) -> Filled:
    """What was given wins; a field still missing is one error naming its option."""
    found = Suggestion() if reading is None else reading.suggestion
    when = given_date if given_date is not None else _value(found.date)
    amount = given_amount if given_amount is not None else _value(found.amount)
    payee = given_payee if given_payee is not None else _value(found.payee)
    because = "" if reading is None else ": it could not be read from the receipt"
    for option, value in (("--date", when), ("--amount", amount), ("--payee", payee)):
        if value is None:
            raise InputError(option, f"is required{because}")
    assert when is not None and amount is not None and payee is not None
    return Filled(when, amount, payee)


def _value(part: Found[Any] | None) -> Any:
    return None if part is None else part.value


def say_what_was_read(filled: Filled, given: dict[str, bool]) -> None:
    """On stderr, the values taken from the receipt (stdout stays the new id)."""
    taken = [
        f"{name} {value}"
        for name, value in (
            ("date", filled.date.isoformat()),
            ("amount", format_money(filled.amount)),
            ("payee", filled.payee),
        )
        if not given[name]
    ]
    if taken:
        typer.echo(one_line(f"kentcard: from the receipt: {', '.join(taken)}"), err=True)
