"""Dashboard page load for a large league: N agents x R rounds of claims in a SQLite file,
served by the real app under uvicorn; each page timed as the server's response (HTTP, httpx)
and, when Debian's Chromium is there, as a browser navigation to its load event.

    .venv/bin/python scripts/bench_dashboard.py --agents 1000 --rounds 10 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from node.dashboard import Settings, Source
from node.db import open_database, repo
from node.db.engine import Database
from node.db.models import AgentRow, ClaimRow, DisputeRow, RoundRow
from node.league.catalog import resolve_league

CHAIN = 31337
CHROMIUM = os.environ.get("NETS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def fill(db: Database, agents: int, rounds: int, matches: int = 3) -> None:
    """A league with every agent claiming in every round (one session per table: fast)."""
    repo.save_league(db, CHAIN, 1, resolve_league("demo"))
    with db.session() as session:
        session.add_all(
            AgentRow(chain_id=CHAIN, agent_id=a, owner=f"0x{a:040x}", code_hash=bytes(32))
            for a in range(1, agents + 1)
        )
        session.add_all(
            RoundRow(chain_id=CHAIN, round_id=r, league_id=1, seed=bytes(32), status="settled")
            for r in range(1, rounds + 1)
        )
    for r in range(1, rounds + 1):
        with db.session() as session:
            for a in range(1, agents + 1):
                scores = [(a * 7 + r * 13 + m) % 50 for m in range(matches)]
                session.add(
                    ClaimRow(chain_id=CHAIN, round_id=r, agent_id=a,
                             claim_root=(a * 1000 + r).to_bytes(32, "big"),
                             scores_json=json.dumps(scores), total=str(sum(scores)),
                             status="voided" if a % 97 == 0 else "settled")
                )  # fmt: skip
    with db.session() as session:
        session.add_all(
            DisputeRow(chain_id=CHAIN, dispute_id=i, round_id=1 + i % rounds, agent_id=97 * i,
                       match_index=0, role="observer", phase=6, lo=-1, hi=0, verdict=0, reason=7)
            for i in range(1, agents // 97 + 1)
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="Dashboard page load for a large league.")
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import httpx

    from node.dashboard import create_app
    from node.dashboard.server import ThreadedServer

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        db = open_database(url)
        started = time.perf_counter()
        fill(db, args.agents, args.rounds)
        print(f"filled {args.agents} agents x {args.rounds} rounds in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        pages = ["/", "/leagues/1", f"/rounds/{args.rounds}", "/disputes/1", "/leagues/1?all=1"]
        with ThreadedServer(create_app(Settings(Source(db, CHAIN)))) as served:
            http: dict[str, list[float]] = {p: [] for p in pages}
            size: dict[str, int] = {}
            with httpx.Client(base_url=served.url) as client:
                for page in pages:
                    client.get(page).raise_for_status()  # warm: templates compiled
                    for _ in range(args.repeat):
                        t = time.perf_counter()
                        response = client.get(page)
                        http[page].append(time.perf_counter() - t)
                        response.raise_for_status()
                        size[page] = len(response.content)
            browser = _browser_times(served.url, pages, args.repeat)
        db.close()
    print(f"{'page':<16} {'bytes':>9} {'http median ms':>15} {'browser load median ms':>23}")
    for page in pages:
        b = browser.get(page)
        print(f"{page:<16} {size[page]:>9,} "
              f"{statistics.median(http[page]) * 1000:>15.1f} "
              f"{'-' if not b else f'{statistics.median(b) * 1000:.1f}':>23}")  # fmt: skip


def _browser_times(base: str, pages: list[str], repeat: int) -> dict[str, list[float]]:
    """Navigation start to the load event (the page's own Navigation Timing entry: request,
    response, parsing, the stylesheet and script, layout)."""
    if shutil.which(CHROMIUM) is None:
        print("no Chromium: browser timings skipped")
        return {}
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {p: [] for p in pages}
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = chromium.new_page()
        for path in pages:
            page.goto(base + path)  # warm
            for _ in range(repeat):
                page.goto(base + path, wait_until="load")
                ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
                times[path].append(float(ms) / 1000)
        chromium.close()
    return times


if __name__ == "__main__":
    main()
