"""`nets validate` means the same on every format: a nets trace, the Nanda Town trace
`nets run --trace-format nanda` writes of the same run, and a trace in Nanda Town's own
message vocabulary (supply_chain and reputation, validators.nanda_as_nets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from node.cli import main
from node.sim.validators import validate_file
from tests.sim_nanda.conftest import FILES, TIER1


def _run(name: str, out: Path, *extra: str) -> None:
    result = CliRunner().invoke(main, ["run", str(FILES / f"{name}.yaml"), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output


def _verdicts(path: Path) -> list[tuple[str, bool, int]]:
    return [(v.name, v.passed, v.checked) for v in validate_file(path).verdicts]


@pytest.mark.parametrize("name", TIER1)
def test_same_verdicts_on_a_nets_trace_and_its_nanda_form(name: str, tmp_path: Path) -> None:
    ours, theirs = tmp_path / "nets.jsonl", tmp_path / "nanda.jsonl"
    _run(name, ours)
    _run(name, theirs, "--trace-format", "nanda")
    expected = _verdicts(ours)
    assert expected
    assert all(passed for _, passed, _ in expected)
    assert _verdicts(theirs) == expected


def test_a_dropped_flag_fails_cheaters_reported_in_the_nanda_form(tmp_path: Path) -> None:
    path = tmp_path / "nanda.jsonl"
    _run("reputation", path, "--trace-format", "nanda")
    rows = path.read_text().splitlines()
    flags = [i for i, r in enumerate(rows) if '"event":"flag"' in r]
    assert flags
    del rows[flags[0]]
    path.write_text("\n".join(rows) + "\n")
    verdicts = {v.name: v.passed for v in validate_file(path).verdicts}
    assert verdicts == {"cheaters_reported": False, "honest_not_flagged": True}


def _line(**fields: Any) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


class NandaTrace:
    """A trace in Nanda Town's own format and message texts, written line by line."""

    def __init__(self, agents: list[str]) -> None:
        self.agents = agents
        self.rows = [_line(agent=a, kind="start", ts=0.0) for a in agents]
        self.corr = 0

    def send(self, src: str, dst: str | None, text: str) -> None:
        self.corr += 1
        corr = f"corr-{self.corr}"
        if dst is None:
            self.rows.append(
                _line(agent=src, corr=corr, kind="broadcast", msg=text, size=9, ts=1.0)
            )
            return
        self.rows.append(_line(agent=src, corr=corr, kind="send", msg=text, size=9, to=dst, ts=1.0))
        self.rows.append(
            _line(agent=dst, corr=corr, kind="receive", msg=text, size=9, ts=2.0, **{"from": src})
        )

    def write(self, path: Path) -> Path:
        stops = [_line(agent=a, kind="stop", ts=3.0) for a in self.agents]
        path.write_text("\n".join(self.rows + stops) + "\n")
        return path


CHAIN = ["supplier-0", "manufacturer-0", "distributor-0", "retailer-0", "distributor-1"]


def _supply(tmp_path: Path, *, skip: str = "", material: bool = True, via: str = "") -> Path:
    t = NandaTrace(CHAIN)
    for i in range(2):
        if material:
            t.send("supplier-0", "manufacturer-0", f"material:1:raw-supplier-0-r1-i{i}")
        good = f"good-manufacturer-0-{i}"
        for text, src, dst in (
            ("product", "manufacturer-0", "distributor-0"),
            ("shipment", via or "distributor-0", "retailer-0"),
            ("delivered", "retailer-0", "supplier-0"),
        ):
            if not (i == 1 and text == skip):
                t.send(src, dst, f"{text}:1:{good}")
    return t.write(tmp_path / "supply.jsonl")


def test_nanda_supply_chain_messages_trace_every_good(tmp_path: Path) -> None:
    report = validate_file(_supply(tmp_path))
    assert report.suite == "supply_chain"
    assert _verdicts(Path(report.trace)) == [("goods_traced_through_all_hops", True, 2)]


@pytest.mark.parametrize(
    "broken",
    [{"skip": "shipment"}, {"skip": "delivered"}, {"material": False}, {"via": "distributor-1"}],
)
def test_a_broken_hop_fails_the_supply_chain(broken: dict[str, Any], tmp_path: Path) -> None:
    [verdict] = validate_file(_supply(tmp_path, **broken)).verdicts
    assert verdict.name == "goods_traced_through_all_hops"
    assert not verdict.passed


def _reputation(tmp_path: Path, warned: list[str]) -> Path:
    t = NandaTrace(["honest-0", "honest-1", "malicious-0", "observer-0"])
    t.send("honest-0", "malicious-0", "trade:1:honest-0")
    t.send("malicious-0", "honest-0", "cheat:1:malicious-0")
    t.send("honest-0", "observer-0", "report:1:malicious-0:bad")
    t.send("honest-1", "honest-0", "trade:1:honest-1")
    t.send("honest-0", "honest-1", "deliver:1:honest-0")
    t.send("honest-1", "observer-0", "report:1:honest-0:good")
    for agent in warned:
        t.send("observer-0", None, f"warning:1:{agent}:untrusted")
    return t.write(tmp_path / "reputation.jsonl")


@pytest.mark.parametrize(
    ("warned", "expected"),
    [
        (["malicious-0"], (True, True)),
        ([], (False, True)),
        (["malicious-0", "honest-1"], (True, False)),
    ],
)
def test_nanda_reputation_messages(
    warned: list[str], expected: tuple[bool, bool], tmp_path: Path
) -> None:
    report = validate_file(_reputation(tmp_path, warned))
    assert report.suite == "reputation"
    got = {v.name: v.passed for v in report.verdicts}
    assert got == dict(zip(("cheaters_reported", "honest_not_flagged"), expected, strict=True))


_AGENTS = [*CHAIN, "honest-0", "malicious-0", "observer-0"]
_TEXTS = st.builds(
    ":".join,
    st.lists(
        st.sampled_from(
            ["material", "product", "shipment", "delivered", "cheat", "report", "warning", "1"]
        )
        | st.sampled_from(_AGENTS)
        | st.text(max_size=6),
        max_size=5,
    ),
)


@given(
    sends=st.lists(
        st.tuples(st.sampled_from(_AGENTS), st.sampled_from([*_AGENTS, None]), _TEXTS),
        max_size=25,
    ),
    suite=st.sampled_from(["supply_chain", "reputation"]),
)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_hostile_nanda_messages_give_verdicts_not_crashes(
    sends: list[tuple[str, str | None, str]], suite: str, tmp_path: Path
) -> None:
    t = NandaTrace(_AGENTS)
    for src, dst, text in sends:
        t.send(src, dst, text)
    report = validate_file(t.write(tmp_path / "hostile.jsonl"), suite)
    assert report.suite == suite
    assert [v.name for v in report.verdicts] == {
        "supply_chain": ["goods_traced_through_all_hops"],
        "reputation": ["cheaters_reported", "honest_not_flagged"],
    }[suite]
    assert all("malformed evidence" not in v.detail for v in report.verdicts)
