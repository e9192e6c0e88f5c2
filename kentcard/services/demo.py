"""A realistic sample year in `db/demo.sqlite3`, built through the services like real use.

The demo file is the only file this module ever writes or deletes: peers' users lost real data
to a demo that overwrote it, so every path is checked before anything is touched.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

from kentcard.core.dates import Month
from kentcard.core.errors import KentcardError
from kentcard.core.money import Money, format_plain
from kentcard.core.records import DocumentKind, Frequency, PlanLine, ProviderKind, Source
from kentcard.services import (
    documents,
    invoices,
    ledger,
    plans,
    providers,
    recipients,
    statement_import,
)
from kentcard.services.context import Context
from kentcard.services.settings import DEMO_DB, Settings

AGENCY, PA, SHOP, CLUB = (
    "Bright Homecare Ltd",
    "Sam Taylor (PA)",
    "Kent Mobility",
    "Riverside Day Centre",
)
AGENCY_RATE = Money(2800)
PA_PAY = Money(35000)
HOURS = (2300, 2350, 2250, 2400, 2325, 2300, 2275, 2350, 2400, 2300, 2250, 2325, 2350, 2300)
EQUIPMENT = [
    (40, "Bath seat", 4599, True),
    (120, "Grab rails", 3250, True),
    (200, "Kettle tipper", 2199, False),
]


def demo_path(cwd: Path) -> Path:
    return cwd / DEMO_DB


def fresh_demo_file(path: Path, real_db: str) -> None:
    """Delete the old demo file (and its WAL files), refusing anything that is not it."""
    if path.name != DEMO_DB.name or path.parent.name != DEMO_DB.parent.name:
        raise KentcardError(f"demo: refusing to touch {path}; the demo only uses {DEMO_DB}")
    real = Path(real_db)
    if "://" not in real_db and real.exists() and path.exists() and os.path.samefile(real, path):
        raise KentcardError("demo: your database is the demo file; choose another with --db")
    for victim in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if victim.is_symlink() or (victim.exists() and not victim.is_file()):
            raise KentcardError(f"demo: {victim} is not an ordinary file; not touching it")
        victim.unlink(missing_ok=True)


def demo_settings(settings: Settings, cwd: Path) -> Settings:
    """Settings for the demo file: the same clock and exports, and no start-up backups of it."""
    changes: dict[str, object] = {"db": str(demo_path(cwd))}
    if "keep_daily" in {f.name for f in dataclasses.fields(Settings)}:
        changes["keep_daily"] = 0
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]


def build_demo(ctx: Context) -> None:
    """A four-weekly plan and a year of care spending, ending today."""
    today = ctx.today()
    start = Month.of(today).shift(-11).first
    recipient = recipients.setup_recipient(
        ctx,
        name="Jo Bloggs",
        kcc_ref="DP123456",
        card_last4="1234",
        opening_balance=Money(31240),
        as_of=start - timedelta(days=1),
    )
    rid = recipient.id
    lines = [("Home care", 65000), ("Personal assistant", 35000), ("Equipment", 5000)]
    plans.set_plan(
        ctx,
        rid,
        start=start,
        frequency=Frequency.FOUR_WEEKLY,
        council=Money(100000),
        contribution=Money(8400),
        lines=[PlanLine(c, Money(p)) for c, p in [*lines, ("Activities", 3400)]],
        first_payment=start + timedelta(days=2),
    )
    kinds = [
        (AGENCY, ProviderKind.AGENCY, AGENCY_RATE, "Home care"),
        (PA, ProviderKind.PA, None, "Personal assistant"),
        (SHOP, ProviderKind.EQUIPMENT, None, "Equipment"),
        (CLUB, ProviderKind.DAY_SERVICE, None, "Activities"),
    ]
    for name, kind, rate, category in kinds:
        providers.add_provider(ctx, rid, name=name, kind=kind, rate=rate, category=category)
    with tempfile.TemporaryDirectory(prefix="kentcard-demo-") as folder:
        _periods(ctx, rid, start, today, Path(folder))
        _extras(ctx, rid, start, today, Path(folder))
    statement_import.import_statement(
        ctx, rid, sample_statement(ctx, rid, today).encode(), filename="kent-card-statement.csv"
    )


STATEMENT_DAYS = 35  # the sample card statement covers the last five weeks
NEW_ON_STATEMENT = ("TESCO STORES 2841", -845, 6)  # a card payment nobody logged, days ago
UNSURE_CREDIT = ("FASTER PAYMENT J BLOGGS", 2000, 3)  # money in the app cannot place


def sample_statement(ctx: Context, rid: int, today: date) -> str:
    """The card statement of the last five weeks, as the Kent Card portal downloads it.

    Every entry logged in those weeks is on it, so they match; one card payment nobody
    logged comes in as new ("from statement"), and one credit needs a decision on the
    Reconcile screen. The running balance runs on from the ledger's balance before.
    """
    first = today - timedelta(days=STATEMENT_DAYS)
    ins = ledger.list_money_in(ctx, rid)
    outs = ledger.list_money_out(ctx, rid)
    balance = sum(m.amount.pence for m in ins if m.date < first)
    balance -= sum(m.amount.pence for m in outs if m.date < first)
    lines = [(m.date, "Kent County Council" if m.source is Source.KCC else "Jo Bloggs",
              "DIRECT PAYMENT LOAD" if m.source is Source.KCC else "CONTRIBUTION LOAD",
              m.amount.pence) for m in ins if m.date >= first]  # fmt: skip
    lines += [(m.date, m.payee, (m.description or "CARD PAYMENT").upper(), -m.amount.pence)
              for m in outs if m.date >= first]  # fmt: skip
    for who, pence, days_ago in (NEW_ON_STATEMENT, UNSURE_CREDIT):
        lines.append((today - timedelta(days=days_ago), "", who, pence))
    rows = ["Transaction Date,Merchant Name,Description,Amount,Balance"]
    for day, name, words, pence in sorted(lines, key=lambda line: (line[0], -line[3])):
        balance += pence
        rows.append(
            f"{day:%d/%m/%Y},{name},{words.replace(',', ' ')},"
            f"{format_plain(Money(pence))},{format_plain(Money(balance))}"
        )
    return "\r\n".join(rows) + "\r\n"


def _periods(ctx: Context, rid: int, start: date, today: date, folder: Path) -> None:
    """Each four weeks: KCC and contribution in, an agency invoice paid, the PA paid."""
    for n in range(14):
        pay_day = start + timedelta(days=2 + 28 * n)
        if pay_day > today:
            break
        if n != 6:  # one KCC payment never arrived
            ledger.add_money_in(
                ctx, rid, date=pay_day, amount=Money(100000), source=Source.KCC, reference="KCC DP"
            )
        if pay_day + timedelta(days=1) <= today:  # nothing in the demo is dated after today
            ledger.add_money_in(
                ctx,
                rid,
                date=pay_day + timedelta(days=1),
                amount=Money(8400),
                source=Source.CONTRIBUTION,
            )
        _agency_invoice(ctx, rid, n, pay_day, today, folder)
        _pa_pay(ctx, rid, n, pay_day + timedelta(days=25), today, folder)


def _agency_invoice(
    ctx: Context, rid: int, n: int, pay_day: date, today: date, folder: Path
) -> None:
    issued = pay_day + timedelta(days=18)
    if issued > today:
        return
    hours = HOURS[n]
    amount = Money(hours * AGENCY_RATE.pence // 100)
    number = f"BH-{2401 + n}"
    pdf = folder / f"{number}.pdf"
    pdf.write_bytes(_pdf(f"Bright Homecare Ltd invoice {number}: {hours / 100:g} hours at 28.00"))
    draft = invoices.InvoiceDraft(
        provider=AGENCY,
        number=number,
        issue_date=issued,
        amount=amount,
        hours_centi=hours,
        rate=AGENCY_RATE,
        period_start=issued - timedelta(days=28),
        period_end=issued - timedelta(days=1),
        due_date=issued + timedelta(days=14),
    )
    invoices.add_invoice(ctx, rid, draft, pdf)
    paid = issued + timedelta(days=7)
    if paid <= today:
        short = AGENCY_RATE if n == 9 else Money(0)  # one invoice left part-paid: overdue
        ledger.add_money_out(
            ctx,
            rid,
            date=paid,
            amount=amount - short,
            payee=AGENCY,
            description=f"Care {draft.period_start} to {draft.period_end}",
            invoices=[ledger.InvoiceClaim(number)],
        )


def _pa_pay(ctx: Context, rid: int, n: int, day: date, today: date, folder: Path) -> None:
    if day > today:
        return
    out = ledger.add_money_out(
        ctx, rid, date=day, amount=PA_PAY, payee=PA, description="PA wages, 4 weeks"
    )
    if n % 5 == 4:
        return  # a payslip not yet filed
    slip = folder / f"payslip-{day}.txt"
    slip.write_text(
        f"Payslip for Sam Taylor\nPeriod ending {day}\nNet pay {format_plain(PA_PAY)}\n"
    )
    documents.attach_document(ctx, slip, money_out_id=out.id, kind=DocumentKind.PAYSLIP)


def _extras(ctx: Context, rid: int, start: date, today: date, folder: Path) -> None:
    """Equipment (one receipt missing), lunch clubs without receipts, and a refund."""
    for offset, what, pence, has_receipt in EQUIPMENT:
        day = start + timedelta(days=offset)
        receipt = folder / f"receipt-{what.lower().replace(' ', '-')}.txt"
        receipt.write_text(
            f"Kent Mobility\n{what}\nTotal {format_plain(Money(pence))}\nPaid by card\n"
        )
        ledger.add_money_out(
            ctx,
            rid,
            date=day,
            amount=Money(pence),
            payee=SHOP,
            description=what,
            receipts=[receipt] if has_receipt else [],
        )
    ledger.add_money_in(
        ctx,
        rid,
        date=start + timedelta(days=130),
        amount=Money(1299),
        source=Source.REFUND,
        category="Equipment",
        note="Grab rails: one returned",
    )
    for k, offset in enumerate(range(20, (today - start).days, 45)):
        ledger.add_money_out(
            ctx,
            rid,
            date=start + timedelta(days=offset),
            amount=Money(1450 if k % 2 else 1200),
            payee=CLUB,
            description="Lunch club",
        )


def _pdf(text: str) -> bytes:
    """A minimal valid one-page PDF showing `text`."""
    stream = f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
