"""`kentcard serve` on an organisation's PostgreSQL database: each tab's app signs in with
the password file (PGPASSFILE), as the server did, and shows the person's account."""

from __future__ import annotations

import os

import pytest

from tests.web.conftest import free_port, kentcard, start, stop
from tests.web.test_guard import screen_text, signed_in

pytestmark = pytest.mark.usefixtures("loopback")


async def test_served_on_postgresql_the_tab_shows_the_account(pg_url: str) -> None:
    env = {**os.environ, "KENTCARD_DB": pg_url, "KENTCARD_TODAY": "2026-11-25"}
    made = kentcard(env, "init", "--name", "Mary Jones", "--kcc-ref", "DP765432")
    assert made.returncode == 0, made.stderr
    served = start(env, "--port", str(free_port()))
    try:
        cookie = await signed_in(served)
        headers = {"Cookie": cookie, "Origin": served.origin}
        assert "Mary Jones" in await screen_text(served, headers, "Mary Jones")
    finally:
        stop(served)
