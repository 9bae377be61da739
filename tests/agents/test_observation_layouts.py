"""The one observation description agrees with the systems, the docs and every header.

The decoder (node.systems.observation) is held to the systems' own state: each field it reads
out of `observe`'s bytes must equal the value computed from the state's fields, on every state
of random matches of every system, both ABIs. The docs embed the generated tables, and the
headers the templates ship are generated from the same description (the scaffold tests then
run them against the decoder, step by step).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from adapters.toolchain import PROJECT_ROOT
from node.agents.headers import LANGS, accessors, markdown_tables
from node.systems.base import load_system
from node.systems.observation import LAYOUTS, decode_observation

SYSTEMS = ("snake", "rps", "connect4", "predict")
AGENTS_DOC = PROJECT_ROOT / "docs" / "protocol" / "agents.md"
BEGIN, END = "<!-- observation tables: begin -->", "<!-- observation tables: end -->"


def _expected(name: str, abi: int, s: Any) -> dict[str, Any]:
    """Every field's value computed from the state itself (not from the observation)."""
    if name == "snake":
        w = s.width
        ax, ay = (255, 255) if s.apple == 0xFFFF else (s.apple % w, s.apple // w)
        out = {
            "width": w,
            "height": s.height,
            "head_x": s.body[0] % w,
            "head_y": s.body[0] // w,
            "apple_x": ax,
            "apple_y": ay,
            "direction": s.direction,
        }
        if abi == 1:
            grid = [0] * (w * s.height)
            for cell in s.body:
                grid[cell] = 2
            grid[s.body[-1]] = 3
            grid[s.body[0]] = 4
            if s.apple != 0xFFFF:
                grid[s.apple] = 1
            out |= {"length": len(s.body), "steps": s.steps, "max_steps": s.max_steps, "cell": grid}
        return out
    if name == "rps":
        if abi == 0:
            entries = [*s.history[:6], *[0xFF] * (6 - min(6, len(s.history)))]
            return {
                "round": s.round,
                "agent": [e >> 4 for e in entries],
                "opponent": [e & 0xF for e in entries],
            }
        return {
            "round": s.round,
            "rounds": s.rounds,
            "wins": s.wins,
            "losses": s.losses,
            "history": s.hist_len,
            "agent": [0xFF if e == 0xFF else e >> 4 for e in s.history],
            "opponent": [0xFF if e == 0xFF else e & 0xF for e in s.history],
        }
    if name == "connect4":
        heights = [sum(1 for r in range(6) if s.board[c * 6 + r]) for c in range(7)]
        if abi == 0:
            mine = [sum(1 << r for r in range(6) if s.board[c * 6 + r] == 1) for c in range(7)]
            return {"mine": mine, "height": heights}
        return {"discs": s.moves, "height": heights, "board": list(s.board)}
    values = list(s.history)
    if abi == 0:
        return {"value": [*values[:8], *[0] * (8 - min(8, len(values)))]}
    return {"made": s.steps, "length": s.length, "history": s.hist_len, "value": values}


def _states(name: str, rng: random.Random) -> list[Any]:
    system = load_system(name)
    states = []
    for _ in range(12):
        params = system.default_params()
        if name == "snake":
            params |= {"width": rng.randint(4, 64), "height": rng.randint(4, 64),
                       "initial_length": rng.randint(1, 3)}  # fmt: skip
        if name in ("rps", "predict"):
            params |= {"history": rng.randint(2, 32)}
        state = system.initial_state(rng.randbytes(32), system.encode_params(params))
        states.append(state)
        for _ in range(rng.randint(0, 60)):
            action = system.to_action(state, rng.randrange(2**63))
            if action is None or system.is_done(state):
                break
            state = system.step(state, action)
            states.append(state)
    return states


@pytest.mark.parametrize("name", SYSTEMS)
def test_decoder_reads_what_the_system_wrote(name: str) -> None:
    system = load_system(name)
    for state in _states(name, random.Random(f"layouts-{name}")):
        for abi in (0, 1):
            decoded = decode_observation(name, abi, system.observe(state, abi))
            assert decoded == _expected(name, abi, state), (name, abi, state)


def test_every_system_has_both_layouts_and_every_language_renders_them() -> None:
    assert set(LAYOUTS) == {(name, abi) for name in SYSTEMS for abi in (0, 1)}
    for (name, abi), lay in LAYOUTS.items():
        for lang in LANGS:
            text = accessors(lang, name, abi)
            for field in lay.fields:
                assert field.name in text, (lang, name, abi, field.name)
        if abi == 1:  # the buffer every template reserves holds the longest observation
            system = load_system(name)
            params = dict(system.default_params())
            if name == "snake":
                params |= {"width": 64, "height": 64}
            if name in ("rps", "predict"):
                params |= {"history": 32}
            state = system.initial_state(bytes(32), system.encode_params(params))
            assert len(system.observe(state, 1)) == lay.max_bytes


def test_decoder_rejects_observations_of_the_wrong_size() -> None:
    with pytest.raises(ValueError, match="8 bytes"):
        decode_observation("snake", 0, bytes(9))
    with pytest.raises(ValueError, match="observation"):
        decode_observation("connect4", 1, bytes(49))
    with pytest.raises(ValueError, match="no observation layout"):
        decode_observation("chess", 1, bytes(8))


def test_docs_embed_the_generated_tables() -> None:
    text = AGENTS_DOC.read_text()
    assert BEGIN in text, f"{AGENTS_DOC} lacks the table markers"
    assert END in text, f"{AGENTS_DOC} lacks the table markers"
    embedded = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert embedded == markdown_tables().strip(), (
        "docs/protocol/agents.md is stale: paste node.agents.headers.markdown_tables() "
        "between the markers"
    )
