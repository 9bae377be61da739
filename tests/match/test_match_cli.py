"""`nets match run|trace|prove`: output shapes and exit codes (`nets demo`: tests/roles)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from node.cli import main
from node.trace import InclusionProof, StepEntry
from node.trace.roots import root_of_leaves

REPO = Path(__file__).resolve().parents[2]
GREEDY = str(REPO / "scenarios" / "agents" / "snake" / "greedy_v1.wat")
SIMPLE_V0 = str(REPO / "scenarios" / "agents" / "snake" / "simple_v0.wat")
SHORT = ["--param", "max_steps=30"]
RUN_KEYS = [
    "system",
    "params",
    "seed",
    "agent_code_hash",
    "abi",
    "steps",
    "score",
    "outcome",
    "trace_root",
    "fuel_used",
    "engine",
]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def run_json(*args: str) -> dict[str, object]:
    code, out, err = invoke("match", "run", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_engines_agree_and_report_themselves() -> None:
    """--engine reference and the default (fast, in C) give the same match."""
    fast = run_json("--system", "snake", "--agent", GREEDY, *SHORT)
    reference = run_json("--system", "snake", "--agent", GREEDY, *SHORT, "--engine", "reference")
    assert (fast["engine"], reference["engine"]) == ("fast", "reference")
    assert {k: v for k, v in fast.items() if k != "engine"} == {
        k: v for k, v in reference.items() if k != "engine"
    }


def test_unknown_engine_is_bad_input() -> None:
    code, out, _ = invoke("match", "run", "--system", "snake", "--agent", GREEDY, "--engine", "jit")
    assert code == 2
    assert out == ""


def test_run_json_shape() -> None:
    report = run_json("--system", "snake", "--agent", GREEDY, *SHORT)
    assert list(report) == RUN_KEYS
    assert report["params"] == {"width": 20, "height": 20, "max_steps": 30, "initial_length": 3}
    assert report["seed"] == "0x" + "00" * 32
    assert report["abi"] == 1
    assert report["outcome"] == "ok"
    assert report["steps"] == 30
    assert isinstance(report["score"], int)
    assert isinstance(report["fuel_used"], int)
    assert report["fuel_used"] > 0
    for key in ("agent_code_hash", "trace_root"):
        value = report[key]
        assert isinstance(value, str)
        assert len(bytes.fromhex(value[2:])) == 32


def test_int_and_hex_seeds_are_the_same_uint256() -> None:
    by_int = run_json("--system", "snake", "--agent", GREEDY, *SHORT, "--seed", "258")
    by_hex = run_json("--system", "snake", "--agent", GREEDY, *SHORT, "--seed", "0x0102")
    assert by_int["seed"] == "0x" + "00" * 30 + "0102"
    assert by_int == by_hex
    other = run_json("--system", "snake", "--agent", GREEDY, *SHORT, "--seed", "259")
    assert other["trace_root"] != by_int["trace_root"]


def test_abi_v0_agent_runs() -> None:
    report = run_json("--system", "snake", "--agent", SIMPLE_V0, *SHORT)
    assert report["abi"] == 0


def test_invalid_module_forfeits_and_exits_0(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(b"\x00asm\x01\x00\x00\x00 not a module")
    report = run_json("--system", "snake", "--agent", str(bad))
    assert (report["outcome"], report["steps"], report["abi"]) == ("invalid_module", 1, None)
    assert report["score"] == -1


def test_fuel_zero_runs_out_of_fuel() -> None:
    report = run_json("--system", "snake", "--agent", GREEDY, "--fuel", "0")
    assert (report["outcome"], report["steps"]) == ("out_of_fuel", 1)


def test_human_output_is_a_table() -> None:
    code, out, _ = invoke("match", "run", "--system", "snake", "--agent", GREEDY, *SHORT)
    assert code == 0
    assert "trace_root" in out
    assert "outcome" in out


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--system", "nope", "--agent", GREEDY], "unknown system"),
        (["--system", "snake", "--agent", "/no/such/agent.wat"], "--agent"),
        (["--system", "snake", "--agent", str(REPO)], "--agent"),
        (["--system", "snake", "--agent", GREEDY, "--param", "width=2"], "--param"),
        (["--system", "snake", "--agent", GREEDY, "--param", "depth=2"], "no param"),
        (["--system", "snake", "--agent", GREEDY, "--param", "width"], "key=value"),
        (["--system", "snake", "--agent", GREEDY, "--param", "width=ten"], "integer"),
        (["--system", "snake", "--agent", GREEDY, "--seed", "abc"], "--seed"),
        (
            ["--system", "snake", "--agent", GREEDY, "--seed", "-1"],
            "--seed: must be between 0 and 2**256-1",
        ),
        (["--system", "snake", "--agent", GREEDY, "--seed", str(2**256)], "2**256-1"),
        (["--system", "snake", "--agent", GREEDY, "--seed", "0x" + "1" * 66], "2**256-1"),
        (["--system", "snake", "--agent", GREEDY, "--fuel", "20001"], "--fuel"),
        (["--system", "snake", "--agent", GREEDY, "--fuel", "lots"], "--fuel"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], reason: str) -> None:
    code, out, err = invoke("match", "run", *args, "--json")
    assert code == 2
    assert out == ""
    assert reason in err
    assert len(err.strip().splitlines()) == 1


def test_bad_wat_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.wat"
    broken.write_text("(module (func $f (result i32) i64.const")
    code, _, err = invoke("match", "run", "--system", "snake", "--agent", str(broken))
    assert code == 2
    assert "--agent" in err


def test_trace_writes_every_entry(tmp_path: Path) -> None:
    out = tmp_path / "trace.jsonl"
    code, stdout, err = invoke(
        "match",
        "trace",
        "--system",
        "snake",
        "--agent",
        GREEDY,
        *SHORT,
        "--output",
        str(out),
        "--json",
    )
    assert code == 0, err
    report = json.loads(stdout)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == report["steps"] == 30
    encoded = []
    for index, line in enumerate(lines):
        entry = StepEntry.decode(bytes.fromhex(line["entry"][2:]))
        assert entry.step == line["step"] == index
        assert "0x" + entry.pre_state_hash.hex() == line["pre_state_hash"]
        assert "0x" + entry.post_state_hash.hex() == line["post_state_hash"]
        assert (entry.outcome, entry.action) == (line["outcome"], line["action"])
        assert line["outcome_name"] == "ok"
        encoded.append(bytes.fromhex(line["entry"][2:]))
    assert "0x" + root_of_leaves(encoded).hex() == report["trace_root"]


def test_trace_to_unwritable_path_exits_2(tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "trace.jsonl"
    code, _, err = invoke(
        "match", "trace", "--system", "snake", "--agent", GREEDY, *SHORT, "--output", str(target)
    )
    assert code == 2
    assert "--output" in err


def test_prove_json_verifies_against_run_root() -> None:
    root = run_json("--system", "snake", "--agent", GREEDY, *SHORT)["trace_root"]
    code, out, err = invoke(
        "match", "prove", "--system", "snake", "--agent", GREEDY, *SHORT, "--step", "17", "--json"
    )
    assert code == 0, err
    proof = InclusionProof.from_json(out)
    assert (proof.index, proof.size, proof.root) == (17, 30, root)
    assert proof.verify()
    assert StepEntry.decode(bytes.fromhex(proof.leaf[2:])).step == 17
    code, out, _ = invoke(
        "match", "prove", "--system", "snake", "--agent", GREEDY, *SHORT, "--step", "0"
    )
    assert code == 0
    assert "verifies" in out


@pytest.mark.parametrize("step", ["30", "-1", "x"])
def test_prove_out_of_range_exits_2(step: str) -> None:
    code, _, err = invoke(
        "match", "prove", "--system", "snake", "--agent", GREEDY, *SHORT, "--step", step
    )
    assert code == 2
    assert "--step" in err
