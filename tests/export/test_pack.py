"""The evidence pack: the workbook, every linked document by a findable name, and a README."""

from __future__ import annotations

import hashlib
import io
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
    assert "2026-05-01 to 2026-10-31" in readme and "SHA-256" in readme
    assert "evidence/2026-10-05_Bright-Homecare_INV-1010.pdf" in names
    assert "evidence/2026-08-18_Kent-Mobility_money-out-34.txt" in names


def test_evidence_hashes_match_the_files_in_the_pack(pack: Path) -> None:
    """Each Evidence row's SHA-256 is the hash of the file of that name inside the zip."""
    with zipfile.ZipFile(pack) as archive:
        frame = pd.read_excel(io.BytesIO(archive.read(WORKBOOK)), sheet_name="Evidence")
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
    named = {n for cell in frame["Evidence"].dropna() for n in cell.split("; ")}
    assert named and all(f"evidence/{n}" in names for n in named)


def test_pack_entries_extract_owner_only(pack: Path) -> None:
    """Files unpacked from the zip are regular files readable by the owner only."""
    with zipfile.ZipFile(pack) as archive:
        for info in archive.infolist():
            mode = info.external_attr >> 16
            assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o600, info.filename
