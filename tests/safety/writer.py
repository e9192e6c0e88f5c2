"""A process that writes through the real services and says which actions were committed.

Run as `python -m tests.safety.writer DB MODE N`. Each line `ACK kind id pence` is printed
(and flushed) only after its transaction has committed. MODE `mixed` cycles through a
payment with a receipt, a KCC payment, and an invoice with its PDF paid in the same step;
MODE `money-in` only adds money-in entries (for the two-writers test).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from kentcard.core.money import Money
from kentcard.core.records import Source
from kentcard.services import invoices, ledger, recipients
from kentcard.services.opening import open_context
from kentcard.services.settings import Settings


def ack(*parts: object) -> None:
    sys.stdout.write("ACK " + " ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def main(db: str, mode: str, count: int) -> None:
    ctx = open_context(Settings(db=db, exports=Path(db).parent, keep_daily=0))
    person = recipients.resolve_recipient(ctx, None)
    scratch = Path(tempfile.mkdtemp())
    tag = f"{Path(db).stem}-{id(ctx)}-{date.today()}"
    print("READY", flush=True)
    for i in range(count):
        day = date(2026, 1, 1) + timedelta(days=i % 300)
        pence = 100 + i
        if mode == "money-in":
            row = ledger.add_money_in(
                ctx, person.id, date=day, amount=Money(pence), source=Source.OTHER
            )
            ack("money_in", row.id, pence)
            continue
        step = i % 3
        if step == 0:
            receipt = scratch / f"r{i}.txt"
            receipt.write_text(f"Receipt {tag} {i}\n")
            row = ledger.add_money_out(
                ctx, person.id, date=day, amount=Money(pence), payee="Shop", receipts=[receipt]
            )
            ack("money_out", row.id, pence)
        elif step == 1:
            row = ledger.add_money_in(
                ctx, person.id, date=day, amount=Money(pence), source=Source.KCC
            )
            ack("money_in", row.id, pence)
        else:
            pdf = scratch / f"i{i}.pdf"
            pdf.write_bytes(f"%PDF-1.4\n% invoice {tag} {i}\n%%EOF\n".encode())
            number = f"INV-{tag}-{i}"
            draft = invoices.InvoiceDraft("Agency", number, day, Money(pence))
            inv = invoices.add_invoice(ctx, person.id, draft, pdf)
            ack("invoice", inv.id, pence)
            out = ledger.add_money_out(
                ctx,
                person.id,
                date=day,
                amount=Money(pence),
                payee="Agency",
                invoices=[ledger.InvoiceClaim(number)],
            )
            ack("money_out", out.id, pence)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
