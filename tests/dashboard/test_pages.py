"""The dashboard over a real demo round, through HTTP (Starlette's TestClient): every page
renders what the database and the chain hold, hostile strings stay text, bad ids are 404."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from node.dashboard import Settings, Source, create_app
from node.dashboard.replay import replay
from node.db import repo, views
from tests.dashboard.conftest import HOSTILE, DemoWorld

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(scope="module")
def client(demo_app: Starlette) -> TestClient:
    return TestClient(demo_app)


def test_index_lists_leagues_and_disputes(client: TestClient, demo_world: DemoWorld) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<a href="/leagues/1">#1</a>' in page.text
    assert "CLAIMANT_LOST" in page.text
    assert f"block {demo_world.adapter.block_number()}" in page.text


def test_round_page_shows_claims_ranking_and_rewards(
    client: TestClient, demo_world: DemoWorld
) -> None:
    result = demo_world.result
    page = client.get(f"/rounds/{result.round_id}").text
    claims = re.findall(r'<tr class="claim (\w+)" data-agent="(\d+)">', page)
    assert claims == [(a.status, str(a.agent_id)) for a in result.agents]
    for line in result.agents:
        if line.reward:
            assert f"{line.reward:,}" in page  # the RewardPaid amounts, from the chain
    ranking = re.findall(r"<li>agent (\d+): (-?\d+)</li>", page)
    expected = sorted(
        ((a.agent_id, a.total) for a in result.agents if a.status != "voided"),
        key=lambda x: (-x[1], x[0]),
    )
    assert [(int(a), int(t)) for a, t in ranking] == expected
    assert "<svg" in page
    assert 'class="badge" href="/disputes/1">disputed</a>' in page


def test_league_page_standings_and_funds(client: TestClient, demo_world: DemoWorld) -> None:
    page = client.get(f"/leagues/{demo_world.result.league_id}").text
    assert "Standings across rounds" in page
    for line in demo_world.result.agents:
        assert f"<td>{line.stake:,}</td>" in page  # stakes from the chain
    verifier = demo_world.adapter.balance_of(demo_world.result.agents[0].owner)
    assert f"{verifier:,}" in page
    assert "matchesPerRound" in page  # the league terms


def test_dispute_timeline_narrows_to_one_step(client: TestClient, demo_world: DemoWorld) -> None:
    page = client.get("/disputes/1").text
    intervals = re.findall(
        r"<td>MidpointAnswered</td><td>challenger</td><td>(-?\d+)\.\.(\d+)", page
    )
    assert len(intervals) >= 3
    widths = [int(hi) - int(lo) for lo, hi in intervals]
    assert widths == sorted(widths, reverse=True)
    assert widths[-1] == 1
    assert "STEP_MISMATCH" in page
    assert "<td>DisputeResolved</td><td>contract</td>" in page
    own = repo.moves(demo_world.db, demo_world.adapter.chain_id, 1)
    assert page.count("<tr><td>") >= len(own)


def test_replay_matches_the_claims(demo_world: DemoWorld, app_settings: Settings) -> None:
    """An honest agent's replay scores what it claimed; the cheater's disputed match does not,
    and its frames mark the step the dispute landed on."""
    src = app_settings.source
    for line in demo_world.result.agents:
        for index, claimed in enumerate(line.scores):
            r = replay(src, demo_world.result.round_id, line.agent_id, index)
            assert len(r["frames"]) == r["steps"] + 1
            if line.label == "CHEATER" and index == 0:
                assert r["score"] != claimed
                marked = [f["step"] for f in r["frames"] if f.get("dispute")]
                assert marked == [0]
            elif line.label != "CHEATER":
                assert r["score"] == claimed


def test_replay_sets_the_claimed_trace_beside_the_true_one(
    demo_world: DemoWorld, app_settings: Settings
) -> None:
    """The cheater's claimed trace (written by the demo) first differs from the replay at the
    step its dispute landed on; an honest match has no claimed trace to show."""
    src, traces = app_settings.source, app_settings.traces
    r = replay(src, demo_world.result.round_id, 4, 0, traces)
    assert r["claimed_steps"] > 0
    landed = next(f["step"] for f in r["frames"] if f.get("dispute"))
    assert r["first_divergence"] == landed
    honest = replay(src, demo_world.result.round_id, 1, 0, traces)
    assert honest["claimed_steps"] == 0
    assert honest["first_divergence"] is None


def test_replay_page_embeds_frames(client: TestClient) -> None:
    page = client.get("/replay/1/1/0").text
    assert 'id="frames"' in page
    assert '"kind": "grid"' in page
    assert client.get("/replay/1/1/7").status_code == 404  # the league plays 3 matches
    assert client.get("/replay/1/42/0").status_code == 404


@pytest.mark.parametrize(
    "path", ["/leagues/7", "/rounds/7", "/disputes/7", "/sims/run?name=../nets.db",
             "/sims/run?name=nowhere.jsonl", "/sims/compare?a=x.jsonl&b=y.jsonl"],
)  # fmt: skip
def test_unknown_is_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/", "/leagues/99", "/disputes/99", "/sims",
                                  "/sims/run?name=sims/hostile.jsonl"])  # fmt: skip
def test_hostile_strings_are_escaped(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert HOSTILE not in page.text
    assert "<img src=x" not in page.text
    assert ESCAPED in page.text or "&lt;img src=x onerror=alert(2)&gt;" in page.text


def test_sim_runs_nets_and_nanda_side_by_side(client: TestClient) -> None:
    listing = client.get("/sims").text
    assert "sims/market.jsonl" in listing
    assert "sims/market-nanda.jsonl" in listing
    assert "round-1/agent-4-match-0-claimed.jsonl" in listing  # a match trace, listed apart
    run = client.get("/sims/run", params={"name": "sims/market.jsonl"}).text
    for section in ("Messages over virtual time", "Per-agent activity", "Failures injected"):
        assert section in run
    assert 'class="pass"' in run or 'class="fail"' in run  # validator verdicts
    both = client.get(
        "/sims/compare", params={"a": "sims/market.jsonl", "b": "sims/market-nanda.jsonl"}
    ).text
    assert both.count("<svg") >= 2
    assert "messages delivered" in both


def test_token_gate(app_settings: Settings) -> None:
    from dataclasses import replace

    token = "s3cret-s3cret-s3cret"
    client = TestClient(create_app(replace(app_settings, token=token)))
    assert client.get("/").status_code == 401
    assert client.get("/", params={"token": "wrong"}).status_code == 401
    assert client.get("/", params={"token": token}).status_code == 200
    assert client.get("/leagues/1").status_code == 200  # the cookie carries it from now on
    assert client.get("/static/dashboard.js").status_code == 200


def test_loopback_dashboard_refuses_other_host_headers(app_settings: Settings) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends Host: evil.example."""
    from dataclasses import replace

    from node.cli.dashboard import LOOPBACK_NAMES

    client = TestClient(create_app(replace(app_settings, allowed_hosts=LOOPBACK_NAMES)))
    assert client.get("/", headers={"host": "evil.example:8750"}).status_code == 400
    assert client.get("/", headers={"host": "127.0.0.1:8750"}).status_code == 200
    assert client.get("/", headers={"host": "localhost:8750"}).status_code == 200
    assert client.get("/", headers={"host": "[::1]:8750"}).status_code == 200
    assert client.get("/", headers={"host": "localhost.evil.example"}).status_code == 400


def test_marker_changes_when_a_claim_is_written(tmp_path: Path) -> None:
    from node.db import open_database

    db = open_database(f"sqlite:///{tmp_path / 'n.db'}")
    try:
        before = views.change_marker(db)
        repo.save_claim(db, 1, 1, 1, b"\x01" * 32, [1, 2, 3], status="live")
        assert views.change_marker(db) != before
    finally:
        db.close()


def test_open_dispute_shows_its_phase_and_time_left(tmp_path: Path) -> None:
    """A dispute the claimant has not answered yet: the page names the phase waiting for a move
    and the seconds left before its deadline, from the chain's clock."""
    from adapters.arena_ops import ETHER
    from adapters.memory import MemoryChain
    from node.db import open_database
    from node.db.models import DisputeRow
    from tests.conformance.harness import build_claim, setup_round

    chain = MemoryChain()
    s = setup_round(chain)
    claim = build_claim(chain, s.round_id, s.agents[0])
    s.owners[0].submit_claim(claim.round_id, claim.agent_id, claim.root, claim.scores)
    dispute_id = s.challenger.challenge(claim.claim_id, 0, ETHER // 5)
    info = chain.dispute(dispute_id)
    chain.increase_time(7)
    db = open_database(f"sqlite:///{tmp_path / 'n.db'}")
    try:
        repo.save_dispute(
            db,
            DisputeRow(chain_id=chain.chain_id, dispute_id=dispute_id, round_id=s.round_id,
                       agent_id=claim.agent_id, match_index=0, role="observer",
                       challenger=s.challenger.address),
        )  # fmt: skip
        client = TestClient(create_app(Settings(Source(db, chain.chain_id, chain))))
        page = client.get(f"/disputes/{dispute_id}").text
        assert "phase AWAIT_SUMMARY" in page
        left = info.deadline - chain.block_time()
        assert left > 0
        assert f"deadline {info.deadline} ({left} s left)" in page
        assert "<td>DisputeOpened</td><td>challenger</td>" in page
        assert '<b class="verdict">open</b>' in page
    finally:
        db.close()
