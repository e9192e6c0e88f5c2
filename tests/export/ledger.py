"""A realistic six months of one account, built through the services as a person would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from kentcard.core.money import Money
from kentcard.core.records import DocumentKind, Frequency, PlanLine, ProviderKind, Source
from kentcard.services.allocations import allocate
from kentcard.services.context import Context
from kentcard.services.documents import attach_document
from kentcard.services.invoices import InvoiceDraft, add_invoice
from kentcard.services.ledger import InvoiceClaim, add_money_in, add_money_out
from kentcard.services.plans import set_plan
from kentcard.services.providers import add_provider
from kentcard.services.recipients import setup_recipient

START, END = date(2026, 5, 1), date(2026, 10, 31)
EXAMPLES = Path(__file__).parent.parent.parent / "examples"
AGENCY, DAY_CENTRE, SHOP = "Bright Homecare", "Riverside Day Centre", "Kent Mobility"


def pounds(text: str) -> Money:
    return Money.of(text)


@dataclass
class Ledger:
    """What was built: the person's id and the ids a test may want to look at."""

    rid: int
    files: dict[str, bytes] = field(default_factory=dict)  # file name → bytes attached
    no_evidence: list[int] = field(default_factory=list)
    refund_id: int = 0


def make_file(folder: Path, name: str, body: str) -> Path:
    """A small PDF (by its magic bytes) or a text receipt, unique by its body."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if name.endswith(".pdf"):
        path.write_bytes(b"%PDF-1.4\n% " + body.encode() + b"\n%%EOF\n")
    else:
        path.write_text(body + "\n", encoding="utf-8")
    return path


def build(ctx: Context, folder: Path, *, name: str = "Jo Bloggs") -> Ledger:
    """Plan, providers, KCC and contribution payments, invoices with files, payments, a refund."""
    rid = setup_recipient(
        ctx,
        name=name,
        kcc_ref="DP123456",
        opening_balance=pounds("312.40"),
        as_of=date(2026, 4, 30),
    ).id
    ledger = Ledger(rid)
    set_plan(
        ctx,
        rid,
        start=START,
        frequency=Frequency.FOUR_WEEKLY,
        first_payment=date(2026, 5, 5),
        council=pounds("1000.00"),
        contribution=pounds("84.00"),
        lines=[
            PlanLine("Home care", pounds("900.00")),
            PlanLine("Equipment", pounds("50.00")),
            PlanLine("Activities", pounds("84.00")),
        ],
    )
    add_provider(
        ctx, rid, name=AGENCY, kind=ProviderKind.AGENCY, rate=pounds("28.00"), category="Home care"
    )
    add_provider(ctx, rid, name=DAY_CENTRE, kind=ProviderKind.DAY_SERVICE, category="Activities")
    due = date(2026, 5, 5)
    while due <= END:
        arrived = due + timedelta(days=8) if due == date(2026, 7, 28) else due  # one late
        council = "900.00" if due == date(2026, 9, 22) else "1000.00"  # one short
        add_money_in(
            ctx, rid, date=arrived, amount=pounds(council), source=Source.KCC, reference="KCC DP"
        )
        add_money_in(ctx, rid, date=due, amount=pounds("84.00"), source=Source.CONTRIBUTION)
        due += timedelta(days=28)
    _agency(ctx, ledger, folder)
    _day_centre(ctx, ledger, folder)
    return ledger


def _invoice(
    ctx: Context,
    ledger: Ledger,
    folder: Path,
    number: str,
    day: date,
    hours: int,
    amount: str | None = None,
) -> int:
    path = make_file(folder, f"{number}.pdf", f"{AGENCY} invoice {number}")
    ledger.files[path.name] = path.read_bytes()
    draft = InvoiceDraft(
        provider=AGENCY,
        number=number,
        issue_date=day,
        amount=pounds(amount or f"{hours * 28}.00"),
        hours_centi=hours * 100,
        rate=pounds("28.00"),
        period_start=day - timedelta(days=7),
        period_end=day - timedelta(days=1),
    )
    return add_invoice(ctx, ledger.rid, draft, path).id


def _agency(ctx: Context, ledger: Ledger, folder: Path) -> None:
    """Monthly invoices: most paid in full, one in two parts, two by one payment, one unpaid."""
    for month in range(5, 10):
        number = f"INV-{1000 + month}"
        _invoice(ctx, ledger, folder, number, date(2026, month, 5), 28)
        add_money_out(
            ctx,
            ledger.rid,
            date=date(2026, month, 12),
            amount=pounds("784.00"),
            payee=AGENCY,
            invoices=[InvoiceClaim(number)],
        )
    big = _invoice(ctx, ledger, folder, "INV-1010", date(2026, 10, 5), 30, amount="850.00")
    first = add_money_out(
        ctx,
        ledger.rid,
        date=date(2026, 10, 12),
        amount=pounds("400.00"),
        payee=AGENCY,
        invoices=[InvoiceClaim("INV-1010")],
    )
    second = add_money_out(
        ctx,
        ledger.rid,
        date=date(2026, 10, 20),
        amount=pounds("490.00"),
        payee=AGENCY,
        description="Balance of INV-1010 and INV-1011",
    )
    small = _invoice(ctx, ledger, folder, "INV-1011", date(2026, 10, 15), 1)
    allocate(ctx, second.id, big, pounds("450.00"))
    allocate(ctx, second.id, small, pounds("28.00"))
    _invoice(ctx, ledger, folder, "INV-1012", date(2026, 10, 26), 10)  # not paid yet
    refund = add_money_in(
        ctx,
        ledger.rid,
        date=date(2026, 10, 22),
        amount=pounds("12.00"),
        source=Source.REFUND,
        category="Home care",
        note="Overcharge on INV-1010",
    )
    ledger.refund_id = refund.id
    assert first.id


def _day_centre(ctx: Context, ledger: Ledger, folder: Path) -> None:
    """Weekly lunch club, receipts attached for most; one with none; one equipment buy."""
    day = date(2026, 5, 7)
    n = 0
    while day <= END:
        n += 1
        receipt = make_file(folder, f"lunch-{n}.txt", f"Lunch club receipt {n} {day}")
        payment = add_money_out(
            ctx,
            ledger.rid,
            date=day,
            amount=pounds("18.50"),
            payee=DAY_CENTRE,
            description="Lunch club",
        )
        if n % 9 == 0:
            ledger.no_evidence.append(payment.id)
        else:
            attach_document(ctx, receipt, money_out_id=payment.id, kind=DocumentKind.RECEIPT)
            ledger.files[receipt.name] = receipt.read_bytes()
        day += timedelta(days=7)
    seat = make_file(folder, "bath seat.txt", "Kent Mobility bath seat £45.99")
    ledger.files[seat.name] = seat.read_bytes()
    add_money_out(
        ctx,
        ledger.rid,
        date=date(2026, 8, 18),
        amount=pounds("45.99"),
        payee=SHOP,
        category="Equipment",
        description="Bath seat",
        receipts=[seat],
    )
    taxi = add_money_out(
        ctx,
        ledger.rid,
        date=date(2026, 9, 3),
        amount=pounds("14.00"),
        payee="A2B Taxis",
        category="Transport",
    )
    ledger.no_evidence.append(taxi.id)


def readme_session(run) -> None:  # type: ignore[no-untyped-def]
    """The README's first session, through the command line."""
    steps = [
        ["init", "--name", "Jo Bloggs", "--kcc-ref", "DP123456", "--opening-balance", "312.40",
         "--as-of", "2026-10-31"],
        ["plan", "set", "--start", "2026-11-01", "--frequency", "four-weekly", "--first-payment",
         "2026-11-03", "--council", "1000.00", "--contribution", "84.00", "--line",
         "Home care=950.00", "--line", "Equipment=50.00", "--line", "Activities=84.00"],
        ["provider", "add", "Bright Homecare", "--kind", "agency", "--category", "Home care"],
        ["money-in", "add", "--date", "2026-11-03", "--amount", "1000.00", "--source", "kcc"],
        ["money-in", "add", "--date", "2026-11-03", "--amount", "84.00", "--source",
         "contribution"],
        ["invoice", "add", "--provider", "Bright Homecare", "--number", "INV-1001", "--date",
         "2026-11-05", "--amount", "560.00", "--file", str(EXAMPLES / "INV-1001.pdf")],
        ["money-out", "add", "--date", "2026-11-10", "--amount", "560.00", "--payee",
         "Bright Homecare", "--invoice", "INV-1001"],
        ["money-out", "add", "--date", "2026-11-18", "--amount", "45.99", "--payee",
         "Kent Mobility", "--category", "Equipment", "--receipt",
         str(EXAMPLES / "receipt-bath-seat.txt")],
        ["money-out", "add", "--date", "2026-11-21", "--amount", "30.00", "--payee",
         "Riverside Day Centre", "--category", "Activities"],
    ]  # fmt: skip
    for step in steps:
        assert run(*step).exit_code == 0, step
