"""The simulator commands through click: outputs, exit code 2 on bad input, doctor checks."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from node.cli import main
from node.sim.health import sim_checks


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_run_prints_root_and_writes_trace(tmp_path: Path) -> None:
    out = tmp_path / "t.jsonl"
    code, stdout, _ = _invoke("run", "pingpong", "-o", str(out), "--set", "task.config.rounds=2")
    assert code == 0
    root = (tmp_path / "t.jsonl.root").read_text().strip()
    assert root in stdout
    assert out.is_file()


def test_run_json_seed_override(tmp_path: Path) -> None:
    out = tmp_path / "t.jsonl"
    code, stdout, _ = _invoke("run", "gossip", "-o", str(out), "--seed", "5", "--json")
    assert code == 0
    doc = json.loads(stdout)
    assert doc["seed"] == 5
    assert doc["root"].startswith("0x")
    assert doc["events"] > 0
    assert json.loads(out.read_text().splitlines()[0])["seed"] == 5


def test_run_bad_inputs_exit_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nlayers:\n  identity: nope\n")
    for args in (
        ("run", str(bad)),
        ("run", "no-such-scenario"),
        ("run", "pingpong", "--set", "failures.message_drop=2"),
        ("run", "pingpong", "--set", "oops"),
    ):
        code, _, stderr = _invoke(*args)
        assert code == 2, args
        assert stderr.startswith("error: "), stderr
        assert stderr.count("\n") == 1, stderr
    _, _, stderr = _invoke("run", str(bad))
    assert "layers.identity" in stderr
    assert "did_key" in stderr


def test_inspect_summarizes_and_checks_the_root(tmp_path: Path) -> None:
    out = tmp_path / "f.jsonl"
    assert _invoke("run", "pingpong_faults", "-o", str(out))[0] == 0
    code, stdout, _ = _invoke("inspect", str(out), "--json")
    assert code == 0
    doc = json.loads(stdout)
    assert doc["root_ok"] is True
    assert doc["lines"] == len(out.read_text().splitlines())
    assert (
        doc["kinds"]["send"]
        == doc["kinds"]["receive"] + doc["kinds"]["drop"] + doc["end"]["in_flight"]
    )
    assert set(doc["drops"]) == {"loss", "partition"}
    assert doc["latency"]["p50"] >= 2
    assert doc["latency"]["max"] <= 3
    assert doc["agents"]["ping-0"] > 0
    code, stdout, _ = _invoke("inspect", str(out))
    assert code == 0
    assert "stored root: matches" in stdout
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[:-1]) + "\n")
    code, stdout, _ = _invoke("inspect", str(out), "--json")
    assert json.loads(stdout)["root_ok"] is False


def test_inspect_rejects_non_traces(tmp_path: Path) -> None:
    junk = tmp_path / "junk.jsonl"
    junk.write_text('{"kind":"run"}\nnot json\n')
    code, _, stderr = _invoke("inspect", str(junk))
    assert code == 2
    assert "line 2" in stderr
    assert _invoke("inspect", str(tmp_path / "missing"))[0] == 2


def test_scenarios_list_show_cp(tmp_path: Path) -> None:
    code, stdout, _ = _invoke("scenarios", "list", "--json")
    assert code == 0
    assert {"pingpong", "gossip"} <= {s["name"] for s in json.loads(stdout)}
    code, stdout, _ = _invoke("scenarios", "show", "gossip")
    assert code == 0
    assert "type: gossip" in stdout
    code, stdout, _ = _invoke("scenarios", "cp", "gossip", str(tmp_path / "mine"))
    assert code == 0
    assert (tmp_path / "mine" / "gossip.yaml").is_file()
    assert _invoke("scenarios", "cp", "gossip", str(tmp_path / "mine"))[0] == 2
    assert _invoke("scenarios", "show", "nope")[0] == 2
    code, _, _ = _invoke(
        "run", str(tmp_path / "mine" / "gossip.yaml"), "-o", str(tmp_path / "g.jsonl")
    )
    assert code == 0


def test_plugins_list_json() -> None:
    code, stdout, _ = _invoke("plugins", "list", "--json")
    assert code == 0
    pairs = {(p["layer"], p["name"]) for p in json.loads(stdout)}
    assert ("identity", "did_key") in pairs
    assert ("privacy", "x25519_chacha20") in pairs


def test_sim_checks_pass() -> None:
    checks = sim_checks()
    assert [c.name for c in checks] == ["sim plugins", "sim determinism"]
    assert all(c.ok for c in checks), checks
