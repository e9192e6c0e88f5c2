"""The evidence pack: the workbook, every linked document by a findable name, and a README."""

from __future__ import annotations

import hashlib
import io
import re
import stat
import zipfile
from pathlib import Path

import pandas as pd

from tests.export.ledger import Ledger

WORKBOOK = "kentcard-review_2026-05-01_2026-10-31.xlsx"


def test_pack_holds_workbook_readme_and_every_document(pack: Path, ledger: Ledger) -> None:
    """The zip has README.txt, the workbook and each attached file, byte for byte."""
    with zipfile.ZipFile(pack) as archive:
        names = archive.namelist()
        documents = [archive.read(n) for n in names if n.startswith("evidence/")]
        readme = archive.read("README.txt").decode("utf-8")
    assert names[:2] == ["README.txt", WORKBOOK]
    assert sorted(documents) == sorted(ledger.files.values())
    assert "Period from:" in readme and "01/05/2026" in readme and "SHA-256" in readme
    assert "evidence/2026-10-05_Bright-Homecare_INV-1010.pdf" in names
    assert "evidence/2026-08-18_Kent-Mobility_receipt.txt" in names  # named for what it is


def test_readme_leads_with_the_figures_and_its_example_is_in_the_pack(pack: Path) -> None:
    """The README opens with the key figures; the file it gives as an example is in the pack."""
    with zipfile.ZipFile(pack) as archive:
        names = set(archive.namelist())
        readme = archive.read("README.txt").decode("utf-8")
    lines = readme.split("\r\n")
    assert lines[2].split() == ["Person:", "Jo", "Bloggs"]
    figures = lines[: lines.index("What is here")]
    assert any(line.split(":")[0].strip() == "Carried forward" for line in figures)
    assert any(line.split(":")[0].strip() == "Brought forward" for line in figures)
    found = re.search(r"for example (\S+)\.\r\n", readme)
    assert found and f"evidence/{found.group(1)}" in names


def test_evidence_hashes_match_the_files_in_the_pack(pack: Path) -> None:
    """Each Evidence row's SHA-256 is the hash of the file of that name inside the zip."""
    with zipfile.ZipFile(pack) as archive:
        frame = pd.read_excel(io.BytesIO(archive.read(WORKBOOK)), sheet_name="Evidence")[:-1]
        hashes = {
            n.removeprefix("evidence/"): hashlib.sha256(archive.read(n)).hexdigest()
            for n in archive.namelist()
            if n.startswith("evidence/")
        }
    assert dict(zip(frame["Evidence file"], frame["SHA-256"], strict=True)) == hashes


def test_every_money_out_evidence_name_is_in_the_pack(pack: Path) -> None:
    """Each file named in the Money out sheet can be found in the pack's evidence folder."""
    with zipfile.ZipFile(pack) as archive:
        frame = pd.read_excel(io.BytesIO(archive.read(WORKBOOK)), sheet_name="Money out")
        names = set(archive.namelist())
    cells = frame["Evidence"].iloc[:-1]  # the total row has none
    named = {n for cell in cells if cell != "MISSING" for n in cell.split("; ")}
    assert named and all(f"evidence/{n}" in names for n in named)


def test_pack_entries_extract_owner_only(pack: Path) -> None:
    """Files unpacked from the zip are regular files readable by the owner only."""
    with zipfile.ZipFile(pack) as archive:
        for info in archive.infolist():
            mode = info.external_attr >> 16
            assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o600, info.filename
