"""One TUI run against PostgreSQL, in its own process (benchmark 7).

    python -m bench.tui_probe_pg URL LAUNCHED_AT          # kentcard, --db URL
    python -m bench.tui_probe_pg URL LAUNCHED_AT --floor  # a bare Textual app, psycopg

The app's run is benchmark 4's (`bench.tui_probe.kentcard_run`) with a PostgreSQL address
for the database; the floor is the same bare Textual app with the same page query sent
through psycopg. Prints one JSON line: seconds to an interactive dashboard, to the first
page of Money out, and to the last row.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time

from bench.tui_probe import SIZE, kentcard_run


async def floor_run(url: str, launched: float) -> dict[str, float]:
    import psycopg
    from sqlalchemy.engine import make_url
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header, Static

    parsed = make_url(url)
    connection = psycopg.connect(
        host=str(parsed.query["host"]),
        dbname=parsed.database,
        user=parsed.username,
        autocommit=True,
    )
    page_sql = (
        "SELECT id, date, payee, category, description, amount_pence FROM money_out"
        " WHERE recipient_id = 1 ORDER BY date DESC, id DESC LIMIT 100 OFFSET %s"
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
        found = connection.execute(
            "SELECT count(*) FROM money_out WHERE recipient_id = 1"
        ).fetchone()
        total = int(found[0]) if found else 0
        started = time.perf_counter()
        app.fill((total - 1) // 100 * 100)
        table.move_cursor(row=table.row_count - 1)
        await pilot.pause()
        times["last"] = time.perf_counter() - started
    connection.close()
    return times


def main(argv: list[str]) -> None:
    url, launched = argv[0], float(argv[1])
    run = floor_run if "--floor" in argv else kentcard_run
    times = asyncio.run(run(url, launched))
    times["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(times), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
