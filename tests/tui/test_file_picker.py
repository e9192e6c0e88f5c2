"""The file picker opens in Downloads, hides dot-files, shows focus, remembers the folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Button, Input, Static

from kentcard.services.settings import Settings
from kentcard.tui import prefs
from kentcard.tui.app import KentcardApp
from kentcard.tui.screens.money_forms import MoneyOutForm
from kentcard.tui.widgets import dialogs
from kentcard.tui.widgets.dialogs import FileBrowserDialog, FileTree
from tests.tui.conftest import SIZE, settle


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder full of dot-folders, with Downloads (a receipt in a sub-folder)."""
    folder = tmp_path / "home"
    for name in (".cache", ".config", ".local", "Downloads/November", "Pictures"):
        (folder / name).mkdir(parents=True)
    (folder / ".profile").write_text("# shell\n")
    (folder / "Downloads" / ".hidden-receipt.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "Downloads" / "bath-seat.txt").write_text("Kent Mobility\n")
    (folder / "Downloads" / "November" / "lunch.txt").write_text("Lunch club\n")
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setattr(dialogs, "_remembered", {})  # a new session
    return folder


async def shown(pilot, dialog: FileBrowserDialog, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Wait until the picker lists `folder` (its tree reads folders in a worker that runs
    as long as the picker is open, so `settle`, which waits for every worker, cannot)."""
    tree = dialog.query_one(FileTree)
    for _ in range(200):
        listed = Path(tree.path) == folder and tree.root.children and tree.cursor_line == 0
        if listed and dialog.focused is not None:  # and focus has settled somewhere
            return
        await pilot.pause(0.02)
    raise AssertionError(f"the picker never showed {folder}")


def names(dialog: FileBrowserDialog) -> list[str]:
    tree = dialog.query_one(FileTree)
    return [str(node.label) for node in tree.root.children]


async def open_picker(pilot, folder: Path) -> FileBrowserDialog:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one("#browse-receipt", Button).press()
    for _ in range(100):
        if isinstance(pilot.app.screen, FileBrowserDialog):
            break
        await pilot.pause(0.02)
    dialog = pilot.app.screen
    assert isinstance(dialog, FileBrowserDialog)
    await shown(pilot, dialog, folder)
    return dialog


async def test_starts_in_downloads_without_hidden_files_and_with_a_highlighted_row(
    app: KentcardApp, home: Path
) -> None:
    """Browse opens in ~/Downloads, lists no dot-files, focuses the list with its first row
    highlighted, says which keys work; Enter goes into a folder, Backspace goes back up."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3", "n")
        await settle(pilot)
        dialog = await open_picker(pilot, home / "Downloads")
        tree = dialog.query_one(FileTree)
        assert dialog.query_one("#folder", Input).value == str(home / "Downloads")
        assert sorted(names(dialog)) == ["November", "bath-seat.txt"]
        for _ in range(100):  # the list takes focus once it is read; a busy machine is slow
            if dialog.focused is tree:
                break
            await pilot.pause(0.02)
        assert dialog.focused is tree and tree.cursor_line == 0
        keys = str(dialog.query_one("#browse-keys", Static).render())
        assert "Enter" in keys and "Backspace" in keys and "Esc" in keys
        assert str(dialog.query_one("#browse-note", Static).render()) == ""
        await pilot.press("backspace")
        await shown(pilot, dialog, home)
        assert sorted(names(dialog)) == ["Downloads", "Pictures"]
        assert tree.cursor_line == 0
        tree.cursor_line = names(dialog).index("Pictures")
        await pilot.press("enter")
        box = dialog.query_one("#browse-note", Static)
        for _ in range(100):
            if Path(tree.path) == home / "Pictures" and str(box.render()):
                break
            await pilot.pause(0.02)
        note = str(box.render())
        assert note.startswith("Nothing to choose in this folder")


async def test_remembers_the_folder_a_file_came_from(
    app: KentcardApp, home: Path, settings: Settings
) -> None:
    """A file picked in Downloads/November fills the box; the next form's picker opens in
    that folder, and the folder is kept in the app's settings file for next time."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3", "n")
        await settle(pilot)
        dialog = await open_picker(pilot, home / "Downloads")
        tree = dialog.query_one(FileTree)
        tree.cursor_line = names(dialog).index("November")
        await pilot.press("enter")
        await shown(pilot, dialog, home / "Downloads" / "November")
        await pilot.press("enter")  # the first row: lunch.txt
        for _ in range(100):
            if not isinstance(app.screen, FileBrowserDialog):
                break
            await pilot.pause(0.02)
        form = app.screen
        assert isinstance(form, MoneyOutForm)
        chosen = home / "Downloads" / "November" / "lunch.txt"
        assert form.query_one("#f-receipt", Input).value == str(chosen)
        form.query_one("#f-receipt", Input).value = ""
        await open_picker(pilot, chosen.parent)
    path = prefs.prefs_path(settings)
    assert path is not None
    assert json.loads(path.read_text())["last_folder"] == str(chosen.parent)
    dialogs._remembered.clear()  # a new session reads it back from the settings file
    assert dialogs.starting_folder(app) == chosen.parent


def test_without_downloads_pictures_then_home(home: Path) -> None:
    """No Downloads: Pictures; none of the three: the home folder."""
    (home / "Downloads" / "November" / "lunch.txt").unlink()
    for folder in ("Downloads/November", "Downloads"):
        for item in (home / folder).iterdir():
            item.unlink()
        (home / folder).rmdir()
    assert dialogs.starting_folder() == home / "Pictures"
    (home / "Pictures").rmdir()
    assert dialogs.starting_folder() == home
