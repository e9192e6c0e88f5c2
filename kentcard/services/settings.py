"""Where things live: the database and the exports folder, from flags, environment or defaults."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kentcard.core.dates import parse_date
from kentcard.core.errors import InputError

DEFAULT_DB = Path("db") / "kentcard.sqlite3"
DEMO_DB = Path("db") / "demo.sqlite3"
DEFAULT_EXPORTS = Path("exports")


@dataclass(frozen=True)
class Settings:
    db: str
    exports: Path
    clock: Callable[[], date] = field(default=date.today)
    keep_daily: int = 7  # rotating backups taken at start-up, in db/backups/
    keep_weekly: int = 4
    # Asked once when a PostgreSQL server wants a password no password file holds.
    password_prompt: Callable[[], str] | None = None

    @classmethod
    def resolve(
        cls,
        db: str | None = None,
        exports: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Settings:
        """Flag first, then KENTCARD_DB / KENTCARD_EXPORTS, then `db/` and `exports/` here."""
        env = os.environ if env is None else env
        here = cwd or Path.cwd()
        chosen_db = db or env.get("KENTCARD_DB") or str(here / DEFAULT_DB)
        chosen_exports = exports or env.get("KENTCARD_EXPORTS") or str(here / DEFAULT_EXPORTS)
        daily = _count(env.get("KENTCARD_KEEP_DAILY"), "KENTCARD_KEEP_DAILY", 7)
        weekly = _count(env.get("KENTCARD_KEEP_WEEKLY"), "KENTCARD_KEEP_WEEKLY", 4)
        clock: Callable[[], date] = date.today
        fixed = env.get("KENTCARD_TODAY")
        if fixed:  # reproduce a report as of a given day (and fix "today" in tests)
            day = parse_date(fixed, "KENTCARD_TODAY")
            clock = lambda: day  # noqa: E731
        return cls(chosen_db, Path(chosen_exports), clock, daily, weekly)


def _count(text: str | None, field: str, default: int) -> int:
    if text is None or not text.strip():
        return default
    if not text.strip().isdigit() or int(text) > 1000:
        raise InputError(field, "must be a whole number of backups to keep (0 turns them off)")
    return int(text)
