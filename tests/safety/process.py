"""Run the real `kentcard` command in a child process, as a person's shell would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent


def run_kentcard(
    *args: str,
    env: Mapping[str, str],
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`python -m kentcard ARGS...` from the project's folder; `preexec` runs in the child."""
    return subprocess.run(
        [sys.executable, "-m", "kentcard", *args],
        env=dict(env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=preexec,
    )


def quiet_env(**settings: str) -> dict[str, str]:
    """This process's environment without kentcard's debug and backup settings, plus these."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("KENTCARD_DEBUG", "KENTCARD_KEEP_DAILY")
    }
    return env | settings
