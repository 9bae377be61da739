"""Round execution: parallel runs equal in-process runs, and every claim is what the trace says."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from node.cli import main
from node.executor.base import strided
from node.executor.local import LocalExecutor
from node.league import RoundSpec, play_match, resolve_league, run_round
from node.league.rounds import RoundWork
from node.match import run_match
from node.systems.base import load_system
from node.trace import claim_root, match_seed
from node.wasm import AgentProgram, load_agent_file

AGENTS = Path(__file__).resolve().parents[2] / "scenarios" / "agents"
GREEDY = load_agent_file(AGENTS / "snake" / "greedy_v1.wat")
SIMPLE = load_agent_file(AGENTS / "snake" / "simple_v0.wat")
MALFORMED = (AGENTS / "hostile" / "malformed.wasm").read_bytes()
TRAP = load_agent_file(AGENTS / "hostile" / "trap_unreachable.wat")
DEMO = resolve_league("demo")
SEED = bytes(range(32))


def spec(matches: int = 3) -> RoundSpec:
    return RoundSpec("snake", DEMO.params_bytes, DEMO.fuel_per_decision, matches, SEED)


@pytest.mark.slow  # worker processes
def test_parallel_equals_in_process() -> None:
    agents = {7: GREEDY, 2: SIMPLE, 11: MALFORMED, 5: TRAP, 9: GREEDY}
    done: list[int] = []
    single = run_round(spec(), agents, workers=1, progress=done.append)
    assert sum(done) == 15
    parallel = run_round(spec(), agents, workers=2)
    assert parallel.agents == single.agents
    assert [entry.agent_id for entry in single.agents] == [2, 5, 7, 9, 11]


def test_claims_follow_the_trace_rules() -> None:
    result = run_round(spec(2), {3: GREEDY, 4: MALFORMED}, workers=1, keep_traces=True)
    system = load_system("snake")
    for entry in result.agents:
        assert entry.claim_root == claim_root(entry.summaries)
        assert entry.results is not None
        for index, record in enumerate(entry.matches):
            assert record.match_index == index
            assert record.seed == match_seed(SEED, entry.agent_id, index)
            again = run_match(
                system,
                AgentProgram.load(GREEDY if entry.agent_id == 3 else MALFORMED),
                record.seed,
                DEMO.params_bytes,
                DEMO.fuel_per_decision,
            )
            assert (again.trace_root, again.steps, again.score) == (
                record.trace_root,
                record.steps,
                record.score,
            )
            assert entry.results[index].trace_root == record.trace_root
    one = play_match(spec(2), 3, GREEDY, 1, record_states=True)
    assert one.trace_root == result.agent(3).matches[1].trace_root
    assert one.states is not None
    assert len(one.states) == one.steps + 1
    invalid = result.agent(4)
    assert all(record.outcome == 4 and record.steps == 1 for record in invalid.matches)
    assert result.ranking()[0].agent_id == 3
    assert result.agent(3).total == sum(result.agent(3).scores)


def test_empty_round_and_no_agents() -> None:
    assert run_round(spec(), {}, workers=2).agents == ()
    empty = run_round(spec(0), {1: GREEDY}, workers=2).agent(1)
    assert empty.matches == ()
    assert empty.claim_root == claim_root([])


@given(st.integers(0, 300), st.integers(1, 16))
def test_chunks_cover_every_task_once_and_balance(count: int, workers: int) -> None:
    tasks = [(task // 7, task % 7) for task in range(count)]
    chunks = strided(tasks, LocalExecutor(workers).chunk_count(len(tasks)))
    assert sorted(task for chunk in chunks for task in chunk) == tasks
    assert all(chunk == sorted(chunk) for chunk in chunks)
    if chunks:
        assert max(map(len, chunks)) - min(map(len, chunks)) <= 1
    if workers > 1:
        assert len(chunks) == min(count, workers * 4)
    else:  # in this process: chunks of about 16, only so that progress moves
        assert len(chunks) == max(1, count // 16) or not chunks


def test_cli_play(tmp_path: Path) -> None:
    runner = CliRunner()
    greedy = str(AGENTS / "snake" / "greedy_v1.wat")
    args = ["league", "play", "demo", "--agent", greedy, "--agent", greedy, "--workers", "1"]
    result = runner.invoke(main, [*args, "--round-seed", "0x0102", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [claim["agentId"] for claim in report["claims"]] == [1, 2]
    assert len(report["claims"][0]["scores"]) == DEMO.matches_per_round
    bad = runner.invoke(main, [*args, "--round-seed", "nope"])
    assert bad.exit_code == 2
    assert "--round-seed" in bad.output
    missing = runner.invoke(main, ["league", "play", "demo", "--agent", str(tmp_path / "x.wat")])
    assert missing.exit_code == 2


def test_round_work_ships_each_distinct_code_once() -> None:
    copies = {agent_id: bytes(bytearray(GREEDY)) for agent_id in range(1, 101)}
    work = RoundWork(spec(), {**copies, 101: SIMPLE}, keep_traces=False)
    size = len(pickle.dumps(work))
    assert size < len(GREEDY) + len(SIMPLE) + 4_000  # not 100 copies of GREEDY
    clone = pickle.loads(pickle.dumps(work))
    assert clone([(5, 0), (101, 1)]) == work([(5, 0), (101, 1)])
