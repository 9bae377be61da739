"""Properties of the Python systems alone (hypothesis): canonical codecs, strict decoders,
params validation, actions always reduced into range, and no exception on any decide value
from any reachable non-terminal state.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from node.systems.base import BadParams, System, load_system
from node.systems.prng import FORFEIT_STATUS, draw, keccak256

NAMES = ("snake", "rps", "connect4", "predict")
I64 = st.integers(-(2**63), 2**63 - 1)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PARAM_RANGES: dict[str, dict[str, tuple[int, int]]] = {
    "snake": {"width": (4, 64), "height": (4, 64), "max_steps": (1, 0xFFFF)},
    "rps": {"rounds": (1, 10_000), "history": (1, 32)},
    "connect4": {"first": (0, 2), "noise": (0, 100)},
    "predict": {"length": (1, 10_000), "noise": (0, 50), "history": (2, 32)},
}
SMALL_PARAMS: dict[str, dict[str, tuple[int, int]]] = {
    "snake": {"width": (4, 12), "height": (4, 12), "max_steps": (1, 150), "initial_length": (1, 3)},
    "rps": {"rounds": (1, 50), "history": (1, 32)},
    "connect4": {"first": (0, 2), "noise": (0, 100)},
    "predict": {"length": (1, 50), "noise": (0, 50), "history": (2, 32)},
}


def _params(
    name: str, ranges: dict[str, dict[str, tuple[int, int]]]
) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries({k: st.integers(lo, hi) for k, (lo, hi) in ranges[name].items()})


def _walk(system: System, seed: bytes, params: bytes, values: list[int]) -> list[Any]:
    """Every state of a match driven by `values` (cycled), ending at a terminal state."""
    state = system.initial_state(seed, params)
    states = [state]
    i = 0
    while not system.is_done(state) and i < 2000:
        action = system.to_action(state, values[i % len(values)])
        state = system.forfeit(state) if action is None else system.step(state, action)
        states.append(state)
        i += 1
    return states


def test_prng_matches_the_solidity_definition() -> None:
    seed = bytes(range(32))
    assert draw(seed, 5) == int.from_bytes(keccak256(seed + (5).to_bytes(32, "big")), "big")
    assert keccak256(b"").hex().startswith("c5d2460186f7233c")


@pytest.mark.parametrize("name", NAMES)
def test_systems_load_by_name_with_their_ids(name: str) -> None:
    system = load_system(name)
    assert system.name == name
    assert system.system_id == NAMES.index(name) + 1
    assert system.encode_params({}) == system.encode_params(system.default_params())


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(
    data=st.data(),
    seed=st.binary(min_size=32, max_size=32),
    values=st.lists(I64, min_size=1, max_size=40),
)
def test_every_reachable_state_round_trips_and_behaves(
    name: str, data: st.DataObject, seed: bytes, values: list[int]
) -> None:
    system = load_system(name)
    params = system.encode_params(data.draw(_params(name, SMALL_PARAMS)))
    states = _walk(system, seed, params, values)
    assert system.is_done(states[-1])
    for state in states:
        encoded = system.encode(state)
        assert system.decode(encoded) == state
        assert len(system.observe(state, 0)) == 8
        assert isinstance(system.observe(state, 1), bytes)
        assert -(2**63) <= system.score(state) < 2**63
    for state in states[:-1]:
        assert not system.is_done(state)
        for value in values[:3]:
            action = system.to_action(state, value)
            assert action is None or 0 <= action < 256
            if action is not None:
                system.step(state, action)  # never raises from a non-terminal state
        forfeited = system.forfeit(state)
        assert system.is_done(forfeited)
        assert system.encode(forfeited)[0] == FORFEIT_STATUS
        played = [system.score(s) for s in states if system.encode(s)[0] != FORFEIT_STATUS]
        assert system.score(forfeited) < min(played)
    with pytest.raises(ValueError, match="terminal"):
        system.step(states[-1], 0)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(
    seed=st.binary(min_size=32, max_size=32),
    cut=st.integers(1, 40),
    extra=st.binary(min_size=1, max_size=4),
)
def test_decode_rejects_truncated_or_extended_states(
    name: str, seed: bytes, cut: int, extra: bytes
) -> None:
    system = load_system(name)
    encoded = system.encode(system.initial_state(seed, system.encode_params({})))
    for bad in (encoded[: max(0, len(encoded) - cut)], encoded + extra):
        with pytest.raises(ValueError, match="state"):
            system.decode(bad)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(
    seed=st.binary(min_size=32, max_size=32),
    position=st.integers(0, 10_000),
    byte=st.integers(0, 255),
)
def test_decode_never_fails_other_than_value_error(
    name: str, seed: bytes, position: int, byte: int
) -> None:
    system = load_system(name)
    encoded = bytearray(system.encode(system.initial_state(seed, system.encode_params({}))))
    encoded[position % len(encoded)] = byte
    try:
        state = system.decode(bytes(encoded))
    except ValueError:
        return
    assert system.encode(state) == bytes(encoded)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_params_out_of_range_name_the_field(name: str, data: st.DataObject) -> None:
    system = load_system(name)
    field_name, (lo, hi) = data.draw(st.sampled_from(sorted(PARAM_RANGES[name].items())))
    bad = data.draw(st.one_of(st.integers(max_value=lo - 1), st.integers(min_value=hi + 1)))
    with pytest.raises(BadParams, match=field_name):
        system.encode_params({field_name: bad})
    with pytest.raises(BadParams, match="bogus"):
        system.encode_params({"bogus": 1})


@pytest.mark.parametrize("name", NAMES)
def test_initial_state_rejects_bad_seed_and_params(name: str) -> None:
    system = load_system(name)
    good = system.encode_params({})
    with pytest.raises(ValueError, match="seed"):
        system.initial_state(b"\x00" * 31, good)
    with pytest.raises(BadParams):
        system.initial_state(b"\x00" * 32, good + b"\x00")
    with pytest.raises(BadParams):
        system.initial_state(b"\x00" * 32, b"")


@SETTINGS
@given(
    width=st.integers(4, 64), length=st.integers(0, 40), seed=st.binary(min_size=32, max_size=32)
)
def test_snake_initial_length_shapes_only_the_initial_body(
    width: int, length: int, seed: bytes
) -> None:
    from node.systems.snake import Snake

    system = Snake()
    if not 1 <= length <= width // 2 + 1:
        with pytest.raises(BadParams, match="initial_length"):
            system.encode_params({"width": width, "initial_length": length})
        return
    params = system.encode_params({"width": width, "height": 8, "initial_length": length})
    assert len(params) == (4 if length == 3 else 5)  # the default keeps the 4-byte encoding
    assert system.decode_params(params)["initial_length"] == length
    state = system.initial_state(seed, params)
    head = 4 * width + width // 2
    assert state.body == tuple(range(head, head - length, -1))
    assert state.apple not in state.body
    assert (state.direction, state.counter) == (3, 1)
    with pytest.raises(BadParams, match="initial_length"):
        system.initial_state(seed, params[:4] + bytes([3]))  # one encoding per league


def test_snake_fills_a_small_board_and_ends_full() -> None:
    from tests.systems.replay import snake_cycle

    system = load_system("snake")
    state = system.initial_state(
        bytes(32), system.encode_params({"width": 6, "height": 4, "max_steps": 5000})
    )
    while not system.is_done(state):
        state = system.step(state, snake_cycle(state, random.Random(0)))
    assert state.status == 3
    assert len(state.body) == 24
    assert system.score(state) == 21
