"""The ledger: money in and out, invoices, receipts, and listing them."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from kentcard.cli.base import (
    JsonOpt,
    ListWhat,
    RecipientOpt,
    app,
    chosen_recipient,
    context,
    day,
    emit,
    handled,
    invoice_app,
    money,
    money_in_app,
    money_out_app,
    receipt_app,
    record_id,
)
from kentcard.cli.present import jsonable, table
from kentcard.core.dates import parse_date, parse_month
from kentcard.core.errors import InputError
from kentcard.core.money import parse_money
from kentcard.core.records import DocumentKind, Source
from kentcard.core.validate import clean_text, parse_choice, parse_hours


@money_in_app.command("add")
@handled
def money_in_add(
    invoked: typer.Context,
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
        context(invoked),
        chosen_recipient(invoked, recipient).id,
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
    invoked: typer.Context,
    money_in_id: Annotated[str, typer.Argument(metavar="ID", help="Money-in id.")],
) -> None:
    """Delete a money-in entry (the audit log keeps what it was)."""
    from kentcard.services.ledger import delete_money_in

    ident = record_id(money_in_id)
    delete_money_in(context(invoked), ident)
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
    invoked: typer.Context,
    date_: Annotated[
        str | None, typer.Option("--date", help="Date of the payment (dd/mm/yyyy or YYYY-MM-DD).")
    ] = None,
    amount: Annotated[str | None, typer.Option(help="Amount paid, e.g. 560.00.")] = None,
    payee: Annotated[
        str | None, typer.Option(help="Who was paid (a provider's name links it).")
    ] = None,
    category: Annotated[str | None, typer.Option(help="Budget category.")] = None,
    description: Annotated[str | None, typer.Option(help="What it was for.")] = None,
    invoice: Annotated[
        list[str] | None, typer.Option(help="Invoice it pays: NUMBER[=AMOUNT].")
    ] = None,
    receipt: Annotated[list[str] | None, typer.Option(help="Receipt file to attach.")] = None,
    from_receipt: Annotated[
        str | None,
        typer.Option(
            "--from-receipt",
            metavar="FILE",
            help="Read date, amount and payee from this receipt (options given win) and attach it.",
        ),
    ] = None,
    reference: Annotated[str | None, typer.Option(help="Reference on the statement.")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log a payment from the card, settle invoices and attach receipts."""
    from kentcard.cli import reading
    from kentcard.services.documents import read_files
    from kentcard.services.ledger import add_money_out

    given = {"date": day(date_, "date"), "amount": money(amount, "amount"), "payee": payee}
    claims = [parse_claim(text) for text in invoice or []]
    files = list(receipt or [])
    read_files(files, "receipt")  # a missing or unreadable file: before the database
    found = None
    if from_receipt is not None:
        from kentcard.services.receipts import suggest_from_file

        rid = chosen_recipient(invoked, recipient).id
        found = suggest_from_file(context(invoked), rid, from_receipt, field="from-receipt")
        files += [] if from_receipt in files else [from_receipt]
    options = {"date": "--date", "amount": "--amount", "payee": "--payee"}
    filled = reading.fill(given, found, options, options, "the receipt")
    record = add_money_out(
        context(invoked),
        chosen_recipient(invoked, recipient).id,
        date=filled["date"],
        amount=filled["amount"],
        payee=filled["payee"],
        category=category,
        description=description,
        reference=reference,
        invoices=claims,
        receipts=files,
    )
    if found is not None:
        reading.say_what_was_read(filled, given, options, "the receipt")
    emit(record, as_json)


@money_out_app.command("delete")
@handled
def money_out_delete(
    invoked: typer.Context,
    money_out_id: Annotated[str, typer.Argument(metavar="ID", help="Money-out id.")],
) -> None:
    """Delete a payment; its receipts stay stored, and the audit log keeps what it was."""
    from kentcard.services.ledger import delete_money_out

    ident = record_id(money_out_id)
    delete_money_out(context(invoked), ident)
    typer.echo(f"Deleted money-out {ident}.")


@money_out_app.command("explain")
@handled
def money_out_explain(
    invoked: typer.Context,
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
    record = explain_missing_evidence(
        context(invoked), chosen_recipient(invoked, recipient).id, ident, text
    )
    if as_json:
        emit(record, as_json)
    elif text is None:
        typer.echo(f"Money-out {ident}: explanation removed.")
    else:
        typer.echo(f"Money-out {ident}: no receipt, explained: {text}")


@invoice_app.command("add")
@handled
def invoice_add(
    invoked: typer.Context,
    provider: Annotated[str | None, typer.Option(help="Provider's name.")] = None,
    number: Annotated[str | None, typer.Option(help="Invoice number.")] = None,
    date_: Annotated[
        str | None, typer.Option("--date", help="Invoice date (dd/mm/yyyy or YYYY-MM-DD).")
    ] = None,
    amount: Annotated[str | None, typer.Option(help="Amount due.")] = None,
    hours: Annotated[str | None, typer.Option(help="Hours charged, e.g. 20 or 7.5.")] = None,
    rate: Annotated[str | None, typer.Option(help="Hourly rate.")] = None,
    period_start: Annotated[str | None, typer.Option(help="Service period start.")] = None,
    period_end: Annotated[str | None, typer.Option(help="Service period end.")] = None,
    due: Annotated[str | None, typer.Option(help="Due date (default 30 days after).")] = None,
    file: Annotated[str | None, typer.Option(help="The invoice's PDF or photo.")] = None,
    from_file: Annotated[
        str | None,
        typer.Option(
            "--from-file",
            metavar="FILE",
            help="Read provider, number, date, amount and hours × rate from this invoice "
            "(options given win) and keep it as the invoice's file.",
        ),
    ] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a provider's invoice."""
    from kentcard.cli import reading
    from kentcard.services.documents import read_files
    from kentcard.services.invoices import InvoiceDraft, add_invoice

    given = {
        "payee": provider,
        "number": number,
        "date": day(date_, "date"),
        "amount": money(amount, "amount"),
        "hours": None if hours is None else parse_hours(hours),
        "rate": money(rate, "rate"),
    }
    period = (day(period_start, "period-start"), day(period_end, "period-end"))
    due_date = day(due, "due")
    if from_file is not None and file is not None and file != from_file:
        raise InputError("--file", "is the file --from-file reads and keeps; give only one")
    read_files([file] if file is not None else [], "file")
    found = None
    if from_file is not None:
        from kentcard.services.receipts import suggest_from_file

        rid = chosen_recipient(invoked, recipient).id
        found = suggest_from_file(context(invoked), rid, from_file, field="from-file")
        file = from_file
    options = {
        "payee": "--provider",
        "number": "--number",
        "date": "--date",
        "amount": "--amount",
        "hours": "--hours",
        "rate": "--rate",
    }
    required = ("payee", "number", "date", "amount")
    filled = reading.fill(given, found, options, required, "the invoice")
    draft = InvoiceDraft(
        provider=filled["payee"],
        number=filled["number"],
        issue_date=filled["date"],
        amount=filled["amount"],
        hours_centi=filled["hours"],
        rate=filled["rate"],
        period_start=period[0],
        period_end=period[1],
        due_date=due_date,
    )
    record = add_invoice(context(invoked), chosen_recipient(invoked, recipient).id, draft, file)
    if found is not None:
        reading.say_what_was_read(filled, given, options, "the invoice")
    emit(record, as_json)


@invoice_app.command("delete")
@handled
def invoice_delete(
    invoked: typer.Context,
    invoice_id: Annotated[str, typer.Argument(metavar="ID", help="Invoice id.")],
) -> None:
    """Delete an invoice that no payment is allocated to."""
    from kentcard.services.invoices import delete_invoice

    ident = record_id(invoice_id)
    delete_invoice(context(invoked), ident)
    typer.echo(f"Deleted invoice {ident}.")


@receipt_app.command("add")
@handled
def receipt_add(
    invoked: typer.Context,
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
        invoice_id = find_invoice(
            context(invoked), chosen_recipient(invoked, recipient).id, invoice, provider
        ).id
    record = attach_document(
        context(invoked), upload, money_out_id=payment, invoice_id=invoice_id, kind=chosen
    )
    emit(record, as_json)


@receipt_app.command("read")
@handled
def receipt_read(
    invoked: typer.Context,
    file: Annotated[str, typer.Argument(help="PDF or photo of a receipt or invoice.")],
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Suggest a receipt's date, amount and payee, read on this computer (nothing is saved)."""
    from kentcard.cli import reading
    from kentcard.services.receipts import suggest_from_file

    rid = chosen_recipient(invoked, recipient).id
    found = suggest_from_file(context(invoked), rid, file)
    if as_json:
        typer.echo(json.dumps(reading.as_json(found), ensure_ascii=False))
    else:
        typer.echo(reading.as_text(found))


@app.command("list")
@handled
def list_records(
    invoked: typer.Context,
    what: Annotated[
        str,
        typer.Argument(
            metavar="WHAT",
            help="money-in, money-out, invoices, providers, documents, employees, timesheets "
            "or payslips.",
        ),
    ],
    month: Annotated[str | None, typer.Option(help="Only this month (YYYY-MM).")] = None,
    recipient: RecipientOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List records, optionally for one month."""
    from kentcard.cli import listing

    kind = parse_choice(what, ListWhat, "list")
    chosen = parse_month(month) if month else None
    headers, rows, records = listing.rows_for(
        context(invoked), chosen_recipient(invoked, recipient).id, kind.value, chosen
    )
    if as_json:
        typer.echo(json.dumps(jsonable(records), ensure_ascii=False))
    elif not rows:
        typer.echo("Nothing to list.")
    else:
        typer.echo(
            table(
                headers,
                rows,
                right=("Amount", "Allocated", "Outstanding", "Rate", "Size", "Gross", "Net"),
            )
        )
