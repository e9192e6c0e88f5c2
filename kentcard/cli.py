"""The command line: parse, call one service, print. Textual is imported only to open the app."""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from kentcard.core.dates import Month, parse_date, parse_month
from kentcard.core.errors import InputError, KentcardError
from kentcard.core.money import Money, parse_money
from kentcard.core.records import DocumentKind, Frequency, PlanLine, ProviderKind, Recipient, Source
from kentcard.core.validate import (
    clean_text,
    parse_card_last4,
    parse_choice,
    parse_hours,
    require_text,
)
from kentcard.present import jsonable, table
from kentcard.settings import Settings

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


def usage_line(error: Any) -> str:
    """A usage error from Typer or Click as `FIELD: REASON`."""
    ctx = getattr(error, "ctx", None)
    where = " ".join(ctx.command_path.split()[1:]) if ctx is not None else ""
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
            where = " ".join(ctx.command_path.split()[1:])
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

_state: dict[str, Any] = {}

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


def fail(message: str) -> None:
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


def context() -> Context:
    if "context" not in _state:
        from kentcard.factory import open_context

        _state["context"] = opened = open_context(_state.get("settings") or Settings.resolve())
        if opened.db.read_only:
            note_read_only(opened)
    ctx: Context = _state["context"]
    return ctx


READ_ONLY_NOTE = (
    "kentcard: note: the database is read-only here (its file or its folder cannot be "
    "written), so it can be read but nothing can be changed"
)


def note_read_only(ctx: Context) -> None:
    """Say once, after the command, that the database is read-only: a refused write has
    already said so in its own error line."""

    def say() -> None:
        if not ctx.db.refused_write:
            typer.echo(READ_ONLY_NOTE, err=True)

    invocation: typer.Context | None = _state.get("invocation")
    if invocation is None:
        say()
    else:
        invocation.call_on_close(say)


def person(ref: str | None) -> Recipient:
    from kentcard.services.people import resolve_recipient

    return resolve_recipient(context(), ref)


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
    previous = _state.pop("context", None)
    if previous is not None:  # the same process may run several commands (tests do)
        previous.db.dispose()
    _state["invocation"] = ctx  # closed after the command: see note_read_only
    try:
        _state["settings"] = Settings.resolve(db=db, exports=exports)
    except KentcardError as error:
        fail(str(error))
    if ctx.invoked_subcommand is None:
        launch_app(_state["settings"])


def launch_app(settings: Settings) -> None:
    try:
        from kentcard.tui.app import run_app  # type: ignore[import-not-found]
    except ModuleNotFoundError:
        typer.echo(
            "The terminal app is not part of this version yet. Every task has a command:\n"
            "run `kentcard --help` to see them, e.g. `kentcard budget`."
        )
        raise typer.Exit(0) from None
    run_app(settings)


@app.command()
@handled
def demo() -> None:
    """Build a realistic sample year in db/demo.sqlite3 (never your real data) and open it."""
    from pathlib import Path

    from kentcard.demo import build_demo, demo_settings, fresh_demo_file
    from kentcard.factory import open_context

    settings = demo_settings(_state["settings"], Path.cwd())
    fresh_demo_file(Path(settings.db), _state["settings"].db)
    ctx = open_context(settings)
    try:
        build_demo(ctx)
    finally:
        ctx.db.dispose()
    typer.echo(f"Sample data in {settings.db} (your own database is not touched).")
    launch_app(settings)


@app.command()
@handled
def init(
    name: Annotated[str, typer.Option(help="The person whose account this is.")],
    kcc_ref: Annotated[str | None, typer.Option(help="KCC reference.")] = None,
    card_last4: Annotated[
        str | None, typer.Option(help="Last four digits of the Kent Card.")
    ] = None,
    opening_balance: Annotated[
        str | None, typer.Option(help="Card balance when you start.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Date of that balance (dd/mm/yyyy or YYYY-MM-DD).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Set up the person whose direct payment this is."""
    from kentcard.services.recipients import setup_recipient

    # The first command on a new database: checked here, before the file is made.
    require_text(name, "name")
    clean_text(kcc_ref, "kcc-ref", max_length=40)
    parse_card_last4(card_last4)
    balance, balance_date = money(opening_balance, "opening-balance"), day(as_of, "as-of")
    record = setup_recipient(
        context(),
        name=name,
        kcc_ref=kcc_ref,
        card_last4=card_last4,
        opening_balance=balance,
        as_of=balance_date,
    )
    emit(record, as_json)


def parse_line(text: str) -> PlanLine:
    category, sep, amount = text.rpartition("=")
    if not sep or not category.strip():
        raise InputError("line", "write each budget line as CATEGORY=AMOUNT, e.g. 'Home care=900'")
    return PlanLine(category.strip(), parse_money(amount, "line"))


@plan_app.command("set")
@handled
def plan_set(
    start: Annotated[str, typer.Option(help="First day of the plan.")],
    frequency: Annotated[str, typer.Option(help="monthly, four-weekly or weekly.")],
    council: Annotated[str, typer.Option(help="KCC's amount per period.")],
    contribution: Annotated[str, typer.Option(help="Your contribution per period.")] = "0",
    end: Annotated[str | None, typer.Option(help="Last day, if known.")] = None,
    line: Annotated[list[str] | None, typer.Option(help="Budget line CATEGORY=AMOUNT.")] = None,
    first_payment: Annotated[str | None, typer.Option(help="Date of the first payment.")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Set the support plan from a date (the plan before it ends the day before)."""
    from kentcard.services.plans import set_plan

    first, last = parse_date(start, "start"), day(end, "end")
    every = parse_choice(frequency, Frequency, "frequency")
    kcc, own = parse_money(council, "council"), parse_money(contribution, "contribution")
    lines = [parse_line(text) for text in line or []]
    first_paid = day(first_payment, "first-payment")
    record = set_plan(
        context(),
        person(recipient).id,
        start=first,
        end=last,
        frequency=every,
        council=kcc,
        contribution=own,
        lines=lines,
        first_payment=first_paid,
    )
    emit(record, as_json)


@provider_app.command("add")
@handled
def provider_add(
    name: Annotated[str, typer.Argument(help="Provider's name.")],
    kind: Annotated[
        str, typer.Option(help="agency, pa, day-service, respite, equipment, other.")
    ] = "other",
    rate: Annotated[str | None, typer.Option(help="Hourly rate.")] = None,
    category: Annotated[
        str | None, typer.Option(help="Budget category its payments go to.")
    ] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a care provider."""
    from kentcard.services.providers import add_provider

    chosen, hourly = parse_choice(kind, ProviderKind, "kind"), money(rate, "rate")
    record = add_provider(
        context(), person(recipient).id, name=name, kind=chosen, rate=hourly, category=category
    )
    emit(record, as_json)


@provider_app.command("delete")
@handled
def provider_delete(
    provider_id: Annotated[str, typer.Argument(metavar="ID", help="Provider id.")],
) -> None:
    """Delete a provider no invoice or payment refers to."""
    from kentcard.services.providers import delete_provider

    ident = record_id(provider_id)
    delete_provider(context(), ident)
    typer.echo(f"Deleted provider {ident}.")


@money_in_app.command("add")
@handled
def money_in_add(
    date_: Annotated[
        str, typer.Option("--date", help="Date it arrived (dd/mm/yyyy or YYYY-MM-DD).")
    ],
    amount: Annotated[str, typer.Option(help="Amount, e.g. 1000.00.")],
    source: Annotated[str, typer.Option(help="kcc, contribution, refund, opening or other.")],
    reference: Annotated[str | None, typer.Option(help="Reference on the statement.")] = None,
    note: Annotated[str | None, typer.Option(help="A note for yourself.")] = None,
    category: Annotated[
        str | None, typer.Option(help="For a refund: the category it reduces.")
    ] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log money paid onto the card."""
    from kentcard.services.ledger import add_money_in

    when, pence = parse_date(date_, "date"), parse_money(amount, "amount")
    origin = parse_choice(source, Source, "source")
    record = add_money_in(
        context(),
        person(recipient).id,
        date=when,
        amount=pence,
        source=origin,
        reference=reference,
        note=note,
        category=category,
    )
    emit(record, as_json)


@money_in_app.command("delete")
@handled
def money_in_delete(
    money_in_id: Annotated[str, typer.Argument(metavar="ID", help="Money-in id.")],
) -> None:
    """Delete a money-in entry (the audit log keeps what it was)."""
    from kentcard.services.ledger import delete_money_in

    ident = record_id(money_in_id)
    delete_money_in(context(), ident)
    typer.echo(f"Deleted money-in {ident}.")


def parse_claim(text: str) -> Any:
    from kentcard.services.ledger import InvoiceClaim

    number, sep, amount = text.partition("=")
    if not number.strip():
        raise InputError("invoice", "write it as NUMBER or NUMBER=AMOUNT")
    return InvoiceClaim(number.strip(), parse_money(amount, "invoice") if sep else None)


@money_out_app.command("add")
@handled
def money_out_add(
    date_: Annotated[
        str, typer.Option("--date", help="Date of the payment (dd/mm/yyyy or YYYY-MM-DD).")
    ],
    amount: Annotated[str, typer.Option(help="Amount paid, e.g. 560.00.")],
    payee: Annotated[str, typer.Option(help="Who was paid (a provider's name links it).")],
    category: Annotated[str | None, typer.Option(help="Budget category.")] = None,
    description: Annotated[str | None, typer.Option(help="What it was for.")] = None,
    invoice: Annotated[
        list[str] | None, typer.Option(help="Invoice it pays: NUMBER[=AMOUNT].")
    ] = None,
    receipt: Annotated[list[str] | None, typer.Option(help="Receipt file to attach.")] = None,
    reference: Annotated[str | None, typer.Option(help="Reference on the statement.")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log a payment from the card, settle invoices and attach receipts."""
    from kentcard.services.documents import read_files
    from kentcard.services.ledger import add_money_out

    when, pence = parse_date(date_, "date"), parse_money(amount, "amount")
    claims = [parse_claim(text) for text in invoice or []]
    read_files(receipt or [], "receipt")  # a missing or unreadable file: before the database
    record = add_money_out(
        context(),
        person(recipient).id,
        date=when,
        amount=pence,
        payee=payee,
        category=category,
        description=description,
        reference=reference,
        invoices=claims,
        receipts=receipt or [],
    )
    emit(record, as_json)


@money_out_app.command("delete")
@handled
def money_out_delete(
    money_out_id: Annotated[str, typer.Argument(metavar="ID", help="Money-out id.")],
) -> None:
    """Delete a payment; its receipts stay stored, and the audit log keeps what it was."""
    from kentcard.services.ledger import delete_money_out

    ident = record_id(money_out_id)
    delete_money_out(context(), ident)
    typer.echo(f"Deleted money-out {ident}.")


@money_out_app.command("explain")
@handled
def money_out_explain(
    money_out_id: Annotated[str, typer.Argument(metavar="ID", help="Money-out id.")],
    reason: Annotated[
        str | None,
        typer.Option(help="Why it has no receipt, e.g. 'the lunch club gives no receipts'."),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the explanation.")] = False,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Say why a payment has no receipt (kept with it, shown to a reviewer as explained)."""
    from kentcard.services.ledger import EVIDENCE_NOTE_LIMIT, explain_missing_evidence

    ident = record_id(money_out_id)
    if (reason is None) == (not clear):
        raise InputError("reason", "give either --reason TEXT or --clear")
    text = None
    if reason is not None:
        text = clean_text(reason, "reason", max_length=EVIDENCE_NOTE_LIMIT)
        if text is None:
            raise InputError("reason", "is empty; to remove the explanation, use --clear")
    record = explain_missing_evidence(context(), person(recipient).id, ident, text)
    if as_json:
        emit(record, as_json)
    elif text is None:
        typer.echo(f"Money-out {ident}: explanation removed.")
    else:
        typer.echo(f"Money-out {ident}: no receipt, explained: {text}")


@invoice_app.command("add")
@handled
def invoice_add(
    provider: Annotated[str, typer.Option(help="Provider's name.")],
    number: Annotated[str, typer.Option(help="Invoice number.")],
    date_: Annotated[str, typer.Option("--date", help="Invoice date (dd/mm/yyyy or YYYY-MM-DD).")],
    amount: Annotated[str, typer.Option(help="Amount due.")],
    hours: Annotated[str | None, typer.Option(help="Hours charged, e.g. 20 or 7.5.")] = None,
    rate: Annotated[str | None, typer.Option(help="Hourly rate.")] = None,
    period_start: Annotated[str | None, typer.Option(help="Service period start.")] = None,
    period_end: Annotated[str | None, typer.Option(help="Service period end.")] = None,
    due: Annotated[str | None, typer.Option(help="Due date (default 30 days after).")] = None,
    file: Annotated[str | None, typer.Option(help="The invoice's PDF or photo.")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a provider's invoice."""
    from kentcard.services.documents import read_files
    from kentcard.services.invoices import InvoiceDraft, add_invoice

    draft = InvoiceDraft(
        provider=provider,
        number=number,
        issue_date=parse_date(date_, "date"),
        amount=parse_money(amount, "amount"),
        hours_centi=None if hours is None else parse_hours(hours),
        rate=money(rate, "rate"),
        period_start=day(period_start, "period-start"),
        period_end=day(period_end, "period-end"),
        due_date=day(due, "due"),
    )
    read_files([file] if file is not None else [], "file")
    emit(add_invoice(context(), person(recipient).id, draft, file), as_json)


@invoice_app.command("delete")
@handled
def invoice_delete(
    invoice_id: Annotated[str, typer.Argument(metavar="ID", help="Invoice id.")],
) -> None:
    """Delete an invoice that no payment is allocated to."""
    from kentcard.services.invoices import delete_invoice

    ident = record_id(invoice_id)
    delete_invoice(context(), ident)
    typer.echo(f"Deleted invoice {ident}.")


@receipt_app.command("add")
@handled
def receipt_add(
    file: Annotated[str, typer.Argument(help="PDF, photo or text file.")],
    money_out: Annotated[
        str | None, typer.Option(metavar="ID", help="Money-out id it proves.")
    ] = None,
    invoice: Annotated[str | None, typer.Option(help="Invoice number it belongs to.")] = None,
    provider: Annotated[
        str | None, typer.Option(help="Provider, if invoice numbers clash.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option(help="receipt, invoice, timesheet, payslip, ...")
    ] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Attach a receipt or other document to a payment or an invoice."""
    from kentcard.services.documents import attach_document, read_files
    from kentcard.services.invoices import find_invoice

    if (money_out is None) == (invoice is None):
        raise InputError("money-out", "give either --money-out ID or --invoice NUMBER")
    payment = None if money_out is None else record_id(money_out, "money-out")
    default = DocumentKind.RECEIPT if money_out is not None else DocumentKind.INVOICE
    chosen = default if kind is None else parse_choice(kind, DocumentKind, "kind")
    [upload] = read_files([file], "file")
    invoice_id = None
    if invoice is not None:
        invoice_id = find_invoice(context(), person(recipient).id, invoice, provider).id
    record = attach_document(
        context(), upload, money_out_id=payment, invoice_id=invoice_id, kind=chosen
    )
    emit(record, as_json)


@app.command("list")
@handled
def list_records(
    what: Annotated[
        str,
        typer.Argument(
            metavar="WHAT", help="money-in, money-out, invoices, providers or documents."
        ),
    ],
    month: Annotated[str | None, typer.Option(help="Only this month (YYYY-MM).")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List records, optionally for one month."""
    from kentcard import listing

    kind = parse_choice(what, ListWhat, "list")
    chosen = parse_month(month) if month else None
    headers, rows, records = listing.rows_for(context(), person(recipient).id, kind.value, chosen)
    if as_json:
        typer.echo(json.dumps(jsonable(records), ensure_ascii=False))
    elif not rows:
        typer.echo("Nothing to list.")
    else:
        typer.echo(
            table(headers, rows, right=("Amount", "Allocated", "Outstanding", "Rate", "Size"))
        )


@app.command()
@handled
def budget(
    month: Annotated[str | None, typer.Option(help="Month (YYYY-MM), default this month.")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """This month's budget, spending, what is left, and the card balance."""
    from kentcard import listing
    from kentcard.services.summary import month_summary

    given = parse_month(month) if month else None
    ctx = context()
    chosen = given or Month.of(ctx.today())
    summary = month_summary(ctx, person(recipient).id, chosen)
    if as_json:
        typer.echo(json.dumps(listing.summary_json(summary), ensure_ascii=False))
    else:
        typer.echo(listing.summary_text(summary))


@report_app.command("monthly")
@handled
def report_monthly(
    from_: Annotated[
        str | None, typer.Option("--from", help="First month (YYYY-MM), default 11 months ago.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last month, default this month.")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Budget and spending by category, month by month."""
    from kentcard import listing
    from kentcard.services.reports import monthly_by_category

    given_last = parse_month(to, "to") if to else None
    given_first = parse_month(from_, "from") if from_ else None
    if given_first and given_last and given_last < given_first:
        raise InputError("to", "is before --from")
    ctx = context()
    last = given_last or Month.of(ctx.today())
    first = given_first or last.shift(-11)
    if last < first:
        raise InputError("to", "is before --from")
    months = monthly_by_category(ctx, person(recipient).id, first, last)
    if as_json:
        typer.echo(json.dumps(listing.monthly_json(first, last, months), ensure_ascii=False))
    else:
        typer.echo(listing.monthly_text(months))


@app.command("import")
@handled
def import_command(
    file: Annotated[str, typer.Argument(help="The statement CSV file.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; change nothing.")
    ] = False,
    date_column: Annotated[str | None, typer.Option(help="Date column (name or number).")] = None,
    amount_column: Annotated[str | None, typer.Option(help="Signed amount column.")] = None,
    out_column: Annotated[str | None, typer.Option(help="Money-out column.")] = None,
    in_column: Annotated[str | None, typer.Option(help="Money-in column.")] = None,
    description_column: Annotated[str | None, typer.Option(help="Description column.")] = None,
    balance_column: Annotated[str | None, typer.Option(help="Running balance column.")] = None,
    date_format: Annotated[str | None, typer.Option(help="e.g. %m.%d.%Y")] = None,
    provider: Annotated[
        str | None, typer.Option(help="Card provider: saves the columns given, or reuses them.")
    ] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a card or bank statement: match lines to the ledger, add the rest (one step)."""
    from kentcard.importers.columns import ColumnMap
    from kentcard.services.statement_import import import_statement, read_statement

    statement = read_statement(file)
    columns = ColumnMap(
        date_column,
        amount_column,
        out_column,
        in_column,
        description_column,
        balance_column,
        date_format,
    )
    report = import_statement(
        context(),
        person(recipient).id,
        statement,
        filename=file,
        mapping=None if columns.is_empty() and not date_format else columns,
        provider=provider,
        dry_run=dry_run,
    )
    if as_json:
        typer.echo(json.dumps(import_json(report), ensure_ascii=False))
        return
    typer.echo(import_text(report))


def import_json(report: Any) -> dict[str, Any]:
    check = report.balance
    return {
        "dry_run": report.dry_run,
        "batch": report.batch_id,
        "counts": report.counts,
        "skipped": report.skipped,
        "columns": report.layout,
        "balance_mismatch": None
        if check is None or check.first_mismatch is None
        else str(check.first_mismatch),
    }


def import_text(report: Any) -> str:
    title = "Plan (dry run, nothing saved)" if report.dry_run else "Imported"
    lines = [f"{title}: {report.total} statement line(s)"]
    lines += [f"  {name:<17} {number}" for name, number in report.counts.items()]
    skipped = sum(report.skipped.values())
    detail = ", ".join(f"{n} {why}" for why, n in sorted(report.skipped.items()))
    lines.append(f"  {'skipped':<17} {skipped}" + (f" ({detail})" if detail else ""))
    for planned in report.decisions[:20]:
        line = planned.line
        why = planned.reason or f"could be {' or '.join(planned.candidates)}"
        lines.append(f"  needs a decision: line {line.number}, {line.date}, {line.amount}: {why}")
    check = report.balance
    if check is not None and check.first_mismatch is not None:
        lines.append(
            f"Balance check: on {check.first_mismatch} the statement shows "
            f"{check.statement_balance} but the ledger shows {check.ledger_balance}"
        )
    elif check is not None:
        lines.append(f"Balance check: the ledger agrees on all {check.dates_checked} day(s)")
    return "\n".join(lines)


@app.command()
@handled
def lock(
    to: Annotated[str, typer.Option("--to", help="Last day of the reviewed period.")],
    reason: Annotated[str | None, typer.Option(help="e.g. 'KCC review, March'.")] = None,
    recipient: RecipientOpt = None,
) -> None:
    """Lock a reviewed period: its entries cannot change until it is unlocked."""
    from kentcard.services.period_lock import lock_period

    last = parse_date(to, "to")
    done = lock_period(context(), person(recipient).id, last, reason)
    typer.echo(f"Locked up to {done.locked_to}.")


@app.command()
@handled
def unlock(
    from_: Annotated[str, typer.Option("--from", help="First day to open again.")],
    reason: Annotated[str, typer.Option(help="Why it must change (kept in the audit log).")],
    recipient: RecipientOpt = None,
) -> None:
    """Unlock from a date on, with a reason; earlier days stay locked."""
    from kentcard.services.period_lock import unlock_period

    first = parse_date(from_, "from")
    done = unlock_period(context(), person(recipient).id, first, reason)
    typer.echo("Nothing is locked now." if done is None else f"Locked up to {done.locked_to}.")


@app.command()
@handled
def audit(
    record: Annotated[str, typer.Option(help="KIND:ID, e.g. money-out:12 or period-lock:1.")],
    as_json: JsonOpt = False,
) -> None:
    """Show a record's history from the audit log."""
    from dataclasses import asdict

    from kentcard.services.history import parse_record, record_history

    ident = record.strip().partition(":")[2]
    if ident.isascii() and ident.isdigit():
        record_id(ident, "record")
    parse_record(record)
    changes = record_history(context(), record)
    if as_json:
        typer.echo(json.dumps([asdict(c) for c in changes], ensure_ascii=False, default=str))
        return
    if not changes:
        typer.echo(f"No history for {record}.")
    for change in changes:
        fields = ", ".join(f"{k}: {a!r} -> {b!r}" for k, (a, b) in change.changed.items())
        extra = ", ".join(f"{k}={v}" for k, v in sorted(change.detail.items()))
        typer.echo(
            f"{change.at[:19]}  {change.action:<6} {fields}" + (f"  [{extra}]" if extra else "")
        )


@app.command()
@handled
def backup(
    out: Annotated[
        str | None, typer.Option(help="Where to write it (default db/backups/).")
    ] = None,
) -> None:
    """Copy the whole database (receipts included) to a checked backup file."""
    from pathlib import Path

    from kentcard.services.maintenance import backup as run_backup

    settings = _state["settings"]
    context()  # make sure the database exists and is current
    result = run_backup(settings_url(settings), Path(out) if out else None)
    counts = result.manifest.counts
    typer.echo(f"Backed up to {result.path}")
    typer.echo(
        f"Checked: {counts.get('money_in', 0)} money in, {counts.get('money_out', 0)} money out, "
        f"{counts.get('invoice', 0)} invoices, {len(result.manifest.documents)} documents."
    )


@app.command()
@handled
def restore(
    path: Annotated[str, typer.Argument(help="A backup made by `kentcard backup`.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask before replacing the database.")
    ] = False,
) -> None:
    """Replace the database with a backup, after checking it; the current one is kept.

    First lists what the current database holds that the backup does not (entries, review
    locks, audit lines), and asks.
    """
    from pathlib import Path

    from kentcard.services.maintenance import restore as run_restore
    from kentcard.services.maintenance import what_restore_loses

    url, source = settings_url(_state["settings"]), Path(path)
    lost = what_restore_loses(url, source)
    for line in loss_lines(lost):
        typer.echo(line)
    if not yes:
        if not sys.stdin.isatty():
            fail(
                "restore: there is no terminal to ask on; add --yes to replace the database "
                "with this backup" + ("" if lost.nothing else " and lose what is listed above")
            )
        if not typer.confirm("Replace the database with this backup?", default=False):
            typer.echo("Nothing was changed.")
            raise typer.Exit(1)
    kept, report = run_restore(url, source)
    if kept is not None:
        typer.echo(f"The database as it was is kept at {kept}")
    typer.echo(f"Restored from {path}.")
    if not report.ok:
        fail("the restored database has problems: " + "; ".join(report.problems[:3]))


@app.command()
@handled
def verify() -> None:
    """Check the database: integrity, links, every receipt's hash, the ledger's rules."""
    from kentcard.services.maintenance import verify as run_verify

    report = run_verify(settings_url(_state["settings"]))
    for name, count in report.checked.items():
        typer.echo(f"  {name}: {count}")
    if report.ok:
        typer.echo("All checks passed.")
        return
    typer.echo(f"{len(report.problems)} problem(s):", err=True)
    for problem in report.problems:
        typer.echo(f"  {problem}", err=True)
    raise typer.Exit(1)


LOSS_LABELS = {
    "money_in": "money in",
    "money_out": "money out",
    "invoice": "invoices",
    "document": "documents",
    "allocation": "payments set against invoices",
    "provider": "providers",
    "plan": "support plans",
    "recipient": "people",
}


def loss_lines(lost: Any) -> list[str]:
    """What a restore loses, one line per kind (its ids), per review lock, and the audit log."""
    if lost.nothing:
        return ["Nothing is lost: the backup holds everything the current database does."]
    lines = ["Restoring this backup loses what the current database holds and it does not:"]
    for kind, label in LOSS_LABELS.items():
        ids = lost.entries.get(kind) or []
        if ids:
            lines.append(f"  {label}: {len(ids)} ({'id' if len(ids) == 1 else 'ids'} {spans(ids)})")
    for lock in lost.locks:
        had = (
            "the backup has no lock"
            if lock.backup_locked_to is None
            else f"the backup is locked only up to {lock.backup_locked_to}"
        )
        lines.append(f"  the review lock up to {lock.locked_to} for {lock.name} ({had})")
    if lost.audit_lines:
        count = lost.audit_lines
        lines.append(
            f"  {count} {'line' if count == 1 else 'lines'} of the audit log "
            "(every change made since the backup)"
        )
    lines.append("The current database is kept as a backup first, so this can be undone.")
    return lines


def spans(ids: list[int], most: int = 10) -> str:
    """Ids as short runs: `2, 5-7, 9` (the first `most` runs, then how many more ids)."""
    runs: list[list[int]] = []
    for i in ids:
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    text = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs[:most])
    rest = sum(b - a + 1 for a, b in runs[most:])
    return text + (f" and {rest} more" if rest else "")


def settings_url(settings: Settings) -> str:
    from kentcard.store.engine import url_for

    return url_for(settings.db)


@app.command()
@handled
def review(
    from_: Annotated[
        str | None, typer.Option("--from", help="First day (default: plan start).")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day (default: today).")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What a KCC reviewer would query: missing evidence, late payments, overdue invoices."""
    from kentcard import listing
    from kentcard.services.review import default_period
    from kentcard.services.review import review as run_review

    given_start, given_end = day(from_, "from"), day(to, "to")
    if given_start and given_end and given_end < given_start:
        raise InputError("to", "is before --from")
    ctx = context()
    who = person(recipient).id
    start, end = default_period(ctx, who)
    start = given_start or start
    end = given_end or end
    if end < start:
        raise InputError("to", "is before --from")
    findings = run_review(ctx, who, start, end)
    if as_json:
        typer.echo(json.dumps(listing.review_json(start, end, findings), ensure_ascii=False))
    else:
        typer.echo(listing.review_text(start, end, findings))


@app.command("export")
@handled
def export_command(
    from_: Annotated[
        str, typer.Option("--from", help="First day of the period (dd/mm/yyyy or YYYY-MM-DD).")
    ],
    to: Annotated[
        str, typer.Option("--to", help="Last day of the period (dd/mm/yyyy or YYYY-MM-DD).")
    ],
    format_: Annotated[
        str,
        typer.Option("--format", help="xlsx (workbook), csv (a folder of files) or pack (.zip)."),
    ] = "xlsx",
    out: Annotated[
        str | None, typer.Option("--out", help="File or folder to write (default: exports/).")
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace the output if it already exists.")
    ] = False,
    recipient: RecipientOpt = None,
) -> None:
    """Write the review workbook, CSV files or evidence pack for a period; prints the path."""
    from pathlib import Path

    from kentcard.services.export import Format, default_name, export

    start, end = parse_date(from_, "from"), parse_date(to, "to")
    if end < start:
        raise InputError("to", "is before --from")
    fmt = parse_choice(format_, Format, "format")
    name = default_name(start, end, fmt)
    target = Path(out) if out else _state["settings"].exports / name
    if out and target.is_dir() and not target.is_symlink():
        target = target / name  # --out names a folder: use the usual name inside it
    written = export(context(), person(recipient).id, start, end, fmt, target, overwrite=overwrite)
    typer.echo(str(written))


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
