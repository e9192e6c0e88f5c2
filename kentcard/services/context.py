"""What every use case needs: the database and today's date (fixed in tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from kentcard.store.engine import Database


@dataclass
class Context:
    db: Database
    clock: Callable[[], date] = field(default=date.today)

    def today(self) -> date:
        return self.clock()
