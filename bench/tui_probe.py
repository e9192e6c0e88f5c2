"""One TUI run, in its own process: the real app (through `make_app`) driven by Pilot.

    python -m bench.tui_probe DB LAUNCHED_AT         # kentcard
    python -m bench.tui_probe DB LAUNCHED_AT --floor # a bare Textual app, raw sqlite3

Prints one JSON line: seconds from the parent's launch to an interactive dashboard, to the
first page of Money out (key 3), and to the cursor on the last row of the last page (End);
and this process's peak RSS.
The floor does the same steps with no application around them: a Textual app with a
DataTable filled from the same page queries written by hand in sqlite3.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

SIZE = (120, 40)
TIMEOUT = 120.0


async def until(pilot: Any, done: Callable[[], bool]) -> None:
    """Let the app run (workers, messages, refreshes) until `done()` holds."""
    deadline = time.perf_counter() + TIMEOUT
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.002)
    await pilot.pause()


def text_of(app: Any, selector: str) -> str:
    from textual.widgets import Static

    try:
        return str(app.screen.query_one(selector, Static).content)
    except Exception:  # not mounted yet
        return ""


async def kentcard_run(db: str, launched: float) -> dict[str, float]:
    from textual.widgets import DataTable

    from kentcard.services.settings import Settings
    from kentcard.tui.launch import make_app
    from kentcard.tui.screens.dashboard import DashboardScreen
    from kentcard.tui.screens.setup import PersonDialog

    app = make_app(Settings.resolve(db=db))
    times: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, PersonDialog | DashboardScreen))
        if isinstance(app.screen, PersonDialog):
            await pilot.press("enter")  # the first person: the largest account
        await until(pilot, lambda: text_of(app, "#figures") != "")
        times["launch"] = time.time() - launched

        started = time.perf_counter()
        await pilot.press("3")
        await until(pilot, lambda: text_of(app, "#page-info").startswith("Showing 1–"))
        table = app.screen.query_one("#table", DataTable)
        times["page"] = time.perf_counter() - started
        total = app.screen.total

        # End on the table, as a person would: the last row of the last page.
        table.focus()
        started = time.perf_counter()
        await pilot.press("end")
        await until(
            pilot,
            lambda: (
                f"–{total:,} of {total:,}" in text_of(app, "#page-info")
                and table.cursor_row == table.row_count - 1
            ),
        )
        times["last"] = time.perf_counter() - started
    app.ctx.db.dispose()
    return times


async def floor_run(db: str, launched: float) -> dict[str, float]:
    """The same three steps with no application: bare Textual, hand-written SQL."""
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        return await bare_run(connection, "?", launched)
    finally:
        connection.close()


async def bare_run(connection: Any, placeholder: str, launched: float) -> dict[str, float]:
    """The floor's steps on an open DB-API connection (sqlite3 or psycopg): `placeholder`
    is its parameter mark."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header, Static

    page_sql = (
        "SELECT id, date, payee, category, description, amount_pence FROM money_out"
        f" WHERE recipient_id = 1 ORDER BY date DESC, id DESC LIMIT 100 OFFSET {placeholder}"
    )

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("", id="figures")
            yield DataTable(id="table")
            yield Footer()

        def fill(self, offset: int) -> None:
            table = self.query_one(DataTable)
            table.clear()
            for row in connection.execute(page_sql, (offset,)):
                table.add_row(*[str(v) for v in row])

    app = Bare()
    times: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#figures", Static).update("ready")
        await pilot.pause()
        times["launch"] = time.time() - launched
        table = app.query_one(DataTable)
        table.add_columns("id", "Date", "Paid to", "Category", "What", "Amount")
        started = time.perf_counter()
        app.fill(0)
        await pilot.pause()
        times["page"] = time.perf_counter() - started
        total = int(
            connection.execute("SELECT count(*) FROM money_out WHERE recipient_id = 1").fetchone()[
                0
            ]
        )
        started = time.perf_counter()
        app.fill((total - 1) // 100 * 100)
        table.move_cursor(row=table.row_count - 1)
        await pilot.pause()
        times["last"] = time.perf_counter() - started
    return times


def main(argv: list[str], floor: Any = floor_run) -> None:
    db, launched = argv[0], float(argv[1])
    run = floor if "--floor" in argv else kentcard_run
    times = asyncio.run(run(db, launched))
    times["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(times), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
