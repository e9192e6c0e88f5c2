"""Textual's private API: used only in `kentcard/tui/textual_private.py`, and still there.

An upgrade of Textual may rename or drop any private name without notice. These tests fail
with the name that changed, rather than letting the app lose its crash message, restyle
every screen, or draw a table cut off.
"""

from __future__ import annotations

import importlib
import inspect
import io
import re
from pathlib import Path
from types import ModuleType

import pytest
from rich.console import Console
from textual.app import App
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widgets import DataTable, DirectoryTree, OptionList, SelectionList
from textual.widgets.data_table import RowKey

import kentcard.tui
from kentcard.tui import textual_private
from kentcard.tui.app import KentcardApp
from tests.tui.conftest import SIZE, settle

TUI = Path(kentcard.tui.__file__).parent
CONFINED = TUI / "textual_private.py"


def parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def calls_on_self(cls: type, method: str, name: str) -> bool:
    """Does `cls.method`'s source use `self.<name>`?"""
    source = inspect.getsource(getattr(cls, method))
    return re.search(rf"\bself\.{name}\b", source) is not None


# -- each private name textual_private.py relies on ------------------------------------------


def test_the_crash_hook_is_where_textual_calls_it() -> None:
    assert parameters(App._fatal_error) == ["self"]
    assert calls_on_self(App, "_handle_exception", "_fatal_error")
    assert calls_on_self(App, "_handle_exception", "_exception")
    assert App().__dict__.get("_exception", "missing") is None
    assert parameters(App.panic) == ["self", "renderables"]


def test_screens_still_count_stylesheet_updates() -> None:
    assert isinstance(App().__dict__.get("_css_update_count"), int)
    assert "_css_update_count" in inspect.getsource(Screen.__init__)
    # the app compares the two counts before restyling a screen
    assert "_css_update_count" in inspect.getsource(App)


def test_the_footer_key_widget_is_still_in_the_footer_module() -> None:
    from textual.widgets import Footer

    assert textual_private.FooterKey.__module__ == Footer.__module__
    assert isinstance(textual_private.FooterKey.__dict__.get("compact"), Reactive)
    assert "FooterKey(" in inspect.getsource(Footer.compose)


def test_data_table_still_measures_rows_as_it_did() -> None:
    assert parameters(DataTable._update_dimensions) == ["self", "new_rows"]
    assert inspect.signature(DataTable._update_dimensions).parameters["new_rows"].annotation in (
        "Iterable[RowKey]",
        RowKey,
    )
    assert parameters(DataTable._clear_caches) == ["self"]
    init = inspect.getsource(DataTable.__init__)
    assert "self._new_rows: set[RowKey]" in init
    assert "self._require_update_dimensions" in init
    assert "self._update_dimensions(" in inspect.getsource(DataTable)


def test_directory_tree_still_populates_nodes() -> None:
    assert parameters(DirectoryTree._populate_node) == ["self", "node", "content"]
    assert "self._populate_node(" in inspect.getsource(DirectoryTree)


def test_selection_list_still_asks_for_its_gutter() -> None:
    assert parameters(SelectionList._get_left_gutter_width) == ["self"]
    assert "self._get_left_gutter_width()" in inspect.getsource(OptionList)


# -- nowhere else ------------------------------------------------------------------------------


PRIVATE = re.compile(r"(?:\bdef |\.)(_[a-z]\w*)\b")
DEFINED = re.compile(r"(?:\bdef |\bself\.|^\s+)(_[a-z]\w*)\b\s*(?:\(|:|=[^=])", re.MULTILINE)


def textual_names(cls: type) -> set[str]:
    """The private names a Textual class (and its Textual bases) defines or sets on `self`."""
    names: set[str] = set()
    for base in cls.__mro__:
        if base.__module__.split(".")[0] == "textual":
            names.update(DEFINED.findall(inspect.getsource(base)))
    return names


def tui_modules() -> list[ModuleType]:
    modules = []
    for path in sorted(TUI.rglob("*.py")):
        if path != CONFINED:
            parts = path.relative_to(TUI.parent.parent).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules.append(importlib.import_module(name))
    return modules


def test_no_private_textual_name_outside_the_one_module() -> None:
    """Outside textual_private.py no class built on a Textual class uses or overrides one of
    Textual's private names (`self._exception`, `def _update_dimensions`), and nothing
    imports from a private Textual module (`textual.widgets._footer`)."""
    wrong = []
    for module in tui_modules():
        source = inspect.getsource(module)
        for found in re.finditer(r"^\s*from (textual[\w.]*) import", source, re.MULTILINE):
            if any(part.startswith("_") for part in found.group(1).split(".")):
                wrong.append(f"{module.__name__} imports from {found.group(1)}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            used = set(PRIVATE.findall(inspect.getsource(cls)))
            for name in sorted(used & textual_names(cls)):
                wrong.append(f"{module.__name__}.{cls.__name__} uses Textual's {name}")
    assert not wrong, "\n".join(wrong)


# -- the crash message -------------------------------------------------------------------------


async def crash(app: KentcardApp) -> str:
    """Raise an unhandled error in the running app; what it printed on the way out."""
    printed = io.StringIO()
    app.error_console = Console(file=printed, width=200, markup=False, highlight=False)

    def boom() -> None:
        raise RuntimeError("disk on fire at Jo Bloggs's house")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.call_later(boom)
            await pilot.pause()
    return printed.getvalue()


async def test_a_bug_stops_the_app_with_one_calm_line(
    app: KentcardApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KENTCARD_DEBUG", raising=False)
    shown = " ".join((await crash(app)).split())
    assert shown.startswith("kentcard stopped: Something went wrong (RuntimeError).")
    assert "Everything saved before this is kept." in shown
    assert "KENTCARD_DEBUG=1" in shown
    assert "Traceback" not in shown
    assert "Jo" not in shown
    assert app.return_code == 1


async def test_kentcard_debug_shows_the_traceback_without_locals(
    app: KentcardApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KENTCARD_DEBUG", "1")
    shown = await crash(app)
    assert "Traceback" in shown
    assert "RuntimeError" in shown
    assert "kentcard stopped" not in shown
    assert "printed = " not in shown  # no local variables
    assert app.return_code == 1
