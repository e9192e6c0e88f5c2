"""What every section shares: the section bar, the footer, and calm worker errors."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState

from kentcard.core.records import Recipient
from kentcard.services.context import Context
from kentcard.tui.widgets.navbar import NavBar


class Section(Screen[None]):
    """A top-level section (a mode): header, section bar, its body, footer."""

    MODE = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.MODE)
        yield from self.body()
        yield Footer()

    def body(self) -> ComposeResult:
        yield from ()

    @property
    def kapp(self) -> Any:
        return self.app

    @property
    def ctx(self) -> Context:
        ctx: Context = self.kapp.ctx
        return ctx

    @property
    def person(self) -> Recipient:
        person: Recipient = self.kapp.person
        return person

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.kapp.report_error(event.worker.error)
