"""`python -m bench.receipts`: how well and how fast receipts are read, engine by engine.

Reads every fixture in tests/fixtures/receipts (16 receipt photos, 4 text-layer PDFs, one
scanned PDF) with each choice of engines, each in a fresh process so that its peak memory
is its own: the text layer only (no extra), RapidOCR (the `kentcard[ocr]` extra) and
tesseract. For each it prints how many documents had all three fields right, the first
read (which loads the models), the median and largest time per photo after that, the
scan's time, and peak memory (the Python process, and tesseract's child processes).
A choice whose engine is not installed says so. The table is also written to
bench/results/receipts.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.timing import ROOT

CHOICES = {
    "text layer only": "text",
    "RapidOCR (kentcard[ocr])": "text,rapidocr",
    "tesseract --psm 6": "text,tesseract",
}
RESULTS = Path(__file__).with_name("results")


def child(engines: str) -> dict[str, object]:
    """Read every fixture with `engines`; runs in its own process."""
    sys.path.insert(0, str(ROOT))
    from kentcard.services.ocr import Engine, installed
    from kentcard.services.receipts import read_receipt_file
    from tests.receipt_fixtures import FIXTURES, PAYEES

    allowed = {Engine(word) for word in engines.split(",")}
    missing = [e.value for e in allowed if not installed(e)]
    if missing:
        return {"missing": missing}
    started = time.perf_counter()
    read_receipt_file(FIXTURES[0].path, PAYEES, allowed)  # loads the models, if any
    first_read = time.perf_counter() - started
    read_receipt_file(FIXTURES[-2].path, PAYEES, allowed)  # and pypdf
    rows = []
    for fixture in FIXTURES:
        started = time.perf_counter()
        found = read_receipt_file(fixture.path, PAYEES, allowed).suggestion
        seconds = time.perf_counter() - started
        right = (
            found.date is not None
            and found.date.value == fixture.date
            and found.amount is not None
            and found.amount.value.pence == fixture.pence
            and found.payee is not None
            and found.payee.value == fixture.payee
        )
        rows.append({"file": fixture.path.name, "kind": fixture.kind, "right": right, "s": seconds})
    return {
        "rows": rows,
        "first_read": first_read,
        "peak_self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "peak_children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }


def measure(engines: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.receipts", "--child", engines],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def line(name: str, result: dict[str, object]) -> str:
    if "missing" in result:
        return f"{name:<26}  not installed here: {', '.join(result['missing'])}"  # type: ignore[arg-type]
    rows: list[dict[str, object]] = result["rows"]  # type: ignore[assignment]
    photos = [r for r in rows if str(r["file"]).endswith(".jpg")]
    pdfs = [r for r in rows if str(r["file"]).endswith(".pdf")]
    scan = next(r for r in pdfs if "scanned" in str(r["file"]))
    text_pdfs = [r for r in pdfs if r is not scan]
    times = [float(r["s"]) for r in photos]  # type: ignore[arg-type]
    wrong = [str(r["file"]) for r in rows if not r["right"]]
    missed = ", ".join(wrong) if len(wrong) <= 4 else f"{len(wrong)} documents"
    return (
        f"{name:<26}  {sum(bool(r['right']) for r in photos):>2}/{len(photos)}  "
        f"{sum(bool(r['right']) for r in pdfs):>1}/{len(pdfs)}  "
        f"{float(result['first_read']):>6.2f} s  "  # type: ignore[arg-type]
        f"{statistics.median(times):>6.2f} s  {max(times):>6.2f} s  "
        f"{float(scan['s']):>6.2f} s  "  # type: ignore[arg-type]
        f"{statistics.median(float(r['s']) for r in text_pdfs) * 1000:>6.1f} ms  "  # type: ignore[arg-type]
        f"{int(result['peak_self_kb']) // 1024:>5} MB  "  # type: ignore[call-overload]
        f"{int(result['peak_children_kb']) // 1024:>5} MB  "  # type: ignore[call-overload]
        f"{missed or '-'}"
    )


HEADER = (
    "engines                     photos PDFs  1st read  photo med  photo max  scan      "
    "text PDF   peak py  peak child  not all right"
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.receipts", description=__doc__)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    lines = [HEADER, "-" * len(HEADER)]
    for name, engines in CHOICES.items():
        print(f"{name}...", flush=True)
        lines.append(line(name, measure(engines)))
    table = "\n".join(lines)
    print()
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "receipts.md").write_text(f"```text\n{table}\n```\n")


if __name__ == "__main__":
    main()
