"""One TUI run against PostgreSQL, in its own process (benchmark 7).

    python -m bench.tui_probe_pg URL LAUNCHED_AT          # kentcard, --db URL
    python -m bench.tui_probe_pg URL LAUNCHED_AT --floor  # a bare Textual app, psycopg

The app's run is benchmark 4's (`bench.tui_probe.kentcard_run`) with a PostgreSQL address
for the database; the floor is the same bare Textual app with the same page query sent
through psycopg. Prints one JSON line: seconds to an interactive dashboard, to the first
page of Money out, and to the last row.
"""

from __future__ import annotations

import sys

from bench.tui_probe import bare_run, main


async def floor_run(url: str, launched: float) -> dict[str, float]:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    connection = psycopg.connect(
        host=str(parsed.query["host"]),
        dbname=parsed.database,
        user=parsed.username,
        autocommit=True,
    )
    try:
        return await bare_run(connection, "%s", launched)
    finally:
        connection.close()


if __name__ == "__main__":
    main(sys.argv[1:], floor=floor_run)
