"""The README's first session works exactly as written when pasted into a shell."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def first_session() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- first-session -->\n```sh\n(.*?)```", text, re.S)
    assert match is not None, "README has no first-session block"
    return match.group(1)


def test_readme_first_session_runs_and_prints_what_it_shows(tmp_path: Path) -> None:
    """Each command succeeds in order, and budget and review print the figures the README shows."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    # `source .venv/bin/activate` must find an activate script; point it at this interpreter.
    (venv / "activate").write_text(f'export PATH="{Path(sys.executable).parent}:$PATH"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENTCARD_")}
    env["KENTCARD_TODAY"] = "2026-12-01"  # after the month, so the balance line is month-end
    result = subprocess.run(
        ["bash", "-e", "-c", first_session()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"The last two commands print:\n\n```text\n(.*?)```", readme, re.S)
    assert shown is not None
    assert shown.group(1) in result.stdout
    assert (tmp_path / "db" / "kentcard.sqlite3").exists()
