"""A receipt's suggested date, amount and payee, as the command line shows and uses them.

`receipt read` prints them; `money-out add --from-receipt` fills in what the person did
not give and says on stderr what it took from the receipt, so nothing is filled in
unseen. The commands themselves are registered in `cli/ledger.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import typer

from kentcard.cli.base import one_line, shown
from kentcard.core.errors import InputError
from kentcard.core.money import format_money
from kentcard.core.validate import format_hours
from kentcard.importers.receipt import FIELDS, Found
from kentcard.services.receipts import Reading

ENGINE_WORDS = {"text": "the file's own text", "rapidocr": "RapidOCR", "tesseract": "tesseract"}


def as_json(reading: Reading) -> dict[str, Any]:
    """`{"date": …, "amount": "12.50", "payee": …, "evidence": [lines], …}`; null when
    not found."""
    found = reading.suggestion
    plain = found.plain()
    return {name: plain.get(name) for name in FIELDS} | {
        "evidence": found.evidence,
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


# How a value taken from a reading is said on stderr.
SAID: dict[str, Callable[[Any], str]] = {
    "date": lambda v: v.isoformat(),
    "amount": format_money,
    "hours": format_hours,
    "rate": format_money,
}


def fill(
    given: dict[str, Any],
    reading: Reading | None,
    options: dict[str, str],
    required: Iterable[str],
    source: str,
) -> dict[str, Any]:
    """Each field of `given` (named as in `Suggestion.parts`) as given, else as read from
    the file (`source`, e.g. "the receipt"). The first `required` field still without a
    value is one error naming its option."""
    read = {} if reading is None else reading.suggestion.parts()
    values = {
        name: value if value is not None else _value(read.get(name))
        for name, value in given.items()
    }
    because = "" if reading is None else f": it could not be read from {source}"
    for name in required:
        if values[name] is None:
            raise InputError(options[name], f"is required{because}")
    return values


def _value(part: Found[Any] | None) -> Any:
    return None if part is None else part.value


def say_what_was_read(
    values: dict[str, Any], given: dict[str, Any], options: dict[str, str], source: str
) -> None:
    """On stderr, the values taken from the file, each under its option's name (stdout
    stays the new record)."""
    taken = [
        f"{option.removeprefix('--')} {SAID.get(name, str)(values[name])}"
        for name, option in options.items()
        if given[name] is None and values[name] is not None
    ]
    if taken:
        typer.echo(one_line(f"kentcard: from {source}: {', '.join(taken)}"), err=True)
