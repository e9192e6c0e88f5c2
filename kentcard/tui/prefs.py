"""The app's own small settings (the theme), kept in a private JSON file beside the database."""

from __future__ import annotations

import json
import os
from pathlib import Path

from kentcard.core.folders import private_folder
from kentcard.services.settings import Settings

PREFS_NAME = "kentcard-app.json"


def prefs_path(settings: Settings) -> Path | None:
    """`kentcard-app.json` in the database's folder; None when the database is not a file."""
    db = settings.db
    if db.startswith("sqlite:///"):
        db = db.removeprefix("sqlite:///")
    elif "://" in db:
        return None
    return Path(db).expanduser().absolute().parent / PREFS_NAME


def load_prefs(settings: Settings) -> dict[str, object]:
    path = prefs_path(settings)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}  # missing or damaged: start from the defaults
    return data if isinstance(data, dict) else {}


def save_prefs(settings: Settings, prefs: dict[str, object]) -> None:
    """Write atomically, readable by the owner only (0600)."""
    path = prefs_path(settings)
    if path is None:
        return
    private_folder(path.parent)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(prefs, handle)
    os.replace(temporary, path)
