"""Publishing an export: owner-only files, no overwriting, no half-written file, clear errors."""

from __future__ import annotations

import csv
import json
import sqlite3
import stat
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kentcard.core.errors import ConflictError, InputError, KentcardError
from kentcard.services.context import Context
from kentcard.services.export import Format, export
from tests.export.ledger import END, START, Ledger, readme_session


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_outputs_are_owner_only(ctx: Context, ledger: Ledger, tmp_path: Path) -> None:
    """The workbook and pack are 0600; the CSV folder and a new exports folder are 0700."""
    out = tmp_path / "new" / "folder"
    xlsx = export(ctx, ledger.rid, START, END, Format.XLSX, out / "r.xlsx")
    pack = export(ctx, ledger.rid, START, END, Format.PACK, out / "r.zip")
    folder = export(ctx, ledger.rid, START, END, Format.CSV, out / "r-csv")
    assert mode(xlsx) == 0o600 and mode(pack) == 0o600
    assert mode(folder) == 0o700 and mode(out) == 0o700
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.txt", "budget-by-month.csv", "evidence.csv", "exceptions.csv", "invoices.csv",
        "money-in.csv", "money-out.csv", "summary.csv",
    ]  # fmt: skip
    assert all(mode(p) == 0o600 for p in folder.iterdir())
    assert sorted(p.name for p in out.iterdir()) == ["r-csv", "r.xlsx", "r.zip"]  # no leftovers


def test_csv_summary_shows_the_balances_and_adds_up(
    ctx: Context, ledger: Ledger, tmp_path: Path
) -> None:
    """summary.csv alone gives the opening and closing balance, and brought forward +
    received - paid out = carried forward; the README lists every file in the folder."""
    folder = export(ctx, ledger.rid, START, END, Format.CSV, tmp_path / "r-csv")
    with open(folder / "summary.csv", encoding="utf-8-sig", newline="") as handle:
        figures = dict(csv.reader(handle))
    assert figures["Person"] == "Jo Bloggs" and figures["Figures as at"] == "31/10/2026"

    def pence(label: str) -> int:
        return round(Decimal(figures[label]) * 100)

    received = sum(pence(k) for k in figures if k.startswith("Received"))
    assert pence("Brought forward") == 31_240
    assert pence("Brought forward") + received - pence("Paid out from the card") == pence(
        "Carried forward"
    )
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    for path in folder.iterdir():
        if path.name != "README.txt":
            assert path.name in readme, path.name


def test_an_existing_file_is_not_overwritten(ctx: Context, ledger: Ledger, tmp_path: Path) -> None:
    """Exporting onto an existing file or folder fails naming --out, and leaves it as it was."""
    for fmt, name in [(Format.XLSX, "r.xlsx"), (Format.PACK, "r.zip"), (Format.CSV, "r-csv")]:
        target = tmp_path / name
        if fmt is Format.CSV:
            target.mkdir()
            (target / "mine.txt").write_text("keep")
        else:
            target.write_text("keep")
        with pytest.raises(ConflictError, match=r"^out: .*already exists"):
            export(ctx, ledger.rid, START, END, fmt, target)
        kept = target / "mine.txt" if fmt is Format.CSV else target
        assert kept.read_text() == "keep"
        export(ctx, ledger.rid, START, END, fmt, target, overwrite=True)
        assert (
            not (target / "mine.txt").exists() if fmt is Format.CSV else target.stat().st_size > 4
        )
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_failure_leaves_no_file_behind(
    ctx: Context, ledger: Ledger, tmp_path: Path, db_path: Path
) -> None:
    """A document damaged in the database stops the pack with a clear error and no file."""
    with closing(sqlite3.connect(db_path)) as raw, raw:
        raw.execute("UPDATE blob SET content = X'00' WHERE rowid = (SELECT min(rowid) FROM blob)")
    out = tmp_path / "out"
    with pytest.raises(KentcardError, match="damaged"):
        export(ctx, ledger.rid, START, END, Format.PACK, out / "r.zip")
    assert list(out.iterdir()) == []


def test_a_bad_period_is_refused_naming_the_field(
    ctx: Context, ledger: Ledger, tmp_path: Path
) -> None:
    """`to` before `from`, or a period starting after today, is an InputError naming the field."""
    with pytest.raises(InputError) as before:
        export(ctx, ledger.rid, END, START, Format.XLSX, tmp_path / "r.xlsx")
    assert before.value.field == "to"
    with pytest.raises(InputError) as future:
        export(
            ctx, ledger.rid, date(2027, 1, 1), date(2027, 2, 1), Format.XLSX, tmp_path / "f.xlsx"
        )
    assert future.value.field == "from"
    assert not list(tmp_path.glob("*.xlsx"))


def test_cli_export_writes_to_the_exports_folder_and_prints_the_path(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`kentcard export` writes kentcard-review_FROM_TO.xlsx under exports/ and prints the path."""
    readme_session(run)
    result = run("export", "--from", "2026-11-01", "--to", "2026-11-30")
    assert result.exit_code == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path == tmp_path / "exports" / "kentcard-review_2026-11-01_2026-11-30.xlsx"
    assert mode(path) == 0o600
    pack = run("export", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "pack")
    assert pack.stdout.strip().endswith("kentcard-review_2026-11-01_2026-11-30.zip")
    again = run("export", "--from", "2026-11-01", "--to", "2026-11-30")
    assert again.exit_code == 2 and again.stderr.startswith("kentcard: error: out: ")
    assert "--overwrite" in again.stderr


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--from", "2026-13-01", "--to", "2026-11-30"], "from"),
        (["--from", "2026-11-01", "--to", "31/11/2026"], "to"),
        (["--from", "2026-11-30", "--to", "2026-11-01"], "to"),
        (["--from", "2026-11-01", "--to", "2026-11-30", "--format", "pdf"], "format"),
    ],
)
def test_cli_export_bad_input_is_one_line_naming_the_field(
    run, args: list[str], field: str
) -> None:  # type: ignore[no-untyped-def]
    """Bad dates or format exit 2 with one line naming the field, and write nothing."""
    assert run("init", "--name", "Jo Bloggs").exit_code == 0
    result = run("export", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kentcard: error: {field}: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not Path("exports").exists() or not any(Path("exports").iterdir())


def test_cli_export_into_a_folder_uses_the_usual_name(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`--out FOLDER` writes the usual file name inside that folder."""
    readme_session(run)
    (tmp_path / "for-kcc").mkdir()
    result = run("export", "--from", "2026-11-01", "--to", "2026-11-30", "--out", "for-kcc")
    assert result.exit_code == 0
    assert json.dumps(result.stdout.strip()).endswith(
        'for-kcc/kentcard-review_2026-11-01_2026-11-30.xlsx"'
    )
