"""The kind of a document is decided from its bytes, and only the accepted kinds are recognised."""

from __future__ import annotations

import io
import struct
import wave
import zipfile
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kentcard.core.filetypes import ACCEPTED_DESCRIPTION, EXTENSIONS, sniff_media_type


def minimal_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def minimal_png() -> bytes:
    """A 1x1 grey PNG, chunks and CRCs built with zlib."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def minimal_jpeg() -> bytes:
    """A 1x1 grey baseline JPEG (one DC and one AC Huffman code), decodable by libjpeg."""

    def segment(marker: int, payload: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    one_code = b"\x01" + b"\x00" * 15 + b"\x00"  # one code of length 1 for symbol 0
    return (
        b"\xff\xd8"
        + segment(0xDB, b"\x00" + b"\x01" * 64)
        + segment(0xC0, struct.pack(">BHHB", 8, 1, 1, 1) + b"\x01\x11\x00")
        + segment(0xC4, b"\x00" + one_code)
        + segment(0xC4, b"\x10" + one_code)
        + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f\xff\xd9"
    )


# A 1x1 lossless WebP, decodable by libwebp's dwebp.
MINIMAL_WEBP = bytes.fromhex(
    "52494646 1a000000 57454250 5650384c 0d000000 2f000000 10071011 118888fe 0700"
)
# The first boxes of a photo from an iPhone: `ftyp` (major heic, compatible mif1 heic) then `meta`.
MINIMAL_HEIC = (
    bytes.fromhex("00000018667479706865696300000000")
    + b"mif1heic"
    + (b"\x00\x00\x00\x0cmeta\x00\x00\x00\x00")
)

SAMPLES: dict[str, bytes] = {
    "application/pdf": minimal_pdf(),
    "image/jpeg": minimal_jpeg(),
    "image/png": minimal_png(),
    "image/webp": MINIMAL_WEBP,
    "image/heic": MINIMAL_HEIC,
    "text/plain": "Invoice 17 from Acme Care — Zoë\r\nHours\t12\n\fPage 2\n".encode(),
}


def real_zip() -> bytes:
    """A zip archive as the standard library writes it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("invoice.txt", "not really an invoice")
    return buffer.getvalue()


def real_wav() -> bytes:
    """A RIFF file that is audio, not WebP."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(1)
        sound.setframerate(8000)
        sound.writeframes(b"\x80" * 8)
    return buffer.getvalue()


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    """An ISO media `ftyp` box with the given brands."""
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(body)) + b"ftyp" + body


EXE_HEADER = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + b"\x00" * 47


@pytest.mark.parametrize("media_type", sorted(SAMPLES))
def test_each_accepted_kind_is_recognised_from_real_bytes(media_type: str) -> None:
    """Each accepted kind is recognised from a minimal real file of that kind."""
    assert sniff_media_type(SAMPLES[media_type]) == media_type


def test_every_recognised_kind_has_an_extension() -> None:
    """Every media type the sniffer can return maps to a file extension."""
    assert set(EXTENSIONS) == set(SAMPLES)
    assert EXTENSIONS["image/jpeg"] == ".jpg"
    assert ACCEPTED_DESCRIPTION == "PDF, JPEG, PNG, HEIC, WebP or plain text"


def test_pdf_marker_may_follow_junk_within_the_first_kilobyte() -> None:
    """A PDF with up to 1 KB of leading junk is still a PDF."""
    assert sniff_media_type(b"\x00\xff" * 500 + minimal_pdf()) == "application/pdf"


def test_pdf_marker_after_the_first_kilobyte_does_not_count() -> None:
    """`%PDF-` buried after the first 1024 bytes of binary does not make a PDF."""
    assert sniff_media_type(b"\x00" * 1024 + minimal_pdf()) is None


@pytest.mark.parametrize(
    "content",
    [EXE_HEADER, real_zip(), real_wav(), b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"],
    ids=["exe", "zip", "wav", "gif"],
)
def test_other_binary_formats_are_not_accepted(content: bytes) -> None:
    """Programs, archives, audio and GIFs are not accepted kinds."""
    assert sniff_media_type(content) is None


def test_heic_is_recognised_by_a_compatible_brand() -> None:
    """An `ftyp` whose major brand is mif1 and compatible brands include heic is HEIC."""
    assert sniff_media_type(ftyp(b"mif1", b"mif1", b"heic")) == "image/heic"
    assert sniff_media_type(ftyp(b"msf1", b"iso8")) == "image/heic"


def test_mp4_video_is_not_heic() -> None:
    """An MP4 video's `ftyp` box names no HEIF brand, so it is not accepted."""
    assert sniff_media_type(ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41")) is None


def test_a_truncated_or_forged_ftyp_box_is_not_heic() -> None:
    """An `ftyp` box too short to hold a brand, or a lone `ftyp` tag, is not HEIC."""
    assert sniff_media_type(b"\x00\x00\x00\x08ftypheic") is None
    assert sniff_media_type(b"\x00\x00\x00\x08ftypheic\x00\x00\x00\x00") is None


def test_text_with_a_byte_order_mark_is_plain_text() -> None:
    """UTF-8 text starting with a byte-order mark is plain text."""
    assert sniff_media_type("\ufeffReceipt — café\n".encode()) == "text/plain"


def test_binary_with_nul_is_not_text() -> None:
    """Bytes that are otherwise ASCII but contain NUL are not plain text."""
    assert sniff_media_type(b"Receipt\x00\x00\x01payload") is None


def test_windows_1252_text_is_not_utf8_text() -> None:
    """Windows-1252 bytes that are not valid UTF-8 are not accepted as text."""
    content = "Caf\u00e9 receipt \u201cpaid\u201d".encode("cp1252")
    assert sniff_media_type(content) is None


@pytest.mark.parametrize("control", ["\x1b", "\x07", "\x0b", "\x7f", "\x85"])
def test_text_with_other_control_characters_is_not_text(control: str) -> None:
    """Escape, bell, vertical tab, DEL and C1 controls make text unacceptable."""
    assert sniff_media_type(f"Receipt{control}[31m".encode()) is None


def test_empty_content_is_not_any_kind() -> None:
    """No bytes at all is not a document of any kind."""
    assert sniff_media_type(b"") is None


@given(st.binary(max_size=2048))
def test_any_bytes_give_an_accepted_type_or_none(content: bytes) -> None:
    """Arbitrary bytes never raise and always give an accepted type or None."""
    assert sniff_media_type(content) in {*EXTENSIONS, None}
