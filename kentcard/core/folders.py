"""Folders the app makes for personal data: owner-only, whatever the umask.

Only a folder the app has just created is ever given a mode; a folder that was
already there (the person's own, or a shared one such as /tmp with its sticky
bit) is left exactly as it was.
"""

from __future__ import annotations

import os
from pathlib import Path


def private_folder(folder: Path) -> Path:
    """Make `folder` and any missing parents, each level made here 0700; return `folder`.

    `Path.mkdir(parents=True, mode=0o700)` gives the mode to the last level only, and
    the mode is cut by the umask; here every level made is set to 0700 explicitly.
    """
    folder = Path(folder)
    missing: list[Path] = []
    level = folder
    while not level.exists() and level != level.parent:
        missing.append(level)
        level = level.parent
    for new in reversed(missing):
        try:
            new.mkdir(mode=0o700)
        except FileExistsError:
            if not new.is_dir():
                raise
            continue  # made by someone else meanwhile: not ours to change
        os.chmod(new, 0o700)
    if not folder.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(folder))
    return folder
