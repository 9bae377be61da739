"""Match replay: one agent's match re-played from what the database holds (the league terms, the
round seed, the agent's code), frame by frame: the board, the action, the fuel of the decision
and the trace entry with its hashes; the step a dispute landed on is marked.

The replay is the reference runner (node.match.run_match with ``record_states``) with the
agent wrapped so each decision's fuel is kept: the same loop a verifier's replay uses, so the
hashes shown are the ones a claim commits to.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from node.dashboard.pages import Source
from node.db import repo, views
from node.league.rounds import RoundSpec
from node.match import DecisionLike, run_match
from node.systems.base import load_system
from node.trace import StepEntry
from node.trace.seed import match_seed
from node.wasm import AgentProgram, Outcome

ENTRY_HEX = re.compile(r"0x[0-9a-fA-F]{154}")
"""A 77-byte step entry."""


class ReplayUnavailable(LookupError):
    """What the database lacks to replay a match (one line: the page says it)."""


@dataclass
class FuelRecorder:
    """An agent (node.match.AgentLike) that keeps the fuel of every decision it makes."""

    program: AgentProgram
    fuel: list[int] = field(default_factory=list)

    @property
    def abi(self) -> int | None:
        return self.program.abi

    def decide(self, observation: bytes, fuel: int) -> DecisionLike:
        decision = self.program.decide(observation, fuel)
        self.fuel.append(decision.fuel_used)
        return decision


def outcome_name(outcome: int) -> str:
    try:
        return Outcome(outcome).name.lower()
    except ValueError:
        return f"unknown_{outcome}"


def claimed_entries(
    traces: Path | None, round_id: int, agent_id: int, match_index: int
) -> list[str]:
    """The entries a claimant revealed its disputed match from, when the trace folder has them
    (`nets demo` writes ``round-R/agent-A-match-M-claimed.jsonl``): hex strings by step."""
    if traces is None:
        return []
    path = traces / f"round-{round_id}" / f"agent-{agent_id}-match-{match_index}-claimed.jsonl"
    entries: list[str] = []
    try:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                entry = record.get("entry") if isinstance(record, dict) else None
                if not isinstance(entry, str) or not ENTRY_HEX.fullmatch(entry):
                    return []  # not a match trace: show none of it
                entries.append(entry.lower())
    except (OSError, ValueError):
        return []
    return entries


def replay(
    src: Source, round_id: int, agent_id: int, match_index: int, traces: Path | None = None
) -> dict[str, Any]:
    """Frames of the match: frame 0 is the initial state, frame k the state after step k-1;
    with the claimant's own trace in ``traces``, each frame also carries its claimed entry."""
    round_row = repo.get_round(src.db, src.chain_id, round_id)
    if round_row is None or round_row.seed is None:
        raise ReplayUnavailable(f"round {round_id}: unknown, or its seed is not fixed yet")
    league = repo.get_league(src.db, src.chain_id, round_row.league_id)
    if league is None:
        raise ReplayUnavailable(f"league {round_row.league_id}: not in this database")
    definition = repo.league_definition(league)
    if not 0 <= match_index < definition.matches_per_round:
        raise ReplayUnavailable(
            f"match {match_index}: the league plays matches 0..{definition.matches_per_round - 1}"
        )
    agent = repo.get_agent(src.db, src.chain_id, agent_id)
    if agent is None or agent.code is None:
        raise ReplayUnavailable(f"agent {agent_id}: its code is not in this database")
    spec = RoundSpec(
        definition.system,
        definition.params_bytes,
        definition.fuel_per_decision,
        definition.matches_per_round,
        round_row.seed,
    )
    system = load_system(spec.system)
    recorder = FuelRecorder(AgentProgram.load(agent.code))
    seed = match_seed(spec.round_seed, agent_id, match_index)
    result = run_match(system, recorder, seed, spec.params, spec.fuel, record_states=True)
    assert result.states is not None
    disputes = views.match_disputes(src.db, src.chain_id, round_id, agent_id, match_index)
    landed = {d.hi: d.dispute_id for d in disputes if d.hi >= 0 and d.hi == d.lo + 1}
    claimed = claimed_entries(traces, round_id, agent_id, match_index)
    frames: list[dict[str, Any]] = [
        {"step": None, "board": board(spec.system, result.states[0]), "label": "initial state"}
    ]
    for index, encoded in enumerate(result.entries):
        entry = StepEntry.decode(encoded)
        frames.append(
            {
                "step": entry.step,
                "label": f"step {entry.step}",
                "board": board(spec.system, result.states[index + 1]),
                "action": entry.action,
                "outcome": outcome_name(entry.outcome),
                "fuel": recorder.fuel[index] if index < len(recorder.fuel) else 0,
                "pre": "0x" + entry.pre_state_hash.hex(),
                "post": "0x" + entry.post_state_hash.hex(),
                "entry": "0x" + encoded.hex(),
                "dispute": landed.get(entry.step),
                "claimed": claimed[index] if index < len(claimed) else None,
            }
        )
    claim = repo.get_claim(src.db, src.chain_id, round_id, agent_id)
    return {
        "round": round_id,
        "league": round_row.league_id,
        "agent": agent_id,
        "match": match_index,
        "matches": definition.matches_per_round,
        "system": spec.system,
        "score": result.score,
        "steps": result.steps,
        "fuel": result.fuel_used,
        "trace_root": "0x" + result.trace_root.hex(),
        "claimed_score": repo.claim_scores(claim)[match_index] if claim is not None else None,
        "disputes": [d.dispute_id for d in disputes],
        "claimed_steps": len(claimed),
        "first_divergence": _first_divergence(frames),
        "frames": frames,
    }


def _first_divergence(frames: list[dict[str, Any]]) -> int | None:
    for frame in frames[1:]:
        if frame["claimed"] is not None and frame["claimed"] != frame["entry"]:
            return frame["step"]
    return None


def board(system: str, state: Any) -> dict[str, Any]:
    """What the page draws for one state, per system (plain ints and lists: JSON for the page)."""
    if system == "snake":
        return {
            "kind": "grid",
            "width": state.width,
            "height": state.height,
            "cells": _snake_cells(state),
            "text": f"score {state.score}, steps {state.steps}/{state.max_steps}",
        }
    if system == "connect4":
        cols, rows = 7, 6
        cells = [
            ["", "agent", "opponent"][state.board[c * rows + r]]
            for r in reversed(range(rows))
            for c in range(cols)
        ]
        return {"kind": "grid", "width": cols, "height": rows, "cells": cells,
                "text": f"moves {state.moves}, status {state.status}"}  # fmt: skip
    if system == "rps":
        names = "RPS"
        history = [
            {"agent": names[b >> 4] if b >> 4 < 3 else "?", "other": names[b & 15] if b & 15 < 3 else "?"}
            for b in state.history
            if b != 0xFF
        ]  # fmt: skip
        return {"kind": "history", "history": history,
                "text": f"round {state.round}/{state.rounds}: {state.wins} won, {state.losses} lost"}  # fmt: skip
    if system == "predict":
        return {"kind": "history", "history": [{"value": v} for v in state.history],
                "text": f"step {state.steps}/{state.length}, score {state.score}"}  # fmt: skip
    return {"kind": "text", "text": repr(state)[:400]}


def _snake_cells(state: Any) -> list[str]:
    cells = [""] * (state.width * state.height)
    for i, cell in enumerate(state.body):
        if 0 <= cell < len(cells):
            cells[cell] = "head" if i == 0 else "body"
    if 0 <= state.apple < len(cells):
        cells[state.apple] = "apple"
    return cells
