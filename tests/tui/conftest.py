"""TUI fixtures: the real app (from `tui/launch.make_app`) on a real SQLite file, 'today' fixed."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from kentcard.core.money import Money
from kentcard.core.records import Frequency, PlanLine, ProviderKind, Source
from kentcard.services import invoices, ledger, plans, providers, recipients
from kentcard.services.context import Context
from kentcard.services.settings import Settings
from kentcard.tui.app import KentcardApp
from kentcard.tui.launch import make_app

SIZE = (100, 34)


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and every message it posted be handled.

    A worker the app cancelled (an exclusive lookup replaced by a newer one as keys arrive)
    has finished as far as a test is concerned: waiting on it raises WorkerCancelled, so
    the wait goes round again for the others. A handler may start a new worker (a save,
    then a reload), and on a busy machine Textual's idle pause can return before the
    message that starts it is handled, so the app counts as settled only after three
    passes in a row that find no worker still to run."""
    quiet = 0
    for _ in range(200):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        busy = any(not worker.is_finished for worker in pilot.app.workers)
        quiet = 0 if busy else quiet + 1
        if quiet == 3:
            return
    raise AssertionError("the app kept starting workers for 200 passes")


@pytest.fixture(autouse=True)
def no_viewer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never open a real viewer, and private copies go to the test's folder."""
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)


@pytest.fixture
def seeded(ctx: Context) -> Context:
    """Jo Bloggs with a four-weekly plan, an agency, an open invoice and November's money."""
    person = recipients.setup_recipient(
        ctx,
        name="Jo Bloggs",
        kcc_ref="DP123456",
        card_last4="1234",
        opening_balance=Money(31240),
        as_of=date(2026, 10, 31),
    )
    plans.set_plan(
        ctx,
        person.id,
        start=date(2026, 11, 1),
        frequency=Frequency.FOUR_WEEKLY,
        council=Money(100000),
        contribution=Money(8400),
        first_payment=date(2026, 11, 3),
        lines=[PlanLine("Home care", Money(95000)), PlanLine("Equipment", Money(5000))],
    )
    providers.add_provider(
        ctx,
        person.id,
        name="Bright Homecare",
        kind=ProviderKind.AGENCY,
        rate=Money(2800),
        category="Home care",
    )
    ledger.add_money_in(
        ctx, person.id, date=date(2026, 11, 3), amount=Money(100000), source=Source.KCC
    )
    invoices.add_invoice(
        ctx,
        person.id,
        invoices.InvoiceDraft("Bright Homecare", "INV-1", date(2026, 11, 5), Money(56000)),
    )
    ledger.add_money_out(
        ctx,
        person.id,
        date=date(2026, 11, 18),
        amount=Money(4599),
        payee="Kent Mobility",
        category="Equipment",
        description="Bath seat",
    )
    return ctx


@pytest.fixture
def app(settings: Settings, seeded: Context) -> Iterator[KentcardApp]:
    yield make_app(settings, seeded)


@pytest.fixture
def receipt(tmp_path: Path) -> Path:
    path = tmp_path / "receipt-lunch.txt"
    path.write_text("Riverside Day Centre\nLunch club\nTotal 12.34\n")
    return path
