"""Card statements in, and the review lock."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from kentcard.cli.base import JsonOpt, RecipientOpt, app, chosen_recipient, context, handled
from kentcard.core.dates import parse_date


@app.command("import")
@handled
def import_command(
    invoked: typer.Context,
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
        context(invoked),
        chosen_recipient(invoked, recipient).id,
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
    invoked: typer.Context,
    to: Annotated[str, typer.Option("--to", help="Last day of the reviewed period.")],
    reason: Annotated[str | None, typer.Option(help="e.g. 'KCC review, March'.")] = None,
    recipient: RecipientOpt = None,
) -> None:
    """Lock a reviewed period: its entries cannot change until it is unlocked."""
    from kentcard.services.period_lock import lock_period

    last = parse_date(to, "to")
    done = lock_period(context(invoked), chosen_recipient(invoked, recipient).id, last, reason)
    typer.echo(f"Locked up to {done.locked_to}.")


@app.command()
@handled
def unlock(
    invoked: typer.Context,
    from_: Annotated[str, typer.Option("--from", help="First day to open again.")],
    reason: Annotated[str, typer.Option(help="Why it must change (kept in the audit log).")],
    recipient: RecipientOpt = None,
) -> None:
    """Unlock from a date on, with a reason; earlier days stay locked."""
    from kentcard.services.period_lock import unlock_period

    first = parse_date(from_, "from")
    done = unlock_period(context(invoked), chosen_recipient(invoked, recipient).id, first, reason)
    typer.echo("Nothing is locked now." if done is None else f"Locked up to {done.locked_to}.")
