"""A decision-heavy agent written in Rust against its hand-written WAT twin: fuel and speed.

    .venv/bin/python scripts/bench_agent_langs.py [--matches 20] [--rounds 5]

The agent is predict's hypotheses_v1 (twenty generator hypotheses scored per decision):
scenarios/agents/predict/hypotheses_v1.wat and its Rust port hypotheses_v1.rs, built by
`nets agent build` (opt-level=3, the scaffold's flags) and, for comparison, with -C
opt-level=s (for size). All variants make the same decisions (checked here on every match, and in
tests/agents/test_twins.py). Fuel is exact (the profile's metering); speed is decisions per
second through AgentProgram.decide on wasmtime, the variants measured in interleaved rounds
so machine load hits them alike.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from adapters.toolchain import PROJECT_ROOT
from node.agents.build import RUST_FLAGS, RUST_OPT, build
from node.agents.toolchains import toolchain
from node.match import run_match
from node.systems.base import load_system
from node.wasm import DEFAULT_FUEL, AgentProgram, Decision, load_agent_file

AGENTS = PROJECT_ROOT / "scenarios" / "agents" / "predict"


@dataclass
class Meter:
    program: AgentProgram
    fuel: list[int] = field(default_factory=list)

    @property
    def abi(self) -> int | None:
        return self.program.abi

    def decide(self, observation: bytes, fuel: int) -> Decision:
        decision = self.program.decide(observation, fuel)
        self.fuel.append(decision.fuel_used)
        return decision


def variants() -> dict[str, AgentProgram]:
    source = AGENTS / "hypotheses_v1.rs"
    out = Path(tempfile.mkdtemp()) / "os.wasm"
    flags = [f if f != RUST_OPT else "opt-level=s" for f in RUST_FLAGS]
    rustc = str(toolchain("rust").tools["rustc"])
    subprocess.run([rustc, *flags, str(source), "-o", str(out)], check=True)
    return {
        "WAT (hypotheses_v1.wat)": AgentProgram.load(load_agent_file(AGENTS / "hypotheses_v1.wat")),
        "Rust, nets agent build (opt-level=3)": build(source).program,
        "Rust, opt-level=s": AgentProgram.load(out.read_bytes()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Rust agent vs its WAT twin.")
    parser.add_argument("--matches", type=int, default=20, help="predict matches per round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds")
    args = parser.parse_args()
    system = load_system("predict")
    params = system.encode_params({})
    programs = variants()
    meters = {name: Meter(program) for name, program in programs.items()}
    seconds: dict[str, float] = dict.fromkeys(programs, 0.0)
    decisions: dict[str, int] = dict.fromkeys(programs, 0)
    for _ in range(args.rounds):
        roots: dict[int, set[bytes]] = {}
        for name, meter in meters.items():
            before = len(meter.fuel)
            start = time.perf_counter()
            for seed in range(args.matches):
                result = run_match(system, meter, seed.to_bytes(32, "big"), params, DEFAULT_FUEL)
                roots.setdefault(seed, set()).add(result.trace_root)
            seconds[name] += time.perf_counter() - start
            decisions[name] += len(meter.fuel) - before
        assert all(len(r) == 1 for r in roots.values()), "the variants decided differently"
    print(f"predict, default params, {args.matches} matches x {args.rounds} rounds, same decisions")
    print("| agent | module bytes | mean fuel / decision | most fuel | decisions/s |")
    print("|---|---:|---:|---:|---:|")
    for name, meter in meters.items():
        print(
            f"| {name} | {len(programs[name].code):,} | {statistics.fmean(meter.fuel):,.0f} | "
            f"{max(meter.fuel):,} | {decisions[name] / seconds[name]:,.0f} |"
        )


if __name__ == "__main__":
    main()
