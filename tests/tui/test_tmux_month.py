"""The real app in tmux: a whole month logged with keys only, at 80×24 and 120×40."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "scripts" / "tmux_month.sh"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("size", ["80x24", "120x40"])
def test_a_month_logged_with_keys_only(size: str) -> None:
    """Set-up, missed payments fixed from Home, a provider, an invoice paid with `p` and a
    new plan: Home and `kentcard budget --json` then show the expected figures."""
    kentcard = Path(sys.executable).with_name("kentcard")
    env = {**os.environ, "KENTCARD": str(kentcard), "PYTHON": sys.executable, "SIZE": size}
    env["PATH"] = os.pathsep.join([str(kentcard.parent), "/usr/local/bin", "/usr/bin", "/bin"])
    env.pop("TMUX", None)  # the test may itself run inside tmux
    done = subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Home and kentcard budget agree" in done.stdout
