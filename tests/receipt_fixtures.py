"""The receipt and invoice fixtures (tests/fixtures/receipts) and what each really says."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

FOLDER = Path(__file__).parent / "fixtures" / "receipts"
_MANIFEST = json.loads((FOLDER / "manifest.json").read_text())
PAYEES: list[str] = _MANIFEST["payees"]


@dataclass(frozen=True)
class Fixture:
    path: Path
    kind: str  # receipt or invoice
    text_layer: bool
    date: date
    pence: int
    payee: str


FIXTURES = [
    Fixture(
        FOLDER / d["file"],
        d["kind"],
        d["text_layer"],
        date.fromisoformat(d["date"]),
        d["amount"],
        d["payee"],
    )
    for d in _MANIFEST["documents"]
]
RECEIPTS = [f for f in FIXTURES if f.kind == "receipt"]
PDFS = [f for f in FIXTURES if f.path.suffix == ".pdf"]
TEXT_PDFS = [f for f in PDFS if f.text_layer]


def by_name(name: str) -> Fixture:
    return next(f for f in FIXTURES if f.path.name == name)
