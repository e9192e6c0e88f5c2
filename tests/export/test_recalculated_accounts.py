"""Generated accounts, exported and recalculated in LibreOffice: the workbook adds up.

Five small accounts (`tests/export/accounts.py`, one fixed seed each) are entered through
the services into one database and each is exported for two periods. LibreOffice opens
every workbook in one run, recalculates its formulas and saves it; the values read back
must roll forward (brought forward + received - paid out = carried forward, on the
Summary and month by month), add up (categories to the budget), agree with what the
generator put in (worked out from its spec, not by the app), and agree with the command
line (`budget`, `review`, `report monthly`) for the same period and as-at date.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from kentcard.cli import app
from kentcard.core.dates import Month
from kentcard.core.money import round_half_up
from kentcard.core.records import Frequency, Source
from kentcard.services.export import Format, export
from kentcard.services.opening import open_context
from kentcard.services.period import read_period
from kentcard.services.review import PA_KINDS, Kind, kind_heading
from kentcard.services.settings import Settings
from tests.conftest import TODAY
from tests.export.accounts import SEEDS, AccountSpec, build, generate

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed; .ci/run installs libreoffice-calc-nogui",
)

SPECS = {seed: generate(seed) for seed in SEEDS}
CASES = [(seed, n) for seed, spec in SPECS.items() for n in range(len(spec.periods))]
IDS = [f"seed{seed}-{SPECS[seed].periods[n][0]}-{SPECS[seed].periods[n][1]}" for seed, n in CASES]
# The periods that are exactly one calendar month, for `kentcard budget --month`.
MONTHS = [
    (key, name)
    for key, name in zip(CASES, IDS, strict=True)
    if (period := SPECS[key[0]].periods[key[1]])[0].day == 1
    and Month.of(period[0]).last == period[1]
]
LATER = kind_heading(Kind.DATED_LATER)
NOT_IN_A_LINE = "Not in any budget line"
Row = tuple[Any, ...]


@dataclass
class Case:
    """One exported period of one account, and its workbook after LibreOffice."""

    spec: AccountSpec
    rid: int
    start: date
    end: date
    sheets: dict[str, list[Row]]
    balance: int  # the app's balance on the as-at date (`read_period`)

    @property
    def as_at(self) -> date:
        return min(self.end, TODAY)

    def counted(self, day: date) -> bool:
        """Dated in the period, up to the as-at date: in the figures."""
        return self.start <= day <= self.as_at

    def later(self, day: date) -> bool:
        """Dated in the period after the as-at date: listed, in no figure."""
        return self.as_at < day <= self.end


@dataclass
class Exported:
    db: Path
    cases: dict[tuple[int, int], Case]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """Every account built and exported; every workbook recalculated in one LibreOffice run."""
    folder = tmp_path_factory.mktemp("accounts")
    db = folder / "db" / "kentcard.sqlite3"
    settings = Settings(db=str(db), exports=folder / "exports", clock=lambda: TODAY,
                        keep_daily=0, keep_weekly=0)  # fmt: skip
    ctx = open_context(settings)
    written: dict[tuple[int, int], Path] = {}
    balances: dict[tuple[int, int], int] = {}
    rids: dict[int, int] = {}
    try:
        for seed, spec in SPECS.items():
            rids[seed] = build(ctx, spec, folder / "files").rid
            for n, (start, end) in enumerate(spec.periods):
                target = folder / "out" / f"seed{seed}-{n}.xlsx"
                written[seed, n] = export(ctx, rids[seed], start, end, Format.XLSX, target)
                balances[seed, n] = read_period(ctx, rids[seed], start, end).balance.pence
    finally:
        ctx.db.dispose()
    again = folder / "recalculated"
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(again), *map(str, written.values())],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    cases = {}
    for (seed, n), path in written.items():
        book = openpyxl.load_workbook(again / path.name, data_only=True)
        sheets = {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book}
        start, end = SPECS[seed].periods[n]
        cases[seed, n] = Case(SPECS[seed], rids[seed], start, end, sheets, balances[seed, n])
    return Exported(db, cases)


@pytest.fixture(params=CASES, ids=IDS)
def case(request: pytest.FixtureRequest, exported: Exported) -> Case:
    return exported.cases[request.param]


# Reading the recalculated sheets.


def pence(value: Any) -> int:
    """A money cell's value in whole pence (LibreOffice saves numbers as floats)."""
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    exact = Decimal(repr(value)) * 100
    assert exact == exact.to_integral_value(), value
    return int(exact)


def day(value: Any) -> date:
    assert isinstance(value, datetime), value
    return value.date()


def summary(case: Case) -> list[Row]:
    return [row for row in case.sheets["Summary"] if row and row[0] is not None]


def row_of(case: Case, label: str, *, prefix: bool = False) -> Row:
    """The one Summary row labelled `label` (or whose label starts with it)."""
    found = [r for r in summary(case) if (str(r[0]).startswith(label) if prefix else r[0] == label)]
    assert len(found) == 1, (label, found)
    return found[0]


def block(case: Case, heading: str) -> tuple[list[Row], Row]:
    """The rows under a Summary heading down to its `Total` row, and that row."""
    rows = summary(case)
    first = next(i for i, r in enumerate(rows) if str(r[0]).startswith(heading)) + 1
    last = next(i for i in range(first, len(rows)) if rows[i][0] == "Total")
    return rows[first:last], rows[last]


def money_rows(case: Case) -> dict[str, int]:
    """The 'Money in and out' block: label → pence, from brought forward to carried forward."""
    rows = summary(case)
    first = next(i for i, r in enumerate(rows) if str(r[0]).startswith("Brought forward"))
    last = next(i for i, r in enumerate(rows) if str(r[0]).startswith("Carried forward on"))
    return {str(r[0]): pence(r[1]) for r in rows[first : last + 1]}


def table(case: Case, sheet: str) -> list[dict[str, Any]]:
    """A data sheet's rows (not its header or total row) as column → value."""
    header, *rows = case.sheets[sheet]
    assert rows and str(rows[-1][0]).startswith("Total"), rows[-1:]
    return [dict(zip(header, r, strict=True)) for r in rows[:-1]]


# What the generator put in, worked out from its spec alone.


def balance_on(spec: AccountSpec, on: date) -> int:
    received = sum(m.pence for m in spec.all_in() if m.day <= on)
    return received - sum(p.pence for p in spec.payments if p.day <= on)


def paid_by(spec: AccountSpec, on: date) -> Counter[str]:
    """Pence allocated to each invoice by payments dated up to `on`."""
    paid: Counter[str] = Counter()
    for p in spec.payments:
        if p.day <= on:
            for number, amount in p.pays:
                paid[number] += amount
    return paid


def budget_between(spec: AccountSpec, first: date, last: date) -> int:
    """The budget for days [first, last] of one month: each plan's payment × 13/12 for
    four-weekly, shared by the days it is in force, rounded once."""
    month = Month.of(first)
    exact = Fraction(0)
    for n, plan in enumerate(spec.plans):
        ends = spec.plans[n + 1].start - timedelta(days=1) if n + 1 < len(spec.plans) else None
        lo, hi = max(first, plan.start), last if ends is None else min(last, ends)
        days = max(0, (hi - lo).days + 1)
        factor = Fraction(13, 12) if plan.frequency is Frequency.FOUR_WEEKLY else Fraction(1)
        exact += plan.per_period * factor * Fraction(days, month.days)
    return round_half_up(exact)


# 1. The Summary rolls forward, its checks hold, and it ends at the app's balance.


def test_summary_rolls_forward_to_the_balance(case: Case) -> None:
    rows = money_rows(case)
    brought = rows.pop(next(k for k in rows if k.startswith("Brought forward")))
    carried = rows.pop(next(k for k in rows if k.startswith("Carried forward on")))
    paid = rows.pop("Paid out from the card")
    assert all(k.startswith("Received") or k == "Opening balance entered in the period"
               for k in rows), rows  # fmt: skip
    assert carried == brought + sum(rows.values()) - paid
    assert carried == case.balance == balance_on(case.spec, case.as_at)
    assert brought == balance_on(case.spec, case.start - timedelta(days=1))
    assert pence(row_of(case, "Card balance on", prefix=True)[1]) == case.balance
    checks = [r for r in summary(case) if str(r[0]).startswith("Check")]
    assert len(checks) == 3 and all(r[1] == "OK" for r in checks), checks


def test_summary_received_and_paid_are_the_entries_up_to_the_as_at_date(case: Case) -> None:
    rows = money_rows(case)
    by_source: Counter[Source] = Counter()
    for m in case.spec.all_in():
        if case.counted(m.day):
            by_source[m.source] += m.pence
    assert rows["Received from KCC"] == by_source[Source.KCC]
    assert rows["Received: your contribution"] == by_source[Source.CONTRIBUTION]
    assert rows["Received: refunds from providers"] == by_source[Source.REFUND]
    assert rows["Received: other"] == by_source[Source.OTHER]
    if by_source[Source.OPENING]:
        assert rows["Opening balance entered in the period"] == by_source[Source.OPENING]
    else:
        assert "Opening balance entered in the period" not in rows
    paid = sum(p.pence for p in case.spec.payments if case.counted(p.day))
    assert rows["Paid out from the card"] == paid


# 2. Budget by month: each month rolls forward from the one before.


def test_each_month_rolls_forward_from_the_last(case: Case) -> None:
    months = table(case, "Budget by month")
    brought = money_rows(case)
    before = next(v for k, v in brought.items() if k.startswith("Brought forward"))
    for line in months:
        assert pence(line["Brought forward"]) == before, line
        assert pence(line["Brought forward"]) + pence(line["Money in"]) - pence(
            line["Paid out"]
        ) == pence(line["Carried forward"]), line
        assert line["Check"] == "OK", line
        before = pence(line["Carried forward"])
    assert before == case.balance


def test_each_month_holds_its_own_days_entries_and_budget(case: Case) -> None:
    """From/To cut the period at month ends; each month's figures are its days' entries
    up to the as-at date, and its budget the plans' shares of its days."""
    months = table(case, "Budget by month")
    spans = [(day(line["From"]), day(line["To"])) for line in months]
    assert spans[0][0] == case.start and spans[-1][1] == case.end
    for (_, last), (first, _) in pairwise(spans):
        assert first == last + timedelta(days=1) and first.day == 1
    spec = case.spec
    for line, (first, last) in zip(months, spans, strict=True):
        assert Month.of(first) == Month.of(last) and day(line["Month"]) == first
        upto = min(last, case.as_at)
        ins = [m for m in spec.all_in() if first <= m.day <= upto]
        outs = sum(p.pence for p in spec.payments if first <= p.day <= upto)
        refunds = sum(m.pence for m in ins if m.source is Source.REFUND)
        assert pence(line["Money in"]) == sum(m.pence for m in ins), line
        assert pence(line["Paid out"]) == outs, line
        assert pence(line["Spent"]) == outs - refunds, line
        assert pence(line["Carried forward"]) == balance_on(spec, upto), line
        assert pence(line["Budget"]) == budget_between(spec, first, last), line
        assert pence(line["Remaining"]) == pence(line["Budget"]) - pence(line["Spent"]), line


# 3. The categories add up to the budget, spent and remaining.


def test_categories_add_up_to_the_budget(case: Case) -> None:
    lines, total = block(case, "Spent by category")
    budget = pence(row_of(case, "Budget")[1])
    spent = pence(row_of(case, "Spent (paid out less refunds)")[1])
    remaining = pence(row_of(case, "Remaining")[1])
    months = table(case, "Budget by month")
    assert sum(pence(r[1]) for r in lines) == budget == sum(pence(m["Budget"]) for m in months)
    assert sum(pence(r[2]) for r in lines) == spent == sum(pence(m["Spent"]) for m in months)
    assert sum(pence(r[3]) for r in lines) == remaining == budget - spent
    assert [pence(v) for v in total[1:4]] == [budget, spent, remaining]
    # "Not in any budget line" only when a plan in force in the period has lines short of
    # its payment (when they add up, so do the categories: to the penny).
    short = any(
        sum(amount for _, amount in plan.lines) != plan.per_period
        and (n + 1 == len(case.spec.plans) or case.spec.plans[n + 1].start > case.start)
        and plan.start <= case.end
        for n, plan in enumerate(case.spec.plans)
    )
    assert (NOT_IN_A_LINE in [r[0] for r in lines]) == short


# 4. Invoices as they stood on the as-at date.


def test_invoices_paid_outstanding_and_overdue_on_the_as_at_date(case: Case) -> None:
    spec = case.spec
    invoices = {inv.number: inv for inv in spec.invoices}
    paid = paid_by(spec, case.as_at)
    rows = table(case, "Invoices")
    shown = [r["Number"] for r in rows]
    assert len(shown) == len(set(shown))
    for row in rows:
        inv = invoices[row["Number"]]
        assert inv.issued <= case.as_at, row  # one issued later is in no figure
        assert day(row["Issue date"]) == inv.issued and day(row["Due date"]) == inv.due_date
        assert pence(row["Amount"]) == inv.pence
        assert pence(row["Paid"]) == paid[inv.number], row
        owed = inv.pence - paid[inv.number]
        assert pence(row["Outstanding"]) == owed, row
        overdue = inv.due_date < case.as_at and owed > 0
        assert row["Overdue"] == ("Yes" if overdue else "No"), row
        status = "Unpaid" if not paid[inv.number] else "Part paid" if owed > 0 else "Paid"
        assert row["Status"] == (status if owed >= 0 else "Overpaid"), row
    for inv in spec.invoices:  # issued in the period, or still owed: listed
        owed = inv.pence - paid[inv.number]
        if case.counted(inv.issued) or (inv.issued <= case.as_at and owed > 0):
            assert inv.number in shown, inv
    still_owed = sum(
        max(0, inv.pence - paid[inv.number]) for inv in spec.invoices if inv.issued <= case.as_at
    )
    assert pence(row_of(case, "Invoices still to pay on", prefix=True)[1]) == still_owed


def test_an_invoice_due_after_the_period_and_paid_in_it_is_not_overdue(case: Case) -> None:
    early = [
        inv for inv in case.spec.invoices if case.counted(inv.issued) and inv.due_date > case.end
    ]
    paid = paid_by(case.spec, case.as_at)
    rows = {r["Number"]: r for r in table(case, "Invoices")}
    for inv in early:
        row = rows[inv.number]
        assert row["Overdue"] == "No", row
        if paid[inv.number] == inv.pence:
            assert (row["Status"], pence(row["Outstanding"])) == ("Paid", 0), row


def test_payments_name_their_invoices_and_evidence(case: Case) -> None:
    """Each payment lists the invoices it paid, and is MISSING evidence exactly when it has
    no receipt and none of those invoices has its file; 'Paid by' adds up to 'Paid'."""
    spec = case.spec
    filed = {inv.number for inv in spec.invoices if inv.file}
    expected = Counter(
        (p.day, p.pence, p.payee, "; ".join(n for n, _ in p.pays) or None,
         not p.receipt and not filed & {n for n, _ in p.pays})
        for p in spec.payments if case.counted(p.day)
    )  # fmt: skip
    rows = table(case, "Money out")
    shown = Counter(
        (day(r["Date"]), pence(r["Amount"]), r["Payee"], r["Invoices paid"],
         r["Evidence"] == "MISSING")
        for r in rows
    )  # fmt: skip
    assert shown == expected
    counts = {r[0]: r[1] for r in block(case, "What a reviewer would query")[0]}
    missing = sum(r["Evidence"] == "MISSING" for r in rows)
    assert counts[kind_heading(Kind.NO_EVIDENCE)] == missing
    for row in table(case, "Invoices"):
        parts = row["Paid by"].split("; ") if row["Paid by"] else []
        total = 0
        for part in parts:  # "Payment 20 May 2026, Bright Homecare, £651.00"
            when, _, amount = part.removeprefix("Payment ").split(", ")
            assert datetime.strptime(when, "%d %b %Y").date() <= case.as_at, row
            total += text_pence(amount.removeprefix("£").replace(",", ""))
        assert total == pence(row["Paid"]), row


# 5. The command line says the same for the same period and as-at date.


def cli(db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> Any:
    """`kentcard ARGS... --json` on the accounts' database, today fixed; the JSON printed."""
    monkeypatch.setenv("KENTCARD_DB", str(db))
    monkeypatch.setenv("KENTCARD_TODAY", TODAY.isoformat())
    monkeypatch.setenv("KENTCARD_KEEP_DAILY", "0")
    monkeypatch.setenv("KENTCARD_KEEP_WEEKLY", "0")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def text_pence(text: str) -> int:
    return int(Decimal(text) * 100)


def whole_months(case: Case) -> list[Month]:
    first, last = Month.of(case.start), Month.of(case.end)
    months = []
    while first <= last:
        if case.start <= first.first and first.last <= case.end:
            months.append(first)
        first = first.shift(1)
    return months


@pytest.mark.parametrize(
    "case", [key for key, _ in MONTHS], ids=[name for _, name in MONTHS], indirect=True
)
def test_budget_command_equals_a_whole_month_workbook(
    case: Case, exported: Exported, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert whole_months(case) == [Month.of(case.start)]
    shown = cli(exported.db, monkeypatch, tmp_path, "budget", "--month", str(Month.of(case.start)),
                "--recipient", str(case.rid))  # fmt: skip
    assert text_pence(shown["budget"]) == pence(row_of(case, "Budget")[1])
    assert text_pence(shown["spent"]) == pence(row_of(case, "Spent (paid out less refunds)")[1])
    assert text_pence(shown["remaining"]) == pence(row_of(case, "Remaining")[1])
    assert text_pence(shown["balance"]) == case.balance
    assert shown["balance_on"] == case.as_at.isoformat()
    owed = pence(row_of(case, "Invoices still to pay on", prefix=True)[1])
    assert text_pence(shown["outstanding_invoices"]) == owed
    lines, _ = block(case, "Spent by category")
    workbook = {str(r[0]).casefold(): (pence(r[1]), pence(r[2])) for r in lines}
    named = {"uncategorised": "no category"}
    for line in shown["categories"]:
        name = line["category"].casefold()
        got = workbook.pop(named.get(name, name))
        assert got == (text_pence(line["budget"]), text_pence(line["spent"])), line
    # Whatever the command leaves out has no budget and nothing spent (or is the share of
    # the budget in no line, which the command does not list).
    assert all(v == (0, 0) for k, v in workbook.items() if k != NOT_IN_A_LINE.casefold())


def test_review_command_counts_equal_the_summary(
    case: Case, exported: Exported, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shown = cli(exported.db, monkeypatch, tmp_path, "review", "--from", case.start.isoformat(),
                "--to", case.end.isoformat(), "--recipient", str(case.rid))  # fmt: skip
    lines, total = block(case, "What a reviewer would query")
    counts = {r[0]: r[1] for r in lines}
    assert len(counts) == len(Kind) - len(PA_KINDS)  # these accounts employ no PA
    for kind in Kind:
        if kind in PA_KINDS:
            assert kind_heading(kind) not in counts and kind.value not in shown["counts"], kind
        else:
            assert counts[kind_heading(kind)] == shown["counts"].get(kind.value, 0), kind
    assert total[1] == shown["count"] == len(table(case, "Exceptions"))


def test_monthly_report_equals_the_whole_months(
    case: Case, exported: Exported, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    months = whole_months(case)
    assert months, "every generated period has a whole month in it"
    shown = cli(exported.db, monkeypatch, tmp_path, "report", "monthly", "--from", str(months[0]),
                "--to", str(months[-1]), "--recipient", str(case.rid))  # fmt: skip
    reported = {m["month"]: m for m in shown["months"]}
    assert list(reported) == [str(m) for m in months]
    rows = table(case, "Budget by month")
    for month in months:
        line = next(r for r in rows if day(r["From"]) == month.first)
        assert day(line["To"]) == month.last
        assert text_pence(reported[str(month)]["budget"]) == pence(line["Budget"]), month
        assert text_pence(reported[str(month)]["spent"]) == pence(line["Spent"]), month


# 6. Entries dated after the as-at date are listed as such, and nowhere else.


def test_entries_after_the_as_at_date_are_only_exceptions(case: Case) -> None:
    spec = case.spec
    money_in = Counter((day(r["Date"]), pence(r["Amount"])) for r in table(case, "Money in"))
    assert money_in == Counter((m.day, m.pence) for m in spec.all_in() if case.counted(m.day))
    money_out = Counter(
        (day(r["Date"]), pence(r["Amount"]), r["Payee"]) for r in table(case, "Money out")
    )
    assert money_out == Counter(
        (p.day, p.pence, p.payee) for p in spec.payments if case.counted(p.day)
    )
    later = Counter((m.day, m.pence) for m in spec.all_in() if case.later(m.day))
    later += Counter((p.day, p.pence) for p in spec.payments if case.later(p.day))
    exceptions = table(case, "Exceptions")
    listed = Counter((day(r["Date"]), pence(r["Amount"])) for r in exceptions if r["What"] == LATER)
    assert listed == later
    assert all(day(r["Date"]) <= case.as_at for r in exceptions if r["What"] != LATER)
    counts = {r[0]: r[1] for r in block(case, "What a reviewer would query")[0]}
    assert counts[LATER] == sum(later.values())
    for row in table(case, "Evidence"):  # named DATE_WHO_WHAT, by the record's date
        assert date.fromisoformat(row["Evidence file"][:10]) <= case.as_at, row
    dates = [day(r["Date"]) for s in ("Money in", "Money out") for r in table(case, s)]
    dates += [day(r["To"]) for r in table(case, "Budget by month")]
    assert all(d <= case.end for d in dates)


def test_the_accounts_cover_every_case() -> None:
    """Together the seeds have each thing the tests above are meant to meet."""
    specs = list(SPECS.values())
    periods = [(spec, start, end) for spec in specs for start, end in spec.periods]
    frequencies = {plan.frequency for spec in specs for plan in spec.plans}
    assert {Frequency.MONTHLY, Frequency.FOUR_WEEKLY} <= frequencies
    assert all(spec.plans[1].start.day > 1 for spec in specs)  # a change part-way in a month
    assert any(sum(a for _, a in p.lines) == p.per_period for s in specs for p in s.plans)
    assert any(m.source is Source.REFUND and m.category for s in specs for m in s.money_in)
    assert any(start.day > 1 and Month.of(end).last != end for _, start, end in periods)
    assert any(start.day == 1 and Month.of(start).last == end for _, start, end in periods)
    assert any(end < TODAY for _, _, end in periods) and any(end > TODAY for _, _, end in periods)
    assert any(
        start <= spec.opening.day <= min(end, TODAY) for spec, start, end in periods
    )  # an opening balance entered in the period
    assert any(
        min(end, TODAY) < p.day <= end for spec, _, end in periods for p in spec.payments
    )  # a payment dated after the as-at date, in the period
    assert any(p.day > end for spec, _, end in periods for p in spec.payments)
    states = set()
    for spec, start, end in periods:
        paid = paid_by(spec, min(end, TODAY))
        for inv in spec.invoices:
            if start <= inv.issued <= min(end, TODAY):
                owed = inv.pence - paid[inv.number]
                states.add("unpaid" if not paid[inv.number] else "part" if owed > 0 else
                           "paid" if owed == 0 else "over")  # fmt: skip
                if inv.due_date > end and owed == 0:
                    states.add("due after the period, paid in it")
    assert states == {"unpaid", "part", "paid", "over", "due after the period, paid in it"}
