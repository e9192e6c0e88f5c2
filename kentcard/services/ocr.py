"""The engines that turn a receipt or invoice file into lines of text, all on this computer.

- `text`: a PDF's own text layer (pypdf, always installed), or a plain-text file.
- `rapidocr`: photos and scanned PDFs, with the optional extra `kentcard[ocr]` (RapidOCR and
  onnxruntime, whose models are inside the wheel; pypdfium2 renders PDF pages).
- `tesseract`: photos, when a `tesseract` program is installed (no extra needed); scanned
  PDFs too when pypdfium2 is there to render them.

Pillow, always installed, prepares the picture for either OCR engine.

Nothing is sent anywhere and no model is downloaded. Pictures are turned upright by their
EXIF orientation and refused above a pixel cap before they are decoded.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import os
import shutil
import subprocess
from collections.abc import Collection
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kentcard.importers.receipt import TextBox, lines_from_boxes

if TYPE_CHECKING:
    from PIL.Image import Image

# A phone photo is 12–50 million pixels; more than this is not a receipt, and decoding it
# could take gigabytes. Larger pictures are scaled down to this long side before OCR.
MAX_PIXELS = 60_000_000
OCR_LONG_SIDE = 2400
PDF_DPI = 200  # pypdfium2 renders a scanned A4 page at this in well under a second
MAX_PDF_PAGES = 3  # a receipt or invoice; its total is on the first pages
TESSERACT_TIMEOUT = 60.0


class Engine(StrEnum):
    TEXT = "text"
    RAPIDOCR = "rapidocr"
    TESSERACT = "tesseract"


ALL_ENGINES = frozenset(Engine)


class Unreadable(Exception):
    """The file cannot be read by these engines; `str()` says why, for the person."""


def installed(engine: Engine) -> bool:
    """Whether `engine` can run here (checked without importing anything heavy)."""
    if engine is Engine.TEXT:
        return True
    if engine is Engine.RAPIDOCR:
        return _has("rapidocr") and _has("onnxruntime")
    return shutil.which("tesseract") is not None


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def pdf_text_lines(content: bytes) -> list[str]:
    """The lines of a PDF's text layer (none for a scan), from its first few pages."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        pages = reader.pages[:MAX_PDF_PAGES]
        text = "\n".join(page.extract_text() or "" for page in pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise Unreadable("the PDF could not be read") from error
    return [line for line in text.splitlines() if line.strip()]


def pdf_pictures(content: bytes) -> list[Image]:
    """The first pages of a PDF as greyscale pictures (for OCR of a scan)."""
    if not _has("pypdfium2"):
        raise Unreadable("reading a scanned PDF needs the kentcard[ocr] extra")
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(content)
    except pypdfium2.PdfiumError as error:
        raise Unreadable("the PDF could not be read") from error
    pictures = []
    try:
        for index in range(min(len(document), MAX_PDF_PAGES)):
            page = document[index]
            width, height = page.get_size()
            scale = PDF_DPI / 72
            if width * height * scale * scale > MAX_PIXELS:  # an absurd page size
                scale = (MAX_PIXELS / (width * height)) ** 0.5
            pictures.append(page.render(scale=scale, grayscale=True).to_pil())
    finally:
        document.close()
    return pictures


def open_picture(content: bytes) -> Image:
    """A photo, upright by its EXIF orientation, refused above `MAX_PIXELS` before decoding."""
    from PIL import Image as PILImage
    from PIL import ImageOps, UnidentifiedImageError

    try:
        picture = PILImage.open(io.BytesIO(content))  # reads the header only
    except (UnidentifiedImageError, OSError, PILImage.DecompressionBombError) as error:
        raise Unreadable("the picture could not be opened (is it a HEIC photo?)") from error
    width, height = picture.size
    if width * height > MAX_PIXELS:
        raise Unreadable(f"the picture is too large to read ({width}×{height} pixels)")
    try:
        upright = ImageOps.exif_transpose(picture)
        upright.load()
    except (OSError, ValueError, SyntaxError) as error:
        raise Unreadable("the picture is damaged and could not be read") from error
    return upright


def _scaled(picture: Image) -> Image:
    from PIL import Image as PILImage

    picture = picture.convert("RGB") if picture.mode not in ("RGB", "L") else picture
    if max(picture.size) > OCR_LONG_SIDE:
        picture = picture.copy()
        picture.thumbnail((OCR_LONG_SIDE, OCR_LONG_SIDE), PILImage.Resampling.LANCZOS)
    return picture


@functools.cache
def _rapidocr() -> Any:
    """One RapidOCR engine per process: loading its models takes about a second."""
    from rapidocr import RapidOCR

    # Detection on at most 1,600 pixels a side: an A4 scan at 200 dpi peaked at 1.06 GB
    # with RapidOCR's default of 2,000, and at 0.83 GB with this, read as well.
    return RapidOCR(params={"Global.log_level": "error", "Global.max_side_len": 1600})


def rapidocr_lines(picture: Image) -> list[str]:
    """RapidOCR's boxes for the picture, grouped into lines."""
    import numpy

    result = _rapidocr()(numpy.asarray(_scaled(picture).convert("RGB")))
    if result.boxes is None or result.txts is None:
        return []
    boxes = [
        TextBox(str(text), tuple((float(x), float(y)) for x, y in corners))
        for corners, text in zip(result.boxes.tolist(), result.txts, strict=True)
    ]
    return lines_from_boxes(boxes)


def tesseract_lines(picture: Image) -> list[str]:
    """Tesseract's lines for a cleaned-up picture, read as one block (`--psm 6`), which
    keeps a receipt's prices on their labels' lines."""
    from PIL import ImageOps

    grey = ImageOps.autocontrast(ImageOps.grayscale(_scaled(picture)))
    if max(grey.size) < 1200:  # small print reads better enlarged
        grey = grey.resize((grey.width * 2, grey.height * 2))
    buffer = io.BytesIO()
    grey.save(buffer, "PNG")
    binary = shutil.which("tesseract")
    if binary is None:
        raise Unreadable("tesseract is not installed")
    # Tesseract's OpenMP threads fight each other on small machines: one thread is
    # several times faster there (measured 0.4 s instead of 4 s for a receipt).
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [binary, "stdin", "stdout", "--psm", "6", "-l", "eng"],
            input=buffer.getvalue(),
            capture_output=True,
            env=env,
            timeout=TESSERACT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise Unreadable("tesseract took too long to read the picture") from error
    if done.returncode != 0:
        raise Unreadable("tesseract could not read the picture")
    text = done.stdout.decode("utf-8", errors="replace")
    return [line for line in text.splitlines() if line.strip()]


def ocr_engine(allowed: Collection[Engine]) -> Engine | None:
    """The OCR engine to use: RapidOCR if allowed and installed, else tesseract, else none."""
    for engine in (Engine.RAPIDOCR, Engine.TESSERACT):
        if engine in allowed and installed(engine):
            return engine
    return None


def picture_lines(picture: Image, engine: Engine) -> list[str]:
    if engine is Engine.RAPIDOCR:
        return rapidocr_lines(picture)
    return tesseract_lines(picture)
