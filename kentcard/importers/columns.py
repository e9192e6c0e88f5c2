"""Which column holds what: found from the header's names, from the cells, or given by hand.

Header names are compared after folding case, spaces, quotes, a trailing colon and currency
qualifiers such as `(GBP)` or `£`, so `" Paid out "`, `Amount (GBP)` and `Balance (£)` match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from kentcard.core.errors import InputError
from kentcard.importers.values import looks_like_amount

# What card portals call the column of whom a payment went to. Alone in a file it is the
# description too, which the import takes as the payee of a line that has none.
_PAYEE_NAMES = ("merchant name", "payee name", "counterparty name", "counter party name")
# In order of preference: the first alias present wins (Revolut's "Completed Date" beats
# "Started Date", a plain "Description" beats a "Name" or a "Reference").
ALIASES: dict[str, tuple[str, ...]] = {
    "date": (
        "date",
        "transaction date",
        "completed date",
        "date completed",
        "posting date",
        "posted date",
        "booking date",
        "value date",
        "trans date",
        "started date",
    ),
    "amount": (
        "amount",
        "value",
        "transaction amount",
        "amount gbp",
        "net amount",
        "billing amount",
    ),
    "out": (
        "paid out",
        "money out",
        "debit",
        "debit amount",
        "debits",
        "out",
        "withdrawals",
        "withdrawal",
        "payments",
        "spent",
    ),
    "in": (
        "paid in",
        "money in",
        "credit",
        "credit amount",
        "credits",
        "in",
        "deposits",
        "deposit",
        "receipts",
        "received",
    ),
    "description": (
        "description",
        "transaction description",
        "details",
        "transaction details",
        "memo",
        "narrative",
        "merchant",
        "name",
        "counter party",
        "counterparty",
        "payee",
        "reference",
        "transactions",
        *_PAYEE_NAMES,  # last: a description-like column, when there is one, describes better
    ),
    # A named column beats a bare "Name", which can be the account holder's.
    "payee": (*_PAYEE_NAMES, "name", "counter party", "counterparty", "payee", "merchant"),
    "balance": ("balance", "running balance", "account balance", "balance after"),
    "status": ("status", "state", "transaction status"),
    "type": ("type", "transaction type"),
    "fee": ("fee", "fees"),
}
ROLES = ("date", "amount", "out", "in", "description", "payee", "balance", "status", "type", "fee")
_QUALIFIER = re.compile(r"\((?:gbp|£|gbp £)\)|£|\bgbp\b|[\"'*:]")


def fold(name: str) -> str:
    """A header name as compared: `" Amount (GBP): "` → `amount`."""
    text = _QUALIFIER.sub(" ", name.lower().replace("\ufeff", ""))
    return " ".join(text.replace("_", " ").split())


@dataclass(frozen=True, slots=True)
class Layout:
    """Column positions (0-based) for each role; None where the statement has no such column."""

    date: int
    amount: int | None = None
    out: int | None = None
    in_: int | None = None
    description: int | None = None
    payee: int | None = None
    balance: int | None = None
    status: int | None = None
    type: int | None = None
    fee: int | None = None
    header: tuple[str, ...] = ()

    def reach(self) -> int:
        """How many cells a row needs to hold every column this layout reads."""
        roles = (self.amount, self.out, self.in_, self.description, self.payee, self.balance)
        extra = (self.status, self.type, self.fee)
        return 1 + max(i for i in (self.date, *roles, *extra) if i is not None)

    def describe(self) -> dict[str, str]:
        """Role → column name (or number), for the import report."""
        out = {}
        for role in ROLES:
            index = getattr(self, "in_" if role == "in" else role)
            if index is not None:
                name = self.header[index] if index < len(self.header) else ""
                out[role] = name.strip() or f"column {index + 1}"
        return out


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Columns named by hand (a header name or a 1-based number), and a `strptime` date format."""

    date: str | None = None
    amount: str | None = None
    out: str | None = None
    in_: str | None = None
    description: str | None = None
    balance: str | None = None
    date_format: str | None = None

    def is_empty(self) -> bool:
        return not any((self.date, self.amount, self.out, self.in_, self.description, self.balance))

    def as_dict(self) -> dict[str, str]:
        pairs = {
            "date": self.date,
            "amount": self.amount,
            "out": self.out,
            "in": self.in_,
            "description": self.description,
            "balance": self.balance,
            "date_format": self.date_format,
        }
        return {k: v for k, v in pairs.items() if v}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> ColumnMap:
        return cls(
            date=data.get("date"),
            amount=data.get("amount"),
            out=data.get("out"),
            in_=data.get("in"),
            description=data.get("description"),
            balance=data.get("balance"),
            date_format=data.get("date_format"),
        )


def layout_from_header(cells: Sequence[str]) -> Layout | None:
    """The layout a header row names, or None when the row is not a header we recognise."""
    folded = [fold(c) for c in cells]
    found: dict[str, int] = {}
    for role in ROLES:
        for alias in ALIASES[role]:
            if alias in folded and folded.index(alias) not in found.values():
                found[role] = folded.index(alias)
                break
    if found.get("payee") is not None and found.get("payee") == found.get("description"):
        found.pop("payee")
    if "date" not in found or not ({"amount", "out", "in"} & found.keys()):
        return None
    if "amount" in found:  # a signed amount is enough; Monzo also has Money Out / Money In
        found.pop("out", None), found.pop("in", None)
    return Layout(
        date=found["date"],
        amount=found.get("amount"),
        out=found.get("out"),
        in_=found.get("in"),
        description=found.get("description"),
        payee=found.get("payee"),
        balance=found.get("balance"),
        status=found.get("status"),
        type=found.get("type"),
        fee=found.get("fee"),
        header=tuple(cells),
    )


def layout_from_map(cells: Sequence[str] | None, width: int, mapping: ColumnMap) -> Layout:
    """The layout given by hand; names are looked up in the header row `cells`."""

    def find(ref: str | None, option: str) -> int | None:
        if ref is None:
            return None
        if ref.strip().isdigit():
            index = int(ref) - 1
            if not 0 <= index < width:
                raise InputError(option, f"there is no column {ref} (the file has {width})")
            return index
        folded = [fold(c) for c in cells or ()]
        if fold(ref) not in folded:
            raise InputError(option, f"no column is called {ref!r}")
        return folded.index(fold(ref))

    day = find(mapping.date, "date-column")
    if day is None:
        raise InputError("date-column", "is required when giving the columns by hand")
    amount = find(mapping.amount, "amount-column")
    out, in_ = find(mapping.out, "out-column"), find(mapping.in_, "in-column")
    if amount is None and out is None and in_ is None:
        raise InputError("amount-column", "give --amount-column, or --out-column and --in-column")
    return Layout(
        date=day,
        amount=amount,
        out=out,
        in_=in_,
        description=find(mapping.description, "description-column"),
        balance=find(mapping.balance, "balance-column"),
        header=tuple(cells or ()),
    )


def infer_layout(rows: Sequence[Sequence[str]], parse_date: Callable[[str], date | None]) -> Layout:
    """Columns guessed from the cells of a file without a header (HSBC's download has none)."""
    width = max(len(r) for r in rows)
    columns = [[r[i].strip() if i < len(r) else "" for r in rows] for i in range(width)]

    def every(cells: list[str], test: Callable[[str], bool]) -> bool:
        filled = [c for c in cells if c]
        return bool(filled) and all(test(c) for c in filled)

    dates = [
        i for i, cells in enumerate(columns) if every(cells, lambda c: parse_date(c) is not None)
    ]
    if not dates:
        raise InputError("date-column", "no column holds dates; give --date-column")
    numbers = [
        i for i, cells in enumerate(columns) if i not in dates and every(cells, looks_like_amount)
    ]
    texts = [i for i in range(width) if i not in dates and i not in numbers]
    description = max(texts, key=lambda i: sum(len(c) for c in columns[i]), default=None)
    layout = Layout(date=dates[0], description=description)
    if len(numbers) == 1:
        return replace(layout, amount=numbers[0])
    if len(numbers) >= 2 and _one_of_each(columns[numbers[0]], columns[numbers[1]]):
        balance = numbers[2] if len(numbers) > 2 else None
        return replace(layout, out=numbers[0], in_=numbers[1], balance=balance)
    if len(numbers) >= 2:
        return replace(layout, amount=numbers[0], balance=numbers[1])
    raise InputError("amount-column", "no column holds amounts; give --amount-column")


def _one_of_each(first: list[str], second: list[str]) -> bool:
    """Paid-out and paid-in columns: on every row exactly one of the two is filled."""
    return all(bool(a) != bool(b) for a, b in zip(first, second, strict=True))
