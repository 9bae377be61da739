"""Scenario files: Nanda Town's schema parses; every bad input is one error naming the field."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from node.sim import scenario
from node.sim.scenario import ScenarioError
from tests.sim.conftest import make

NANDA_STYLE = """
# A file in Nanda Town's format, with its distributed-run keys and Nanda spellings.
name: bft_like
description: |
  Seven nodes under a partition that heals.
tier: 2
seed: 42
agents:
  count: 7
  brain: state-machine
  llm_model: gpt-4o-mini
  llm_provider: openai
  template: ""
  roles:
    - name: node
      count: 7
      prompt_template: null
layers:
  transport: in_memory
  comms: nest_native
  identity: did_key
  registry: in_memory
  auth: jwt
  trust: score_average
  payments: prepaid_credits
  coordination: contract_net
  negotiation: alternating_offers
  memory: blackboard
  privacy: noop
  datafacts: datafacts_v1
task:
  type: gossip
  config:
    fanout: 2
failures:
  message_drop: 0.0
  network_partition:
    groups:
      - [node-0, node-1, node-2, node-3]
      - [node-4, node-5, node-6]
    heal_after_ticks: 50
  byzantine_agents: 0.0
duration: "ticks: 10000"
metrics:
  - success_rate
  - message_count
  - agent_count
output:
  trace: ./traces/bft_like.jsonl
  report: ./reports/bft_like.html
parallel: false
workers: 1
middleware: []
"""


def test_nanda_style_file_parses_and_runs(tmp_path: Path) -> None:
    path = tmp_path / "bft_like.yaml"
    path.write_text(NANDA_STYLE)
    resolved = scenario.load(path)
    sc = resolved.scenario
    assert sc.failures.heal_at == 50
    assert sc.tier == 2
    assert sc.max_ticks == 10000
    assert [(r.name, n) for r, n in resolved.roles] == [("node", 7)]


def test_nanda_task_we_lack_fails_only_on_the_task_type(tmp_path: Path) -> None:
    # a task type only a Nanda Town fork has: everything else in the file is fine
    text = NANDA_STYLE.replace("type: gossip", "type: kumbh_peak_bathing").replace(
        "    fanout: 2\n", "    rounds: 10\n"
    )
    path = tmp_path / "kumbh.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        scenario.load(path)
    assert info.value.path == "task.type"
    assert "allowed: " in str(info.value)
    assert "gossip" in str(info.value)
    assert "pingpong" in str(info.value)


def test_builtin_scenarios_all_validate() -> None:
    names = scenario.builtin_scenarios()
    assert {"pingpong", "gossip", "pingpong_faults", "gossip_signed"} <= set(names)
    for name in names:
        scenario.load(name)


def test_defaults_follow_the_task_roles() -> None:
    resolved = scenario.validate(make("pingpong", 5))
    assert [(r.name, n) for r, n in resolved.roles] == [("ping", 3), ("pong", 2)]


def _error(data: dict[str, Any]) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        scenario.validate(data)
    return info.value


@pytest.mark.parametrize(
    ("patch", "path", "fragment"),
    [
        ({"layers": {"identity": "ed25519_rotating"}}, "layers.identity", "allowed: did_key"),
        ({"layers": {"privacy": "zk"}}, "layers.privacy", "noop, x25519_chacha20"),
        ({"task": {"type": "kumbh_peak_bathing"}}, "task.type", "allowed: "),
        ({"task": {"type": "pingpong", "config": {"rounds": 0}}}, "task.config.rounds", "greater"),
        ({"task": {"type": "gossip", "config": {"fan": 1}}}, "task.config.fan", "allowed: fanout"),
        ({"failures": {"message_drop": 1.5}}, "failures.message_drop", "less than or equal"),
        ({"failures": {"byzantine_agents": -0.1}}, "failures.byzantine_agents", "greater"),
        ({"duration": "steps: 5"}, "duration", "ticks"),
        ({"duration": "ticks: 0"}, "duration", "between"),
        ({"agents": {"count": 4, "brain": "gpt"}}, "agents.brain", "state-machine"),
        ({"agents": {"count": 4, "brain": "llm"}}, "agents.brain", "no LLM-driven variant"),
        ({"agents": {"count": 4, "colour": 1}}, "agents.colour", "allowed: count, brain"),
        ({"bogus": 1}, "bogus", "allowed: name, description"),
        ({"tier": 3}, "tier", "1 or 2"),
        ({"seed": -1}, "seed", "greater"),
        (
            {"agents": {"count": 5, "roles": [{"name": "ping", "count": 2}]}},
            "agents.count",
            "sum of role counts (2)",
        ),
        (
            {"agents": {"count": 2, "roles": [{"name": "buyer", "count": 2}]}},
            "agents.roles.0.name",
            "allowed: ping, pong",
        ),
        (
            {"agents": {"count": 2, "roles": [{"name": "ping", "count": 2}]}},
            "agents.roles",
            "pong",
        ),
        (
            {"failures": {"network_partition": {"groups": [["ping-0"], ["pong-9"]]}}},
            "failures.network_partition.groups.1.0",
            "no agent 'pong-9'",
        ),
        (
            {"failures": {"network_partition": {"groups": [["ping-0"], ["ping-0"]]}}},
            "failures.network_partition.groups.1.0",
            "more than one group",
        ),
        ({"metrics": ["deal_count"]}, "metrics.0", "allowed: agent_count"),
        ({"network": {"latency": 0}}, "network.latency", "greater"),
    ],
)
def test_bad_fields_name_their_path(patch: dict[str, Any], path: str, fragment: str) -> None:
    data = make("pingpong", 4)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    err = _error(data)
    assert err.path == path, str(err)
    assert fragment in str(err), str(err)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("name: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "mapping at the top level"),
        ("a: &x [1]\nb: *x\nname: n\n", "aliases are not allowed"),
        ("", "mapping at the top level"),
    ],
)
def test_bad_yaml_text(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=fragment):
        scenario.load(path)


def test_huge_and_binary_files_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (scenario.MAX_FILE_BYTES + 1))
    with pytest.raises(ScenarioError, match="at most 1 MiB"):
        scenario.load(big)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(ScenarioError, match="cannot read"):
        scenario.load(binary)


def test_unknown_source_lists_builtins() -> None:
    with pytest.raises(ScenarioError, match=r"built-in: .*gossip"):
        scenario.find_scenario("no-such-scenario")


def test_overrides_set_nested_fields_and_list_items() -> None:
    resolved = scenario.load(
        "pingpong",
        overrides=[
            "agents.count=10",
            "agents.roles.0.count=5",
            "agents.roles.1.count=5",
            "failures.message_drop=0.25",
            "task.config.rounds=3",
            "network.latency=4",
        ],
        seed=99,
    )
    sc = resolved.scenario
    assert sc.agents.count == 10
    assert sc.failures.message_drop == 0.25
    assert sc.seed == 99
    assert getattr(resolved.task_config, "rounds") == 3  # noqa: B009 - typed as BaseModel
    assert sc.network.latency == 4


@pytest.mark.parametrize(
    ("override", "path"),
    [("nokey", "--set"), ("agents.roles.7.count=1", "agents.roles.7"), ("name.x=1", "name.x")],
)
def test_bad_overrides(override: str, path: str) -> None:
    with pytest.raises(ScenarioError) as info:
        scenario.load("pingpong", overrides=[override])
    assert info.value.path == path


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-5, 10**7)
    | st.floats(allow_nan=True)
    | st.text(max_size=8)
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
_keys = st.sampled_from(
    [
        "name",
        "seed",
        "agents",
        "layers",
        "task",
        "failures",
        "duration",
        "metrics",
        "network",
        "tier",
    ]
)


@given(st.dictionaries(_keys, _values, max_size=6))
@settings(max_examples=150, deadline=None)
def test_hostile_documents_fail_cleanly(doc: dict[str, Any]) -> None:
    data = {"name": "h", **doc}
    with contextlib.suppress(ScenarioError):
        scenario.validate(data)


@given(st.text(max_size=200))
@settings(max_examples=100, deadline=None)
def test_hostile_yaml_text_fails_cleanly(text: str) -> None:
    try:
        scenario.parse_yaml(text)
    except ScenarioError:
        pass
    else:
        assert isinstance(yaml.safe_load(text), dict)
