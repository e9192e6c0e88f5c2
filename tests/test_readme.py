"""The README's first session works exactly as written when pasted into a shell."""

from __future__ import annotations

import json
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


def test_readme_for_organisations_runs_on_a_real_server(pg_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The README's organisation block, as written, on a throwaway server: only the address
    is this server's. Then the new member of staff, as themselves, sees the payment moved in."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- for-organisations -->\n\s*```sh\n(.*?)```", text, re.S)
    assert match is not None, "README has no for-organisations block"
    block = "\n".join(line.strip() for line in match.group(1).splitlines())
    name = pg_server.fresh_database("readme")
    block = re.sub(
        r"export KENTCARD_DB='[^']*'", f"export KENTCARD_DB='{pg_server.url(name)}'", block
    )
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENTCARD_")}
    env |= pg_server.environ() | {
        "PATH": f"{bin_dir}:{env['PATH']}",
        "KENTCARD_TODAY": "2026-11-25",
    }
    own = str(tmp_path / "jo-bloggs.sqlite3")
    for args in (
        ["init", "--name", "Jo Bloggs", "--opening-balance", "100", "--as-of", "2026-10-31"],
        ["money-out", "add", "--date", "2026-11-03", "--amount", "12.50", "--payee", "Shop"],
    ):
        done = subprocess.run(
            ["kentcard", "--db", own, *args], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    (tmp_path / "asha.password").write_text("asha-secret\n", encoding="utf-8")
    done = subprocess.run(
        ["bash", "-e", "-c", block], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "asha" in done.stdout and "Jo Bloggs" in done.stdout  # staff list
    pg_server.add_password("asha", "asha-secret")
    seen = subprocess.run(
        ["kentcard", "--db", pg_server.url(name, user="asha"), "list", "money-out", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert seen.returncode == 0, seen.stderr
    assert [row["payee"] for row in json.loads(seen.stdout)] == ["Shop"]
