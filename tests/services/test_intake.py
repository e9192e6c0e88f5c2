"""Attached files are read only if they are ordinary, non-empty, small enough accepted documents."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from kentcard.core.errors import InputError
from kentcard.services.intake import MAX_DOCUMENT_BYTES, Upload, read_upload
from tests.core.test_filetypes import EXE_HEADER, SAMPLES, minimal_pdf, real_zip

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def refused(
    path: str | os.PathLike[str], field: str = "file", limit: int = MAX_DOCUMENT_BYTES
) -> InputError:
    """The InputError that reading `path` raises."""
    with pytest.raises(InputError) as caught:
        read_upload(path, field, limit)
    return caught.value


def refused_promptly(path: Path, seconds: float = 10) -> InputError:
    """Like `refused`, but fails (instead of hanging the suite) if the call never returns."""
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            read_upload(path)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "read_upload blocked instead of refusing the file"
    assert len(outcome) == 1 and isinstance(outcome[0], InputError), outcome
    return outcome[0]


def before_open(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> None:
    """Run `action` once, after the file was checked and just before it is opened."""
    real_open = os.open
    done: list[bool] = []

    def swapping_open(path: str, flags: int, *args: int) -> int:
        if not done:
            done.append(True)
            action()
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", swapping_open)


@pytest.mark.parametrize("media_type", sorted(SAMPLES))
def test_each_accepted_kind_is_read_from_a_real_file(tmp_path: Path, media_type: str) -> None:
    """A real file of each accepted kind is read whole, typed by content and hashed."""
    content = SAMPLES[media_type]
    upload = read_upload(write(tmp_path / "document.bin", content))
    assert upload.media_type == media_type
    assert upload.content == content
    assert upload.sha256 == hashlib.sha256(content).hexdigest()


def test_sha256_is_lowercase_hex_of_the_content(tmp_path: Path) -> None:
    """The recorded hash is hashlib's lowercase hex SHA-256 of exactly the bytes read."""
    content = minimal_pdf()
    upload = read_upload(str(write(tmp_path / "invoice.pdf", content)))
    assert upload.sha256 == hashlib.sha256(content).hexdigest()
    assert upload.sha256 == upload.sha256.lower() and len(upload.sha256) == 64


def test_filename_is_the_base_name(tmp_path: Path) -> None:
    """Only the file's own name is kept, never the folders above it."""
    folder = tmp_path / "private" / "2026"
    folder.mkdir(parents=True)
    upload = read_upload(write(folder / "Acme invoice 17.pdf", minimal_pdf()))
    assert upload.filename == "Acme invoice 17.pdf"


def test_filename_is_cleaned_of_controls_and_separators(tmp_path: Path) -> None:
    """Control characters are dropped and a backslash cannot act as a path separator."""
    path = write(tmp_path / "..\\..\\evil\x1b[31m\x07.pdf", minimal_pdf())
    assert read_upload(path).filename == ".._.._evil[31m.pdf"


def test_long_filename_is_cut_to_200_characters_keeping_the_extension(tmp_path: Path) -> None:
    """A very long name is shortened to 200 characters and keeps its extension."""
    upload = read_upload(write(tmp_path / ("r" * 240 + ".pdf"), minimal_pdf()))
    assert len(upload.filename) == 200
    assert upload.filename.endswith("r.pdf")


def test_upload_cannot_be_changed_after_reading(tmp_path: Path) -> None:
    """An Upload is frozen, so its bytes and hash cannot drift apart."""
    upload = read_upload(write(tmp_path / "a.txt", b"hello\n"))
    assert isinstance(upload, Upload)
    with pytest.raises(dataclasses.FrozenInstanceError):
        upload.content = b"other"  # type: ignore[misc]


def test_empty_path_is_refused() -> None:
    """No file name at all is refused before anything is looked up."""
    error = refused("", field="receipt")
    assert error.field == "receipt" and "required" in error.reason


def test_missing_file_is_refused(tmp_path: Path) -> None:
    """A file that does not exist is refused with the field named."""
    error = refused(tmp_path / "nowhere.pdf")
    assert error.field == "file" and "does not exist" in error.reason


def test_a_name_with_a_nul_character_is_refused(tmp_path: Path) -> None:
    """A name containing NUL is a plain error, not a crash."""
    error = refused(f"{tmp_path}/bad\x00name.pdf")
    assert error.field == "file" and "valid" in error.reason


def test_exe_named_pdf_is_refused(tmp_path: Path) -> None:
    """A program renamed to .pdf is refused: the type comes from content, not the name."""
    error = refused(write(tmp_path / "invoice.pdf", EXE_HEADER + b"\x00" * 200))
    assert error.field == "file" and "PDF, JPEG, PNG, HEIC, WebP or plain text" in error.reason


def test_zip_named_pdf_is_refused(tmp_path: Path) -> None:
    """A zip archive renamed to .pdf is refused."""
    error = refused(write(tmp_path / "invoice.pdf", real_zip()), field="receipt")
    assert error.field == "receipt" and "accept" in error.reason


def test_binary_with_nul_is_refused_as_text(tmp_path: Path) -> None:
    """A .txt file containing NUL bytes is not accepted as text."""
    error = refused(write(tmp_path / "notes.txt", b"Paid\x00\x00\x00in full\n"))
    assert error.field == "file" and "accept" in error.reason


def test_windows_1252_text_is_refused(tmp_path: Path) -> None:
    """Text saved as Windows-1252 (not UTF-8) is refused."""
    content = "Caf\u00e9 \u201creceipt\u201d\n".encode("cp1252")
    error = refused(write(tmp_path / "notes.txt", content))
    assert error.field == "file" and "accept" in error.reason


def test_refusal_does_not_repeat_the_file_contents(tmp_path: Path) -> None:
    """The message about a refused file never quotes what was in it."""
    error = refused(write(tmp_path / "x.txt", b"SECRET-NAME 123.45\x00"))
    assert "SECRET" not in str(error) and "123.45" not in str(error)


def test_symlink_to_a_valid_pdf_is_refused(tmp_path: Path) -> None:
    """A link is refused even when it points to a good PDF."""
    target = write(tmp_path / "real.pdf", minimal_pdf())
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    error = refused(link)
    assert error.field == "file" and "link" in error.reason


def test_directory_is_refused(tmp_path: Path) -> None:
    """A folder is refused."""
    (tmp_path / "receipts.pdf").mkdir()
    error = refused(tmp_path / "receipts.pdf")
    assert error.field == "file" and "folder" in error.reason


@needs_fifo
def test_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    """A named pipe with no writer is refused at once instead of blocking forever."""
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    error = refused_promptly(fifo)
    assert error.field == "file" and "ordinary" in error.reason


def test_socket_is_refused(tmp_path: Path) -> None:
    """A Unix socket is refused."""
    path = tmp_path / "s.pdf"
    if not hasattr(socket, "AF_UNIX") or len(str(path)) > 100:
        pytest.skip("no room for a Unix socket path here")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        error = refused_promptly(path)
    assert error.field == "file" and "ordinary" in error.reason


def test_endless_device_is_refused() -> None:
    """A device such as /dev/zero, which never ends, is refused without reading."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    error = refused_promptly(Path("/dev/zero"))
    assert error.field == "file" and "ordinary" in error.reason


def test_empty_file_is_refused(tmp_path: Path) -> None:
    """A 0-byte file is refused."""
    error = refused(write(tmp_path / "scan.pdf", b""))
    assert error.field == "file" and "empty" in error.reason


def test_sparse_2gb_file_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 2 GB file is refused from its size alone: not one byte of it is read."""
    path = tmp_path / "huge.pdf"
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(2 * 1024**3)
    reads: list[int] = []
    real_read = os.read

    def recording_read(fd: int, n: int) -> bytes:
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", recording_read)
    error = refused(path)
    assert error.field == "file" and "is larger than 25 MB" in error.reason
    assert reads == []
    assert MAX_DOCUMENT_BYTES == 25 * 1024 * 1024


def test_file_grown_huge_after_the_check_is_refused_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that grows to 2 GB between the check and the open is refused from fstat's size."""
    path = write(tmp_path / "receipt.pdf", minimal_pdf())
    reads: list[int] = []
    real_read = os.read

    def recording_read(fd: int, n: int) -> bytes:
        reads.append(n)
        return real_read(fd, n)

    def grow() -> None:
        with path.open("r+b") as handle:
            handle.truncate(2 * 1024**3)

    before_open(monkeypatch, grow)
    monkeypatch.setattr(os, "read", recording_read)
    error = refused(path)
    assert error.field == "file" and "larger" in error.reason
    assert reads == []


def test_file_of_exactly_the_limit_is_accepted(tmp_path: Path) -> None:
    """A file exactly as large as the limit is read."""
    upload = read_upload(write(tmp_path / "a.txt", b"x" * 64), limit=64)
    assert len(upload.content) == 64


def test_file_one_byte_over_the_limit_is_refused(tmp_path: Path) -> None:
    """A file one byte over the limit is refused and the message names the limit."""
    error = refused(write(tmp_path / "a.txt", b"x" * 65), limit=64)
    assert error.field == "file" and "larger than 64 bytes" in error.reason


def test_file_growing_while_read_is_cut_off_at_limit_plus_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that grows after its size was checked is refused after reading at most limit+1."""
    path = write(tmp_path / "log.txt", b"x" * 10)
    real_fstat, real_read = os.fstat, os.read
    read_total: list[int] = []

    def fstat_then_grow(fd: int) -> os.stat_result:
        result = real_fstat(fd)
        with path.open("ab") as handle:
            handle.write(b"y" * 10_000)
        return result

    def counting_read(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        read_total.append(len(data))
        return data

    monkeypatch.setattr(os, "fstat", fstat_then_grow)
    monkeypatch.setattr(os, "read", counting_read)
    error = refused(path, limit=100)
    assert error.field == "file" and "larger" in error.reason
    assert sum(read_total) == 101


@needs_fifo
def test_swap_to_a_fifo_after_the_check_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A good file swapped for a pipe between the check and the open is refused, not waited on."""
    path = write(tmp_path / "receipt.pdf", minimal_pdf())

    def swap() -> None:
        path.unlink()
        os.mkfifo(path)

    before_open(monkeypatch, swap)
    error = refused_promptly(path)
    assert error.field == "file" and "ordinary" in error.reason


def test_swap_to_a_symlink_after_the_check_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A good file swapped for a link between the check and the open is not followed."""
    path = write(tmp_path / "receipt.pdf", minimal_pdf())
    elsewhere = write(tmp_path / "elsewhere.pdf", minimal_pdf())

    def swap() -> None:
        path.unlink()
        path.symlink_to(elsewhere)

    before_open(monkeypatch, swap)
    error = refused(path)
    assert error.field == "file" and "link" in error.reason


def test_swap_to_another_file_after_the_check_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file replaced by a different one between the check and the open is refused."""
    path = write(tmp_path / "receipt.pdf", minimal_pdf())
    other = write(tmp_path / "other.pdf", minimal_pdf())

    def swap() -> None:
        other.replace(path)

    before_open(monkeypatch, swap)
    error = refused(path)
    assert error.field == "file" and "replaced" in error.reason


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    """A file the person has no permission to read is refused."""
    path = write(tmp_path / "locked.pdf", minimal_pdf())
    path.chmod(0)
    try:
        error = refused(path)
    finally:
        path.chmod(0o600)
    assert error.field == "file" and "permission" in error.reason


def test_permission_error_on_open_is_a_plain_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A denied open is refused plainly (simulated, so this also runs as root)."""
    path = write(tmp_path / "locked.pdf", minimal_pdf())

    def deny(*args: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", deny)
    error = refused(path)
    assert error.field == "file" and "permission" in error.reason


def test_a_limit_below_one_byte_is_a_programming_error(tmp_path: Path) -> None:
    """Asking for a limit of zero bytes is a bug in the caller, not a user error."""
    with pytest.raises(ValueError):
        read_upload(write(tmp_path / "a.txt", b"x"), limit=0)
