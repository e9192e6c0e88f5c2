"""Reading a receipt or invoice file: which engine runs, the file checks before decoding,
and the person's own payees from the database. The accuracy over every fixture is in
test_receipt_accuracy.py."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from kentcard.core.errors import InputError
from kentcard.core.money import Money
from kentcard.services import ocr
from kentcard.services.context import Context
from kentcard.services.ledger import add_money_out
from kentcard.services.ocr import Engine, Unreadable
from kentcard.services.receipts import (
    ENGINES_VARIABLE,
    NO_ENGINE,
    engines_from,
    known_payees,
    read_receipt_file,
    suggest_from_file,
)
from tests.receipt_fixtures import PAYEES, RECEIPTS, TEXT_PDFS, by_name
from tests.services.helpers import person, provider

TEXT_ONLY = {Engine.TEXT}


def test_a_text_layer_pdf_is_read_with_the_persons_own_payees(ctx: Context) -> None:
    """The two-column invoice starts with the person's address; the provider in the
    database is found as payee, with its own spelling, and pypdf read it (no OCR)."""
    rid = person(ctx)
    for name in ("Kent Respite Care", "Bright Homecare"):
        provider(ctx, rid, name)
    fixture = by_name("i02_two_columns.pdf")
    reading = suggest_from_file(ctx, rid, fixture.path, engines=TEXT_ONLY)
    assert reading.engine is Engine.TEXT and reading.reason is None
    found = reading.suggestion
    assert found.payee is not None and found.payee.value == "Kent Respite Care"
    assert found.date is not None and found.date.value == date(2025, 10, 14)
    assert found.amount is not None and found.amount.value == Money(48000)
    assert found.number is not None and found.number.value == "KRC-7781"


def test_known_payees_are_providers_then_payees_once_each(ctx: Context) -> None:
    """Providers, then any other name a payment was made to, ignoring case."""
    rid = person(ctx)
    provider(ctx, rid, "Bright Homecare")
    for payee in ("Sarah Jones", "BRIGHT HOMECARE", "Canterbury Pharmacy"):
        add_money_out(ctx, rid, date=date(2026, 11, 2), amount=Money(500), payee=payee)
    assert known_payees(ctx, rid) == ["Bright Homecare", "Canterbury Pharmacy", "Sarah Jones"]


def test_every_text_layer_pdf_is_right_without_ocr() -> None:
    """With only the text layer allowed, each text PDF gives its date, total and payee."""
    for fixture in TEXT_PDFS:
        found = read_receipt_file(fixture.path, PAYEES, TEXT_ONLY).suggestion
        assert found.date is not None and found.date.value == fixture.date, fixture.path
        assert found.amount is not None and found.amount.value == Money(fixture.pence)
        assert found.payee is not None and found.payee.value == fixture.payee


def test_photos_and_scans_without_ocr_give_no_suggestion_and_say_why() -> None:
    """No OCR engine allowed: no error, an empty suggestion and the reason."""
    for fixture in [*RECEIPTS[:3], by_name("i05_scanned.pdf")]:
        reading = read_receipt_file(fixture.path, PAYEES, TEXT_ONLY)
        assert not reading.found and reading.engine is None
        assert reading.reason == NO_ENGINE


def test_a_plain_text_receipt_is_read_as_it_is(tmp_path: Path) -> None:
    """An emailed receipt saved as text needs no engine at all."""
    path = tmp_path / "receipt.txt"
    path.write_text("Whitstable Taxis\nDate 09/06/2025\nTOTAL £21.60\n")
    reading = read_receipt_file(path, PAYEES, engines=())
    assert reading.engine is Engine.TEXT
    assert reading.suggestion.amount is not None
    assert reading.suggestion.amount.value == Money(2160)


def test_the_25_mb_limit_is_checked_before_anything_is_decoded(tmp_path: Path) -> None:
    """A file over the attachment limit is refused by its size, as an attachment would be."""
    path = tmp_path / "huge.jpg"
    with path.open("wb") as out:
        out.write(b"\xff\xd8\xff")
        out.truncate(26 * 1024 * 1024)
    with pytest.raises(InputError, match="larger than 25 MB"):
        read_receipt_file(path, PAYEES)


def test_a_damaged_pdf_is_no_suggestion_not_a_crash(tmp_path: Path) -> None:
    """A file that starts like a PDF but is not one gives the reason, never a traceback."""
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    reading = read_receipt_file(path, PAYEES, TEXT_ONLY)
    assert not reading.found and reading.reason


def test_a_picture_above_the_pixel_cap_is_refused_before_decoding(tmp_path: Path) -> None:
    """A tiny file can claim a vast picture; its size is checked from the header."""
    buffer = tmp_path / "vast.png"
    Image.new("1", (8000, 8000)).save(buffer)
    assert buffer.stat().st_size < 100_000  # small on disk, 64 million pixels inside
    with pytest.raises(Unreadable, match="too large"):
        ocr.open_picture(buffer.read_bytes())


def test_exif_orientation_turns_a_sideways_photo_upright() -> None:
    """The photo is stored sideways with EXIF orientation 6 ("turn 90° clockwise"); it is
    read turned, its tag spent (the accuracy tests show the text then reads right)."""
    path = by_name("r06_exif90.jpg").path
    stored = Image.open(path)
    assert stored.getexif().get(0x0112) == 6
    upright = ocr.open_picture(path.read_bytes())
    assert upright.size == (stored.height, stored.width)
    assert upright.getexif().get(0x0112) in (None, 1)


def test_the_engines_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """KENTCARD_RECEIPT_ENGINES names the engines allowed; unset means all; a wrong name
    is one plain error naming the setting."""
    assert engines_from({}) == frozenset(Engine)
    assert engines_from({ENGINES_VARIABLE: "text, tesseract"}) == {Engine.TEXT, Engine.TESSERACT}
    with pytest.raises(InputError, match=ENGINES_VARIABLE):
        engines_from({ENGINES_VARIABLE: "text,easyocr"})
    monkeypatch.setenv(ENGINES_VARIABLE, "text")
    reading = read_receipt_file(by_name("r01_clean.jpg").path, PAYEES)
    assert reading.reason == NO_ENGINE


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_tesseract_reads_a_clean_receipt_in_one_thread() -> None:
    """With only tesseract allowed (no extra needed) a clean receipt is read right."""
    fixture = by_name("r01_clean.jpg")
    reading = read_receipt_file(fixture.path, PAYEES, {Engine.TESSERACT})
    assert reading.engine is Engine.TESSERACT
    found = reading.suggestion
    assert found.date is not None and found.date.value == fixture.date
    assert found.amount is not None and found.amount.value == Money(fixture.pence)
    assert found.payee is not None and found.payee.value == fixture.payee


def test_rapidocr_reads_a_photo_turned_8_degrees(ocr_extra: None) -> None:
    """With the extra, the 8° photo's prices stay on their labels: the right TOTAL."""
    fixture = by_name("r02_skew8.jpg")
    reading = read_receipt_file(fixture.path, PAYEES, {Engine.RAPIDOCR})
    assert reading.engine is Engine.RAPIDOCR
    found = reading.suggestion
    assert found.amount is not None and found.amount.value == Money(fixture.pence)
    assert found.date is not None and found.date.value == fixture.date
