"""Small dialogs: confirm a deletion, say why something cannot be done, choose one of a few
things, and browse for a file."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, OptionList, Static
from textual.widgets.directory_tree import DirEntry
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode

from kentcard.tui.prefs import load_prefs, save_prefs
from kentcard.tui.textual_private import ListingDirectoryTree


class ConfirmDialog(ModalScreen[bool]):
    """Ask before something that cannot be undone from here; No is the default."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, yes: str = "Yes, delete", no: str = "No, keep it") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm"):
            yield Static(self.question, classes="dialog-question")
            with Horizontal(classes="buttons"):
                yield Button(self.no, id="no", variant="primary")
                yield Button(self.yes, id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class NoticeDialog(ModalScreen[None]):
    """Say why something cannot be done, before anyone is asked to confirm it; one button."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss(None)", "Close", id="notice.close"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__(classes="dialog-screen")
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm"):
            yield Static(self.message, classes="dialog-question")
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)


ChoiceT = TypeVar("ChoiceT")


class ChoiceDialog(ModalScreen[ChoiceT | None], Generic[ChoiceT]):
    """Pick one of a few things (↑↓ and Enter, or a click); Esc picks nothing (None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="choice.cancel"),
    ]

    def __init__(self, question: str, choices: Iterable[tuple[str, ChoiceT]]) -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm"):
            yield Static(self.question, classes="dialog-question")
            yield OptionList(
                *(Option(label, id=str(n)) for n, (label, _) in enumerate(self.choices)),
                id="choices",
            )
            yield Static("↑↓ choose · Enter picks · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[int(event.option.id or 0)][1])


LAST_FOLDER = "last_folder"
_remembered: dict[str, Path] = {}  # the last folder a file was picked from, this session


def starting_folder(app: object = None) -> Path:
    """Where the file picker opens: the last folder a file was picked from (this session,
    else as remembered beside the database), else Downloads, Pictures or Documents, else home.
    """
    last = _remembered.get(LAST_FOLDER)
    settings = getattr(app, "settings", None)
    if last is None and settings is not None:
        saved = load_prefs(settings).get(LAST_FOLDER)
        last = Path(saved) if isinstance(saved, str) else None
    if last is not None and last.is_dir():
        return last
    home = Path.home()
    for name in ("Downloads", "Pictures", "Documents"):
        if (home / name).is_dir():
            return home / name
    return home


def remember_folder(app: object, folder: Path) -> None:
    """Keep the folder for the next picker; in the app's settings file too, when it has one."""
    _remembered[LAST_FOLDER] = folder
    settings = getattr(app, "settings", None)
    if settings is None:
        return
    with suppress(OSError):  # then remembered for this session only; nothing to tell
        save_prefs(settings, {**load_prefs(settings), LAST_FOLDER: str(folder)})


class FileTree(ListingDirectoryTree):
    """A folder's files and folders, without the hidden ones (names starting with a dot)."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [path for path in paths if not path.name.startswith(".")]

    class Listed(Message):
        """The folder shown was read: how many things it shows."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def folder_listed(self, node: TreeNode[DirEntry]) -> None:
        if node is self.root:
            if self.cursor_line < 0 and node.children:
                self.cursor_line = 0  # the first row is highlighted: Enter acts on it
            self.post_message(self.Listed(len(node.children)))


class FileBrowserDialog(ModalScreen[str | None]):
    """Choose a file: one folder at a time, Enter goes into a folder or picks a file,
    Backspace goes up; type a folder at the top to look somewhere else."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="browse.cancel"),
        Binding("backspace,left", "up", "Up a folder", id="browse.up"),
    ]
    KEYS = "↑↓ move · Enter: open folder or pick file · Backspace: up · Esc: cancel"

    def __init__(self, start: Path | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.start = start

    def compose(self) -> ComposeResult:
        folder = self.start if self.start is not None and self.start.is_dir() else None
        self.start = folder or starting_folder(self.app)
        with Vertical(id="dialog", classes="browser"):
            yield Static("Choose a file", classes="dialog-title")
            yield Static(self.KEYS, classes="hint", id="browse-keys")
            yield Input(str(self.start), id="folder", placeholder="Folder to look in")
            yield Static("", id="browse-note", classes="hint")
            tree = FileTree(self.start, id="tree")
            tree.show_root = False
            tree.auto_expand = False
            yield tree
            yield Static("", id="browse-error", classes="field-error")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(FileTree))

    @property
    def folder(self) -> Path:
        return Path(self.query_one(FileTree).path)

    def go_to(self, folder: Path) -> None:
        tree = self.query_one(FileTree)
        tree.cursor_line = -1
        tree.path = folder
        self.query_one("#folder", Input).value = str(folder)
        self._problem("")
        tree.focus()

    def action_up(self) -> None:
        if isinstance(self.focused, Input):
            return  # Backspace in the folder box deletes a letter (the box handles it)
        parent = self.folder.parent
        if parent != self.folder:
            self.go_to(parent)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        folder = Path(event.value.strip().strip("'\"")).expanduser()
        if folder.is_dir():
            self.go_to(folder)
        else:
            self._problem("That is not a folder.")

    def _problem(self, text: str) -> None:
        box = self.query_one("#browse-error", Static)
        box.update(text)
        box.set_class(bool(text), "-shown")

    def on_file_tree_listed(self, message: FileTree.Listed) -> None:
        empty = "Nothing to choose in this folder. Backspace goes up a folder."
        self.query_one("#browse-note", Static).update("" if message.count else empty)

    def on_directory_tree_directory_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        event.stop()
        self.go_to(Path(event.path))

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        remember_folder(self.app, Path(event.path).parent)
        self.dismiss(str(event.path))
