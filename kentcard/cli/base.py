"""What every command shares: the app and its command groups, one-line errors, the
invocation (settings and the database, opened once and closed after the command), and
small parsers. Textual is imported only to open the app."""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from kentcard.cli.present import jsonable
from kentcard.core.dates import parse_date
from kentcard.core.errors import InputError, KentcardError
from kentcard.core.money import Money, parse_money
from kentcard.core.records import Recipient
from kentcard.services.settings import Settings

if TYPE_CHECKING:  # the database layer loads only when a command needs it (not for --help)
    from kentcard.services.context import Context

F = TypeVar("F", bound=Callable[..., Any])

# Typer re-exports `BadParameter` but not its bases: the usage error that every other
# mistake on the command line raises (a missing option, an unknown command or option, an
# extra argument) and the error Click shows for itself. They are found through the public
# class, so nothing here imports Typer's private copy of Click.
UsageError: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError"
)
ClickError: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)
MAX_ID = 2**63 - 1  # SQLite's integers, record ids among them, are 64-bit


def shown(text: str, limit: int = 40) -> str:
    """What the person typed, quoted, cut short, its control characters escaped."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def one_line(text: str) -> str:
    """A message on one line whatever it quotes: no newline, escape sequence or bidi control."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def record_id(text: str, field: str = "ID") -> int:
    """A record's id as typed: a whole number from 1 to 2**63 − 1, or one plain error."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()):
        raise InputError(field, f"{shown(text)} is not a whole number")
    digits = value.lstrip("0")
    if not digits or len(digits) > len(str(MAX_ID)) or int(digits) > MAX_ID:
        raise InputError(field, f"{shown(text)} is not an id: ids run from 1 to {MAX_ID}")
    return int(digits)


def field_of(param: Any) -> str:
    """How the person names a parameter: its long option (`--date`), or its metavar (`ID`)."""
    options = [o for o in getattr(param, "opts", None) or [] if o.startswith("-")]
    if options:
        return max(options, key=len)
    return str(getattr(param, "metavar", None) or getattr(param, "name", None) or "value").upper()


def command_words(ctx: Any) -> str:
    """The command a context runs, without the program's name (`plan add`, or "" at the
    top), however the program was started (`kentcard`, `python -m kentcard`)."""
    words: list[str] = []
    while ctx is not None and ctx.parent is not None:
        words.insert(0, ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(words)


def usage_line(error: Any) -> str:
    """A usage error from Typer or Click as `FIELD: REASON`."""
    where = command_words(getattr(error, "ctx", None))
    message = str(getattr(error, "message", "") or error).strip().splitlines()[0].rstrip(".")
    hint = getattr(error, "param_hint", None)
    param = getattr(error, "param", None)
    option = getattr(error, "option_name", None)
    if isinstance(hint, str):
        return f"{hint}: {message}"
    if param is not None:
        if type(error).__name__ == "MissingParameter":
            return f"{field_of(param)}: is required"
        return f"{field_of(param)}: {message}"
    if option:
        name = shown(option)[1:-1]
        if type(error).__name__ == "NoSuchOption":
            near = sorted(getattr(error, "possibilities", None) or [])
            guess = f" (did you mean {' or '.join(near)}?)" if near else ""
            return f"{name}: is not an option of {f'kentcard {where}'.strip()}{guess}"
        reason = message.removeprefix(f"Option {option!r} ")
        return f"{name}: {'needs a value' if reason.startswith('requires') else reason}"
    return f"{where or 'kentcard'}: {message[:1].lower()}{message[1:]}"


class OneLineErrors(TyperGroup):
    """Usage mistakes as one line on stderr, `kentcard: error: FIELD: REASON`, exit 2.

    Click's own report is a usage block, a hint and the message; the command line
    promises (DESIGN §3) one line naming the field and the reason, as every other error
    gets. Parsing happens before any command runs, so such a mistake never opens (or
    creates) the database. `--help`, and a group given no command, still show the help.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        extra["windows_expand_args"] = windows_expand_args
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except UsageError as error:
            problem: Any = error
            if type(error).__name__ == "NoArgsIsHelpError":  # `kentcard plan`: its help
                problem.show()
                sys.exit(problem.exit_code)
            typer.echo(f"kentcard: error: {one_line(usage_line(problem))}", err=True)
            sys.exit(2)
        except ClickError as error:
            other: Any = error
            other.show()
            sys.exit(other.exit_code)
        except typer.Abort:
            typer.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)  # a typer.Exit's code, or done

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        unknown = name and not name.startswith("-") and self.get_command(ctx, name) is None
        if unknown and not ctx.resilient_parsing:
            where = command_words(ctx)
            known = self.list_commands(ctx)
            near = difflib.get_close_matches(name, known, n=1)
            guess = f" (did you mean {near[0]}?)" if near else ""
            if where:
                reason = f"{shown(name)} is not one of {', '.join(known)}"
            else:
                reason = f"{shown(name)} is not a kentcard command{guess}; see kentcard --help"
            raise typer.BadParameter(reason, ctx=ctx, param_hint=where or "command")
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=OneLineErrors,
    name="kentcard",
    help="Keep a Kent Card direct-payment account: money in and out, invoices, receipts, budget.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
plan_app = typer.Typer(
    cls=OneLineErrors,
    help="The support plan: budget per period and its lines.",
    no_args_is_help=True,
)
provider_app = typer.Typer(cls=OneLineErrors, help="Care providers.", no_args_is_help=True)
money_in_app = typer.Typer(
    cls=OneLineErrors, help="Money paid onto the card.", no_args_is_help=True
)
money_out_app = typer.Typer(
    cls=OneLineErrors, help="Payments made from the card.", no_args_is_help=True
)
invoice_app = typer.Typer(cls=OneLineErrors, help="Providers' invoices.", no_args_is_help=True)
receipt_app = typer.Typer(
    cls=OneLineErrors, help="Receipts and other evidence.", no_args_is_help=True
)
report_app = typer.Typer(
    cls=OneLineErrors, help="Reports over several months.", no_args_is_help=True
)
for sub, name in [
    (plan_app, "plan"),
    (provider_app, "provider"),
    (money_in_app, "money-in"),
    (money_out_app, "money-out"),
    (invoice_app, "invoice"),
    (receipt_app, "receipt"),
    (report_app, "report"),
]:
    app.add_typer(sub, name=name)

RecipientOpt = Annotated[
    str | None,
    typer.Option("--recipient", help="Name or id, when the database holds several people."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


class ListWhat(StrEnum):
    money_in = "money-in"
    money_out = "money-out"
    invoices = "invoices"
    providers = "providers"
    documents = "documents"
    employees = "employees"
    timesheets = "timesheets"
    payslips = "payslips"


def fail(message: str) -> NoReturn:
    typer.echo(f"kentcard: error: {message}", err=True)
    raise typer.Exit(2)


def handled(func: F) -> F:
    """Turn our errors into one plain line on stderr and exit code 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KentcardError as error:
            fail(str(error))
        except OSError as error:
            fail(f"cannot use a file: {error.strerror or type(error).__name__}")

    return wrapper  # type: ignore[return-value]


@dataclass
class Invocation:
    """One run of the command line: the settings it chose, and the database, opened the
    first time a command needs it and closed when the command ends. Kept on Typer's
    context (`ctx.obj` of the root), so nothing lives in a module-level variable."""

    settings: Settings
    click: typer.Context
    opened: Context | None = None

    def close(self) -> None:
        if self.opened is not None:
            self.opened.db.dispose()


def invocation(invoked: typer.Context) -> Invocation:
    found = invoked.find_root().obj
    assert isinstance(found, Invocation), "the root callback sets it up"
    return found


def context(invoked: typer.Context) -> Context:
    """The database for this command, opened once."""
    run = invocation(invoked)
    if run.opened is None:
        from kentcard.services.opening import open_context

        run.opened = open_context(run.settings)
        if run.opened.db.read_only:
            note_read_only(run)
    return run.opened


READ_ONLY_NOTE = (
    "kentcard: note: the database is read-only here (its file or its folder cannot be "
    "written), so it can be read but nothing can be changed"
)


def note_read_only(run: Invocation) -> None:
    """Say once, after the command, that the database is read-only: a refused write has
    already said so in its own error line."""

    def say() -> None:
        if run.opened is not None and not run.opened.db.refused_write:
            typer.echo(READ_ONLY_NOTE, err=True)

    run.click.call_on_close(say)  # runs before the database is closed (last in, first out)


def chosen_recipient(invoked: typer.Context, ref: str | None) -> Recipient:
    from kentcard.services.recipients import resolve_recipient

    return resolve_recipient(context(invoked), ref)


def emit(record: Any, as_json: bool) -> None:
    """An add command's output: the new id, or with --json the whole record."""
    if as_json:
        typer.echo(json.dumps(jsonable(record), ensure_ascii=False))
    else:
        typer.echo(str(record.id))


def money(text: str | None, field: str) -> Money | None:
    return None if text is None else parse_money(text, field)


def day(text: str | None, field: str) -> date | None:
    return None if text is None else parse_date(text, field)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option("--db", help="Database file or URL (default db/kentcard.sqlite3).")
    ] = None,
    exports: Annotated[str | None, typer.Option("--exports", help="Output folder.")] = None,
) -> None:
    """With no command, open the terminal app."""
    try:
        settings = Settings.resolve(db=db, exports=exports)
    except KentcardError as error:
        fail(str(error))
    if sys.stdin.isatty():
        settings = dataclasses.replace(settings, password_prompt=ask_password)
    run = Invocation(settings, ctx)
    ctx.obj = run
    ctx.call_on_close(run.close)
    if ctx.invoked_subcommand is None:
        launch_app(settings)


def ask_password() -> str:
    """The database password, typed at the terminal and never shown or kept."""
    import getpass

    return getpass.getpass("Database password: ")


def needs_a_terminal() -> None:
    """The app draws on a terminal and reads its keys: started without one (from a pipe,
    a scheduled job, a file) it would wait for keys that never come. One line instead, exit
    2, before anything is written. In a browser (`kentcard serve`) each tab's app is given
    Textual's web driver and needs no terminal."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        fail(
            "the app needs a terminal: run kentcard in a terminal window "
            "(or kentcard serve for a browser); kentcard --help lists the commands"
        )


def launch_app(settings: Settings) -> None:
    from kentcard.tui.launch import run_app

    needs_a_terminal()
    run_app(settings)


def settings_url(settings: Settings) -> str:
    from kentcard.store.engine import url_for

    return url_for(settings.db)


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("Stopped.", err=True)
        sys.exit(130)
    except Exception as error:  # a last guard: never print a traceback with personal data
        if os.environ.get("KENTCARD_DEBUG"):
            raise
        typer.echo(
            f"kentcard: error: something unexpected went wrong ({type(error).__name__}); "
            "the action was not saved. Set KENTCARD_DEBUG=1 to see the details.",
            err=True,
        )
        sys.exit(1)
