"""What kind of document a file is, decided from its bytes and never from its name.

A receipt called `invoice.pdf` may really be a program or a zip archive; only the content says
what it is. The accepted kinds are the ones people photograph or download receipts as.
"""

from __future__ import annotations

import re
import struct

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
HEIC = "image/heic"
TEXT = "text/plain"

EXTENSIONS: dict[str, str] = {
    PDF: ".pdf",
    JPEG: ".jpg",
    PNG: ".png",
    WEBP: ".webp",
    HEIC: ".heic",
    TEXT: ".txt",
}
ACCEPTED_DESCRIPTION = "PDF, JPEG, PNG, HEIC, WebP or plain text"

_PDF_MAGIC = b"%PDF-"
_PDF_WINDOW = 1024
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_HEIC_BRANDS = frozenset(
    b.encode("ascii")
    for b in ("heic", "heix", "hevc", "heim", "heis", "hevm", "hevs", "mif1", "msf1")
)
# At most this many compatible brands are looked at, so a forged box size costs nothing.
_MAX_BRANDS = 64
# Every C0 and C1 control character except tab, line feed, form feed and carriage return.
_TEXT_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def sniff_media_type(content: bytes) -> str | None:
    """The media type of `content` if it is a kind of document we accept, else None."""
    if _PDF_MAGIC in content[:_PDF_WINDOW]:
        return PDF
    if content.startswith(_JPEG_MAGIC):
        return JPEG
    if content.startswith(_PNG_MAGIC):
        return PNG
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if _is_heic(content):
        return HEIC
    if _is_plain_text(content):
        return TEXT
    return None


def _is_heic(content: bytes) -> bool:
    """An ISO media file whose `ftyp` box names a HEIF/HEIC brand (major or compatible)."""
    if len(content) < 16 or content[4:8] != b"ftyp":
        return False
    (size,) = struct.unpack(">I", content[:4])
    if size == 0:  # the box runs to the end of the file
        size = len(content)
    if size < 16:
        return False
    end = min(size, len(content), 16 + 4 * _MAX_BRANDS)
    brands = [content[8:12]] + [content[i : i + 4] for i in range(16, end - 3, 4)]
    return any(brand in _HEIC_BRANDS for brand in brands)


def _is_plain_text(content: bytes) -> bool:
    """UTF-8 text (a leading byte-order mark allowed) with no NUL or other control character."""
    if not content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return _TEXT_CONTROLS.search(text) is None
