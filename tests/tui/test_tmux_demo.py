"""The real `kentcard demo` in tmux: a payment typed with keys reaches the dashboard and the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "scripts" / "tmux_demo.sh"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tmux_demo_logs_a_payment_with_a_receipt(tmp_path: Path) -> None:
    """scripts/tmux_demo.sh finds the typed payment on screen and in `list money-out --json`."""
    kentcard = Path(sys.executable).with_name("kentcard")
    env = {**os.environ, "KENTCARD": str(kentcard), "PYTHON": sys.executable}
    env["PATH"] = os.pathsep.join([str(kentcard.parent), "/usr/local/bin", "/usr/bin", "/bin"])
    env.pop("TMUX", None)  # the test may itself run inside tmux
    done = subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "found money-out" in done.stdout
