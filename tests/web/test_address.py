"""Where `kentcard serve` listens: this computer only, unless a TLS reverse proxy with its own
login stands in front. A wrong address is one line, exit 2, and nothing is opened or written;
Ctrl+C stops the server and every tab's app with it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
from pathlib import Path

import aiohttp
import pytest

from kentcard.core.errors import InputError
from kentcard.web.server import address, is_loopback
from tests.web.conftest import KENTCARD, Served, free_port, start


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_this_computer_is_served_without_more(host: str) -> None:
    assert is_loopback(host)
    where = address(host, 8000)
    assert where.public_url.startswith("http://")
    assert where.public_url.endswith(":8000")
    assert "[" not in where.host


def test_served_on_ipv6_loopback_the_link_is_a_bracketed_address() -> None:
    for host in ["::1", "[::1]"]:
        assert address(host, 8000).public_url == "http://[::1]:8000"
        assert address(host, 8000).origin == "http://[::1]:8000"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "care.example.org", "10.0.0.1"])
def test_other_computers_need_an_https_public_address(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(InputError) as refused:
        address(host, 8000)
    assert refused.value.field == "--host"
    with pytest.raises(InputError):
        address(host, 8000, "http://care.example.org")
    behind_proxy = address(host, 8000, "https://care.example.org/")
    assert behind_proxy.public_url == "https://care.example.org"
    assert behind_proxy.origin == "https://care.example.org"
    assert behind_proxy.secure


def test_a_public_address_keeps_its_port_and_path_but_not_a_login() -> None:
    proxied = address("127.0.0.1", 8000, "https://care.example.org:8443/kentcard")
    assert proxied.origin == "https://care.example.org:8443"
    assert proxied.public_url == "https://care.example.org:8443/kentcard"
    assert proxied.websocket_url == "wss://care.example.org:8443"
    for wrong in ["ftp://x.example", "care.example.org", "https://u:p@x.example", "https://x/?a=1"]:
        with pytest.raises(InputError) as refused:
            address("127.0.0.1", 8000, wrong)
        assert refused.value.field == "--public-url"


@pytest.mark.parametrize(
    ("words", "field"),
    [
        (["--host", "0.0.0.0"], "--host"),
        (["--host", "192.168.1.20", "--public-url", "http://192.168.1.20:8000"], "--host"),
        (["--public-url", "ftp://care.example.org"], "--public-url"),
        (["--port", "0"], "--port"),
        (["--port", "70000"], "--port"),
        (["--port", "eighty"], "--port"),
    ],
)
def test_a_wrong_address_is_one_line_and_nothing_is_written(
    words: list[str], field: str, tmp_path: Path
) -> None:
    db = tmp_path / "db" / "kentcard.sqlite3"
    env = {**os.environ, "KENTCARD_DB": str(db), "KENTCARD_TODAY": "2026-11-25"}
    done = subprocess.run(
        [str(KENTCARD), "serve", *words], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"kentcard: error: {field}: ")
    assert not db.parent.exists()


def test_a_port_in_use_is_one_line_and_no_link(account: dict[str, str], loopback: None) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(KENTCARD), "serve", "--port", str(port)],
            env=account,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert "token=" not in done.stdout
    (line,) = done.stderr.splitlines()
    assert line == (
        f"kentcard: error: --port: {port} on 127.0.0.1 is already in use there (is kentcard "
        "serve running already?); choose another with --port"
    )


def app_processes(db: str) -> list[int]:
    """The app processes started for the tabs: `python -m kentcard --db DB`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"-m" in words and b"kentcard" in words and db.encode() in words:
            found.append(int(entry.name))
    return found


async def open_session(served: Served) -> aiohttp.ClientSession:
    """A signed-in websocket session whose app has drawn its screen."""
    http = aiohttp.ClientSession()
    async with http.get(served.link, allow_redirects=False) as response:
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    socket_ = await http.ws_connect(
        f"{served.origin}/ws", headers={"Cookie": cookie, "Origin": served.origin}
    )
    received = b""
    while b"Mary Jones" not in received:
        message = await socket_.receive(timeout=60)
        assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
        if message.type == aiohttp.WSMsgType.BINARY:
            received += message.data
    return http


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
async def test_ctrl_c_stops_the_server_and_each_tabs_app(
    account: dict[str, str], loopback: None
) -> None:
    served = start(account, "--port", str(free_port()))
    http = await open_session(served)
    try:
        assert len(app_processes(account["KENTCARD_DB"])) == 1
        served.process.send_signal(signal.SIGINT)
        code = await asyncio.to_thread(served.process.wait, 30)
    finally:
        await http.close()
    assert code == 0
    for _ in range(50):
        if not app_processes(account["KENTCARD_DB"]):
            break
        await asyncio.sleep(0.2)
    assert app_processes(account["KENTCARD_DB"]) == []
