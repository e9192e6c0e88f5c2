"""Small dialogs: confirm a deletion, and browse for a file."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Static


class ConfirmDialog(ModalScreen[bool]):
    """Ask before something that cannot be undone from here; No is the default."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, yes: str = "Yes, delete") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm"):
            yield Static(self.question, classes="dialog-question")
            with Horizontal(classes="buttons"):
                yield Button("No, keep it", id="no", variant="primary")
                yield Button(self.yes, id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class FileBrowserDialog(ModalScreen[str | None]):
    """Choose a file from a tree; type a folder at the top to look somewhere else."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="browse.cancel")
    ]

    def __init__(self, start: Path) -> None:
        super().__init__(classes="dialog-screen")
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="browser"):
            yield Static(
                "Choose a file (Enter opens a folder or picks a file)", classes="dialog-title"
            )
            yield Input(str(self.start), id="folder", placeholder="Folder to look in")
            yield DirectoryTree(self.start, id="tree")
            yield Static("", id="browse-error", classes="field-error")

    def on_mount(self) -> None:
        self.query_one(DirectoryTree).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        folder = Path(event.value.strip().strip("'\"")).expanduser()
        if folder.is_dir():
            self.query_one(DirectoryTree).path = folder
            self.query_one("#browse-error", Static).update("")
            self.query_one(DirectoryTree).focus()
        else:
            self.query_one("#browse-error", Static).update("That is not a folder.")

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(str(event.path))
