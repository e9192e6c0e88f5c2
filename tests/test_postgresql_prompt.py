"""At a terminal, kentcard asks for a PostgreSQL password no password file holds, once,
without showing it; the real program in tmux, on the throwaway server."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import pgserver

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def _screen(session: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True, check=False
    ).stdout


def _wait_for(session: str, text: str, seconds: float = 20) -> str:
    deadline = time.monotonic() + seconds
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear; the screen was:\n{screen}")


def test_the_password_is_asked_at_the_terminal_and_not_shown(
    pg_server: pgserver.Server, tmp_path: Path
) -> None:
    name = pg_server.fresh_database()
    empty = tmp_path / "pgpass"
    empty.write_text("", encoding="utf-8")
    empty.chmod(0o600)
    kentcard = Path(sys.executable).with_name("kentcard")
    command = " ".join(
        [
            "env",
            f"PGPASSFILE={shlex.quote(str(empty))}",
            f"KENTCARD_DB={shlex.quote(pg_server.url(name))}",
            "KENTCARD_TODAY=2026-11-25",
            shlex.quote(str(kentcard)),
            "init --name 'Jo Bloggs'; echo exit=$?; sleep 30",
        ]
    )
    session = f"kentcard-prompt-{os.getpid()}"
    env = {k: v for k, v in os.environ.items() if k != "TMUX"}
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "20", command],
        check=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        _wait_for(session, "Database password:")
        subprocess.run(["tmux", "send-keys", "-t", session, pgserver.PASSWORD, "Enter"], check=True)
        screen = _wait_for(session, "exit=")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)
    assert "exit=0" in screen, screen
    assert screen.count("Database password:") == 1
    assert pgserver.PASSWORD not in screen
    assert pg_server.sql("SELECT name FROM recipient", database=name) == "Jo Bloggs"
