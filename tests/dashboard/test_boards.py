"""What the replay draws for each system, from real matches played by the repository's agents:
the board follows the state (pieces and snake cells counted against the state itself)."""

from __future__ import annotations

import pytest

from node.dashboard.replay import board
from node.match import run_match
from node.systems.base import load_system
from node.trace.seed import match_seed
from node.wasm import AgentProgram, load_agent_file
from tests.roles.agents import AGENTS

CASES = [
    ("snake", "snake/greedy_v1.wat"),
    ("connect4", "connect4/tactics_v1.wat"),
    ("rps", "rps/beat_last_v0.wat"),
    ("predict", "predict/repeat_last_v0.wat"),
]


@pytest.mark.parametrize(("system_name", "agent"), CASES)
def test_board_follows_every_state(system_name: str, agent: str) -> None:
    system = load_system(system_name)
    program = AgentProgram.load(load_agent_file(AGENTS / agent))
    seed = match_seed(bytes(32), 1, 0)
    params = system.encode_params(system.default_params())
    result = run_match(system, program, seed, params, 10_000, record_states=True)
    assert result.states is not None
    assert result.steps > 1
    for state in result.states:
        drawn = board(system_name, state)
        if system_name == "snake":
            assert drawn["kind"] == "grid"
            assert len(drawn["cells"]) == state.width * state.height
            assert drawn["cells"].count("head") == 1
            assert drawn["cells"].count("body") == len(set(state.body[1:]) - {state.body[0]})
        elif system_name == "connect4":
            assert len(drawn["cells"]) == 42
            assert drawn["cells"].count("agent") == state.board.count(1)
            assert drawn["cells"].count("opponent") == state.board.count(2)
            bottom_left = state.board[0]  # column 0, row 0 is drawn last row, first column
            assert drawn["cells"][35] == ["", "agent", "opponent"][bottom_left]
        else:
            assert drawn["kind"] == "history"
            assert drawn["text"]
    final = board(system_name, result.states[-1])
    if system_name == "rps":
        assert len(final["history"]) == min(result.steps, result.states[-1].hist_len)
