"""Export a review period: the workbook (.xlsx), CSV files, or the evidence pack (.zip).

Gathers the ledger through the same queries and services the app uses (so every figure is
the app's own), hands it to the writers in `kentcard.export`, and publishes the result
safely: created owner-only (files 0600, folders 0700), written under a temporary name in
the same folder and renamed into place, so a failure leaves no half-written file, and an
existing file is never replaced unless the caller says so. Every temporary file lives in
the export's private scratch folder or under a `.part` name noted there (see
`kentcard.export.scratch`), so even a killed export leaves nothing for long.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import IO

from kentcard.core import budget as rules
from kentcard.core import words
from kentcard.core.dates import check_date_range
from kentcard.core.employment.checks import EmploymentRecords
from kentcard.core.employment.holiday import holiday_balance, leave_year
from kentcard.core.employment.insurance import uncovered_runs
from kentcard.core.employment.pay import lines_in
from kentcard.core.employment.records import (
    MINIMUM_WAGE_KINDS,
    Payslip,
    TimesheetLine,
    WorkKind,
)
from kentcard.core.employment.words import date_words, payslip_words
from kentcard.core.errors import ConflictError, InputError, KentcardError
from kentcard.core.expected import check_expected
from kentcard.core.lines import DocumentLine, InvoiceLine, MoneyOutLine
from kentcard.core.money import Money, round_half_up
from kentcard.core.records import MoneyIn, Source
from kentcard.export import scratch
from kentcard.export.book import (
    CategoryBudget,
    EmploymentPart,
    EvidenceFile,
    Expected,
    Figure,
    FindingLine,
    MonthLine,
    PayslipLine,
    ReviewBook,
)
from kentcard.services.balance_check import balance_mismatch
from kentcard.services.context import Context
from kentcard.services.period import RECEIVED, PeriodLedger, Progress, read_period
from kentcard.services.review import (
    PA_KINDS,
    Finding,
    Kind,
    balance_findings_of,
    findings_in,
    kind_heading,
    pa_findings,
    review_order,
    statement_status,
)

RECEIVED_WORDS = {
    Source.KCC: "Received from KCC",
    Source.CONTRIBUTION: "Received: your contribution",
    Source.REFUND: "Received: refunds from providers",
    Source.OTHER: "Received: other",
}


class Format(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    PACK = "pack"


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
    progress: Progress | None = None,
) -> Path:
    """Write the export for [start, end] to `out_path`; returns the path written.

    `progress(share, what)` is called now and then with the share done (0 to 1) and what
    is being done, from the thread doing the export.
    """
    target = Path(out_path)
    _refuse_existing(target, overwrite)
    step = progress or (lambda _share, _what: None)
    book = gather(ctx, recipient_id, start, end, progress=step)
    _make_folder(target.parent)
    db_file = _database_file(ctx)
    scratch.clean_leftovers(db_file)  # what an export killed before this one left
    with scratch.workspace(db_file) as work:
        _write(ctx, book, fmt, target, overwrite, work, step)
    step(1.0, "Done")
    return target


def _database_file(ctx: Context) -> Path | None:
    from kentcard.store.engine import sqlite_path

    return sqlite_path(ctx.db.url)


def _write(
    ctx: Context,
    book: ReviewBook,
    fmt: Format,
    target: Path,
    overwrite: bool,
    work: scratch.Workspace,
    step: Progress,
) -> None:
    writing = {Format.XLSX: "Writing the workbook", Format.CSV: "Writing the CSV files",
               Format.PACK: "Writing the workbook and evidence pack"}[fmt]  # fmt: skip
    step(0.3, writing)

    def written(share: float) -> None:
        step(0.3 + 0.69 * share, writing)

    if fmt is Format.CSV:
        from kentcard.export.csv import write_csv_files

        _publish_folder(target, overwrite, lambda folder: write_csv_files(book, folder), work)
    elif fmt is Format.PACK:
        from kentcard.export.pack import write_pack

        reader = _content_reader(ctx)
        _publish_file(
            target, overwrite, lambda out: write_pack(book, reader, out, written, work.folder), work
        )
    else:
        from kentcard.export.xlsx import write_workbook

        _publish_file(
            target, overwrite, lambda out: write_workbook(book, out, written, work.folder), work
        )


def gather(
    ctx: Context,
    recipient_id: int,
    start: date,
    end: date,
    progress: Progress | None = None,
) -> ReviewBook:
    """Everything the export shows for one recipient and period, read from the ledger once."""
    check_date_range(start, "from")
    check_date_range(end, "to")
    if end < start:
        raise InputError("to", "is before --from")
    if start > ctx.today():
        raise InputError("from", "is after today; a review covers days that have passed")
    ledger = read_period(ctx, recipient_id, start, end, documents=True, progress=progress)
    if progress:
        progress(0.25, "Finding what a reviewer would query")
    check = balance_mismatch(ctx, recipient_id, start, end)
    from kentcard.services.employment import findings_of  # the PA tables: only when asked

    employed, employment_refs = _employment_records(ctx, recipient_id)
    findings = findings_in(ledger) + balance_findings_of(check)
    findings += pa_findings(findings_of(employed, start, end, ctx.today()))
    findings.sort(key=review_order)
    as_at = ledger.as_at
    paid = ledger.paid(as_at)
    invoices = _invoices_shown(ledger, paid)
    shown_ids = {i.id for i in invoices}
    payment_ids = {m.id for m in ledger.money_out}
    period_in = ledger.period_in
    plan = ledger.plan_for(as_at)
    months = [
        MonthLine(
            m.first,
            m.last,
            m.label(short=True),
            m.budget,
            m.spent,
            m.money_in,
            m.paid_out,
            m.balance,
        )
        for m in ledger.months
    ]
    categories = _categories(ledger, period_in)
    finding_lines = [
        FindingLine(f.date, kind_heading(f.kind), f.message, f.about, f.amount) for f in findings
    ]
    expected = _expected(ledger)
    outstanding = ledger.outstanding(as_at)
    pay = _pay_lines(employed, start, end)
    employment_labels, about = _employment_labels(employed, pay, employment_refs, start, end)
    documents = _with_employment_links(ledger.documents, employment_refs, employment_labels)
    evidence = _evidence(documents, period_in, ledger.money_out, invoices, employment_labels)
    return ReviewBook(
        recipient=ledger.recipient,
        start=start,
        end=end,
        today=ledger.today,
        as_at=as_at,
        opening_balance=ledger.opening,
        closing_balance=ledger.balance,
        outstanding=outstanding,
        retained=ledger.retained,
        weekly_budget=rules.weekly_budget(plan) if plan else Money(0),
        plans=[p for p in ledger.plans if p.start <= end and (p.end is None or p.end >= start)],
        expected=expected,
        statement_status=statement_status(check),
        money_in=period_in,
        money_out=ledger.money_out,
        invoices=invoices,
        paid=paid,
        allocations=[
            a
            for a in ledger.allocations
            if a.money_out_id in payment_ids or a.invoice_id in shown_ids
        ],
        evidence=evidence,
        months=months,
        categories=categories,
        findings=finding_lines,
        finding_kinds=tuple(
            kind_heading(kind) for kind in Kind if employed.employees or kind not in PA_KINDS
        ),
        figures=_figures(ledger, months, findings, outstanding),
        employment=_employment_part(employed, pay, evidence, about, start, end),
    )


def _expected(ledger: PeriodLedger) -> tuple[Expected, ...]:
    """Each source's payments due in the period up to the as-at date, against what came."""
    due: dict[Source, list[int]] = {Source.KCC: [0, 0, 0, 0], Source.CONTRIBUTION: [0, 0, 0, 0]}
    for check in check_expected(ledger.plans, ledger.money_in, ledger.as_at):
        if not ledger.start <= check.due <= ledger.as_at:
            continue
        counts = due[check.source]
        counts[0] += 1
        counts[1] += check.expected.pence
        if check.received is not None:
            counts[2] += 1
            counts[3] += check.received.amount.pence
    return tuple(
        Expected(words.source_words(source.value), n, Money(pence), got, Money(got_pence))
        for source, (n, pence, got, got_pence) in due.items()
        if n or got
    )


def _figures(
    ledger: PeriodLedger, months: list[MonthLine], findings: list[Finding], outstanding: Money
) -> tuple[Figure, ...]:
    """The key figures as the app works them out (the workbook's are formulas over its sheets)."""
    recipient = ledger.recipient
    received = {s: Money(0) for s in RECEIVED}
    for m in ledger.months:
        for source, amount in m.received.items():
            received[source] = received[source] + amount
    budget = Money(sum(m.budget.pence for m in months))
    spent = Money(sum(m.spent.pence for m in months))
    opening_in = Money(sum(m.amount.pence for m in ledger.period_in if m.source is Source.OPENING))
    paid_out = Money(sum(m.paid_out.pence for m in months))
    surplus = rules.Surplus(ledger.balance, outstanding, ledger.retained).possible
    counts: dict[Kind, int] = dict.fromkeys(Kind, 0)
    for f in findings:
        counts[f.kind] += 1
    lines = [
        Figure("Person", recipient.name),
        Figure("KCC reference", recipient.kcc_ref or "not recorded"),
        Figure("Kent Card ending", recipient.card_last4 or "not recorded"),
        Figure("Period from", words.uk_date(ledger.start)),
        Figure("Period to", words.uk_date(ledger.end)),
        Figure("Figures as at", words.uk_date(ledger.as_at)),
        Figure("Brought forward", ledger.opening),
    ]
    lines += [Figure(RECEIVED_WORDS[source], amount) for source, amount in received.items()]
    if opening_in.pence:
        lines.append(Figure("Opening balance entered in the period", opening_in))
    lines += [
        Figure("Paid out from the card", paid_out),
        Figure("Carried forward", ledger.balance),
        Figure("Budget for the period", budget),
        Figure("Spent (paid out less refunds)", spent),
        Figure("Remaining", budget - spent),
        Figure("Invoices still to pay", outstanding),
        Figure("Retained allowance", ledger.retained),
        Figure("Possible surplus", surplus),
    ]
    lines += [Figure(kind_heading(kind), n) for kind, n in counts.items()]
    return tuple(lines)


def _invoices_shown(ledger: PeriodLedger, paid: dict[int, int]) -> list[InvoiceLine]:
    """Invoices as they stood on the as-at day: issued in the period, still owed on it,
    or paid by one of the period's payments."""
    payments = {m.id for m in ledger.money_out}
    paid_here = {a.invoice_id for a in ledger.allocations if a.money_out_id in payments}
    return [
        i
        for i in ledger.invoices
        if i.issue_date >= ledger.start or i.pence > paid.get(i.id, 0) or i.id in paid_here
    ]


def _categories(ledger: PeriodLedger, period_in: list[MoneyIn]) -> tuple[CategoryBudget, ...]:
    """Budget lines first (summed over the period's days), then other categories, then none."""
    budgets: dict[str, Money] = {}
    names: dict[str, str] = {}
    for month in ledger.months:
        for category, amount in rules.category_budgets_between(
            ledger.plans, month.first, month.last
        ).items():
            name = names.setdefault(category.casefold(), category)
            budgets[name] = budgets.get(name, Money(0)) + amount
    used = {m.category for m in ledger.money_out}
    used |= {m.category for m in period_in if m.source is Source.REFUND}
    extra: dict[str, str] = {}
    for spent_in in sorted(c for c in used if c is not None):
        if spent_in.casefold() not in names:
            extra.setdefault(spent_in.casefold(), spent_in)
    lines = [CategoryBudget(name, amount) for name, amount in budgets.items()]
    lines += [CategoryBudget(name, Money(0)) for name in sorted(extra.values(), key=str.casefold)]
    if None in used:
        lines.append(CategoryBudget(None, Money(0)))
    return tuple(lines)


def _evidence(
    documents: list[DocumentLine],
    ins: list[MoneyIn],
    outs: list[MoneyOutLine],
    invoices: list[InvoiceLine],
    employment: dict[str, tuple[date, str, str | None]],
) -> tuple[EvidenceFile, ...]:
    """Each document linked to an exported record, named after the first such record and
    what the file is: `2026-06-17_Sam-Taylor_payslip.pdf`, `2026-05-01_Bright-Homecare_INV-7.pdf`
    (an invoice's own file is named by its number). A document is in the pack once, however
    many records it proves: a payslip that is also its wage payment's evidence is one file."""
    from kentcard.export.pack import evidence_name, unique

    labels: dict[str, tuple[date, str, str | None]] = dict(employment)
    for m in outs:
        labels[f"money-out:{m.id}"] = (m.date, m.payee, None)
    for inv in invoices:
        labels[f"invoice:{inv.id}"] = (inv.issue_date, inv.provider_name, inv.number)
    for i in ins:
        labels[f"money-in:{i.id}"] = (i.date, words.source_words(i.source.value), None)
    named = []
    for doc in documents:
        for tag in doc.links:
            if tag in labels:
                day, who, what = labels[tag]
                named.append((evidence_name(day, who, what or doc.kind, doc), doc))
                break
    named.sort(key=lambda pair: (pair[0], pair[1].id))
    names = unique(name for name, _ in named)
    return tuple(EvidenceFile(doc, name) for name, (_, doc) in zip(names, named, strict=True))


# --- employing a PA -------------------------------------------------------------------------

EmploymentRef = tuple[int, str, str]  # (document id, kind of record, record tag)
Label = tuple[date, str, str | None]  # what a document is named after: day, who, what


def _employment_records(
    ctx: Context, recipient_id: int
) -> tuple[EmploymentRecords, list[EmploymentRef]]:
    """The person's employment records and the documents attached to them, in one read."""
    from kentcard.store import employment as store_employment  # its tables: only when asked

    with ctx.db.read() as session:
        found = store_employment.records(session=session, recipient_id=recipient_id)
        if not found.employees:
            return found, []
        return found, store_employment.evidence(session=session, recipient_id=recipient_id)


def _hours_column(kind: WorkKind) -> int:
    """0 care and other paid time, 1 asleep on a sleep-in, 2 holiday, 3 sick."""
    if kind in MINIMUM_WAGE_KINDS:
        return 0
    return {WorkKind.SLEEP_IN: 1, WorkKind.HOLIDAY: 2, WorkKind.SICK: 3}[kind]


def _shown_payslip(slip: Payslip, start: date, end: date) -> bool:
    """Paid in the period, or for days in it."""
    return start <= slip.paid_on <= end or (slip.period_start <= end and slip.period_end >= start)


def _pay_lines(found: EmploymentRecords, start: date, end: date) -> tuple[PayslipLine, ...]:
    """Each payslip paid in the period or for days in it, by PA and then period, with its
    period's timesheet time by kind, its card payment and the PA's holiday so far."""
    names = {e.id: e.name for e in found.employees}
    people = {e.id: e for e in found.employees}
    payments = {p.id: p for p in found.payments}
    shown = []
    for slip in found.payslips:
        if not _shown_payslip(slip, start, end):
            continue
        minutes = [0, 0, 0, 0]
        for line in lines_in(found.lines, slip):
            minutes[_hours_column(line.kind)] += line.minutes
        balance = holiday_balance(
            people[slip.employee_id], found.rates, found.lines, slip.period_end
        )
        if balance is None:  # no pay rate on the period's last day
            year, taken, left = leave_year(slip.period_end, (4, 1)), 0, 0
        else:
            year, taken, allowed = balance
            left = round_half_up(allowed - taken)
        card = None if slip.money_out_id is None else payments.get(slip.money_out_id)
        if card is not None and card.employee_id != slip.employee_id:
            card = None  # as the checks see it: not a payment to this PA
        work, asleep, holiday, sick = minutes
        shown.append(
            PayslipLine(
                slip, names[slip.employee_id], work, asleep, holiday, sick, card, year, taken, left
            )
        )
    shown.sort(key=lambda p: (p.pa.casefold(), p.payslip.period_start, p.payslip.id))
    return tuple(shown)


def _employment_labels(
    found: EmploymentRecords,
    pay: Sequence[PayslipLine],
    refs: list[EmploymentRef],
    start: date,
    end: date,
) -> tuple[dict[str, Label], dict[str, str]]:
    """For each employment record in the period that a document is attached to: what its
    file is named after, and the record in words (for the Evidence sheet)."""
    names = {e.id: e.name for e in found.employees}
    wanted = {tag for _, _, tag in refs}
    labels: dict[str, Label] = {}
    about: dict[str, str] = {}

    def add(tag: str, label: Label, words_: str) -> None:
        if tag in wanted:
            labels[tag], about[tag] = label, words_

    for e in found.employees:
        if e.start <= end and (e.end is None or e.end >= start):
            add(f"employee:{e.id}", (e.start, e.name, "contract"), f"Contract, {e.name}")
    for i in found.insurances:
        if i.start <= end and i.renewal > start:
            policy = f", policy {i.policy}" if i.policy else ""
            add(
                f"insurance:{i.id}",
                (i.start, i.insurer, "insurance-certificate"),
                f"Employer's liability insurance, {i.insurer}{policy}",
            )
    periods = [(p.payslip.employee_id, p.payslip.period_start, p.payslip.period_end) for p in pay]
    for line in found.lines:
        if start <= line.day <= end or _in_periods(line, periods):
            name = names[line.employee_id]
            add(
                f"timesheet-line:{line.id}",
                (line.day, name, "timesheet"),
                f"Timesheet {date_words(line.day)}, {name}",
            )
    for p in pay:
        s = p.payslip
        add(
            f"payslip:{s.id}",
            (s.paid_on, p.pa, "payslip"),
            payslip_words(s.period_start, s.period_end, p.pa),
        )
    return labels, about


def _in_periods(line: TimesheetLine, periods: list[tuple[int, date, date]]) -> bool:
    return any(who == line.employee_id and a <= line.day <= b for who, a, b in periods)


def _with_employment_links(
    documents: list[DocumentLine], refs: list[EmploymentRef], labels: dict[str, Label]
) -> list[DocumentLine]:
    """The documents with the employment records in the period they are attached to added
    to their links, after the ledger's (a payslip that proves a payment stays named after it)."""
    extra: dict[int, list[str]] = {}
    for document_id, _, tag in refs:
        if tag in labels:
            extra.setdefault(document_id, []).append(tag)
    if not extra:
        return documents
    return [d._replace(links=(*d.links, *extra[d.id])) if d.id in extra else d for d in documents]


def _employment_part(
    found: EmploymentRecords,
    pay: tuple[PayslipLine, ...],
    evidence: tuple[EvidenceFile, ...],
    about: dict[str, str],
    start: date,
    end: date,
) -> EmploymentPart | None:
    """The PA employment sheet's records; None when no PA was employed in the period and
    no payslip is shown (the workbook then has no such sheet)."""
    employed = [e for e in found.employees if e.start <= end and (e.end is None or e.end >= start)]
    if not employed and not pay:
        return None
    certificates: dict[int, str] = {}
    for item in evidence:
        for tag in item.document.links:
            if tag.startswith("insurance:"):
                certificates.setdefault(int(tag.partition(":")[2]), item.pack_name)
    return EmploymentPart(
        payslips=pay,
        insurances=tuple(i for i in found.insurances if i.start <= end and i.renewal > start),
        uncovered=tuple(uncovered_runs(found.employees, found.insurances, start, end)),
        certificates=certificates,
        about=about,
    )


def _content_reader(ctx: Context) -> Callable[[EvidenceFile], bytes]:
    from kentcard.store import documents as store_documents  # the pack only: ORM models

    def read(item: EvidenceFile) -> bytes:
        document = item.document
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


def _publish_file(
    target: Path, overwrite: bool, write: Callable[[IO[bytes]], None], work: scratch.Workspace
) -> None:
    """Write into a 0600 temporary file beside `target`, then move it into place."""
    temporary = work.partial(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(temporary, flags | getattr(os, "O_BINARY", 0), 0o600)
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


def _publish_folder(
    target: Path, overwrite: bool, write: Callable[[Path], object], work: scratch.Workspace
) -> None:
    """Write the files into a 0700 temporary folder beside `target`, then rename it."""
    temporary = work.partial(target)
    temporary.mkdir(mode=0o700)
    old: Path | None = None
    try:
        write(temporary)
        if os.path.lexists(target):
            _refuse_existing(target, overwrite)
            old = work.partial(target, ".old")
            old.mkdir(mode=0o700)
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
