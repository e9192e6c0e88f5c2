"""Looking after the database: the audit log, backups, restore and verify."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from kentcard.cli.base import (
    JsonOpt,
    app,
    context,
    fail,
    handled,
    invocation,
    record_id,
    settings_url,
)


@app.command()
@handled
def audit(
    invoked: typer.Context,
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
    changes = record_history(context(invoked), record)
    if as_json:
        typer.echo(json.dumps([asdict(c) for c in changes], ensure_ascii=False, default=str))
        return
    if not changes:
        typer.echo(f"No history for {record}.")
    for change in changes:
        if change.summary:
            typer.echo(f"{change.at[:19]}  {change.action:<6} {change.summary}")
            continue
        fields = ", ".join(f"{k}: {a!r} -> {b!r}" for k, (a, b) in change.changed.items())
        extra = ", ".join(f"{k}={_shown(v)}" for k, v in sorted(change.detail.items()))
        typer.echo(
            f"{change.at[:19]}  {change.action:<6} {fields}" + (f"  [{extra}]" if extra else "")
        )


def _shown(value: Any) -> Any:
    """A list of ids as runs (`1-3, 7`), so an import's thousands of new ids fit a line."""
    if not (isinstance(value, list) and value and all(type(v) is int for v in value)):
        return value
    runs: list[list[int]] = []
    for ident in value:
        if runs and ident == runs[-1][1] + 1:
            runs[-1][1] = ident
        else:
            runs.append([ident, ident])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


@app.command()
@handled
def backup(
    invoked: typer.Context,
    out: Annotated[
        str | None, typer.Option(help="Where to write it (default db/backups/).")
    ] = None,
) -> None:
    """Copy the whole database (receipts included) to a checked backup file."""
    from pathlib import Path

    from kentcard.services.maintenance import backup as run_backup

    settings = invocation(invoked).settings
    context(invoked)  # make sure the database exists and is current
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
    invoked: typer.Context,
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

    url, source = settings_url(invocation(invoked).settings), Path(path)
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
def verify(invoked: typer.Context) -> None:
    """Check the database: integrity, links, every receipt's hash, the ledger's rules."""
    from kentcard.services.maintenance import verify as run_verify

    report = run_verify(settings_url(invocation(invoked).settings))
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
