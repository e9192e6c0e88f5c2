"""Records as JSON-ready values and as plain-text tables, for the command line.

Money becomes a string with exactly two decimals; dates ISO text; enums their value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from enum import Enum
from typing import Any

from kentcard.core.money import Money, format_money, format_plain


def jsonable(value: Any) -> Any:
    """Turn records (dataclasses), Money, dates and enums into JSON-ready values."""
    if isinstance(value, Money):
        return format_plain(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # a record kept as a NamedTuple
        return {k: jsonable(v) for k, v in value._asdict().items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(jsonable(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def cell(value: Any) -> str:
    """A value as table text: money as £1,234.56, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, Money):
        return format_money(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    return "".join(ch if ch.isprintable() else " " for ch in str(value))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: Sequence[str] = ()) -> str:
    """A plain aligned text table; columns named in `right` are right-aligned (amounts)."""
    texts = [[cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in texts)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if h in right else v.ljust(w)
            for v, w, h in zip(values, widths, headers, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in texts]
    return "\n".join(out)
