"""Suggest a receipt's or invoice's date, amount and payee from the file, on this computer.

The file is checked as any attached document is (an ordinary file, within the 25 MB limit,
an accepted kind) before a byte of it is decoded. A PDF's text layer is read first; a photo
or a scanned PDF goes to OCR when an engine is installed (`services/ocr.py`). When nothing
can read it the answer is "no suggestion", with the reason, and never an error: the person
types the details as before. A suggestion is only ever shown, never saved by itself.

Which engines may run is a choice (`engines`, or `KENTCARD_RECEIPT_ENGINES=text,rapidocr`),
so the same machine can show what a person without the OCR extra would get.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from kentcard.core.errors import InputError
from kentcard.core.filetypes import PDF, TEXT
from kentcard.importers.receipt import Suggestion, suggest
from kentcard.services import ocr
from kentcard.services.context import Context
from kentcard.services.intake import Upload, read_upload
from kentcard.services.ocr import ALL_ENGINES, Engine, Unreadable
from kentcard.store import providers as store

ENGINES_VARIABLE = "KENTCARD_RECEIPT_ENGINES"
NO_ENGINE = (
    "no OCR engine is available to read photos and scanned PDFs "
    "(install kentcard[ocr], or tesseract)"
)


@dataclass(frozen=True, slots=True)
class Reading:
    """What reading a file gave: the suggestion (empty when nothing was found), the
    engine that read the text, and, when there is no suggestion, why in a few words;
    also every line of text read, for showing the person the whole document."""

    suggestion: Suggestion
    engine: Engine | None = None
    reason: str | None = None
    lines: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return not self.suggestion.is_empty


def engines_from(env: Mapping[str, str] | None = None) -> frozenset[Engine]:
    """The engines allowed by `KENTCARD_RECEIPT_ENGINES` (comma-separated), else all."""
    text = (os.environ if env is None else env).get(ENGINES_VARIABLE, "").strip()
    if not text:
        return ALL_ENGINES
    chosen = set()
    for word in (w.strip().lower() for w in text.split(",")):
        if word not in {e.value for e in Engine}:
            names = ", ".join(e.value for e in Engine)
            raise InputError(ENGINES_VARIABLE, f"{word!r} is not one of {names}")
        chosen.add(Engine(word))
    return frozenset(chosen)


def read_receipt_file(
    path: str | os.PathLike[str],
    known_payees: Sequence[str] = (),
    engines: Collection[Engine] | None = None,
    field: str = "file",
) -> Reading:
    """Check the file as an attachment (25 MB at most, an accepted kind), then read it."""
    return read_upload_suggestion(read_upload(path, field), known_payees, engines)


def read_upload_suggestion(
    upload: Upload, known_payees: Sequence[str] = (), engines: Collection[Engine] | None = None
) -> Reading:
    """Read an already checked file with the allowed engines, best first."""
    allowed = engines_from() if engines is None else frozenset(engines)
    try:
        lines, engine = _lines(upload, allowed)
    except Unreadable as problem:
        return Reading(Suggestion(), reason=str(problem))
    if engine is None:
        return Reading(Suggestion(), reason=NO_ENGINE)
    suggestion = suggest(lines, known_payees)
    reason = "no date, amount or payee could be read from it" if suggestion.is_empty else None
    return Reading(suggestion, engine, reason, tuple(lines))


def _lines(upload: Upload, allowed: frozenset[Engine]) -> tuple[list[str], Engine | None]:
    """The document's lines of text, and the engine that read them (None: no engine could)."""
    if upload.media_type == TEXT:
        text = upload.content.decode("utf-8-sig", errors="replace")
        return text.splitlines(), Engine.TEXT
    if upload.media_type == PDF and Engine.TEXT in allowed:
        lines = ocr.pdf_text_lines(upload.content)
        if any(ch.isalnum() for line in lines for ch in line):
            return lines, Engine.TEXT
    engine = ocr.ocr_engine(allowed)
    if engine is None:
        return [], None
    if upload.media_type == PDF:
        pictures = ocr.pdf_pictures(upload.content)
    else:
        pictures = [ocr.open_picture(upload.content)]
    lines = [line for picture in pictures for line in ocr.picture_lines(picture, engine)]
    return lines, engine


def known_payees(ctx: Context, recipient_id: int) -> list[str]:
    """The person's providers and payees, which the reader looks for first."""
    with ctx.db.read() as session:
        return store.payee_names(session=session, recipient_id=recipient_id)


def suggest_from_file(
    ctx: Context,
    recipient_id: int,
    path: str | os.PathLike[str],
    engines: Collection[Engine] | None = None,
    field: str = "file",
) -> Reading:
    """Read a receipt or invoice file for this person, matching their own payees."""
    upload = read_upload(path, field)
    return read_upload_suggestion(upload, known_payees(ctx, recipient_id), engines)
