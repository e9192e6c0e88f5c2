"""The served app in a real browser (Debian's chromium, driven by Playwright): the start
link, the dashboard, a payment added through the form, two tabs saving at once, and not one
request to anywhere but this computer."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.web.conftest import Served

CHROMIUM = "/usr/bin/chromium"
REQUIRED = os.environ.get("KENTCARD_REQUIRE_BROWSER") == "1"


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python client is not installed"
    if shutil.which(CHROMIUM) is None:
        return f"{CHROMIUM} is not installed (Debian's chromium package)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless chromium; skipped with the reason where it is missing, except in CI
    (KENTCARD_REQUIRE_BROWSER=1), where a missing browser fails the test."""
    missing = _browser_missing()
    if missing:
        if REQUIRED:
            pytest.fail(f"a browser is required here (KENTCARD_REQUIRE_BROWSER=1): {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


class Tab:
    """One browser tab on the served app, with what its websocket has received so far."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.screen = b""
        self.requests: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", self._watch)

    def _watch(self, socket: Any) -> None:
        self.requests.append(socket.url)
        socket.on("framereceived", self._received)

    def _received(self, payload: bytes | str) -> None:
        self.screen += payload if isinstance(payload, bytes) else payload.encode()

    def wait_for(self, text: str, seconds: float = 60) -> None:
        """Until `text` has been drawn on the screen since the last `mark`."""
        deadline = time.monotonic() + seconds
        while text.encode() not in self.screen:
            if time.monotonic() > deadline:
                shown = self.screen.decode("utf-8", "replace")[-2000:]
                raise AssertionError(f"{text!r} never reached the browser; last: {shown!r}")
            self.page.wait_for_timeout(100)

    def mark(self) -> None:
        self.screen = b""

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.page.wait_for_timeout(150)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=30)


def open_tab(browser_context: Any, url: str) -> Tab:
    tab = Tab(browser_context.new_page())
    tab.page.goto(url)
    tab.wait_for("Needs attention")  # the dashboard
    tab.page.focus("#terminal textarea")  # keys go to the app (a click would be a mouse event)
    return tab


def add_payment(tab: Tab, amount: str, payee: str) -> None:
    """Money out (3), Add (n): the date is today's; amount, payee, then Ctrl+S to save."""
    tab.mark()
    tab.keys("3")
    tab.wait_for("Money out")
    tab.mark()
    tab.keys("n")
    tab.wait_for("Add money out")
    tab.keys("Tab")
    tab.type(amount)
    tab.keys("Tab")
    tab.type(payee)
    tab.page.wait_for_timeout(300)  # the last keys drawn before anything is awaited
    tab.mark()


def payments(served: Served) -> list[dict[str, Any]]:
    listed = served.cli("list", "money-out", "--json")
    assert listed.returncode == 0, listed.stderr
    return list(json.loads(listed.stdout))


def off_machine(requests: list[str]) -> list[str]:
    return [url for url in requests if urlsplit(url).hostname != "127.0.0.1"]


def test_a_payment_added_in_the_browser_is_in_the_ledger(
    browser: Any, served: Served, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    tab = open_tab(context, served.link)
    assert tab.page.url == f"{served.origin}/"  # the token is gone from the address bar
    add_payment(tab, "12.50", "Corner Shop")
    tab.keys("Control+s")
    tab.wait_for("Saved.")
    tab.page.wait_for_timeout(500)
    tab.page.screenshot(path=str(tmp_path / "served-money-out.png"))
    context.close()
    (payment,) = payments(served)
    assert (payment["amount"], payment["payee"], payment["date"]) == (
        "12.50",
        "Corner Shop",
        "2026-11-25",
    )
    assert tab.requests and not off_machine(tab.requests), off_machine(tab.requests)


def test_two_tabs_saving_at_once_lose_nothing(browser: Any, served: Served) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    first = open_tab(context, served.link)
    second = open_tab(context, f"{served.origin}/")  # a second tab: the same session
    add_payment(first, "20.00", "Bright Homecare Ltd")
    add_payment(second, "7.25", "Kent Mobility")
    # Both saves sent together: each tab is its own app process on the same file.
    first.page.keyboard.press("Control+s")
    second.page.keyboard.press("Control+s")
    first.wait_for("Saved.")
    second.wait_for("Saved.")
    context.close()
    saved = sorted((p["payee"], p["amount"]) for p in payments(served))
    assert saved == [("Bright Homecare Ltd", "20.00"), ("Kent Mobility", "7.25")]
    assert not off_machine(first.requests + second.requests)


def test_an_export_reaches_the_browsers_downloads(
    browser: Any, served: Served, tmp_path: Path
) -> None:
    """A carer elsewhere gets the review workbook on their own computer, not only on the
    one kentcard serve runs on."""
    from openpyxl import load_workbook

    context = browser.new_context(viewport={"width": 1200, "height": 800}, accept_downloads=True)
    tab = open_tab(context, served.link)
    add_payment(tab, "45.99", "Kent Mobility")
    tab.keys("Control+s")
    tab.wait_for("Saved.")
    tab.mark()
    tab.keys("9")
    tab.wait_for("Make the workbook")
    tab.page.wait_for_timeout(500)  # the periods are listed
    with tab.page.expect_download(timeout=60_000) as downloading:
        tab.page.keyboard.press("Control+s")
    download = downloading.value
    tab.wait_for("Also sent to this browser")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    context.close()
    written = list((Path(served.env["KENTCARD_EXPORTS"])).glob("*.xlsx"))
    assert [saved.name] == [path.name for path in written]
    assert saved.read_bytes() == written[0].read_bytes()
    assert "Summary" in load_workbook(saved, read_only=True).sheetnames
    assert not off_machine(tab.requests), off_machine(tab.requests)
