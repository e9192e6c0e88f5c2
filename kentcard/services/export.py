"""Export a review period: the workbook (.xlsx), CSV files, or the evidence pack (.zip).

Gathers the ledger through the same queries and services the app uses (so every figure is
the app's own), hands it to the writers in `kentcard.export`, and publishes the result
safely: created owner-only (files 0600, folders 0700), written under a temporary name in
the same folder and renamed into place, so a failure leaves no half-written file, and an
existing file is never replaced unless the caller says so.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import IO

from kentcard.core import budget as rules
from kentcard.core.dates import Month, check_date_range
from kentcard.core.errors import ConflictError, InputError, KentcardError, NotFoundError
from kentcard.core.invoices import InvoiceState
from kentcard.core.money import Money
from kentcard.core.records import Document, MoneyIn, MoneyOut, Plan, Source
from kentcard.export.book import CategoryBudget, EvidenceFile, ExceptionLine, MonthLine, ReviewBook
from kentcard.services.context import Context
from kentcard.services.documents import list_documents
from kentcard.services.review import Kind, review
from kentcard.services.summary import month_summary, outstanding
from kentcard.store import convert, queries
from kentcard.store import documents as store_documents


class Format(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    PACK = "pack"


KIND_WORDS = {
    Kind.NO_EVIDENCE: "Payments with no receipt or invoice attached",
    Kind.OUTSIDE_PLAN: "Payments not matched to the support plan",
    Kind.OVERDUE_INVOICE: "Invoices overdue",
    Kind.OVERPAID_INVOICE: "Invoices paid more than they asked for",
    Kind.HOURS_MISMATCH: "Invoices where hours × rate is not the amount",
    Kind.PAYMENT_MISSING: "Expected payments that did not arrive",
    Kind.PAYMENT_LATE: "Payments that arrived more than 5 days late",
    Kind.PAYMENT_SHORT: "Payments less than expected",
    Kind.OVERSPENT: "Months where spending was more than the budget",
    Kind.SURPLUS: "Possible surplus above the retained allowance",
}
_SOURCE_WHO = {Source.KCC: "KCC", Source.CONTRIBUTION: "Contribution", Source.REFUND: "Refund"}


def default_name(start: date, end: date, fmt: Format) -> str:
    """`kentcard-review_2026-05-01_2026-10-31.xlsx` (`.zip` for a pack, a `-csv` folder)."""
    suffix = {Format.XLSX: ".xlsx", Format.PACK: ".zip", Format.CSV: "-csv"}[fmt]
    return f"kentcard-review_{start.isoformat()}_{end.isoformat()}{suffix}"


def export(
    ctx: Context,
    recipient_id: int,
    start: date,
    end: date,
    fmt: Format,
    out_path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
) -> Path:
    """Write the export for [start, end] to `out_path`; returns the path written."""
    target = Path(out_path)
    _refuse_existing(target, overwrite)
    book = gather(ctx, recipient_id, start, end)
    _make_folder(target.parent)
    if fmt is Format.CSV:
        from kentcard.export.csv import write_csv_files

        _publish_folder(target, overwrite, lambda folder: write_csv_files(book, folder))
    elif fmt is Format.PACK:
        from kentcard.export.pack import write_pack

        reader = _content_reader(ctx)
        _publish_file(target, overwrite, lambda handle: write_pack(book, reader, handle))
    else:
        from kentcard.export.xlsx import write_workbook

        _publish_file(target, overwrite, lambda handle: write_workbook(book, handle))
    return target


def gather(ctx: Context, recipient_id: int, start: date, end: date) -> ReviewBook:
    """Everything the export shows for one person and period, read from the ledger."""
    check_date_range(start, "from")
    check_date_range(end, "to")
    if end < start:
        raise InputError("to", "is before --from")
    today = ctx.today()
    if start > today:
        raise InputError("from", "is after today; a review covers days that have passed")
    balance_day = min(end, today)
    with ctx.db.read() as session:
        person = next(
            (p for p in queries.recipients(session=session) if p.id == recipient_id), None
        )
        if person is None:
            raise NotFoundError(f"recipient {recipient_id} does not exist")
        plans = queries.plans(session=session, recipient_id=recipient_id)
        ins = queries.money_in(session=session, recipient_id=recipient_id, start=start, end=end)
        outs = queries.money_out(session=session, recipient_id=recipient_id, start=start, end=end)
        # Invoices as they stood on the balance day: what was issued and paid by then.
        pairs = queries.invoices_with_allocated(
            session=session, recipient_id=recipient_id, issued_by=balance_day
        )
        allocations = [
            convert.allocation(row)
            for row in queries.allocations_for_recipient(
                session=session, recipient_id=recipient_id, paid_by=balance_day
            )
        ]
        opening = queries.balance_on(
            session=session, recipient_id=recipient_id, day=start - timedelta(days=1)
        )
        balance = queries.balance_on(session=session, recipient_id=recipient_id, day=balance_day)
        owed = outstanding(session, recipient_id, balance_day)
    paid_here = _ids_paid_by(allocations, outs)
    states = [
        InvoiceState(invoice, paid, today)
        for invoice, paid in pairs
        if invoice.issue_date <= end
        and (
            invoice.issue_date >= start
            or (invoice.amount - paid).pence > 0
            or invoice.id in paid_here
        )
    ]
    invoice_ids = {s.invoice.id for s in states}
    payment_ids = {m.id for m in outs}
    months = _months(ctx, recipient_id, start, end)
    return ReviewBook(
        person=person,
        start=start,
        end=end,
        balance_on=balance_day,
        opening_balance=opening,
        retained=rules.surplus(
            balance, owed, _plan_for(plans, balance_day), person.retained_weeks
        ).retained,
        money_in=tuple(ins),
        money_out=tuple(outs),
        invoices=tuple(states),
        allocations=tuple(
            a for a in allocations if a.money_out_id in payment_ids or a.invoice_id in invoice_ids
        ),
        evidence=_evidence(list_documents(ctx, recipient_id), ins, outs, states),
        months=tuple(months),
        categories=_categories(plans, start, end, ins, outs),
        exceptions=tuple(
            ExceptionLine(f.date, f.kind.value, f.message, f.record, f.amount)
            for f in review(ctx, recipient_id, start, end)
        ),
        exception_kinds=tuple((kind.value, words) for kind, words in KIND_WORDS.items()),
    )


def _ids_paid_by(allocations: list, outs: list[MoneyOut]) -> set[int]:  # type: ignore[type-arg]
    paying = {m.id for m in outs}
    return {a.invoice_id for a in allocations if a.money_out_id in paying}


def _plan_for(plans: list[Plan], day: date) -> Plan | None:
    """The plan in force on `day`, or else the latest that started before it (as the app does)."""
    found = rules.plan_on(plans, day)
    earlier = [p for p in plans if p.start <= day]
    return found or (earlier[-1] if earlier else None)


def _months(ctx: Context, recipient_id: int, start: date, end: date) -> list[MonthLine]:
    lines = []
    month, last = Month.of(start), Month.of(end)
    while month <= last:
        s = month_summary(ctx, recipient_id, month)
        received = Money(sum(m.pence for m in s.received.values()))
        lines.append(MonthLine(month.first, s.budget, s.spent, received, s.balance))
        month = month.shift(1)
    return lines


def _categories(
    plans: list[Plan], start: date, end: date, ins: list[MoneyIn], outs: list[MoneyOut]
) -> tuple[CategoryBudget, ...]:
    """Budget lines first (summed over the months), then other categories spent in, then none."""
    budgets: dict[str, Money] = {}
    names: dict[str, str] = {}
    month, last = Month.of(start), Month.of(end)
    while month <= last:
        for category, amount in rules.category_budgets(plans, month).items():
            name = names.setdefault(category.casefold(), category)
            budgets[name] = budgets.get(name, Money(0)) + amount
        month = month.shift(1)
    used = [m.category for m in outs] + [m.category for m in ins if m.source is Source.REFUND]
    extra: dict[str, str] = {}
    for spent_in in used:
        if spent_in is not None and spent_in.casefold() not in names:
            extra.setdefault(spent_in.casefold(), spent_in)
    lines = [CategoryBudget(name, amount) for name, amount in budgets.items()]
    lines += [CategoryBudget(name, Money(0)) for name in sorted(extra.values(), key=str.casefold)]
    if None in used:
        lines.append(CategoryBudget(None, Money(0)))
    return tuple(lines)


def _evidence(
    documents: list[Document], ins: list[MoneyIn], outs: list[MoneyOut], states: list[InvoiceState]
) -> tuple[EvidenceFile, ...]:
    """Each document linked to an exported record, named after the first such record."""
    from kentcard.export.pack import evidence_name, unique

    labels: dict[str, tuple[date, str, str]] = {}
    for m in outs:
        labels[f"money-out:{m.id}"] = (m.date, m.payee, f"money-out-{m.id}")
    for s in states:
        inv = s.invoice
        labels[f"invoice:{inv.id}"] = (inv.issue_date, inv.provider_name, inv.number)
    for i in ins:
        labels[f"money-in:{i.id}"] = (
            i.date,
            _SOURCE_WHO.get(i.source, "Money-in"),
            f"money-in-{i.id}",
        )
    named = []
    for doc in documents:
        tag = next((t for t in doc.links if t in labels), None)
        if tag is not None:
            named.append((evidence_name(*labels[tag], doc), doc))
    named.sort(key=lambda pair: (pair[0], pair[1].id))
    names = unique(name for name, _ in named)
    return tuple(EvidenceFile(doc, name) for name, (_, doc) in zip(names, named, strict=True))


def _content_reader(ctx: Context) -> Callable[[Document], bytes]:
    def read(document: Document) -> bytes:
        with ctx.db.read() as session:
            content = store_documents.content_of(session=session, sha256=document.sha256)
        if content is None or hashlib.sha256(content).hexdigest() != document.sha256:
            raise KentcardError(
                f"document {document.id}: the stored file is damaged (its hash does not match); "
                "run kentcard verify"
            )
        return content

    return read


def _refuse_existing(target: Path, overwrite: bool) -> None:
    if os.path.lexists(target) and not overwrite:
        raise ConflictError(
            f"out: {target} already exists; choose another --out, or add --overwrite to replace it"
        )


def _make_folder(folder: Path) -> None:
    """Create the output folder (and its parents) owner-only if it is not there yet."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def _publish_file(target: Path, overwrite: bool, write: Callable[[IO[bytes]], None]) -> None:
    """Write into a 0600 temporary file beside `target`, then move it into place."""
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        _move_into_place(Path(temporary), target, overwrite)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _move_into_place(temporary: Path, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # fails if `target` appeared meanwhile: never overwrites
    except FileExistsError:
        _refuse_existing(target, overwrite=False)
        raise
    except OSError:  # a file system without hard links (FAT, some network drives)
        _refuse_existing(target, overwrite=False)
        os.rename(temporary, target)
        return
    temporary.unlink()


def _publish_folder(target: Path, overwrite: bool, write: Callable[[Path], object]) -> None:
    """Write the files into a 0700 temporary folder beside `target`, then rename it."""
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    old: Path | None = None
    try:
        write(temporary)
        if os.path.lexists(target):
            _refuse_existing(target, overwrite)
            old = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
            )
            os.replace(target, old / "previous")
        os.rename(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        if old is not None and (old / "previous").exists() and not os.path.lexists(target):
            os.replace(old / "previous", target)  # put back what was there
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
