"""Private scratch space for an export: its temporary files never go to the system's temp folder.

An export holds the whole account while it works: openpyxl streams each sheet into a
temporary file until the workbook is saved (for a big account, a hundred megabytes of
payees and amounts), and the result is written under a `.part` name beside its target
before it is moved into place. Those files are special-category personal data, so:

- they live in `tmp/` beside the database (`db/tmp/` by default): the app's own folder,
  made owner-only, on the database's own disk, and never a place that the person may have
  chosen for the output (a USB stick, or a folder a cloud service copies elsewhere).
  When there is no database folder to use (a server database, or a folder this user
  cannot write), a per-user cache folder (`~/.cache/kentcard/tmp`) takes its place;
- each export works in a folder of its own, `export-<pid>-<random>` (0700), removed when
  the export ends, whether it succeeded or failed;
- the `.part` names it writes beside the target are noted in that folder first, so when a
  process is killed half-way, the next start (`clean_leftovers`) removes its folder and
  its `.part` files: at once when its process has ended, or after a day when the process
  id is in use again by something else (after a restart, say).

Standard library only: `services/opening` calls `clean_leftovers` when a database is opened.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kentcard.core.folders import private_folder

FOLDER = "tmp"  # beside the database file
PREFIX = "export-"
JOURNAL = "partial"  # the `.part` paths an export writes outside its folder, one a line
STALE_AFTER = 24 * 3600  # seconds: a folder whose process id is in use again


@dataclass(frozen=True)
class Workspace:
    """One export's private folder, and the tag its `.part` names carry."""

    folder: Path

    @property
    def tag(self) -> str:
        return self.folder.name.removeprefix(PREFIX)

    def partial(self, target: Path, suffix: str = ".part") -> Path:
        """The temporary name for `target` in its own folder, noted before it is made."""
        path = target.parent / f".{target.name}.{self.tag}{suffix}"
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(self.folder / JOURNAL, flags, 0o600), "a", encoding="utf-8") as f:
            f.write(f"{path.absolute()}\n")
        return path


def roots(db_file: Path | None) -> list[Path]:
    """Where scratch folders may be: beside the database first, then the per-user cache."""
    found = [] if db_file is None else [Path(db_file).absolute().parent / FOLDER]
    try:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kentcard"
    except (RuntimeError, KeyError):  # no home folder to be found (a bare service account)
        return found
    return [*found, cache / FOLDER]


@contextmanager
def workspace(db_file: Path | None) -> Iterator[Workspace]:
    """A fresh 0700 folder for one export, and everything in it and noted by it removed after."""
    work = Workspace(_new_folder(roots(db_file)))
    try:
        yield work
    finally:
        _remove(work.folder)


def clean_leftovers(db_file: Path | None) -> int:
    """Remove what killed exports left behind; returns how many folders were removed.

    Cheap when there is nothing to do (a look at one or two folders); never fails: a
    folder that cannot be removed now is tried again next time.
    """
    removed = 0
    for root in roots(db_file):
        try:
            entries = list(os.scandir(root))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(PREFIX) and entry.is_dir(follow_symlinks=False):
                folder = Path(entry.path)
                if _stale(folder):
                    _remove(folder)
                    removed += 1
    return removed


def _new_folder(candidates: list[Path]) -> Path:
    problem = OSError("there is no private folder for the export's temporary files")
    for root in candidates:
        try:
            private_folder(root)
            if root.is_symlink():
                raise NotADirectoryError(20, "Not a real folder", str(root))
            return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))
        except OSError as error:  # a read-only database folder: the next place
            problem = error
    raise problem


def _stale(folder: Path) -> bool:
    pid_text = folder.name.removeprefix(PREFIX).partition("-")[0]
    if pid_text.isdigit() and not _running(int(pid_text)):
        return True
    try:
        newest = max(
            [folder.stat().st_mtime] + [p.stat().st_mtime for p in folder.iterdir()],
        )
    except OSError:
        return False
    return time.time() - newest > STALE_AFTER


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process (PermissionError) or a pid out of range
        return True
    return True


def _remove(folder: Path) -> None:
    """Remove the `.part` files the journal names (only names this export made), then the folder."""
    tag = folder.name.removeprefix(PREFIX)
    try:
        noted = (folder / JOURNAL).read_text(encoding="utf-8").splitlines()
    except OSError:
        noted = []
    for line in noted:
        path = Path(line)
        if not (path.name.startswith(".") and path.name.endswith((f".{tag}.part", f".{tag}.old"))):
            continue  # never anything but a name made by `Workspace.partial`
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        except OSError:
            pass
    shutil.rmtree(folder, ignore_errors=True)
