"""One member of staff writing: `python -m tests.org_load.worker URL INDEX SYNC SECONDS LOG`.

Each write is a whole `kentcard` command line, run through the real command-line code
(argument parsing, opening the database, the service, the error handling, the printed
JSON) in this process, so that twenty such processes can write many times a second; a
separate `kentcard` process per write spends most of its time starting Python.

Every command is logged as one JSON line: the argv, the exit code, what it printed on
stdout and stderr, any exception that escaped, and when it was acknowledged. A write is
acknowledged when the command exited 0 and printed the new record's id.

The staff member works on the people named in PEOPLE (all of them, so that several
processes write to the same person at once): money in, money out, invoices, and payments
that settle an invoice this same worker added (in full or in part).
"""

from __future__ import annotations

import io
import json
import random
import sys
import time
import traceback
from contextlib import redirect_stderr, redirect_stdout
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PEOPLE = ("Ann Load", "Ben Load", "Cat Load", "Dev Load", "Eve Load")
CATEGORIES = ("Home care", "Activities", "Equipment")
PROVIDER = "Load Homecare"  # each person has this provider (its category: Home care)
FIRST_DAY = date(2026, 10, 1)
DAYS = 56  # 2026-10-01 … 2026-11-25 (today in the tests): this month and the last


def run(argv: list[str]) -> dict[str, Any]:
    """Run one kentcard command line here, as the `kentcard` program would."""
    from kentcard.cli import main as kentcard  # the `kentcard` program's entry point

    out, err = io.StringIO(), io.StringIO()
    code: int | None = 0
    escaped = None
    saved = sys.argv
    sys.argv = ["kentcard", *argv]
    with redirect_stdout(out), redirect_stderr(err):
        try:
            kentcard()
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except BaseException:  # what would have reached the person as a traceback
            escaped = traceback.format_exc()
            code = None
        finally:
            sys.argv = saved
    return {"argv": argv, "code": code, "stdout": out.getvalue(), "stderr": err.getvalue(),
            "exception": escaped}  # fmt: skip


def record_id(result: dict[str, Any]) -> int | None:
    if result["code"] != 0 or result["stderr"] or result["exception"]:
        return None
    try:
        return int(json.loads(result["stdout"])["id"])
    except (ValueError, KeyError, TypeError):
        return None


def pence(amount: int) -> str:
    return f"{amount // 100}.{amount % 100:02d}"


def main(url: str, index: int, sync: Path, seconds: float, log_path: Path) -> None:
    """Write for `seconds` from the moment the file SYNC/go appears, so all write at once.

    SYNC/ready-INDEX says this worker has loaded the command line and waits to start."""
    rng = random.Random(index)
    # Python's start-up and the first use of each library are paid before the start (a
    # read of each kind this worker writes), so the timing is of the writes themselves.
    import kentcard.services.invoices
    import kentcard.services.ledger  # noqa: F401

    for what in ("money-in", "money-out", "invoices"):
        run(["--db", url, "list", what, "--recipient", PEOPLE[0], "--json"])
    (sync / f"ready-{index}").touch()
    while not (sync / "go").exists():
        time.sleep(0.01)
    deadline = float((sync / "go").read_text(encoding="utf-8")) + seconds
    unpaid: list[tuple[str, str, int]] = []  # (person, invoice number, still owed in pence)
    serial = 0
    with log_path.open("w", encoding="utf-8") as log:
        while time.time() < deadline:
            serial += 1
            person = rng.choice(PEOPLE[:2]) if rng.random() < 0.5 else rng.choice(PEOPLE)
            day = (FIRST_DAY + timedelta(rng.randrange(DAYS))).isoformat()
            amount = rng.randint(100, 40_000)
            pick = rng.random()
            kind: str
            if pick < 0.2:
                kind = "money-in"
                source = rng.choice(("kcc", "contribution", "refund"))
                argv = ["money-in", "add", "--date", day, "--amount", pence(amount),
                        "--source", source]  # fmt: skip
                if source == "refund":
                    argv += ["--category", rng.choice(CATEGORIES)]
            elif pick < 0.5:
                kind = "money-out"
                argv = ["money-out", "add", "--date", day, "--amount", pence(amount),
                        "--payee", f"Shop {rng.randint(1, 9)}",
                        "--category", rng.choice(CATEGORIES)]  # fmt: skip
            elif pick < 0.75 or not unpaid:
                kind = "invoice"
                number = f"W{index:02d}-{serial:05d}"
                argv = ["invoice", "add", "--provider", PROVIDER, "--number", number,
                        "--date", day, "--amount", pence(amount)]  # fmt: skip
            else:
                kind = "payment"
                slot = rng.randrange(len(unpaid))
                person, number, owed = unpaid[slot]
                part = owed if rng.random() < 0.6 else rng.randint(1, owed)
                day = "2026-11-25"  # paid today: never before the invoice's own date
                argv = ["money-out", "add", "--date", day, "--amount", pence(part),
                        "--payee", PROVIDER, "--invoice", f"{number}={pence(part)}"]  # fmt: skip
                amount = part
            argv = ["--db", url, *argv, "--recipient", person, "--json"]
            started = time.time()
            result = run(argv)
            result.update(
                worker=index,
                kind=kind,
                person=person,
                amount=amount,
                started=started,
                acknowledged=time.time(),
                id=record_id(result),
            )
            if result["id"] is not None:
                if kind == "invoice":
                    unpaid.append((person, argv[argv.index("--number") + 1], amount))
                elif kind == "payment":
                    left = owed - amount
                    if left:
                        unpaid[slot] = (person, number, left)
                    else:
                        unpaid.pop(slot)
            log.write(json.dumps(result) + "\n")
            log.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4]), Path(sys.argv[5]))
