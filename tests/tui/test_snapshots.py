"""How the app looks, as SVG snapshots (Textual pinned, data and 'today' fixed)."""

from __future__ import annotations

from typing import Any

import pytest

from kentcard.services.context import Context
from kentcard.services.demo import build_demo
from kentcard.services.settings import Settings
from kentcard.tui.launch import make_app
from tests.tui.conftest import settle


@pytest.fixture
def demo_app(settings: Settings, ctx: Context) -> Any:
    build_demo(ctx)
    return make_app(settings, ctx)


def test_dashboard(snap_compare: Any, demo_app: Any) -> None:
    """The home screen for November 2026 of the demo year, 120×40."""
    assert snap_compare(demo_app, terminal_size=(120, 40), run_before=settle)


def test_dashboard_narrow(snap_compare: Any, demo_app: Any) -> None:
    """The home screen still reads at 80×24."""
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=settle)


def test_money_out_form(snap_compare: Any, demo_app: Any) -> None:
    """The add-payment form over the Money out table."""

    async def open_form(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(100, 34), run_before=open_form)


def test_review(snap_compare: Any, demo_app: Any) -> None:
    """The review list for the whole demo year."""

    async def open_review(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)

    assert snap_compare(demo_app, terminal_size=(120, 40), run_before=open_review)
