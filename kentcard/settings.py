"""Where things live: the database and the exports folder, from flags, environment or defaults."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kentcard.core.dates import parse_date

DEFAULT_DB = Path("db") / "kentcard.sqlite3"
DEMO_DB = Path("db") / "demo.sqlite3"
DEFAULT_EXPORTS = Path("exports")


@dataclass(frozen=True)
class Settings:
    db: str
    exports: Path
    clock: Callable[[], date] = field(default=date.today)

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
        fixed = env.get("KENTCARD_TODAY")
        if fixed:  # reproduce a report as of a given day (and fix "today" in tests)
            day = parse_date(fixed, "KENTCARD_TODAY")
            return cls(db=chosen_db, exports=Path(chosen_exports), clock=lambda: day)
        return cls(db=chosen_db, exports=Path(chosen_exports))
