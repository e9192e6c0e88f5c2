"""The exporters are headless: they never load the terminal UI or the command-line library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def loaded_after(code: str, cwd: Path) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def test_writers_load_neither_textual_nor_typer(tmp_path: Path) -> None:
    """Importing every export writer loads openpyxl, but not pandas, textual or typer."""
    loaded = loaded_after(
        "import kentcard.export.xlsx, kentcard.export.csv, kentcard.export.pack", tmp_path
    )
    assert "openpyxl" in loaded
    assert not loaded & {"pandas", "textual", "typer"}


def test_export_service_loads_the_writers_only_when_it_writes(tmp_path: Path) -> None:
    """Importing the export service costs no pandas or openpyxl (the CLI imports stay cheap)."""
    loaded = loaded_after("import kentcard.services.export", tmp_path)
    assert "kentcard" in loaded
    assert not loaded & {"pandas", "openpyxl", "textual", "typer"}
