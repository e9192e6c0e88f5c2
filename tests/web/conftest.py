"""`kentcard serve` started for real, on a free port of this computer, on a real database.

The tests reach it over loopback TCP only; the autouse `no_network` fixture still refuses
any other address.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import NetworkUsed

KENTCARD = Path(sys.executable).with_name("kentcard")
# The socket's own methods, as imported (before `no_network` replaces them in each test).
REAL_CONNECT = socket.socket.connect
REAL_CONNECT_EX = socket.socket.connect_ex
LINK = re.compile(r"https?://127\.0\.0\.1:\d+/\?token=\S+")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections to this computer (127.0.0.0/8) are allowed; anything else still fails."""

    def local(address: Any) -> bool:
        try:
            return ipaddress.ip_address(address[0]).is_loopback
        except (TypeError, ValueError, IndexError):
            return False

    def guarded(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_UNIX or local(address):
            return REAL_CONNECT(self, address)
        raise NetworkUsed(f"a network connection was attempted to {address!r}")

    def guarded_ex(self: socket.socket, address: Any) -> int:
        if self.family == socket.AF_UNIX or local(address):
            return REAL_CONNECT_EX(self, address)
        raise NetworkUsed(f"a network connection was attempted to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_ex)


def kentcard(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(KENTCARD), *args], env=env, capture_output=True, text=True, timeout=120
    )


@dataclass
class Served:
    """A running `kentcard serve`: its start link, its address and its database."""

    process: subprocess.Popen[str]
    link: str
    env: dict[str, str]

    @property
    def origin(self) -> str:
        return self.link.split("/?", 1)[0]

    @property
    def token(self) -> str:
        return self.link.split("token=", 1)[1]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return kentcard(self.env, *args)


def start(env: dict[str, str], *args: str) -> Served:
    process = subprocess.Popen(
        [str(KENTCARD), "serve", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if found := LINK.search(line):
            return Served(process, found.group(0), env)
    process.kill()
    raise AssertionError("kentcard serve printed no link:\n" + "".join(seen))


def stop(served: Served) -> None:
    served.process.terminate()
    try:
        served.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        served.process.kill()
        served.process.wait()


@pytest.fixture
def account(tmp_path: Path) -> dict[str, str]:
    """A person's account on a real SQLite file, and the environment that points at it."""
    env = {
        **os.environ,
        "KENTCARD_DB": str(tmp_path / "db" / "kentcard.sqlite3"),
        "KENTCARD_EXPORTS": str(tmp_path / "exports"),
        "KENTCARD_TODAY": "2026-11-25",
        "KENTCARD_KEEP_DAILY": "0",
    }
    made = kentcard(
        env,
        "init",
        "--name",
        "Mary Jones",
        "--kcc-ref",
        "DP765432",
        "--opening-balance",
        "500",
        "--as-of",
        "2026-11-01",
    )
    assert made.returncode == 0, made.stderr
    return env


@pytest.fixture
def served(account: dict[str, str], loopback: None) -> Iterator[Served]:
    running = start(account, "--port", str(free_port()))
    yield running
    stop(running)
