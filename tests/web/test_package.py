"""kentcard serve builds its web application from textual-serve's public handlers and its own
copy of the page template. These tests fail loudly when an upgrade of the (pinned) package
changes what that relies on: its routes, its handlers, its template or its outside links."""

from __future__ import annotations

import difflib
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import textual_serve
from textual_serve.server import Server

from kentcard.web.server import TEMPLATES, Address, Guard, application

PACKAGE = Path(textual_serve.__file__).parent
ROOT = Path(__file__).resolve().parents[2]


def routes(app: object) -> set[tuple[str, str, str | None, str]]:
    return {
        (route.method, route.resource.canonical, route.name, route.handler.__name__)
        for route in app.router.routes()  # type: ignore[attr-defined]
        if route.method != "HEAD"
    }


def test_the_installed_package_is_the_pinned_one() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (pin,) = [d for d in declared if d.startswith("textual-serve")]
    assert pin == f"textual-serve=={version('textual-serve')}"


async def test_the_same_routes_and_handlers_as_the_package_behind_the_guard() -> None:
    server = Server("true", host="127.0.0.1", port=8000)
    theirs = await server._make_app()  # the package's own application, compared, never served
    ours = application(server, Guard(Address("127.0.0.1", 8000, "http://127.0.0.1:8000")))
    assert routes(ours) == routes(theirs)


def test_the_template_is_the_packages_without_its_outside_link() -> None:
    theirs = (PACKAGE / "templates" / "app_index.html").read_text().splitlines()
    ours = (TEMPLATES / "app_index.html").read_text().splitlines()
    removed = [line[2:] for line in difflib.ndiff(theirs, ours) if line.startswith("- ")]
    assert [line.strip() for line in removed] == [
        "<link",
        'rel="stylesheet"',
        'href="https://fonts.googleapis.com/css?family=Roboto%20Mono"',
        "/>",
    ]
    added = "\n".join(line[2:] for line in difflib.ndiff(theirs, ours) if line.startswith("+ "))
    for font in re.findall(r"fonts/([\w-]+\.ttf)", added):
        assert (PACKAGE / "static" / "fonts" / font).is_file(), font


def test_nothing_the_page_or_its_styles_load_is_elsewhere() -> None:
    """Our template names no address but the SVG namespace (a name, never fetched), and the
    package's styles load nothing by address (the browser test proves it for the whole page)."""
    page = (TEMPLATES / "app_index.html").read_text()
    assert set(re.findall(r"https?://[^\s\"'<>)]+", page)) == {"http://www.w3.org/2000/svg"}
    styles = (PACKAGE / "static" / "css" / "xterm.css").read_text()
    assert not re.findall(r"(?:url\(|@import)\s*[\"']?https?:", styles)
