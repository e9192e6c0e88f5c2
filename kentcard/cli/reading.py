"""A receipt's suggested date, amount and payee, as the command line shows and uses them.

`receipt read` prints them; `money-out add --from-receipt` fills in what the person did
not give and says on stderr what it took from the receipt, so nothing is filled in
unseen. The commands themselves are registered in `cli/ledger.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from kentcard.cli.base import one_line, shown
from kentcard.core.errors import InputError
from kentcard.core.money import format_money, format_plain
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


# The fields a command can take from a reading: where the suggestion holds each, and how
# it is said on stderr once taken.
READ: dict[str, tuple[Callable[[Suggestion], Found[Any] | None], Callable[[Any], str]]] = {
    "date": (lambda s: s.date, lambda v: v.isoformat()),
    "amount": (lambda s: s.amount, format_money),
    "payee": (lambda s: s.payee, str),
    "number": (lambda s: s.number, str),
    "hours": (lambda s: s.hours_centi, format_hours),
    "rate": (lambda s: s.rate, format_money),
}


def fill(
    given: dict[str, Any], reading: Reading | None, required: dict[str, str], source: str
) -> dict[str, Any]:
    """Each field of `given` as given, else as read from the file (`source`, e.g. "the
    receipt"). `required` names the option of each field that must end with a value; the
    first still missing is one error naming it."""
    found = Suggestion() if reading is None else reading.suggestion
    values = {
        name: value if value is not None else _value(READ[name][0](found))
        for name, value in given.items()
    }
    because = "" if reading is None else f": it could not be read from {source}"
    for name, option in required.items():
        if values[name] is None:
            raise InputError(option, f"is required{because}")
    return values


def _value(part: Found[Any] | None) -> Any:
    return None if part is None else part.value


def say_what_was_read(
    values: dict[str, Any], given: dict[str, Any], words: dict[str, str], source: str
) -> None:
    """On stderr, the values taken from the file, each under its word in `words` (stdout
    stays the new record)."""
    taken = [
        f"{word} {READ[name][1](values[name])}"
        for name, word in words.items()
        if given[name] is None and values[name] is not None
    ]
    if taken:
        typer.echo(one_line(f"kentcard: from {source}: {', '.join(taken)}"), err=True)
