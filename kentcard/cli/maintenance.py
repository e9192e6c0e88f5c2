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
    # On an organisation's database each line names the login that made it; a person's
    # own file has no logins, and its lines stay as they were.
    width = max((len(c.login) for c in changes if c.login), default=0)
    for change in changes:
        who = f"{change.login or '-':<{width}}  " if width else ""
        start = f"{change.at[:19]}  {who}{change.action:<6}"
        if change.summary:
            typer.echo(f"{start} {change.summary}")
            continue
        fields = ", ".join(f"{k}: {a!r} -> {b!r}" for k, (a, b) in change.changed.items())
        extra = ", ".join(f"{k}={_shown(v)}" for k, v in sorted(change.detail.items()))
        typer.echo(f"{start} {fields}" + (f"  [{extra}]" if extra else ""))


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
        str | None,
        typer.Option(
            help="Where to write it (default: backups/ beside a SQLite file; "
            "db/backups/ under the current folder for PostgreSQL)."
        ),
    ] = None,
) -> None:
    """Copy the whole database (receipts included) to a checked backup file.

    A SQLite file: a checked copy of the file (NAME-DATE.sqlite3 in backups/ beside it).
    PostgreSQL: pg_dump's custom format (DATABASE-DATE.pgdump in db/backups/ under the
    current folder), taken by the organisation's owner, read in one snapshot with its
    manifest. Either way the file is readable by you only, and a manifest (counts, money
    totals, every document's SHA-256) is written beside it as FILE.manifest.json.
    """
    from pathlib import Path

    from kentcard.services.maintenance import AskOnce
    from kentcard.services.maintenance import backup as run_backup
    from kentcard.store.engine import is_postgresql

    settings = invocation(invoked).settings
    url = settings_url(settings)
    if not is_postgresql(url):
        context(invoked)  # make sure the database exists and is current
    result = run_backup(url, Path(out) if out else None, AskOnce(settings.password_prompt))
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
    locks, audit lines), and asks. A SQLite file: the backup is a kentcard SQLite copy.
    PostgreSQL: the backup is a kentcard pg_dump with its manifest beside it; the
    organisation's owner restores it in one transaction (its grants and row-level security
    with it), and the result is checked against the manifest.
    """
    from pathlib import Path

    from kentcard.services.maintenance import AskOnce, what_restore_loses
    from kentcard.services.maintenance import restore as run_restore

    settings = invocation(invoked).settings
    url, source = settings_url(settings), Path(path)
    asker = AskOnce(settings.password_prompt)
    lost = what_restore_loses(url, source, asker)
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
    kept, report = run_restore(url, source, asker)
    if kept is not None:
        typer.echo(f"The database as it was is kept at {kept}")
    typer.echo(f"Restored from {path}.")
    if report.matched_manifest:
        typer.echo(
            "Checked: the restored database matches the backup's manifest (row counts, money "
            "totals and every document's SHA-256)."
        )
    if not report.ok:
        fail("the restored database has problems: " + "; ".join(report.problems[:3]))


@app.command()
@handled
def verify(invoked: typer.Context) -> None:
    """Check the database: integrity, links, every receipt's hash, the ledger's rules.

    A SQLite file: also SQLite's own integrity and foreign-key checks. PostgreSQL: the
    server keeps its files sound and enforces the links; the rest is checked the same way,
    in one snapshot, over what the login may see (the owner: everything).
    """
    from kentcard.services.maintenance import AskOnce
    from kentcard.services.maintenance import verify as run_verify

    settings = invocation(invoked).settings
    report = run_verify(settings_url(settings), AskOnce(settings.password_prompt))
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
