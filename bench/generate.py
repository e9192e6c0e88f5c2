"""Synthetic kentcard databases: ten years of payments, invoices and receipts for many people.

The schema comes from kentcard's own migrations (`upgrade`); the rows go in with
`sqlite3.executemany`, because an ORM loop would take an hour at a million rows. Every
money-in, money-out and invoice gets its audit 'create' line, so `kentcard verify` passes.

Recipient 1 ("Alex Big") holds a tenth of the payments (100,000 at N = 1,000,000): the
account the paged tables and the TUI are timed on. The others share the rest evenly.
Databases are cached under `bench/results/cache/`, keyed by size, seed, generator
version and schema revision; a second run reuses them.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from kentcard.store.engine import make_engine, url_for
from kentcard.store.migrate import head_revision, upgrade

VERSION = 4  # bump when the shape of the data changes, so cached databases are rebuilt
TODAY = date(2026, 11, 25)  # "today" for every benchmark (KENTCARD_TODAY)
FIRST = date(2016, 12, 1)  # ten years of history up to TODAY
CACHE = Path(__file__).with_name("results") / "cache"
BIG_NAME = "Alex Big"

CATEGORIES = ("Home care", "Personal assistant", "Activities", "Equipment", "Respite")
# (name, kind, category, rate in pence, invoices?) — typical Kent Card payees.
PAYEES = (
    ("Bright Homecare", "agency", "Home care", 2800, True),
    ("Caring Hands Kent", "agency", "Home care", 2650, True),
    ("Sarah Jones", "pa", "Personal assistant", 1500, False),
    ("HMRC PAYE", "other", "Personal assistant", None, False),
    ("Kent Payroll Bureau", "other", "Personal assistant", None, True),
    ("Riverside Day Centre", "day-service", "Activities", None, True),
    ("Medway Respite Lodge", "respite", "Respite", None, True),
    ("Kent Mobility", "equipment", "Equipment", None, False),
)
SHOPS = (("Argos", "Equipment"), ("Canterbury Leisure Centre", "Activities"), ("Stagecoach", None))
DESCRIPTIONS = ("Weekly care", "Lunch club", "Bath seat", "Swim session", "Timesheet", "Bus fare")


@dataclass(frozen=True)
class Size:
    """How big a database to make: payments out, people, and the random seed."""

    payments: int
    recipients: int
    seed: int = 7

    @property
    def key(self) -> str:
        return f"n{self.payments}-m{self.recipients}-s{self.seed}-v{VERSION}"

    @property
    def big_share(self) -> int:
        """Payments of recipient 1: a tenth of all, or all when there is one person."""
        return self.payments if self.recipients == 1 else self.payments // 10


@dataclass
class _Ids:
    money_out: int = 0
    money_in: int = 0
    invoice: int = 0
    allocation: int = 0
    document: int = 0
    link: int = 0
    audit: int = 0


@dataclass
class _Batch:
    """Rows for one month across every recipient, written in date order."""

    money_out: list[tuple[object, ...]] = field(default_factory=list)
    money_in: list[tuple[object, ...]] = field(default_factory=list)
    invoice: list[tuple[object, ...]] = field(default_factory=list)
    allocation: list[tuple[object, ...]] = field(default_factory=list)
    blob: list[tuple[object, ...]] = field(default_factory=list)
    document: list[tuple[object, ...]] = field(default_factory=list)
    link: list[tuple[object, ...]] = field(default_factory=list)
    audit: list[tuple[object, ...]] = field(default_factory=list)


def cached(size: Size, folder: Path = CACHE) -> Path:
    """The database for `size`, generated on first use and reused after.

    A cached database from an older schema is brought up to date by kentcard's own
    `upgrade` (as a user's would be); its pre-upgrade backup goes to a folder then removed.
    """
    path = folder / f"kentcard-{size.key}.sqlite3"
    if path.exists():
        _upgrade_in_place(path)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        for leftover in folder.glob(partial.name + "*"):
            leftover.unlink()
        started = time.perf_counter()
        generate(partial, size)
        os.replace(partial, path)
        print(f"  generated {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def _upgrade_in_place(path: Path) -> None:
    engine = make_engine(url_for(path))
    try:
        with tempfile.TemporaryDirectory(dir=path.parent) as backups:
            if upgrade(engine, backup_dir=Path(backups)) is not None:
                print(f"  upgraded {path.name} to schema {head_revision()}", flush=True)
    finally:
        engine.dispose()


def generate(path: Path, size: Size) -> None:
    """Write a fresh database at `path`: migrated by kentcard, filled with bulk inserts."""
    engine = make_engine(url_for(path))
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    rng = random.Random(size.seed)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        # Bulk load with the journal off; the file is switched back to WAL at the end.
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("BEGIN")
        people = _people(connection, size, rng)
        ids = _Ids()
        for batch in _months(people, size, rng, ids):
            _write(connection, batch)
        connection.execute("COMMIT")
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()
    os.chmod(path, 0o600)


@dataclass
class _Person:
    id: int
    per_month: float
    monthly_pence: int
    providers: list[tuple[int, str, str | None, bool]]  # id, name, category, invoices?
    invoice_seq: int = 0


def _people(connection: sqlite3.Connection, size: Size, rng: random.Random) -> list[_Person]:
    """Recipients, their plans, budget lines and providers (the small tables)."""
    people = []
    months = _month_count()
    rest = max(1, size.recipients - 1)
    provider_id = 0
    for rid in range(1, size.recipients + 1):
        count = size.big_share if rid == 1 else (size.payments - size.big_share) / rest
        per_month = count / months
        mean_payment = 16000  # £160 on average
        monthly = max(50000, int(per_month * mean_payment) // 100 * 100)
        name = BIG_NAME if rid == 1 else f"Person {rid:04d}"
        connection.execute(
            "INSERT INTO recipient (id, name, kcc_ref, card_last4, retained_weeks, created_at)"
            " VALUES (?, ?, ?, ?, 8, ?)",
            (rid, name, f"DP{100000 + rid}", f"{rid % 10000:04d}", "2016-11-30T09:00:00+00:00"),
        )
        connection.execute(
            "INSERT INTO plan (id, recipient_id, start_date, end_date, frequency, council_pence,"
            " contribution_pence, first_payment) VALUES (?, ?, ?, NULL, 'monthly', ?, ?, ?)",
            (rid, rid, FIRST.isoformat(), monthly - 8400, 8400, FIRST.isoformat()),
        )
        shares = (50, 25, 10, 10, 5)
        connection.executemany(
            "INSERT INTO plan_line (plan_id, category, amount_pence) VALUES (?, ?, ?)",
            [
                (rid, cat, monthly * share // 100)
                for cat, share in zip(CATEGORIES, shares, strict=True)
            ],
        )
        providers = []
        for pname, kind, category, rate, invoices in PAYEES:
            provider_id += 1
            connection.execute(
                "INSERT INTO provider (id, recipient_id, name, kind, rate_pence, category)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (provider_id, rid, pname, kind, rate, category),
            )
            providers.append((provider_id, pname, category, invoices))
        people.append(_Person(rid, per_month, monthly, providers))
    rng.shuffle(people)  # interleave people within a day, as real entry would
    return people


def _month_count() -> int:
    return (TODAY.year - FIRST.year) * 12 + TODAY.month - FIRST.month + 1


def _month_starts() -> Iterator[date]:
    day = FIRST
    while day <= TODAY:
        yield day
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _months(people: list[_Person], size: Size, rng: random.Random, ids: _Ids) -> Iterator[_Batch]:
    """One batch per month: each person's payments in and out, invoices, receipts, audit."""
    written = 0
    starts = list(_month_starts())
    for index, first in enumerate(starts):
        last = min(TODAY, _month_end(first))
        batch = _Batch()
        events: list[tuple[date, int, _Person]] = []
        for person in people:
            _money_in(batch, ids, person, first, rng)
            due = round(person.per_month * (index + 1)) - round(person.per_month * index)
            days = (last - first).days
            events += [(first + timedelta(rng.randint(0, days)), k, person) for k in range(due)]
        events.sort(key=lambda e: (e[0], e[1]))
        for day, _, person in events:
            if written >= size.payments:
                break
            _money_out(batch, ids, person, day, rng)
            written += 1
        yield batch


def _month_end(first: date) -> date:
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _money_in(batch: _Batch, ids: _Ids, person: _Person, first: date, rng: random.Random) -> None:
    rows = [(first + timedelta(2), person.monthly_pence - 8400, "kcc", "KCC DP", None)]
    rows.append((first + timedelta(4), 8400, "contribution", "Contribution", None))
    if first == FIRST:
        rows.insert(0, (first, 31240, "opening", None, None))
    if rng.random() < 0.1:
        rows.append((first + timedelta(rng.randint(5, 25)), 1250, "refund", "Refund", "Equipment"))
    for day, pence, source, reference, category in rows:
        if day > TODAY:
            continue
        ids.money_in += 1
        row = (ids.money_in, person.id, day.isoformat(), pence, source, reference, None, category)
        batch.money_in.append((*row, "manual"))
        _audit(batch, ids, person.id, "money_in", ids.money_in, row)


def _money_out(batch: _Batch, ids: _Ids, person: _Person, day: date, rng: random.Random) -> None:
    ids.money_out += 1
    mid = ids.money_out
    pick = rng.random()
    if pick < 0.85:
        provider_id, payee, category, invoiced = rng.choice(person.providers)
    else:
        (payee, category), provider_id, invoiced = rng.choice(SHOPS), None, False
    pence = rng.randint(1000, 31000)
    row = (mid, person.id, day.isoformat(), pence, payee, provider_id, category)
    row += (rng.choice(DESCRIPTIONS), f"CARD {mid:08d}", "manual")
    batch.money_out.append(row)
    _audit(batch, ids, person.id, "money_out", mid, row)
    if invoiced and provider_id is not None:
        # Recent invoices are often paid in part; the rest of the history is settled.
        part_paid = (TODAY - day).days < 60 and rng.random() < 0.3
        billed = pence * 2 if part_paid else pence
        _invoice(batch, ids, person, provider_id, day, billed, pence, mid, rng)
    elif rng.random() < 0.6:
        _document(batch, ids, person.id, "receipt", ("money_out_id", mid), f"{payee} {pence}")


def _invoice(
    batch: _Batch,
    ids: _Ids,
    person: _Person,
    provider_id: int,
    paid_on: date,
    billed: int,
    paid: int,
    money_out_id: int,
    rng: random.Random,
) -> None:
    ids.invoice += 1
    person.invoice_seq += 1
    issued = paid_on - timedelta(rng.randint(2, 20))
    row = (ids.invoice, person.id, provider_id, f"INV-{person.invoice_seq:06d}", issued.isoformat())
    row += (None, None, None, None, billed, (issued + timedelta(30)).isoformat())
    batch.invoice.append(row)
    _audit(batch, ids, person.id, "invoice", ids.invoice, row)
    ids.allocation += 1
    batch.allocation.append((ids.allocation, money_out_id, ids.invoice, paid))
    if rng.random() < 0.9:
        _document(batch, ids, person.id, "invoice", ("invoice_id", ids.invoice), row[3])


def _document(
    batch: _Batch, ids: _Ids, recipient_id: int, kind: str, target: tuple[str, int], text: str
) -> None:
    content = f"{kind} {target[0]}={target[1]} for {recipient_id}: {text}\n".encode()
    sha = hashlib.sha256(content).hexdigest()
    ids.document += 1
    batch.blob.append((sha, len(content), "text/plain", content))
    name = f"{kind}-{target[1]}.txt"
    batch.document.append((ids.document, recipient_id, sha, name, kind, "2026-01-01T00:00:00Z"))
    ids.link += 1
    out_id, invoice_id = (target[1], None) if target[0] == "money_out_id" else (None, target[1])
    batch.link.append((ids.link, ids.document, out_id, None, invoice_id))


def _audit(
    batch: _Batch, ids: _Ids, recipient_id: int, entity: str, entity_id: int, row: tuple
) -> None:
    ids.audit += 1
    detail = json.dumps({"after": list(row), "before": None, "bench": True})
    at = f"{row[2]}T12:00:00+00:00" if entity != "invoice" else f"{row[4]}T12:00:00+00:00"
    batch.audit.append((ids.audit, at, recipient_id, entity, entity_id, "create", detail))


INSERTS = {
    "money_out": "INSERT INTO money_out (id, recipient_id, date, amount_pence, payee, provider_id,"
    " category, description, reference, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "money_in": "INSERT INTO money_in (id, recipient_id, date, amount_pence, source, reference,"
    " note, category, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "invoice": "INSERT INTO invoice (id, recipient_id, provider_id, number, issue_date,"
    " period_start, period_end, hours_centi, rate_pence, amount_pence, due_date)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "allocation": "INSERT INTO allocation (id, money_out_id, invoice_id, amount_pence)"
    " VALUES (?, ?, ?, ?)",
    "blob": "INSERT OR IGNORE INTO blob (sha256, size, media_type, content) VALUES (?, ?, ?, ?)",
    "document": "INSERT INTO document (id, recipient_id, sha256, filename, kind, added_at)"
    " VALUES (?, ?, ?, ?, ?, ?)",
    "link": "INSERT INTO document_link (id, document_id, money_out_id, money_in_id, invoice_id)"
    " VALUES (?, ?, ?, ?, ?)",
    "audit": "INSERT INTO audit (id, at, recipient_id, entity, entity_id, action, detail)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)",
}


def _write(connection: sqlite3.Connection, batch: _Batch) -> None:
    # Invoices before the payments that settle them; documents before their links.
    for table in ("invoice", "money_out", "money_in", "allocation", "blob", "document", "link"):
        connection.executemany(INSERTS[table], getattr(batch, table))
    connection.executemany(INSERTS["audit"], batch.audit)
