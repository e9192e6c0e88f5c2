"""Reading a receipt or invoice file that a person attaches, safely and completely.

The file is checked before a single byte is trusted: it must be an ordinary file (not a link,
folder, pipe or device, so nothing can hang or be redirected), not empty, not too large, and
one of the accepted kinds judged by its content. Any problem is one plain `InputError`.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import unicodedata
from dataclasses import dataclass

from kentcard.core.errors import InputError
from kentcard.core.filetypes import ACCEPTED_DESCRIPTION, EXTENSIONS, sniff_media_type

MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
MAX_FILENAME_LENGTH = 200
_CHUNK = 1024 * 1024
# Never follow a link and never wait on a pipe; O_BINARY matters on Windows only.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_BINARY", 0)
)
_KEEP_FORMAT = "\u200d"  # the zero-width joiner inside emoji is harmless


@dataclass(frozen=True, slots=True)
class Upload:
    """A checked file: its cleaned base name, bytes, media type and SHA-256 (lowercase hex)."""

    filename: str
    content: bytes
    media_type: str
    sha256: str


def read_upload(
    path: str | os.PathLike[str], field: str = "file", limit: int = MAX_DOCUMENT_BYTES
) -> Upload:
    """Read the file at `path` if it is an ordinary, non-empty, accepted document within `limit`."""
    if limit < 1:
        raise ValueError("limit must be at least one byte")
    name = os.fspath(path)
    if not name.strip():
        raise InputError(field, "is required: choose a file")
    before = _lstat(name, field)
    _require_regular(before, field)
    _require_small(before, field, limit)
    content = _read_checked(name, before, field, limit)
    media_type = sniff_media_type(content)
    if media_type is None:
        raise InputError(
            field, f"is not a kind of file we accept; choose a {ACCEPTED_DESCRIPTION} file"
        )
    return Upload(
        filename=_clean_filename(name, media_type),
        content=content,
        media_type=media_type,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _clean_filename(path: str, media_type: str) -> str:
    """The base name without control characters or path separators, at most 200 characters."""
    base = os.path.basename(path)
    kept = "".join(_clean_char(ch) for ch in base).strip()
    if not kept or kept in (".", ".."):
        return "document" + EXTENSIONS[media_type]
    if len(kept) <= MAX_FILENAME_LENGTH:
        return kept
    stem, suffix = os.path.splitext(kept)
    suffix = suffix if len(suffix) <= 16 else ""
    return stem[: MAX_FILENAME_LENGTH - len(suffix)].rstrip() + suffix


def _clean_char(ch: str) -> str:
    """A path separator becomes `_`; a control or undecodable character is dropped."""
    if ch in "/\\":
        return "_"
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs") or (category == "Cf" and ch != _KEEP_FORMAT):
        return ""
    return ch


def _lstat(name: str, field: str) -> os.stat_result:
    """The file's own status (a link is not followed), or a plain error."""
    try:
        return os.lstat(name)
    except ValueError:  # e.g. a NUL character in the name
        raise InputError(field, "is not a valid file name") from None
    except OSError as exc:
        raise _open_error(exc, field) from None


def _read_checked(name: str, before: os.stat_result, field: str, limit: int) -> bytes:
    """Open without following links or blocking, re-check the open file, then read it."""
    try:
        fd = os.open(name, _OPEN_FLAGS)
    except OSError as exc:
        raise _open_error(exc, field) from None
    try:
        opened = os.fstat(fd)
        _require_regular(opened, field)
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise InputError(field, "was replaced while it was being opened; try again")
        _require_small(opened, field, limit)
        content = _read_at_most(fd, limit + 1, field)
    finally:
        os.close(fd)
    if not content:
        raise InputError(field, "is empty (0 bytes); choose the file with the document in it")
    if len(content) > limit:
        raise _too_large(field, limit)
    return content


def _read_at_most(fd: int, most: int, field: str) -> bytes:
    """Up to `most` bytes, so a file that grows while it is read can never exhaust memory."""
    chunks: list[bytes] = []
    remaining = most
    try:
        while remaining > 0:
            chunk = os.read(fd, min(remaining, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError:
        raise InputError(
            field, "could not be read; check the disk or copy the file again"
        ) from None
    return b"".join(chunks)


def _require_regular(st: os.stat_result, field: str) -> None:
    """Refuse links, folders and special files (pipes, sockets, devices)."""
    if stat.S_ISLNK(st.st_mode):
        raise InputError(field, "is a link to another file; choose the file itself")
    if stat.S_ISDIR(st.st_mode):
        raise InputError(field, "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(field, "is not an ordinary file (it is a pipe, socket or device)")


def _require_small(st: os.stat_result, field: str, limit: int) -> None:
    if st.st_size > limit:
        raise _too_large(field, limit)


def _too_large(field: str, limit: int) -> InputError:
    return InputError(field, f"is larger than {_describe_size(limit)}; choose a smaller file")


def _describe_size(size: int) -> str:
    """25 MB, 1.5 MB, 100 KB or 10 bytes: the limit in words a person reads easily."""
    for unit, name in ((1024 * 1024, "MB"), (1024, "KB")):
        if size >= unit:
            return f"{round(size / unit, 1):g} {name}"
    return f"{size} bytes"


def _open_error(exc: OSError, field: str) -> InputError:
    """Turn an operating-system error about the file into a plain message."""
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return InputError(field, "does not exist; check the folder and the file name")
    if isinstance(exc, PermissionError):
        return InputError(field, "cannot be read: you do not have permission to open it")
    if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link that appeared after the check
        return InputError(field, "is a link to another file; choose the file itself")
    if exc.errno == errno.ENAMETOOLONG:
        return InputError(field, "has a name or folder path that is too long")
    return InputError(field, "could not be opened; check the disk or copy the file again")
