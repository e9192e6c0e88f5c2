"""The app needs a terminal: started without one (a pipe, a scheduled job) it says so in one
line and exits 2, before any database is made, instead of waiting for keys that never come.
The real program is run, with no terminal on any of its streams."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REFUSAL = (
    "kentcard: error: the app needs a terminal: run kentcard in a terminal window "
    "(or kentcard serve for a browser); kentcard --help lists the commands"
)


@pytest.mark.parametrize("command", [[], ["demo"]], ids=["kentcard", "kentcard demo"])
def test_the_app_without_a_terminal_is_one_line_and_writes_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "KENTCARD_DB"))}
    env["KENTCARD_TODAY"] = "2026-11-25"
    done = subprocess.run(
        [sys.executable, "-m", "kentcard", *command],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", REFUSAL + "\n")
    assert list(tmp_path.iterdir()) == []  # no db folder, no database, no sample
