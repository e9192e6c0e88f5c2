"""The Export screen driven by keys: each format written and read back, the overwrite question,
a bad date refused by name, and the review periods between locks offered."""

from __future__ import annotations

import csv
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, ProgressBar, Select, Static

from kentcard.services import period_lock
from kentcard.services.settings import Settings
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.export import ExportScreen
from kentcard.tui.widgets.dialogs import ConfirmDialog
from tests.tui.conftest import SIZE, settle

NAME = "kentcard-review_2026-11-01_2026-11-25"


def text_of(app: KentcardApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_export(pilot: Pilot[None]) -> ExportScreen:
    await settle(pilot)
    await pilot.press("9")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    return screen


async def type_dates(pilot: Pilot[None], start: str, end: str) -> None:
    """Clear each date box and type into it, as a person would."""
    for name, text in (("from", start), ("to", end)):
        box = pilot.app.screen.query_one(f"#{name}", Input)
        box.value = ""
        box.focus()
        await pilot.press(*text)
    await settle(pilot)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "pack"])
async def test_each_format_is_written_and_reads_back(
    app: KentcardApp, settings: Settings, fmt: str
) -> None:
    """Custom dates, a format, Ctrl+S: the file is written, its path shown, and it reads back."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        await type_dates(pilot, "2026-11-01", "2026-11-25")
        screen.query_one("#format", Select).value = fmt
        await pilot.press("ctrl+s")
        await settle(pilot)
        suffix = {"xlsx": ".xlsx", "csv": "-csv", "pack": ".zip"}[fmt]
        path = Path(settings.exports) / f"{NAME}{suffix}"
        assert text_of(app, "#export-status") == f"Written: {path}"
        assert screen.query_one("#progress", ProgressBar).percentage == 1.0
    if fmt == "xlsx":
        frame = pd.read_excel(path, sheet_name="Money out")  # one payment, then the total row
        assert list(frame["Payee"])[:1] == ["Kent Mobility"]
        assert list(frame["Amount"])[:1] == [45.99] and frame["Date"].iloc[-1] == "Total"
    elif fmt == "csv":
        with (path / "money-out.csv").open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert [(r["Payee"], r["Amount"]) for r in rows] == [("Kent Mobility", "45.99")]
    else:
        with zipfile.ZipFile(path) as archive:
            assert archive.namelist()[:2] == ["README.txt", f"{NAME}.xlsx"]


async def test_an_existing_file_is_replaced_only_after_yes(
    app: KentcardApp, settings: Settings
) -> None:
    """The overwrite question appears; No leaves the old file as it was, Yes replaces it."""
    target = Path(settings.exports) / f"{NAME}.xlsx"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"keep me")
    async with app.run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await type_dates(pilot, "2026-11-01", "2026-11-25")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert target.read_bytes() == b"keep me"
        assert "kept as it was" in text_of(app, "#export-status")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert zipfile.is_zipfile(target)
        assert pd.read_excel(target, sheet_name="Money out")["Payee"].tolist()[:1] == [
            "Kent Mobility"
        ]


async def test_a_bad_date_keeps_the_form_open_naming_the_field(
    app: KentcardApp, settings: Settings
) -> None:
    """A month 13 is flagged while typing, and Export then writes nothing and names From."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        await type_dates(pilot, "2026-13-01", "2026-11-25")
        assert text_of(app, "#period-error").startswith("From: ")
        assert screen.query_one("#from", Input).has_class("-invalid")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert text_of(app, "#period-error").startswith("From: ")
        assert not Path(settings.exports).exists() or not any(Path(settings.exports).iterdir())


async def test_presets_and_review_periods_between_locks_fill_the_dates(
    app: KentcardApp,
) -> None:
    """Last quarter is July to September; a lock on 10 Nov offers the account's start (the
    opening balance on 31 Oct) to 10 Nov, and 11 Nov to today; typing dates makes them custom."""
    period_lock.lock_period(app.ctx, 1, date(2026, 11, 10))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        choice = screen.query_one("#period-choice", Select)
        assert choice.value == "quarter"
        dates = (screen.query_one("#from", Input).value, screen.query_one("#to", Input).value)
        assert dates == ("2026-07-01", "2026-09-30")
        choice.value = "lock:2026-11-10"
        await settle(pilot)
        dates = (screen.query_one("#from", Input).value, screen.query_one("#to", Input).value)
        assert dates == ("2026-10-31", "2026-11-10")
        choice.value = "lock:open"
        await settle(pilot)
        assert screen.query_one("#from", Input).value == "2026-11-11"
        await type_dates(pilot, "2026-11-02", "2026-11-20")
        assert choice.value == "custom"
