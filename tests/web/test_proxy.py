"""The README's way for a carer elsewhere: examples/nginx-kentcard.conf run by a real nginx
(TLS with a throwaway certificate, its own login), in front of `kentcard serve` on this
computer only. nginx asks for the login, kentcard still asks for its link and cookie, and
the websocket from another site's page is refused."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.web.conftest import Served, free_port, start, stop
from tests.web.test_guard import screen_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "nginx-kentcard.conf"
REQUIRED = os.environ.get("KENTCARD_REQUIRE_NGINX") == "1"
USER, PASSWORD = "carer", "a long pass phrase"
LOGIN = {"Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}


def run(*words: str, cwd: Path) -> str:
    return subprocess.run(words, cwd=cwd, check=True, capture_output=True, text=True).stdout


def configured(example: str, replacements: dict[str, str]) -> str:
    """The example with this test's ports and files; each line replaced must be there."""
    for old, new in replacements.items():
        assert old in example, f"the example no longer has {old!r}"
        example = example.replace(old, new)
    return example


@pytest.fixture
def proxy(tmp_path: Path, account: dict[str, str], loopback: None) -> Iterator[Served]:
    missing = [tool for tool in ("nginx", "openssl") if shutil.which(tool) is None]
    if missing:
        if REQUIRED:
            pytest.fail(f"nginx is required here (KENTCARD_REQUIRE_NGINX=1): no {missing}")
        pytest.skip(f"not installed: {', '.join(missing)}")
    site, kentcard_port = free_port(), free_port()
    public = f"https://127.0.0.1:{site}"
    run(
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=127.0.0.1",
        cwd=tmp_path,
    )  # fmt: skip
    hashed = run("openssl", "passwd", "-apr1", PASSWORD, cwd=tmp_path).strip()
    (tmp_path / "kentcard.htpasswd").write_text(f"{USER}:{hashed}\n")
    server = configured(
        EXAMPLE.read_text(),
        {
            "listen 443 ssl;": f"listen 127.0.0.1:{site} ssl;",
            "https://care.example.org": public,
            "/etc/letsencrypt/live/care.example.org/fullchain.pem": str(tmp_path / "cert.pem"),
            "/etc/letsencrypt/live/care.example.org/privkey.pem": str(tmp_path / "key.pem"),
            "/etc/nginx/kentcard.htpasswd": str(tmp_path / "kentcard.htpasswd"),
            "http://127.0.0.1:8000": f"http://127.0.0.1:{kentcard_port}",
        },
    )
    (tmp_path / "kentcard.conf").write_text(server)
    temporary = " ".join(
        f"{kind}_temp_path {tmp_path / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    (tmp_path / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\npid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\n"
        + "events {}\n"
        + f"http {{ access_log off; {temporary} uwsgi_temp_path {tmp_path / 'u'}; "
        + f"scgi_temp_path {tmp_path / 's'}; include {tmp_path / 'kentcard.conf'}; }}\n"
    )
    served = start(account, "--port", str(kentcard_port), "--public-url", public)
    nginx = subprocess.Popen(
        ["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(100):
            if (tmp_path / "nginx.pid").exists() or nginx.poll() is not None:
                break
            time.sleep(0.1)
        assert nginx.poll() is None, nginx.stderr.read() if nginx.stderr else ""
        yield served
    finally:
        nginx.terminate()
        nginx.wait(timeout=20)
        stop(served)


async def test_the_example_proxy_asks_for_its_login_then_kentcard_for_its_link(
    proxy: Served,
) -> None:
    assert proxy.link.startswith(f"{proxy.origin}/?token=")
    assert proxy.origin.startswith("https://")
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=False)) as http:
        async with http.get(proxy.origin + "/") as response:
            assert response.status == 401  # nginx's login
        async with http.get(proxy.origin + "/", headers=LOGIN) as response:
            assert response.status == 403  # kentcard's link
        async with http.get(proxy.link, headers=LOGIN, allow_redirects=False) as response:
            assert response.status == 303
            set_cookie = response.headers["Set-Cookie"]
        assert "Secure" in set_cookie and "HttpOnly" in set_cookie
        cookie = set_cookie.split(";", 1)[0]
        async with http.get(proxy.origin + "/", headers={**LOGIN, "Cookie": cookie}) as page:
            assert page.status == 200
            assert f'data-session-websocket-url="wss://{proxy.origin[8:]}/ws"' in await page.text()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(
                f"{proxy.origin}/ws",
                headers={**LOGIN, "Cookie": cookie, "Origin": "https://evil.example"},
            )
        assert refused.value.status == 403
    headers = {**LOGIN, "Cookie": cookie, "Origin": proxy.origin}
    assert "Mary Jones" in await screen_text(proxy, headers, "Mary Jones", ssl=False)
