"""Setting up: the demo, a recipient, their support plan and their providers."""

from __future__ import annotations

from typing import Annotated

import typer

from kentcard.cli.base import (
    JsonOpt,
    RecipientOpt,
    app,
    chosen_recipient,
    context,
    day,
    emit,
    handled,
    invocation,
    launch_app,
    money,
    needs_a_terminal,
    plan_app,
    provider_app,
    record_id,
)
from kentcard.core.dates import parse_date
from kentcard.core.errors import InputError
from kentcard.core.money import parse_money
from kentcard.core.records import Frequency, PlanLine, ProviderKind
from kentcard.core.validate import clean_text, parse_card_last4, parse_choice, require_text


@app.command()
@handled
def demo(invoked: typer.Context) -> None:
    """Build a realistic sample year in db/demo.sqlite3 (never your real data) and open it."""
    from pathlib import Path

    from kentcard.services.demo import build_demo, demo_settings, fresh_demo_file
    from kentcard.services.opening import open_context

    needs_a_terminal()  # the sample is opened in the app: nothing is built without one
    settings = demo_settings(invocation(invoked).settings, Path.cwd())
    fresh_demo_file(Path(settings.db), invocation(invoked).settings.db)
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
    invoked: typer.Context,
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
        context(invoked),
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
    invoked: typer.Context,
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
        context(invoked),
        chosen_recipient(invoked, recipient).id,
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
    invoked: typer.Context,
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
        context(invoked),
        chosen_recipient(invoked, recipient).id,
        name=name,
        kind=chosen,
        rate=hourly,
        category=category,
    )
    emit(record, as_json)


@provider_app.command("delete")
@handled
def provider_delete(
    invoked: typer.Context,
    provider_id: Annotated[str, typer.Argument(metavar="ID", help="Provider id.")],
) -> None:
    """Delete a provider no invoice or payment refers to."""
    from kentcard.services.providers import delete_provider

    ident = record_id(provider_id)
    delete_provider(context(invoked), ident)
    typer.echo(f"Deleted provider {ident}.")
