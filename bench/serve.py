"""`python -m bench.serve [--tabs N]`: the app in a browser (`kentcard serve`), measured.

Starts `kentcard serve` on a free port of this computer over the typical account (ten years,
4,000 payments: `bench/generate.py`), opens its link in Debian's chromium (Playwright), then
opens more tabs on the same session. Prints, for each tab, the seconds from opening the
page to the dashboard's first drawing arriving in the browser, and the memory (RSS) of the
server and of each tab's app process. No goal is judged: these are figures to watch.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import Size, cached
from bench.timing import env

KENTCARD = Path(sys.executable).with_name("kentcard")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def app_pids(db: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                words = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"-m" in words and b"kentcard" in words and str(db).encode() in words:
                found.append(int(entry.name))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__)
    parser.add_argument("--tabs", type=int, default=5, help="tabs to open one after another")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    db = cached(Size(4_000, 1))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(KENTCARD), "--db", str(db), "serve", "--port", str(port)],
        env=env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    link = ""
    while not link:
        line = server.stdout.readline()
        if not line:
            raise SystemExit("kentcard serve printed no link")
        if found := re.search(r"http://\S+token=\S+", line):
            link = found.group(0)
    seconds: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            context = browser.new_context(viewport={"width": 1200, "height": 800})
            for number in range(args.tabs):
                page = context.new_page()
                drawn = [b""]
                page.on(
                    "websocket",
                    lambda ws, drawn=drawn: ws.on(
                        "framereceived",
                        lambda data, drawn=drawn: drawn.__setitem__(
                            0, drawn[0] + (data if isinstance(data, bytes) else data.encode())
                        ),
                    ),
                )
                started = time.perf_counter()
                page.goto(link if number == 0 else link.split("?", 1)[0])
                while b"Needs attention" not in drawn[0] and b"Nothing needs" not in drawn[0]:
                    page.wait_for_timeout(20)
                seconds.append(time.perf_counter() - started)
            apps = [rss_mib(pid) for pid in app_pids(db)]
            print(f"tabs open: {args.tabs}; first screen after opening a tab (s): ", end="")
            print(", ".join(f"{s:.2f}" for s in seconds))
            print(f"median {statistics.median(seconds):.2f} s, slowest {max(seconds):.2f} s")
            print(f"server RSS {rss_mib(server.pid):.0f} MiB; each tab's app RSS (MiB): ", end="")
            print(", ".join(f"{m:.0f}" for m in apps))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
