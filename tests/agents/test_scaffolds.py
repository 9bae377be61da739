"""Every scaffold builds and plays: one project per language, ABI and system, from
`nets agent new`'s templates, built by `nets agent build` and played for a whole match.

Differential: at every step the compiled agent must choose what the same strategy chooses in
Python over the fields node.systems.observation decodes, so the generated accessors of each
language read exactly the bytes the decoder reads.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from node.agents.build import build
from node.agents.headers import LANGS
from node.agents.scaffold import create
from node.cli import main
from node.match import run_match
from node.systems.base import load_system
from node.systems.observation import decode_observation
from node.wasm import DEFAULT_FUEL, AgentProgram, Decision, Outcome
from tests.agents.conftest import need_toolchain

SYSTEMS = ("snake", "rps", "connect4", "predict")
SEEDS = 2


def reference_choice(system: str, fields: dict[str, Any]) -> int:
    """The templates' example strategies, in Python, over the decoded observation."""
    if system == "snake":
        hx, hy, ax, ay = fields["head_x"], fields["head_y"], fields["apple_x"], fields["apple_y"]
        want = 3 if hx < ax else 2 if hx > ax else 1 if hy < ay else 0
        if want != fields["direction"] ^ 1:
            return want
        if want >= 2:
            return 1 if hy + 1 < fields["height"] else 0
        return 3 if hx + 1 < fields["width"] else 2
    if system == "rps":
        last = fields["opponent"][0]
        return 0 if last > 2 else (last + 1) % 3
    if system == "connect4":
        return next((c for c in range(7) if fields["height"][c] < 6), 0)
    return fields["value"][0]


@dataclass
class Checked:
    """Passes decisions through, comparing each value with the Python reference."""

    program: AgentProgram
    system: str
    decisions: int = field(default=0)

    @property
    def abi(self) -> int | None:
        return self.program.abi

    def decide(self, observation: bytes, fuel: int) -> Decision:
        decision = self.program.decide(observation, fuel)
        assert decision.outcome == Outcome.OK, decision
        assert self.abi is not None
        expected = reference_choice(
            self.system, decode_observation(self.system, self.abi, observation)
        )
        assert decision.value == expected, (self.system, self.decisions, observation.hex())
        self.decisions += 1
        return decision


@pytest.mark.parametrize("abi", [0, 1])
@pytest.mark.parametrize("lang", LANGS)
def test_every_scaffold_builds_and_plays_a_match(tmp_path: Path, lang: str, abi: int) -> None:
    need_toolchain(lang)
    for name in SYSTEMS:
        project = tmp_path / name
        create(project, f"{name}_agent", lang, name, abi)
        built = build(project)
        assert built.program.abi == abi
        assert built.wasm == project / "build" / f"{name}_agent.wasm"
        system = load_system(name)
        params = system.encode_params({})
        checked = Checked(built.program, name)
        for seed in range(SEEDS):
            result = run_match(system, checked, seed.to_bytes(32, "big"), params, DEFAULT_FUEL)
            assert result.outcome == Outcome.OK, (lang, name, abi, seed)
            assert system.is_done(result.final_state)
        assert checked.decisions >= SEEDS


def test_new_and_build_through_the_cli_and_the_project_test(tmp_path: Path) -> None:
    need_toolchain("c")
    project = tmp_path / "c4"
    runner = CliRunner()
    made = runner.invoke(
        main, ["agent", "new", "c4", "--lang", "c", "--system", "connect4", "--abi", "v0",
               "--dir", str(project), "--json"],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "observation.h" in json.loads(made.output)["files"]
    built = runner.invoke(main, ["agent", "build", str(project), "--json"])
    assert built.exit_code == 0, built.output
    report = json.loads(built.output)
    assert (report["abi"], report["lang"], report["trial"]["outcome"]) == (0, "c", "ok")
    again = runner.invoke(main, ["agent", "new", "c4", "--lang", "c", "--system", "connect4",
                                 "--dir", str(project)])  # fmt: skip
    assert again.exit_code == 2
    assert "already exists" in again.output
    # The project's own test: builds with `nets agent build` and plays one match.
    done = subprocess.run([sys.executable, str(project / "test_agent.py")], capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "c4:" in done.stdout


def test_new_refuses_bad_names_and_build_refuses_a_manifest_abi_mismatch(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["agent", "new", "9lives", "--lang", "wat", "--system", "rps",
                               "--dir", str(tmp_path / "x")])  # fmt: skip
    assert bad.exit_code == 2
    assert "identifier" in bad.output
    project = tmp_path / "p"
    create(project, "p", "wat", "rps", 1)
    manifest = project / "nets-agent.toml"
    manifest.write_text(manifest.read_text().replace("abi = 1", "abi = 0"))
    refused = runner.invoke(main, ["agent", "build", str(project)])
    assert refused.exit_code == 2
    assert "built with ABI v1 but nets-agent.toml says v0" in refused.output
