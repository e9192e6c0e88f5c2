"""Settings: the colour theme (standard, high contrast, light), remembered beside the database."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from kentcard.tui.themes import CHOICES


class SettingsDialog(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="settings.close"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        current = self.app.theme
        with Vertical(id="dialog", classes="form settings"):
            yield Static("Settings", classes="dialog-title")
            yield Label("Colours", classes="field-label")
            yield Select(
                CHOICES,
                value=current if current in dict(CHOICES).values() else Select.NULL,
                id="theme",
                allow_blank=False,
            )
            yield Static(
                "High contrast uses white and yellow on black. Your choice is remembered.",
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Close  (Esc)", id="close", variant="primary")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self.app.theme = str(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)
