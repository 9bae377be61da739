"""Scenario YAML through libyaml (CSafeLoader) reads exactly as through the pure loader."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from node.sim import scenario
from node.sim.scenario import C_LOADER_MAX_INDICATORS, MAX_NESTING, ScenarioError, parse_yaml

pytestmark = pytest.mark.skipif(
    not getattr(yaml, "__with_libyaml__", False), reason="PyYAML without libyaml"
)


def pure(text: str) -> tuple[str, Any]:
    """What the pure loader (the only one before) made of ``text``: data or the error."""
    try:
        return "data", repr(parse_yaml_pure(text))
    except ScenarioError as exc:
        return "error", str(exc)


def parse_yaml_pure(text: str) -> Any:
    loader = scenario._C_LOADER
    scenario._C_LOADER = None
    try:
        return parse_yaml(text)
    finally:
        scenario._C_LOADER = loader


def either(text: str) -> tuple[str, Any]:
    try:
        return "data", repr(parse_yaml(text))
    except ScenarioError as exc:
        return "error", str(exc)


SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10) | st.integers(), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=SLOW)
@given(st.dictionaries(st.text(max_size=10), documents, max_size=5), st.booleans())
def test_dumped_documents_read_alike(data: dict[str, Any], flow: bool) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert either(text) == pure(text)


ALPHABET = list("ab1 :-[]{},\n'\"#.0x_/()=+~;<$^\\&*!?|>%@`\t\r\x85\ufeffé")


@settings(max_examples=1500, deadline=None, suppress_health_check=SLOW)
@given(st.text(st.sampled_from(ALPHABET), max_size=40).map(lambda t: "a: " + t))
def test_any_text_reads_alike(text: str) -> None:
    """Tabs, byte order marks, ``!``, ``|#``, ``{a?}``: where libyaml differs the pure loader
    reads it, so data and error messages are what they were."""
    assert either(text) == pure(text)


def test_the_c_loader_reads_the_usual_file() -> None:
    text = (Path(scenario.builtin_dir()) / "marketplace.yaml").read_text()
    assert scenario._C_LOADER_TEXT.fullmatch(text)  # the fast path is the one taken
    assert either(text) == pure(text)


@pytest.mark.parametrize("opener", ["[", "{", "- "])
def test_deep_nesting_is_an_error_not_a_crash(opener: str) -> None:
    """libyaml's composer recurses in C: 100,000 levels would kill the process."""
    text = opener * (C_LOADER_MAX_INDICATORS * 100)
    with pytest.raises(ScenarioError, match=r"nests too deeply|nests deeper|not valid YAML"):
        parse_yaml(text)


@contextmanager
def recursion_limit_as_py_ecc_sets_it() -> Iterator[None]:
    """py_ecc, which eth-account imports, raises the recursion limit to 100,000."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize("opener", ["[", "{", "- "])
def test_nesting_is_bounded_whatever_the_recursion_limit(opener: str) -> None:
    deeper = f"nests deeper than {MAX_NESTING:,} levels"
    with recursion_limit_as_py_ecc_sets_it(), pytest.raises(ScenarioError, match=deeper):
        parse_yaml(opener * (C_LOADER_MAX_INDICATORS * 100))


@pytest.mark.parametrize("pad", ["", " " + "[]," * C_LOADER_MAX_INDICATORS])
def test_a_file_as_deep_as_the_bound_still_reads(pad: str) -> None:
    """The same bound on both loaders (a pad of indicators sends the file to the pure one)."""
    inner = MAX_NESTING - 3  # the mapping, its value's list, the innermost scalar: 3 levels

    def nested(levels: int) -> str:
        return "a: [" + pad + "[" * levels + "1" + "]" * levels + "]"

    with recursion_limit_as_py_ecc_sets_it():
        data = parse_yaml(nested(inner))
        with pytest.raises(ScenarioError, match="nests deeper"):
            parse_yaml(nested(inner + 1))
    value = data["a"][-1]
    for _ in range(inner):
        value = value[0]
    assert value == 1
