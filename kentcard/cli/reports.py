"""What the figures say: the month's budget, reports over months, the review, the export."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from kentcard.cli.base import (
    JsonOpt,
    RecipientOpt,
    app,
    chosen_recipient,
    context,
    day,
    handled,
    invocation,
    report_app,
)
from kentcard.core.dates import Month, parse_date, parse_month
from kentcard.core.errors import InputError
from kentcard.core.validate import parse_choice


@app.command()
@handled
def budget(
    invoked: typer.Context,
    month: Annotated[str | None, typer.Option(help="Month (YYYY-MM), default this month.")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """This month's budget, spending, what is left, and the card balance."""
    from kentcard.cli import listing
    from kentcard.services.summary import month_summary

    given = parse_month(month) if month else None
    ctx = context(invoked)
    chosen = given or Month.of(ctx.today())
    summary = month_summary(ctx, chosen_recipient(invoked, recipient).id, chosen)
    if as_json:
        typer.echo(json.dumps(listing.summary_json(summary), ensure_ascii=False))
    else:
        typer.echo(listing.summary_text(summary))


@report_app.command("monthly")
@handled
def report_monthly(
    invoked: typer.Context,
    from_: Annotated[
        str | None, typer.Option("--from", help="First month (YYYY-MM), default 11 months ago.")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last month, default this month.")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Budget and spending by category, month by month."""
    from kentcard.cli import listing
    from kentcard.services.reports import monthly_by_category

    given_last = parse_month(to, "to") if to else None
    given_first = parse_month(from_, "from") if from_ else None
    if given_first and given_last and given_last < given_first:
        raise InputError("to", "is before --from")
    ctx = context(invoked)
    last = given_last or Month.of(ctx.today())
    first = given_first or last.shift(-11)
    if last < first:
        raise InputError("to", "is before --from")
    months = monthly_by_category(ctx, chosen_recipient(invoked, recipient).id, first, last)
    if as_json:
        typer.echo(json.dumps(listing.monthly_json(first, last, months), ensure_ascii=False))
    else:
        typer.echo(listing.monthly_text(months))


@app.command()
@handled
def review(
    invoked: typer.Context,
    from_: Annotated[
        str | None, typer.Option("--from", help="First day (default: plan start).")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day (default: today).")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What a KCC reviewer would query: missing evidence, late payments, overdue invoices."""
    from kentcard.cli import listing
    from kentcard.services.review import default_period
    from kentcard.services.review import review as run_review

    given_start, given_end = day(from_, "from"), day(to, "to")
    if given_start and given_end and given_end < given_start:
        raise InputError("to", "is before --from")
    ctx = context(invoked)
    recipient_id = chosen_recipient(invoked, recipient).id
    start, end = default_period(ctx, recipient_id)
    start = given_start or start
    end = given_end or end
    if end < start:
        raise InputError("to", "is before --from")
    findings = run_review(ctx, recipient_id, start, end)
    if as_json:
        typer.echo(json.dumps(listing.review_json(start, end, findings), ensure_ascii=False))
    else:
        typer.echo(listing.review_text(start, end, findings))


@app.command("export")
@handled
def export_command(
    invoked: typer.Context,
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
    target = Path(out) if out else invocation(invoked).settings.exports / name
    if out and target.is_dir() and not target.is_symlink():
        target = target / name  # --out names a folder: use the usual name inside it
    written = export(
        context(invoked),
        chosen_recipient(invoked, recipient).id,
        start,
        end,
        fmt,
        target,
        overwrite=overwrite,
    )
    typer.echo(str(written))
