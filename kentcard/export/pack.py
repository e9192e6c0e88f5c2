"""The evidence pack (.zip): the workbook, every linked document, and a README for the reviewer.

Each document is named so a reviewer can find it from the workbook and sort the folder by
date: `evidence/2026-11-05_Bright-Homecare_INV-1001.pdf`. Names are ASCII letters, digits,
`-`, `_` and one `.` before the extension: no path separators, no leading dot, no clashes
(even on a file system that ignores case).
"""

from __future__ import annotations

import functools
import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import IO

from kentcard.core.filetypes import EXTENSIONS
from kentcard.core.lines import DocumentLine
from kentcard.export.book import EvidenceFile, ReviewBook
from kentcard.export.readme import pack_readme

EVIDENCE_FOLDER = "evidence/"
_NOT_SAFE = re.compile(r"[^A-Za-z0-9]+")
_PART_LIMIT = 40


@functools.lru_cache(maxsize=4096)  # payees repeat: 100,000 payments name a few hundred
def slug(text: str, fallback: str = "x") -> str:
    """`Bright Homecare Ltd.` → `Bright-Homecare-Ltd`: ASCII letters, digits and dashes only."""
    ascii_text = text
    if not text.isascii():  # NFKD leaves ASCII as it is
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = _NOT_SAFE.sub("-", ascii_text).strip("-")[:_PART_LIMIT].strip("-")
    return cleaned or fallback


def extension(document: DocumentLine) -> str:
    """From the content's type (checked when the file was added), never from the given name."""
    return EXTENSIONS.get(document.media_type, ".bin")


def evidence_name(day: date, who: str, what: str, document: DocumentLine) -> str:
    return f"{day.isoformat()}_{slug(who)}_{slug(what)}{extension(document)}"


def unique(names: Iterable[str]) -> list[str]:
    """The same names, with `-2`, `-3`, ... before the extension where one repeats."""
    taken: set[str] = set()
    out = []
    for name in names:
        stem, dot, ext = name.rpartition(".")
        candidate, n = name, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{stem}-{n}{dot}{ext}"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def write_pack(
    book: ReviewBook,
    content_of: Callable[[EvidenceFile], bytes],
    target: str | IO[bytes],
    progress: Callable[[float], None] | None = None,
    scratch: Path | None = None,
) -> None:
    """Write the zip: README.txt, the workbook, then each document under its pack name.

    `scratch` is the private folder for the workbook's temporary files (`write_workbook`).
    """
    from kentcard.export.xlsx import write_workbook  # openpyxl: not for naming files or CSV

    workbook = io.BytesIO()
    shares = (lambda share: progress(share * 0.7)) if progress else None
    write_workbook(book, workbook, shares, scratch)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "README.txt", readme(book).encode("utf-8"))
        _add(archive, f"{book.title}.xlsx", workbook.getvalue())
        for n, item in enumerate(book.evidence, start=1):
            _add(archive, EVIDENCE_FOLDER + item.pack_name, content_of(item))
            if progress and n % 100 == 0:
                progress(0.7 + 0.3 * n / len(book.evidence))


def _add(archive: zipfile.ZipFile, name: str, content: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (0o100600 & 0xFFFF) << 16  # a regular file, owner read/write only
    archive.writestr(info, content)


def readme(book: ReviewBook) -> str:
    """The pack's README.txt, its example file name one that is in the pack."""
    return pack_readme(book, book.evidence[0].pack_name if book.evidence else None)
