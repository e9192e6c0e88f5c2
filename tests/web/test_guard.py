"""Who may open the served app: only the browser that opened the one-time link, and only
from the served page. Everything else gets 403 (cross-site websocket hijacking included)."""

from __future__ import annotations

import asyncio
from http.cookies import SimpleCookie

import aiohttp
import pytest

from tests.web.conftest import Served

pytestmark = pytest.mark.usefixtures("loopback")


async def signed_in(served: Served) -> str:
    """Open the start link as a browser would; the session cookie it sets, as a header."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(served.link, allow_redirects=False) as response,
    ):
        assert response.status == 303
        assert response.headers["Location"] == f"{served.origin}/"
        cookie = SimpleCookie(response.headers["Set-Cookie"])
    (morsel,) = cookie.values()
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Strict"
    assert morsel["path"] == "/"
    assert morsel.value and morsel.value not in served.link  # not the token itself
    return f"{morsel.key}={morsel.value}"


async def status(url: str, cookie: str | None = None) -> int:
    headers = {"Cookie": cookie} if cookie else {}
    async with (
        aiohttp.ClientSession() as http,
        http.get(url, headers=headers, allow_redirects=False) as response,
    ):
        return response.status


async def test_without_the_token_every_address_is_refused(served: Served) -> None:
    for path in ["/", "/static/js/textual.js", "/static/", "/download/x", "/ws"]:
        assert await status(served.origin + path) == 403, path
    async with aiohttp.ClientSession() as http, http.get(served.origin + "/") as response:
        assert "needs the link `kentcard serve` printed" in await response.text()


async def test_a_wrong_token_is_refused_and_the_right_one_works_once(served: Served) -> None:
    wrong = served.link[:-4] + ("AAAA" if not served.link.endswith("AAAA") else "BBBB")
    assert await status(wrong) == 403
    assert await status(f"{served.origin}/?token=") == 403
    cookie = await signed_in(served)
    assert await status(served.origin + "/", cookie) == 200
    assert await status(served.origin + "/static/js/textual.js", cookie) == 200
    assert await status(served.link) == 403  # the same link again, from another browser
    assert await status(served.link, cookie) == 303  # the signed-in browser: the clean page
    assert await status(served.origin + "/", "kentcard_session=guessed") == 403


async def test_the_page_is_never_framed_cached_or_fed_from_elsewhere(served: Served) -> None:
    cookie = await signed_in(served)
    async with (
        aiohttp.ClientSession() as http,
        http.get(served.origin + "/", headers={"Cookie": cookie}) as response,
    ):
        page = await response.text()
        policy = response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "googleapis" not in page and "https://" not in page
    assert f'data-session-websocket-url="{served.origin.replace("http", "ws")}/ws"' in page


async def screen_text(
    served: Served, headers: dict[str, str], wanted: str, ssl: bool = True
) -> str:
    """What the served app sends over the websocket until `wanted` appears (or 60 s)."""
    received = b""
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=ssl)) as http,
        http.ws_connect(f"{served.origin}/ws?width=100&height=30", headers=headers) as socket,
    ):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while wanted.encode() not in received and loop.time() < deadline:
            try:
                message = await socket.receive(timeout=deadline - loop.time())
            except TimeoutError:
                break
            if message.type == aiohttp.WSMsgType.BINARY:
                received += message.data
            elif message.type != aiohttp.WSMsgType.TEXT:
                break
    return received.decode("utf-8", "replace")


async def test_the_websocket_needs_the_cookie_and_the_pages_own_origin(served: Served) -> None:
    cookie = await signed_in(served)
    refused = [
        {"Cookie": cookie, "Origin": "http://evil.example"},  # another site's page
        {"Cookie": cookie},  # no Origin at all
        {"Origin": served.origin},  # the right page without the session
        {"Cookie": "kentcard_session=guessed", "Origin": served.origin},
    ]
    async with aiohttp.ClientSession() as http:
        for headers in refused:
            with pytest.raises(aiohttp.WSServerHandshakeError) as error:
                await http.ws_connect(f"{served.origin}/ws", headers=headers)
            assert error.value.status == 403, headers
    screen = await screen_text(served, {"Cookie": cookie, "Origin": served.origin}, "Mary Jones")
    assert "Mary Jones" in screen  # the app's own screen, with the person's name
