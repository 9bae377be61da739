"""Option parsers of `nets match`: any text either parses or is a one-line BadInput."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hypothesis import given
from hypothesis import strategies as st

from node.cli.common import BadInput
from node.cli.match import parse_params
from node.cli.options import parse_fuel, parse_seed
from node.systems.base import load_system
from node.wasm import MAX_FUEL

T = TypeVar("T")


def parsed_or_reason(parse: Callable[[], T]) -> T | BadInput:
    """The parsed value, or the BadInput raised (any other exception propagates)."""
    try:
        return parse()
    except BadInput as exc:
        return exc


@given(st.text(max_size=80))
def test_any_seed_text_parses_to_a_uint256_or_is_bad_input(text: str) -> None:
    seed = parsed_or_reason(lambda: parse_seed(text))
    if isinstance(seed, BadInput):
        assert "\n" not in seed.format_message()
    else:
        assert 0 <= seed < 2**256


@given(st.integers(0, 2**256 - 1))
def test_int_and_hex_seeds_agree(value: int) -> None:
    assert parse_seed(str(value)) == parse_seed(hex(value)) == value


@given(st.lists(st.text(max_size=30), max_size=4))
def test_any_param_text_parses_or_is_bad_input(pairs: list[str]) -> None:
    system = load_system("snake")
    parsed = parsed_or_reason(lambda: parse_params(system, tuple(pairs)))
    if isinstance(parsed, BadInput):
        assert "\n" not in parsed.format_message()
    else:
        params, encoded = parsed
        assert encoded == system.encode_params(params)


@given(st.text(max_size=30))
def test_any_fuel_text_parses_in_range_or_is_bad_input(text: str) -> None:
    fuel = parsed_or_reason(lambda: parse_fuel(text))
    assert isinstance(fuel, BadInput) or 0 <= fuel <= MAX_FUEL
