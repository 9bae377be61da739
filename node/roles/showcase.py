"""The `nets demo` league round: honest snake agents, one cheater (it claims a better policy's
games as its own: ADVERSARY BorrowedPolicy), one hostile agent that registers fine and forfeits
every match (an infinite loop runs out of fuel), an invalid module refused at registration, and
one honest verifier that catches and slashes the cheater through the dispute game.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.arena_ops import VOIDED, Reason, Verdict, claim_id_of
from adapters.base import ArenaAdapter
from adapters.errors import ChainError
from adapters.events import all_events
from adapters.keys import anvil_account
from adapters.toolchain import PROJECT_ROOT
from node.db import repo
from node.db.engine import Database
from node.league.catalog import resolve_league
from node.league.rounds import run_round
from node.roles.adversary import BorrowedPolicy
from node.roles.scenario import Challenger, Owner, play_round
from node.roles.spec import round_spec
from node.roles.submitter import AgentPlan
from node.trace import StepEntry
from node.wasm import load_agent_file

AGENTS_DIR = PROJECT_ROOT / "scenarios" / "agents"
STAKE = 1_000_000
VERIFIER_ACCOUNT = 6
INVALID_MODULE = "hostile/memory_bomb.wat"


@dataclass(frozen=True)
class Entrant:
    account: int
    label: str
    file: str
    cheats_with: str | None = None


ENTRANTS = (
    Entrant(1, "greedy", "snake/greedy_v1.wat"),
    Entrant(2, "simple", "snake/simple_v0.wat"),
    Entrant(3, "guest", "snake/nets_guest_v0.wat"),
    Entrant(4, "CHEATER", "snake/simple_v0.wat", "snake/greedy_v1.wat"),
    Entrant(5, "hostile", "hostile/infinite_loop.wat"),
)  # fmt: skip


@dataclass
class AgentLine:
    agent_id: int
    label: str
    owner: str
    scores: list[int]
    total: int
    status: str
    rank: int | None
    reward: int
    stake: int
    disqualified: bool


@dataclass
class DemoResult:
    chain: str
    league_id: int
    round_id: int
    seconds: float
    agents: list[AgentLine]
    disputes: list[dict[str, Any]]
    balances: list[dict[str, Any]]
    refused: list[str]
    verifier: dict[str, Any]
    trace_dir: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "leagueId": self.league_id,
            "roundId": self.round_id,
            "seconds": round(self.seconds, 3),
            "agents": [vars(a) for a in self.agents],
            "disputes": self.disputes,
            "balances": self.balances,
            "refusedAtRegistration": self.refused,
            "verifier": self.verifier,
            "traceDir": self.trace_dir,
        }


def run_demo(
    db: Database,
    adapter: ArenaAdapter,
    *,
    adapter_name: str,
    workers: int,
    out: Path,
    progress: Callable[[str], None] = lambda _phase: None,
) -> DemoResult:
    """The demo round end to end; ``progress`` is told each phase as it starts."""
    started = time.perf_counter()
    progress("loading the demo league and its entrants")
    definition = resolve_league("demo")
    codes = {e.file: load_agent_file(AGENTS_DIR / e.file) for e in ENTRANTS}
    owners = []
    for e in ENTRANTS:
        strategy = (
            BorrowedPolicy(better_code=load_agent_file(AGENTS_DIR / e.cheats_with))
            if e.cheats_with
            else None
        )
        plan = AgentPlan(codes[e.file], STAKE, label=e.label)
        if strategy is not None:
            plan.strategy = strategy
        owners.append(Owner(e.account, [plan]))
    progress("checking the hostile module at registration")
    refused = _refused_module(adapter)
    progress(f"playing, claiming, verifying, disputing and settling the round ({workers} workers)")
    played = play_round(
        db,
        adapter,
        definition,
        owners,
        [Challenger(VERIFIER_ACCOUNT)],
        adapter_name=adapter_name,
        workers=workers,
    )
    seconds = time.perf_counter() - started
    progress("reading the settlement")
    round_id, league_id = played.round_id, played.league_id
    rewards = _rewards(adapter, round_id)
    lines = []
    for agent_id, (account, plan) in sorted(played.agents.items()):
        claim = repo.get_claim(db, adapter.chain_id, round_id, agent_id)
        scores = list(repo.claim_scores(claim)) if claim else []
        voided = adapter.claim_commit(claim_id_of(round_id, agent_id)) == VOIDED
        rank, reward = rewards.get(agent_id, (None, 0))
        lines.append(
            AgentLine(
                agent_id,
                plan.label,
                anvil_account(account).address,
                scores,
                sum(scores),
                "voided" if voided else ("settled" if claim else "no claim"),
                rank,
                reward,
                adapter.agent(agent_id).stake,
                adapter.is_disqualified(agent_id, league_id),
            )
        )
    disputes = [
        {
            "disputeId": d.dispute_id,
            "agentId": d.agent_id,
            "match": d.match_index,
            "verdict": Verdict(d.verdict).name if d.verdict is not None else None,
            "reason": Reason(d.reason).name if d.reason is not None else None,
            "moves": len(repo.moves(db, adapter.chain_id, d.dispute_id)),
            "bisection": [d.lo, d.hi],
        }
        for d in played.verifiers[0].all_disputes()
    ]
    roles = {e.account: e.label for e in ENTRANTS} | {VERIFIER_ACCOUNT: "verifier"}
    balances = [
        {"account": i, "role": roles[i], "address": anvil_account(i).address,
         "arenaBalance": adapter.balance_of(anvil_account(i).address)}
        for i in sorted(roles)
    ]  # fmt: skip
    balances.append(
        {"account": None, "role": "league reward pool", "address": "",
         "arenaBalance": adapter.league(league_id).reward_pool}
    )  # fmt: skip
    progress(f"writing the traces to {out}")
    trace_dir = _write_traces(played, adapter, round_id, out)
    return DemoResult(
        adapter_name,
        league_id,
        round_id,
        seconds,
        lines,
        disputes,
        balances,
        refused,
        played.verifiers[0].report().to_json(),
        str(trace_dir),
    )


def _refused_module(adapter: ArenaAdapter) -> list[str]:
    owner = adapter.with_signer(anvil_account(7))
    try:
        owner.register_agent(load_agent_file(AGENTS_DIR / INVALID_MODULE))
    except ChainError as exc:
        return [f"{INVALID_MODULE}: {exc.name}"]
    return []


def _rewards(adapter: ArenaAdapter, round_id: int) -> dict[int, tuple[int, int]]:
    paid: dict[int, tuple[int, int]] = {}
    for event in all_events(adapter):
        if event.name == "RewardPaid" and int(event.args["roundId"]) == round_id:
            paid[int(event.args["agentId"])] = (int(event.args["rank"]), int(event.args["amount"]))
    return paid


def _write_traces(played: Any, adapter: ArenaAdapter, round_id: int, out: Path) -> Path:
    """The true traces of every match (the verifier's replay) and, for each disputed match,
    the trace the claimant revealed from; JSONL, one step entry per line."""
    directory = out / f"round-{round_id}"
    directory.mkdir(parents=True, exist_ok=True)
    spec = round_spec(adapter, round_id)
    codes = {a: plan.code for a, (_, plan) in played.agents.items()}
    replay = run_round(spec, codes, workers=1, keep_traces=True)
    for entry in replay.agents:
        for index, result in enumerate(entry.results or ()):
            _write_entries(
                directory / f"agent-{entry.agent_id}-match-{index}.jsonl", result.entries
            )
    for submitter in played.submitters:
        for (r, agent_id, index), claimed in submitter.claimed_matches().items():
            if r == round_id:
                path = directory / f"agent-{agent_id}-match-{index}-claimed.jsonl"
                _write_entries(path, claimed.entries)
    return directory


def _write_entries(path: Path, entries: tuple[bytes, ...]) -> None:
    from node.cli.match import entry_record

    with path.open("w", encoding="utf-8") as sink:
        for encoded in entries:
            sink.write(json.dumps(entry_record(StepEntry.decode(encoded), encoded)) + "\n")
