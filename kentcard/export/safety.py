"""Text from people and statements must never become a formula or a link in a spreadsheet.

OWASP "CSV injection": a cell starting with `=`, `+`, `-`, `@`, tab, CR or LF may be run as a
formula (and `=HYPERLINK(...)` or DDE `=cmd|...` can leak data or start programs). Spreadsheet
programs in East Asian locales also accept the full-width and small forms (`＝`, `﹦`, ...), and
several trim leading spaces before they look, so the first character after any leading white
space is checked as well.

- In the workbook every piece of text is an explicit string cell (never a formula), shown
  exactly as typed; a risky one also gets Excel's "quote prefix" flag, so re-typing it in the
  cell keeps it text. See `xlsx.py`.
- In CSV there is no cell type, so a risky value is prefixed with an apostrophe `'`, which
  Excel and LibreOffice show as plain text.
"""

from __future__ import annotations

import re

TRIGGERS = frozenset("=+-@\t\r\n") | frozenset("＝＋－＠﹦﹢﹣﹫")
# Characters XML 1.0 cannot hold at all (openpyxl refuses them); they become U+FFFD.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def is_risky(text: str) -> bool:
    """True when a spreadsheet could read `text` as the start of a formula."""
    return text[:1] in TRIGGERS or text.lstrip()[:1] in TRIGGERS


def sheet_text(text: str) -> str:
    """Text for a workbook cell: as typed, less characters XML cannot carry."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def csv_text(text: str) -> str:
    """Text for a CSV field: an apostrophe in front when it could start a formula."""
    return "'" + text if is_risky(text) else text


def header_text(text: str, limit: int = 80) -> str:
    """Text for a printed page header, where `&` starts a code (page number, date, ...)."""
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return sheet_text(short).replace("&", "&&")
