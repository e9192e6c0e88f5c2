"""The app in a web browser (`kentcard serve`), and safe to leave running.

textual-serve runs one copy of the app per browser tab and streams its screen over a
websocket, but it checks nobody: any web page open in the same browser could open that
websocket to the local port, drive the app and read the screen (cross-site websocket
hijacking). Here every request passes `Guard` first:

- the address printed at the start carries a random one-time token; opening it sets an
  HttpOnly, SameSite=Strict session cookie and redirects to the clean address;
- every page, file and download, and the websocket, need that cookie; the websocket also
  needs its `Origin` to be the public address;
- anything else gets 403.

The package's own public handlers serve the page, the websocket and downloads. This module
builds the aiohttp application around them (the package's private `Server._make_app` has no
place for checks), from kentcard's copy of the page template, which links nothing outside
this computer. `tests/web/test_package.py` fails loudly if the package's routes change.
"""

from __future__ import annotations

import errno
import hmac
import ipaddress
import os
import secrets
import shlex
import socket
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server

from kentcard.core.errors import InputError

TEMPLATES = Path(__file__).parent / "templates"
COOKIE = "kentcard_session"
WEBSOCKET_PATH = "/ws"
# Every page: nothing is loaded from, sent to or framed by anywhere but this server.
CONTENT_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self' {websocket}; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
REFUSED = (
    "kentcard: this address needs the link `kentcard serve` printed, opened once in this "
    "browser. For a new link, stop kentcard serve (Ctrl+C) and start it again."
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Address:
    """Where the server listens, and the address a browser uses to reach it."""

    host: str
    port: int
    public_url: str  # scheme://host[:port][/path], no trailing slash

    @property
    def origin(self) -> str:
        """What a browser sends as `Origin` from a page of this server."""
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def secure(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def websocket_url(self) -> str:
        scheme = "wss" if self.secure else "ws"
        return f"{scheme}://{urlsplit(self.public_url).netloc}"


def is_loopback(host: str) -> bool:
    """Whether `host` is this computer only (127.0.0.0/8, ::1 or localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def address(host: str, port: int, public_url: str | None = None) -> Address:
    """Check where to listen. A host other than this computer is refused unless a public
    address with https says a TLS reverse proxy with its own login stands in front."""
    if not 1 <= port <= 65535:
        raise InputError("--port", f"{port} is not a port number (1 to 65535)")
    host = host.strip().removeprefix("[").removesuffix("]")  # [::1] as in a URL, or ::1
    if not host:
        raise InputError("--host", "is empty; leave it out to serve on this computer only")
    if public_url is None:
        shown = f"[{host}]" if ":" in host else host
        public_url = f"http://{shown}:{port}"
    else:
        parts = urlsplit(public_url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(
                "--public-url", "must be the address a browser opens, e.g. https://care.example.org"
            )
        if parts.query or parts.fragment or parts.username or parts.password:
            raise InputError(
                "--public-url", "must be a plain address, with no login, query or fragment"
            )
        public_url = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
    if not is_loopback(host) and not public_url.startswith("https://"):
        raise InputError(
            "--host",
            f"{host} would let other computers reach your records; serve on this computer "
            "(leave --host out) and reach it through an SSH tunnel, or put a reverse proxy "
            "with TLS and its own login in front and give --public-url https://…",
        )
    return Address(host, port, public_url)


@dataclass
class Guard:
    """The one-time token, the sessions it has opened, and the checks on every request."""

    address: Address
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    used: bool = False
    sessions: set[str] = field(default_factory=set)

    @property
    def start_url(self) -> str:
        return f"{self.address.public_url}/?token={self.token}"

    def signed_in(self, request: web.Request) -> bool:
        given = request.cookies.get(COOKIE, "")
        return any(hmac.compare_digest(given, known) for known in self.sessions)

    def sign_in(self, request: web.Request) -> web.StreamResponse:
        """The token, once: a session cookie and the clean address. A browser already
        signed in is sent on to the clean address whatever the token."""
        clean = web.HTTPSeeOther(f"{self.address.public_url}/")
        clean.headers["Cache-Control"] = "no-store"
        if self.signed_in(request):
            return clean
        given = request.query.get("token", "")
        if self.used or not hmac.compare_digest(given.encode(), self.token.encode()):
            return refused()
        self.used = True
        session = secrets.token_urlsafe(32)
        self.sessions.add(session)
        clean.set_cookie(
            COOKIE,
            session,
            httponly=True,
            samesite="Strict",
            secure=self.address.secure,
            path="/",
        )
        return clean

    @web.middleware
    async def check(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path == "/" and "token" in request.query:
            return self.sign_in(request)
        if not self.signed_in(request):
            return refused()
        if request.path == WEBSOCKET_PATH and request.headers.get("Origin") != self.address.origin:
            return refused()
        return await handler(request)

    async def headers(self, request: web.Request, response: web.StreamResponse) -> None:
        """Every response: never cached, never framed, nothing fetched from elsewhere."""
        response.headers["Content-Security-Policy"] = CONTENT_POLICY.format(
            websocket=self.address.websocket_url
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")


def refused() -> web.Response:
    return web.Response(status=403, text=REFUSED)


def app_command(db: str, exports: Path) -> str:
    """The command each browser tab runs: this kentcard, on the same database and folder."""
    words = [sys.executable, "-m", "kentcard", "--db", db, "--exports", str(exports)]
    return shlex.join(words)


def application(server: Server, guard: Guard) -> web.Application:
    """The package's handlers behind the guard, with kentcard's page template."""
    app = web.Application(middlewares=[guard.check])
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES))
    app.add_routes(
        [
            web.get("/", server.handle_index, name="index"),
            web.get(WEBSOCKET_PATH, server.handle_websocket, name="websocket"),
            web.get("/download/{key}", server.handle_download, name="download"),
            web.static("/static", server.statics_path, name="static"),
        ]
    )
    app.on_response_prepare.append(guard.headers)
    return app


def serve(command: str, where: Address, announce: Callable[[str], None]) -> None:
    """Serve the app until Ctrl+C (or SIGTERM); `announce` is given the start link."""
    server = Server(
        command, host=where.host, port=where.port, title="kentcard", public_url=where.public_url
    )
    guard = Guard(where)
    app = application(server, guard)

    async def started(_: web.Application) -> None:
        announce(guard.start_url)

    app.on_startup.append(started)
    try:  # bound before anything is announced, so a port in use is one line, not a link
        listening = socket.create_server((where.host, where.port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            reason = "is already in use there (is kentcard serve running already?)"
        else:
            reason = f"cannot be used there ({os.strerror(error.errno) if error.errno else error})"
        raise InputError(
            "--port", f"{where.port} on {where.host} {reason}; choose another with --port"
        ) from None
    web.run_app(app, sock=listening, access_log=None, print=None)
