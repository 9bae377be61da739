"""What the league, round and dispute pages show, gathered from the node's database and, when
the dashboard has one, the chain (balances, stakes, deadlines, the dispute's own events).

Everything here is plain data; the templates escape every string (hostile names included).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from adapters.arena_ops import Phase, Reason, Verdict, claim_id_of
from adapters.base import ArenaAdapter
from adapters.events import ChainEvent, all_events
from node.db import repo, views
from node.db.engine import Database
from node.db.models import DisputeRow

CLAIMANT_MOVES = frozenset({"SummaryRevealed", "EntryRevealed"})
DISPUTE_EVENTS = frozenset(
    {
        "DisputeOpened",
        "SummaryRevealed",
        "EntryRevealed",
        "MidpointAnswered",
        "DisputeResolved",
    }
)


@dataclass(frozen=True)
class Source:
    """Where the pages read from: the database, the chain it describes, the chain adapter."""

    db: Database
    chain_id: int
    adapter: ArenaAdapter | None = None


def hexs(value: bytes | None, keep: int = 10) -> str:
    """0x-prefixed hex, shortened to ``keep`` digits (the full value goes in a title)."""
    if value is None:
        return "-"
    text = value.hex()
    return "0x" + (text if len(text) <= keep else text[:keep] + "…")


def verdict_name(value: int | None) -> str:
    return "open" if value is None else Verdict(value).name


def reason_name(value: int | None) -> str:
    return "-" if value is None else Reason(value).name


def overview(src: Source) -> dict[str, Any]:
    """The index: leagues with their round counts, and every dispute."""
    leagues = []
    for row in views.leagues(src.db, src.chain_id):
        rounds = views.league_rounds(src.db, src.chain_id, row.league_id)
        leagues.append(
            {
                "id": row.league_id,
                "name": row.name,
                "system": row.system,
                "rounds": len(rounds),
                "settled": sum(r.status == "settled" for r in rounds),
                "description": json.loads(row.definition_json).get("description", ""),
            }
        )
    disputes = [dispute_line(d) for d in repo.all_disputes(src.db, src.chain_id)]
    return {"leagues": leagues, "disputes": disputes, "chain": chain_facts(src)}


def chain_facts(src: Source) -> dict[str, Any] | None:
    if src.adapter is None:
        return None
    return {
        "chain_id": src.adapter.chain_id,
        "block": src.adapter.block_number(),
        "time": src.adapter.block_time(),
    }


def dispute_line(d: DisputeRow) -> dict[str, Any]:
    return {
        "id": d.dispute_id,
        "round": d.round_id,
        "agent": d.agent_id,
        "match": d.match_index,
        "role": d.role,
        "challenger": d.challenger,
        "phase": Phase(d.phase).name if d.phase in Phase._value2member_map_ else str(d.phase),
        "lo": d.lo,
        "hi": d.hi,
        "verdict": verdict_name(d.verdict),
        "reason": reason_name(d.reason),
    }


@dataclass
class Standing:
    agent_id: int
    owner: str = ""
    rounds: int = 0
    total: int = 0
    voided: int = 0
    per_round: dict[int, int] = field(default_factory=dict)


def league_page(src: Source, league_id: int, limit: int | None = None) -> dict[str, Any] | None:
    """Terms, rounds, standings across rounds (the first ``limit`` ranks), and stakes and
    balances per agent and owner."""
    row = repo.get_league(src.db, src.chain_id, league_id)
    if row is None:
        return None
    rounds = views.league_rounds(src.db, src.chain_id, league_id)
    claims = views.league_claims(src.db, src.chain_id, league_id)
    standings: dict[int, Standing] = {}
    per_round: dict[int, int] = {}
    for round_id, agent_id, status, total_text in claims:
        per_round[round_id] = per_round.get(round_id, 0) + 1
        s = standings.get(agent_id)
        if s is None:
            s = standings[agent_id] = Standing(agent_id)
        s.rounds += 1
        if status == "voided":
            s.voided += 1
            continue
        total = int(total_text)
        s.total += total
        s.per_round[round_id] = total
    ranked = sorted(standings.values(), key=lambda s: (-s.total, s.agent_id))
    shown = ranked[:limit] if limit is not None else ranked
    owners = views.owners(src.db, src.chain_id)
    for s in shown:
        s.owner = owners.get(s.agent_id, "")
    return {
        "id": league_id,
        "name": row.name,
        "system": row.system,
        "terms": json.loads(row.definition_json),
        "rounds": [
            {
                "id": r.round_id,
                "status": r.status,
                "claims": per_round.get(r.round_id, 0),
                "submit_deadline": r.submit_deadline,
                "challenge_deadline": r.challenge_deadline,
            }
            for r in rounds
        ],
        "round_ids": [r.round_id for r in rounds],
        "standings": shown,
        "agents": len(ranked),
        "chart": [(f"round {r.round_id}", per_round.get(r.round_id, 0)) for r in rounds],
        "funds": funds(src, shown, league_id),
        "chain": chain_facts(src),
    }


def funds(src: Source, standings: list[Standing], league_id: int) -> dict[str, Any] | None:
    """Stake, unstaking and withdrawable balance per agent and per owner (from the chain)."""
    adapter = src.adapter
    if adapter is None:
        return None
    agents = []
    owners: dict[str, dict[str, Any]] = {}
    for s in standings:
        info = adapter.agent(s.agent_id)
        agents.append(
            {
                "agent": s.agent_id,
                "owner": info.owner,
                "stake": info.stake,
                "locked": info.locked,
                "unstaking": info.unstaking,
                "ready_at": info.unstake_ready_at,
                "disqualified": adapter.is_disqualified(s.agent_id, league_id),
            }
        )
        owner = owners.setdefault(info.owner, {"owner": info.owner, "stake": 0, "agents": 0})
        owner["stake"] += info.stake
        owner["agents"] += 1
    for owner in owners.values():
        owner["withdrawable"] = adapter.balance_of(owner["owner"])
    pool = adapter.league(league_id).reward_pool
    return {"agents": agents, "owners": sorted(owners.values(), key=lambda o: o["owner"]),
            "pool": pool}  # fmt: skip


def round_page(src: Source, round_id: int, limit: int | None = None) -> dict[str, Any] | None:
    """Entrants with their claims (scores, roots, status; the first ``limit``), the ranking
    and the rewards paid."""
    row = repo.get_round(src.db, src.chain_id, round_id)
    if row is None:
        return None
    league = repo.get_league(src.db, src.chain_id, row.league_id)
    claims = repo.round_claims(src.db, src.chain_id, round_id)
    rewards = _rewards(src.adapter, round_id) if src.adapter is not None else {}
    disputes = views.round_disputes(src.db, src.chain_id, round_id)
    disputed = {(d.agent_id, d.match_index): d.dispute_id for d in disputes}
    lines = [
        {
            "agent": c.agent_id,
            "scores": json.loads(c.scores_json),
            "total": int(c.total),
            "root": c.claim_root,
            "status": c.status,
            "reward": rewards.get(c.agent_id),
        }
        for c in claims
    ]
    live = [line for line in lines if line["status"] != "voided"]
    ranking = sorted(live, key=lambda line: (-line["total"], line["agent"]))
    return {
        "id": round_id,
        "league": row.league_id,
        "league_name": league.name if league is not None else "?",
        "status": row.status,
        "seed": row.seed,
        "submit_deadline": row.submit_deadline,
        "challenge_deadline": row.challenge_deadline,
        "claims": lines[:limit] if limit is not None else lines,
        "entrants": len(lines),
        "ranking": ranking[:limit] if limit is not None else ranking,
        "disputes": [dispute_line(d) for d in disputes],
        "disputed": disputed,
        "chart": [(f"agent {line['agent']}", line["total"]) for line in ranking[:40]],
        "chain": chain_facts(src),
    }


def _rewards(adapter: ArenaAdapter, round_id: int) -> dict[int, dict[str, int]]:
    paid: dict[int, dict[str, int]] = {}
    for event in all_events(adapter):
        if event.name == "RewardPaid" and int(event.args["roundId"]) == round_id:
            paid[int(event.args["agentId"])] = {
                "rank": int(event.args["rank"]),
                "amount": int(event.args["amount"]),
            }
    return paid


def dispute_page(src: Source, dispute_id: int) -> dict[str, Any] | None:
    """The dispute as a timeline: the chain's events when the dashboard has the chain (every
    party's moves, lo..hi as it narrows, deadlines), else this node's own recorded moves."""
    row = repo.get_dispute(src.db, src.chain_id, dispute_id)
    if row is None:
        return None
    own = [
        {"seq": m.seq, "kind": m.kind, "payload": m.payload_json, "at": m.created_at}
        for m in repo.moves(src.db, src.chain_id, dispute_id)
    ]
    timeline: list[dict[str, Any]] = []
    state: dict[str, Any] | None = None
    if src.adapter is not None:
        timeline = _chain_timeline(src.adapter, dispute_id)
        info = src.adapter.dispute(dispute_id)
        now = src.adapter.block_time()
        state = {
            "phase": info.phase.name,
            "deadline": info.deadline,
            "left": max(0, info.deadline - now) if info.phase != Phase.RESOLVED else None,
            "lo": info.lo,
            "hi": info.hi,
            "steps": info.steps,
            "claimant": info.claimant,
            "challenger": info.challenger,
        }
    return {
        "dispute": dispute_line(row),
        "claim_id": claim_id_of(row.round_id, row.agent_id),
        "timeline": timeline,
        "own": own,
        "state": state,
        "landed": row.hi if row.hi >= 0 else None,
    }


def _chain_timeline(adapter: ArenaAdapter, dispute_id: int) -> list[dict[str, Any]]:
    """The dispute's events in order, with who moved and the interval after each move."""
    lines: list[dict[str, Any]] = []
    lo, hi = -1, -1
    for event in all_events(adapter):
        if event.name not in DISPUTE_EVENTS or int(event.args.get("disputeId", -1)) != dispute_id:
            continue
        lo, hi = _interval(event, lo, hi)
        lines.append(
            {
                "block": event.block_number,
                "event": event.name,
                "by": _mover(event),
                "lo": lo,
                "hi": hi,
                "deadline": event.args.get("deadline"),
                "detail": _detail(event),
            }
        )
    return lines


def _interval(event: ChainEvent, lo: int, hi: int) -> tuple[int, int]:
    args = event.args
    if event.name == "EntryRevealed" and hi < 0:
        return -1, int(args["step"])  # the final entry: the whole match is in dispute
    if event.name == "MidpointAnswered":  # the interval after the answer
        return int(args["lo"]), int(args["hi"])
    return lo, hi


def _mover(event: ChainEvent) -> str:
    if event.name in CLAIMANT_MOVES:
        return "claimant"
    if event.name == "DisputeResolved":
        return "contract"
    return "challenger"


def _detail(event: ChainEvent) -> str:
    args = event.args
    if event.name == "DisputeResolved":
        return f"{verdict_name(int(args['verdict']))}: {reason_name(int(args['reason']))}"
    if event.name == "EntryRevealed":
        return f"entry of step {args['step']}"
    if event.name == "MidpointAnswered":
        return "agrees" if args["agree"] else "disagrees"
    if event.name == "DisputeOpened":
        return f"match {args['matchIndex']}"
    return ""
