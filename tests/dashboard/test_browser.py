"""The dashboard in a real headless Chromium (Debian's, driven by playwright through
``executable_path``: the ``browser`` fixture of tests/browser.py, which skips without one):
pages render with their tables and charts, the replay steps forward and back, a claim made
during the test appears without a reload, hostile names show as text. Screenshots go to the
test's tmp dir."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.memory import MemoryChain
from node.dashboard import Settings, Source, create_app
from node.dashboard.server import ThreadedServer, free_port
from node.db import open_database
from node.roles.showcase import run_demo
from tests.dashboard.conftest import HOSTILE, DemoWorld


def run_app(settings: Settings) -> ThreadedServer:
    return ThreadedServer(create_app(settings))


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page of the session's Chromium (tests/browser.py: skipped without one)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs  # any alert() means markup was injected
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="module")
def served(demo_world: DemoWorld) -> Iterator[ThreadedServer]:
    with run_app(demo_world.settings()) as s:
        yield s


@pytest.mark.parametrize(
    ("path", "needs"),
    [
        ("/", "table.leagues"),
        ("/leagues/1", "table.standings"),
        ("/rounds/1", "table.claims"),
        ("/disputes/1", "table.timeline"),
        ("/replay/1/1/0", "#board .cell"),
        ("/sims", "table.traces"),
        ("/sims/run?name=sims/market.jsonl", "svg"),
        ("/sims/compare?a=sims/market.jsonl&b=sims/market-nanda.jsonl", ".side svg"),
    ],
)
def test_pages_render(
    served: ThreadedServer, page: Any, path: str, needs: str, tmp_path: Path
) -> None:
    response = page.goto(served.url + path)
    assert response is not None
    assert response.ok
    page.wait_for_selector(needs)
    assert page.locator("main table").count() >= 1
    if path in ("/leagues/1", "/rounds/1"):
        assert page.locator("main svg rect").count() >= 1  # the chart drew bars
    page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    assert (tmp_path / "page.png").stat().st_size > 1000


def test_replay_steps_forward_and_back(served: ThreadedServer, page: Any, tmp_path: Path) -> None:
    page.goto(served.url + "/replay/1/1/0")
    board = page.locator("#board")
    page.wait_for_selector("#board .cell")
    first = board.inner_html()
    assert board.get_attribute("data-frame") == "0"
    assert page.locator("#f-action").inner_text() == ""  # the initial state has no entry
    page.click("[data-go=forward]")
    assert board.get_attribute("data-frame") == "1"
    assert page.locator("#f-entry").inner_text().startswith("0x")
    assert int(page.locator("#f-fuel").inner_text()) > 0
    assert board.inner_html() != first  # the snake moved
    page.screenshot(path=str(tmp_path / "replay-step1.png"))
    page.click("[data-go=back]")
    assert board.get_attribute("data-frame") == "0"
    assert board.inner_html() == first
    page.click("[data-go=last]")
    last = int(board.get_attribute("data-frame") or 0)
    assert last > 1
    page.click("[data-go=first]")
    page.click("[data-go=play]")
    page.wait_for_function("Number(document.getElementById('board').dataset.frame) >= 3")


def test_replay_marks_the_disputed_step(served: ThreadedServer, page: Any) -> None:
    page.goto(served.url + "/replay/1/4/0")  # the cheater's match: dispute 1 landed on step 0
    page.click("[data-go=forward]")
    assert "dispute #1" in page.locator("#f-dispute").inner_text()
    assert "disputed-step" in (page.locator("#board").get_attribute("class") or "")
    claimed = page.locator("#f-claimed")
    assert claimed.inner_text().startswith("0x")  # the cheater's own entry, not the replay's
    assert "differs" in (claimed.get_attribute("class") or "")
    assert "first differs from the replay at step 0" in page.locator(".claimed-note").inner_text()


def test_hostile_names_render_as_text(served: ThreadedServer, page: Any, tmp_path: Path) -> None:
    page.goto(served.url + "/leagues/99")
    assert page.locator("h1 .name").inner_text() == HOSTILE
    page.goto(served.url + "/")
    assert HOSTILE in page.locator("table.leagues").inner_text()
    page.goto(served.url + "/sims/run?name=sims/hostile.jsonl")
    assert HOSTILE in page.locator("main").inner_text()  # the scenario, agent and role names
    page.goto(served.url + "/sims")
    assert "<img src=x onerror=alert(2)>.jsonl" in page.locator("table.traces").inner_text()
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
    assert page.evaluate("document.querySelectorAll('main script, main img').length") == 0
    assert page.dialogs == []


def test_live_update_without_reload(tmp_path: Path, page: Any) -> None:
    """A round played while the page is open (a real demo round on a fresh memory chain,
    writing the same database) appears on the page; the page is never reloaded."""
    url = f"sqlite:///{tmp_path / 'nets.db'}"
    writer = open_database(url)
    reader = open_database(url)
    try:
        settings = Settings(Source(reader, 31337), poll_seconds=0.1)
        with run_app(settings) as served:
            page.goto(served.url + "/")
            assert "no leagues yet" in page.locator("table.leagues").inner_text()
            page.evaluate("window.__notReloaded = true")
            run_demo(writer, MemoryChain(), adapter_name="memory", workers=1, out=tmp_path)
            page.wait_for_selector("table.leagues >> text=demo", timeout=20_000)
            page.wait_for_selector("table.disputes >> text=CLAIMANT_LOST", timeout=20_000)
            assert page.evaluate("window.__notReloaded === true")
            assert "updated" in page.locator("#live-status").inner_text()
            page.screenshot(path=str(tmp_path / "live.png"), full_page=True)
    finally:
        writer.close()
        reader.close()


def test_live_across_processes(tmp_path: Path, page: Any) -> None:
    """The real `nets dashboard` command (its own process) over a memory:FILE chain and a
    database that `nets submit` and `nets verify` write from this process: the claim, then the
    settlement, appear on the open round page without a reload."""
    import json
    import subprocess
    import sys

    from click.testing import CliRunner

    from adapters.memory import MemoryChain
    from adapters.memory.persist import load_file, save_file
    from node.cli import main
    from tests.roles.agents import AGENTS

    world = tmp_path / "world.json"
    node = ["--chain", f"memory:{world}", "--db", f"sqlite:///{tmp_path / 'n.db'}"]

    def nets(*args: str) -> dict[str, Any]:
        result = CliRunner().invoke(main, list(args))
        assert result.exit_code == 0, result.output
        return json.loads(result.output.splitlines()[-1])  # the roles print events, then a report

    def advance(*, mine: int) -> None:
        state = load_file(world)
        MemoryChain(state).mine(mine)
        save_file(state, world)

    agent = str(AGENTS / "snake" / "greedy_v1.wat")
    nets("submit", *node, "--account", "1", "--register", agent, "--stake", "1000000",
         "--once", "--json")  # fmt: skip
    nets("league", "create", "demo", *node, "--json")
    nets("league", "open-round", "1", *node, "--json")
    advance(mine=2)
    port = free_port()
    nets_bin = str(Path(sys.executable).with_name("nets"))
    server = subprocess.Popen(
        [nets_bin, "dashboard", *node, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        assert "dashboard on http://127.0.0.1" in server.stdout.readline()
        _wait_for_port(port, server)
        page.goto(f"http://127.0.0.1:{port}/rounds/1")
        assert "no claims yet" in page.locator("table.claims").inner_text()
        page.evaluate("window.__notReloaded = true")
        nets("submit", *node, "--account", "1", "--agent", "1", "--once", "--json")
        page.wait_for_selector('tr.claim[data-agent="1"]', timeout=20_000)
        nets("verify", *node, "--account", "6", "--once", "--json")
        nets("chain", "advance", "--seconds", "601", "--chain", f"memory:{world}", "--json")
        nets("verify", *node, "--account", "6", "--once", "--json")
        page.wait_for_selector(".round-status >> text=settled", timeout=20_000)
        page.wait_for_selector('tr.claim[data-agent="1"] >> text=3,000,000', timeout=20_000)
        assert page.evaluate("window.__notReloaded === true")
        page.screenshot(path=str(tmp_path / "live-cli.png"), full_page=True)
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_for_port(port: int, process: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "nets dashboard exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nets dashboard did not listen on port {port}")
