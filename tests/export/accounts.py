"""Small generated accounts for the export's property tests, each from a fixed seed.

`generate(seed)` is pure: it draws one account (an opening balance, a plan that changes
part-way through a month, money in, refunds, invoices paid in every way, payments, some
dated after "today" or after the period's end) and the periods to export, as plain data.
`build(ctx, spec, folder)` enters it through the services, as a person would. The tests
work out what each workbook should say from the spec alone, not from the app.

Every account has the same shape, with dates and amounts drawn at random; together the
seeds cover monthly and four-weekly plans, part months, a whole calendar month, a period
that ends after today and one that ends before it (`test_the_accounts_cover_every_case`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from kentcard.core.dates import Month
from kentcard.core.money import Money
from kentcard.core.records import Frequency, PlanLine, ProviderKind, Source
from kentcard.services.context import Context
from kentcard.services.invoices import InvoiceDraft, add_invoice
from kentcard.services.ledger import InvoiceClaim, add_money_in, add_money_out
from kentcard.services.plans import set_plan
from kentcard.services.providers import add_provider
from kentcard.services.recipients import setup_recipient
from tests.conftest import TODAY

SEEDS = (3, 17, 29, 41, 58)
AGENCY, DAY_CENTRE = "Bright Homecare", "Riverside Day Centre"
SHOP, TAXI, CHEMIST = "Kent Mobility", "A2B Taxis", "High Street Chemist"
PROVIDERS = (
    (AGENCY, ProviderKind.AGENCY, "Home care"),
    (DAY_CENTRE, ProviderKind.DAY_SERVICE, "Activities"),
)
LINE_CATEGORIES = ("Home care", "Activities", "Equipment")


@dataclass(frozen=True)
class PlanSpec:
    start: date
    frequency: Frequency
    council: int  # pence, as every amount here
    contribution: int
    lines: tuple[tuple[str, int], ...]
    first_payment: date

    @property
    def per_period(self) -> int:
        return self.council + self.contribution


@dataclass(frozen=True)
class MoneyInSpec:
    day: date
    pence: int
    source: Source
    category: str | None = None


@dataclass(frozen=True)
class InvoiceSpec:
    number: str
    issued: date
    pence: int
    due: date | None = None  # None: the default terms (30 days)
    file: bool = False  # its PDF is attached

    @property
    def due_date(self) -> date:
        return self.due or self.issued + timedelta(days=30)


@dataclass(frozen=True)
class PaymentSpec:
    day: date
    pence: int
    payee: str
    category: str | None = None
    pays: tuple[tuple[str, int], ...] = ()  # (invoice number, pence allocated)
    receipt: bool = False


@dataclass(frozen=True)
class AccountSpec:
    seed: int
    name: str
    opening: MoneyInSpec  # the opening balance given when the person is set up
    plans: tuple[PlanSpec, ...]
    money_in: tuple[MoneyInSpec, ...]  # without the opening balance
    invoices: tuple[InvoiceSpec, ...]
    payments: tuple[PaymentSpec, ...]
    periods: tuple[tuple[date, date], ...]

    def all_in(self) -> tuple[MoneyInSpec, ...]:
        return (self.opening, *self.money_in)


def _day_in(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _pounds(rng: random.Random, low: int, high: int) -> int:
    """Pence between £low and £high, with pence that are not round."""
    return rng.randint(low * 100, high * 100)


def _lines(rng: random.Random, payment: int, exact: bool) -> tuple[tuple[str, int], ...]:
    """Budget lines: adding up to the payment when `exact`, else a little short of it."""
    names = LINE_CATEGORIES[: rng.randint(2, 3)]
    left = payment if exact else payment - _pounds(rng, 5, 60)
    amounts = []
    for _ in names[:-1]:
        part = rng.randint(left // 8, left // 2)
        amounts.append(part)
        left -= part
    amounts.append(left)
    return tuple(zip(names, amounts, strict=True))


def _due_days(plan: PlanSpec, until: date) -> list[date]:
    days: list[date] = []
    k = 0
    while True:
        if plan.frequency is Frequency.MONTHLY:
            month = Month.of(plan.first_payment).shift(k)
            day = date(month.year, month.month, plan.first_payment.day)
        else:
            day = plan.first_payment + timedelta(days=28 * k)
        if day > until:
            return days
        days.append(day)
        k += 1


def _periods(rng: random.Random, seed: int, change: date) -> tuple[tuple[date, date], ...]:
    """A period of part months spanning the plan change and ending before today, then one
    of: November (a whole month, today in it), the month of the plan change (a whole
    month), or from part of September to (part of) December, past today."""
    # Odd seeds start before the opening balance was entered, so it is in the period.
    first = date(2026, 4, rng.randint(10, 19)) if seed % 2 else date(2026, 5, rng.randint(2, 20))
    ended = _day_in(rng, change + timedelta(days=20), TODAY - timedelta(days=12))
    if ended.day in (1, Month.of(ended).last.day):
        ended += timedelta(days=2)
    second: tuple[date, date]
    kind = seed % 3
    if kind == 0:
        second = (date(2026, 11, 1), date(2026, 11, 30))
    elif kind == 1:
        month = Month.of(change)
        second = (month.first, month.last)
    else:
        last = date(2026, 12, 31) if rng.random() < 0.5 else date(2026, 12, rng.randint(5, 25))
        second = (date(2026, 9, rng.randint(2, 25)), last)
    return ((first, ended), second)


def generate(seed: int) -> AccountSpec:
    rng = random.Random(seed)
    opening_day = date(2026, 4, rng.randint(20, 30))
    opening = MoneyInSpec(opening_day, _pounds(rng, 50, 600), Source.OPENING)
    frequencies = [Frequency.MONTHLY, Frequency.FOUR_WEEKLY]
    rng.shuffle(frequencies)
    start = opening_day + timedelta(days=1)
    council, contribution = _pounds(rng, 700, 1400), rng.choice([0, _pounds(rng, 20, 120)])
    first = PlanSpec(
        start, frequencies[0], council, contribution,
        _lines(rng, council + contribution, exact=True), start + timedelta(days=rng.randint(0, 4)),
    )  # fmt: skip
    change = date(2026, rng.randint(8, 9), rng.randint(3, 25))  # part-way through a month
    council, contribution = _pounds(rng, 700, 1400), _pounds(rng, 20, 120)
    second = PlanSpec(
        change, frequencies[1], council, contribution,
        _lines(rng, council + contribution, exact=rng.random() < 0.5),
        change + timedelta(days=rng.randint(0, 3)),
    )  # fmt: skip
    periods = _periods(rng, seed, change)
    horizon = max(end for _, end in periods) + timedelta(days=40)

    money_in: list[MoneyInSpec] = []
    for plan, until in ((first, change - timedelta(days=1)), (second, horizon)):
        for n, due in enumerate(_due_days(plan, until)):
            late = timedelta(days=8) if n == 3 and seed % 2 else timedelta(0)
            short = _pounds(rng, 10, 90) if n == 4 else 0
            money_in.append(MoneyInSpec(due + late, plan.council - short, Source.KCC))
            if plan.contribution:
                money_in.append(MoneyInSpec(due, plan.contribution, Source.CONTRIBUTION))
    for _ in range(rng.randint(2, 4)):  # refunds, some for a category outside the plan
        category = rng.choice([*LINE_CATEGORIES, "Transport", "Laundry", None])
        refunded = _day_in(rng, date(2026, 5, 1), horizon)
        money_in.append(MoneyInSpec(refunded, _pounds(rng, 3, 40), Source.REFUND, category))
    money_in.append(
        MoneyInSpec(_day_in(rng, date(2026, 5, 1), TODAY), _pounds(rng, 5, 50), Source.OTHER)
    )
    # On the days either side of each period's ends and of today: refunds too.
    one = timedelta(days=1)
    around = {d for start, end in periods for d in (start - one, start, end, end + one)}
    edges = sorted(around | {TODAY, TODAY + one})
    for edge in edges[::2]:
        money_in.append(MoneyInSpec(edge, _pounds(rng, 1, 9), Source.REFUND, "Home care"))
    invoices, payments = _invoices_and_payments(rng, periods[0], horizon)
    payments += _small_payments(rng, horizon)
    payments += [PaymentSpec(edge, _pounds(rng, 2, 30), TAXI, "Transport") for edge in edges]
    return AccountSpec(
        seed=seed,
        name=f"Person {seed}",
        opening=opening,
        plans=(first, second),
        money_in=tuple(sorted(money_in, key=lambda m: m.day)),
        invoices=tuple(invoices),
        payments=tuple(sorted(payments, key=lambda p: p.day)),
        periods=periods,
    )


def _invoices_and_payments(
    rng: random.Random, period: tuple[date, date], horizon: date
) -> tuple[list[InvoiceSpec], list[PaymentSpec]]:
    """The agency's invoices, one a month, each paid its own way, and the payments."""
    invoices: list[InvoiceSpec] = []
    payments: list[PaymentSpec] = []
    fates = ["full", "part", "over", "two", "unpaid", "later", "full", "two-invoices"]
    rng.shuffle(fates)
    month = Month(2026, 5)
    number = 100 + rng.randint(0, 800)
    while month.first <= horizon:
        number += 1
        issued = _day_in(rng, month.first, month.first + timedelta(days=20))
        amount = _pounds(rng, 200, 900)
        inv = InvoiceSpec(f"INV-{number}", issued, amount, file=rng.random() < 0.5)
        invoices.append(inv)
        fate = fates[len(invoices) % len(fates)]
        pay_day = issued + timedelta(days=rng.randint(3, 40))
        if fate == "full":
            payments.append(PaymentSpec(pay_day, amount, AGENCY, pays=((inv.number, amount),)))
        elif fate == "part":
            part = rng.randint(amount // 4, amount * 3 // 4)
            payments.append(PaymentSpec(pay_day, part, AGENCY, pays=((inv.number, part),)))
        elif fate == "over":
            over = amount + _pounds(rng, 1, 30)
            payments.append(PaymentSpec(pay_day, over, AGENCY, pays=((inv.number, over),)))
        elif fate == "two":
            part = rng.randint(amount // 4, amount * 3 // 4)
            payments.append(PaymentSpec(pay_day, part, AGENCY, pays=((inv.number, part),)))
            later = pay_day + timedelta(days=rng.randint(5, 40))
            rest = amount - part
            payments.append(PaymentSpec(later, rest, AGENCY, pays=((inv.number, rest),)))
        elif fate == "later":  # paid by a payment a good while after it was issued
            late = pay_day + timedelta(days=50)
            payments.append(PaymentSpec(late, amount, AGENCY, pays=((inv.number, amount),)))
        elif fate == "two-invoices":  # one payment settles this and a small extra invoice
            number += 1
            extra = InvoiceSpec(f"INV-{number}", issued, _pounds(rng, 20, 80))
            invoices.append(extra)
            pays = ((inv.number, amount), (extra.number, extra.pence))
            payments.append(PaymentSpec(pay_day, amount + extra.pence, AGENCY, pays=pays))
        month = month.shift(1)
    # Due after the first period ends, paid before it ends.
    end = period[1]
    issued = end - timedelta(days=rng.randint(4, 9))
    number += 1
    early = InvoiceSpec(f"INV-{number}", issued, _pounds(rng, 40, 200), end + timedelta(days=14))
    invoices.append(early)
    paid_on = _day_in(rng, issued, end)
    payments.append(PaymentSpec(paid_on, early.pence, AGENCY, pays=((early.number, early.pence),)))
    # Due on the first period's last day, and on today: not overdue yet on either day;
    # paid two days later (after the period, after today).
    for due in (end, TODAY):
        number += 1
        inv = InvoiceSpec(f"INV-{number}", due - timedelta(days=20), _pounds(rng, 40, 200), due)
        invoices.append(inv)
        later = due + timedelta(days=2)
        payments.append(PaymentSpec(later, inv.pence, AGENCY, pays=((inv.number, inv.pence),)))
    # Issued after today: in no export yet.
    number += 1
    invoices.append(InvoiceSpec(f"INV-{number}", TODAY + timedelta(days=3), 12345))
    return invoices, payments


def _small_payments(rng: random.Random, horizon: date) -> list[PaymentSpec]:
    """The day centre, equipment, taxis and the chemist: some with receipts, some not."""
    payments = []
    shops = (
        (DAY_CENTRE, None),
        (SHOP, "Equipment"),
        (TAXI, "Transport"),
        (CHEMIST, None),
        (CHEMIST, "home care"),  # a budget line's category, spelt in lower case
    )
    for _ in range(rng.randint(14, 22)):
        payee, category = rng.choice(shops)
        day = _day_in(rng, date(2026, 5, 1), horizon)
        payments.append(
            PaymentSpec(day, _pounds(rng, 4, 90), payee, category, receipt=rng.random() < 0.6)
        )
    # Two dated after today, one of them with a receipt.
    for days in (2, 4):
        day = TODAY + timedelta(days=days)
        payments.append(PaymentSpec(day, _pounds(rng, 4, 40), SHOP, "Equipment", receipt=True))
    return payments


@dataclass(frozen=True)
class Built:
    spec: AccountSpec
    rid: int


def build(ctx: Context, spec: AccountSpec, folder: Path) -> Built:
    """Enter the account through the services, in the order a person might."""
    rid = setup_recipient(
        ctx,
        name=spec.name,
        kcc_ref=f"DP{spec.seed:06d}",
        card_last4=f"{spec.seed % 10_000:04d}",
        opening_balance=Money(spec.opening.pence),
        as_of=spec.opening.day,
    ).id
    for plan in spec.plans:
        set_plan(
            ctx,
            rid,
            start=plan.start,
            frequency=plan.frequency,
            council=Money(plan.council),
            contribution=Money(plan.contribution),
            lines=[PlanLine(category, Money(pence)) for category, pence in plan.lines],
            first_payment=plan.first_payment,
        )
    for name, kind, category in PROVIDERS:
        add_provider(ctx, rid, name=name, kind=kind, category=category)
    folder.mkdir(parents=True, exist_ok=True)
    for inv in spec.invoices:
        draft = InvoiceDraft(AGENCY, inv.number, inv.issued, Money(inv.pence), due_date=inv.due)
        pdf = None
        if inv.file:
            pdf = folder / f"{spec.seed}-{inv.number}.pdf"
            pdf.write_bytes(b"%PDF-1.4\n% " + f"{spec.name} {inv.number}".encode() + b"\n%%EOF\n")
        add_invoice(ctx, rid, draft, pdf)
    for m in spec.money_in:
        add_money_in(ctx, rid, date=m.day, amount=Money(m.pence), source=m.source,
                     category=m.category)  # fmt: skip
    for n, p in enumerate(spec.payments):
        receipts = []
        if p.receipt:
            path = folder / f"{spec.seed}-receipt-{n}.txt"
            path.write_text(f"{p.payee} receipt {n} {p.day} {p.pence}\n", encoding="utf-8")
            receipts.append(path)
        add_money_out(
            ctx,
            rid,
            date=p.day,
            amount=Money(p.pence),
            payee=p.payee,
            category=p.category,
            invoices=[InvoiceClaim(number, Money(pence)) for number, pence in p.pays],
            receipts=receipts,
        )
    return Built(spec, rid)
