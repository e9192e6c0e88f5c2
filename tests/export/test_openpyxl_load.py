"""The workbook writer loads openpyxl without numpy, and leaves numpy importable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(code: str, cwd: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_the_writer_does_not_load_numpy(tmp_path: Path) -> None:
    probe = "import sys, kentcard.export.xlsx\nprint('numpy' in sys.modules)"
    assert run(probe, tmp_path) == "False"


def test_numpy_can_still_be_imported_afterwards(tmp_path: Path) -> None:
    probe = (
        "import kentcard.export.xlsx, numpy, openpyxl\n"
        "print(int(numpy.int64(2) + 1), openpyxl.Workbook().active.title)"
    )
    assert run(probe, tmp_path) == "3 Sheet"


def test_numpy_loaded_first_is_left_as_it_is(tmp_path: Path) -> None:
    probe = (
        "import numpy, kentcard.export.xlsx\n"
        "from openpyxl.compat.numbers import NUMPY\nprint(NUMPY)"
    )
    assert run(probe, tmp_path) == "True"
