"""Forms as modal dialogs: each field checked as you type, saved in a worker, kept on failure.

A subclass lists its fields and says how to save the parsed values (it runs in a thread and
calls one service). A refused or failed save leaves the dialog open with everything typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from kentcard.core.errors import InputError, KentcardError
from kentcard.core.records import Recipient
from kentcard.tui.messages import RecordSaved, SaveFailed
from kentcard.tui.running import kentcard_app, the_recipient
from kentcard.tui.widgets.dialogs import ConfirmDialog, FileBrowserDialog

if TYPE_CHECKING:
    from kentcard.tui.app import KentcardApp

Parser = Callable[[str], Any]  # a field's text to its value: a date, Money, an enum, text
ResultT = TypeVar("ResultT", covariant=True)  # what a form's save returns
ValueT = TypeVar("ValueT")


@dataclass
class Field:
    """One labelled input; `parse` turns its text into a value or raises InputError."""

    name: str
    label: str
    value: str = ""
    parse: Parser | None = None
    placeholder: str = ""
    choices: Sequence[tuple[str, str]] | None = None
    suggestions: Sequence[str] = field(default_factory=tuple)
    browse: bool = False


def optional(parse: Callable[[str, str], Any], name: str) -> Parser:
    """Empty text means "not given" (None); anything else must parse."""
    return lambda text: parse(text, name) if text.strip() else None


def required(parse: Callable[[str, str], Any], name: str) -> Parser:
    def check(text: str) -> Any:
        if not text.strip():
            raise InputError(name, "is required")
        return parse(text, name)

    return check


def unquote_path(text: str, _field: str = "file") -> str:
    """A pasted path may come wrapped in quotes or start with ~."""
    cleaned = text.strip().strip("'\"")
    return str(Path(cleaned).expanduser()) if cleaned else ""


def show_error(box: Static, message: str | None) -> None:
    """An error line takes no room until there is something to say."""
    box.update(message or "")
    box.set_class(bool(message), "-shown")


def save_error(error: BaseException) -> SaveFailed:
    if isinstance(error, InputError):
        return SaveFailed(str(error), error.field)
    if isinstance(error, KentcardError):
        return SaveFailed(str(error), str(error).split(":")[0])
    if isinstance(error, OSError):
        return SaveFailed(f"a file could not be used ({error.strerror or type(error).__name__})")
    return SaveFailed(f"something went wrong ({type(error).__name__})")


class FormDialog(ModalScreen[ResultT | None], Generic[ResultT]):
    """A form whose save returns a `ResultT`; it closes with that, or None if cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        # Tab moves between boxes before the next key is read. As an ordinary binding it
        # travelled up from the box while the letters after it went straight into the box,
        # so on a busy machine "Tab 12.34" could type 12.34 into the box being left.
        Binding("tab", "app.focus_next", show=False, priority=True, id="form.next"),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True, id="form.previous"),
    ]
    title_text = "Form"

    def __init__(self, fields: Iterable[Field]) -> None:
        super().__init__(classes="dialog-screen")
        self.fields = {f.name: f for f in fields}
        self.ready_values: dict[str, str] = {}  # set once the form is mounted

    # -- building ---------------------------------------------------------------------------
    @property
    def kapp(self) -> KentcardApp:
        """The kentcard app, with its `ctx` and `recipient` (safe to read from a worker)."""
        return kentcard_app(self)

    @property
    def recipient(self) -> Recipient:
        """Whose account the form is for (every form but the first-run setup has one)."""
        return the_recipient(self.kapp)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="form"):
            yield Static(self.title_text, classes="dialog-title")
            with VerticalScroll(id="form-body"):
                for spec in self.fields.values():
                    yield from self.compose_field(spec)
                yield from self.compose_extra()
            yield Static("", id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save  (Ctrl+S)", id="save", variant="primary")
                yield Button("Cancel  (Esc)", id="cancel")

    def compose_field(self, spec: Field) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(spec.label, classes="field-label")
            yield self.make_input(spec)
            if spec.browse:
                yield Button("Browse…", id=f"browse-{spec.name}", classes="browse")
        yield Static("", id=f"e-{spec.name}", classes="field-error")

    def make_input(self, spec: Field) -> Widget:
        if spec.choices is not None:
            value = spec.value or Select.NULL
            return Select(list(spec.choices), value=value, id=f"f-{spec.name}")
        suggester = SuggestFromList(spec.suggestions, case_sensitive=False)
        return Input(
            spec.value,
            placeholder=spec.placeholder,
            id=f"f-{spec.name}",
            suggester=suggester if spec.suggestions else None,
        )

    def compose_extra(self) -> ComposeResult:
        """Anything a form shows below its fields (e.g. invoices to settle)."""
        yield from ()

    def on_mount(self) -> None:
        """Start in the first box, so typing goes somewhere at once.

        Focused now, not later: `Widget.focus()` only schedules it, and Textual's own
        auto-focus is skipped while the terminal reports itself unfocused (a detached tmux),
        so keys arriving just after the form appeared could find nothing focused.
        """
        self.set_focus(self.query_one(f"#f-{next(iter(self.fields))}"))
        # What the form showed before anyone typed (Textual runs this after a subclass's own
        # on_mount, which may fill a box in): Esc asks before discarding what differs from it.
        self.ready_values = self.snapshot()

    # -- reading and checking ---------------------------------------------------------------
    def raw(self, name: str) -> str:
        widget = self.query_one(f"#f-{name}")
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        assert isinstance(widget, Input)
        return widget.value

    def set_raw(self, name: str, value: str) -> None:
        widget = self.query_one(f"#f-{name}")
        if isinstance(widget, (Input, Select)):
            widget.value = value

    def check(self, name: str) -> tuple[Any, str | None]:
        spec = self.fields[name]
        text = self.raw(name)
        if spec.parse is None:
            return (text.strip() or None), None
        try:
            return spec.parse(text), None
        except InputError as error:
            return None, f"{spec.label}: {error.reason}"

    def show_field_error(self, name: str, message: str | None) -> None:
        if name not in self.fields:
            return
        show_error(self.query_one(f"#e-{name}", Static), message)
        self.query_one(f"#f-{name}").set_class(bool(message), "-invalid")

    def collect(self) -> dict[str, Any] | None:
        """Every field parsed, or None after naming each wrong field."""
        values, wrong = {}, []
        for name in self.fields:
            values[name], message = self.check(name)
            self.show_field_error(name, message)
            if message:
                wrong.append(name)
        if wrong:
            labels = ", ".join(self.fields[n].label for n in wrong)
            self.query_one("#form-error", Static).update(f"Please correct: {labels}")
            self.query_one(f"#f-{wrong[0]}").focus()
            return None
        return values

    # -- events ------------------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        self._changed(event.input.id)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._changed(event.select.id)

    def _changed(self, widget_id: str | None) -> None:
        name = (widget_id or "").removeprefix("f-")
        if name in self.fields and self.is_mounted:
            self.show_field_error(name, self.check(name)[1])
            self.field_changed(name)

    def field_changed(self, name: str) -> None:
        """Hook: react to a field as it changes (compute a total, load choices)."""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        names = list(self.fields)
        if event.input.id == f"f-{names[-1]}":
            self.action_save()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button == "save":
            self.action_save()
        elif button == "cancel":
            self.action_cancel()
        elif button.startswith("browse-"):
            name = button.removeprefix("browse-")
            typed = self.raw(name).strip()
            start = Path(unquote_path(typed)) if typed else None
            if start is not None and not start.is_dir():
                start = start.parent  # a file typed or picked before: its folder
            # No folder given: the picker opens where the last file came from, or Downloads.
            self.app.push_screen(FileBrowserDialog(start), lambda path: self._picked(name, path))

    def _picked(self, name: str, path: str | None) -> None:
        if path:
            self.set_raw(name, path)

    def action_cancel(self) -> None:
        """Esc: an untouched form closes at once; one with something typed asks first."""
        self.leave(self.dismiss, None)

    def ask_before_quitting(self) -> bool:
        """Ctrl+Q (the app asks the screen on top): True when the form asked, and will quit
        only if the answer is Discard."""
        if not self.typed():
            return False
        self.leave(lambda _none: self.app.exit(), None)
        return True

    def leave(self, then: Callable[[ValueT], object], value: ValueT) -> None:
        if not self.typed():
            then(value)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                then(value)

        self.app.push_screen(
            ConfirmDialog(
                "Discard what you typed?\nIt has not been saved.",
                yes="Discard",
                no="Keep editing",
            ),
            answered,
        )

    def snapshot(self) -> dict[str, str]:
        return {name: self.raw(name) for name in self.fields}

    def typed(self) -> bool:
        """Has anything changed since the form was ready (a box typed in, a choice made)?"""
        return bool(self.ready_values) and self.snapshot() != self.ready_values

    # -- saving ------------------------------------------------------------------------------
    def action_save(self) -> None:
        values = self.collect()
        if values is None:
            return
        self.query_one("#form-error", Static).update("Saving…")
        self.query_one("#save", Button).disabled = True
        self.run_save(values)

    @work(thread=True, exit_on_error=False, group="save", exclusive=True)
    def run_save(self, values: dict[str, Any]) -> None:
        try:
            record = self.save(values)
        except Exception as error:  # shown in the form; what was typed stays
            self.post_message(save_error(error))
        else:
            self.post_message(RecordSaved(record))

    def save(self, values: dict[str, Any]) -> ResultT:
        """Call the service (in a worker thread); raise to keep the form open."""
        raise NotImplementedError

    def on_record_saved(self, message: RecordSaved[ResultT]) -> None:
        self.dismiss(message.record)

    def on_save_failed(self, message: SaveFailed) -> None:
        self.query_one("#save", Button).disabled = False
        self.query_one("#form-error", Static).update(
            f"Not saved: {message.reason}. What you typed is kept."
        )
        if message.field and message.field in self.fields:
            self.show_field_error(message.field, message.reason)
            self.query_one(f"#f-{message.field}").focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.on_save_failed(save_error(event.worker.error or RuntimeError()))
