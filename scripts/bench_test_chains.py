"""What a test pays for its chain before its first transaction, the way the nets pytest plugin
gives it (node/testing) against the way tests got one before:

- memory: a copy of one deployed template (``World.copy``) against a new world (``new_world``:
  every system loaded, the planned addresses derived);
- anvil: a revert of the session anvil to its snapshot plus a new snapshot
  (``DeployedAnvil.reset``) against a new anvil with the Arena deployed and stopped again
  (``open_chain("anvil")``, what each anvil test of tests/roles did).

    .venv/bin/python scripts/bench_test_chains.py [--memory 200] [--anvil 3] [--resets 50]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from adapters.memory import new_world
from adapters.select import arena_contract_set, open_chain
from node.testing.chains import DeployedAnvil, MemoryTemplate


def per_call(action: Callable[[], object], times: int) -> float:
    """Mean seconds per call over ``times`` calls."""
    started = time.perf_counter()
    for _ in range(times):
        action()
    return (time.perf_counter() - started) / times


def fresh_anvil() -> None:
    with open_chain("anvil") as opened:
        opened.adapter.block_number()


def main() -> None:
    parser = argparse.ArgumentParser(
        description="per-test chain cost, before and with node.testing"
    )
    parser.add_argument("--memory", type=int, default=200, help="memory copies to time")
    parser.add_argument("--anvil", type=int, default=3, help="fresh anvils to time")
    parser.add_argument("--resets", type=int, default=50, help="anvil reverts to time")
    args = parser.parse_args()

    template = MemoryTemplate()
    new = per_call(new_world, max(args.memory // 10, 1))
    copied = per_call(template.fresh, args.memory)
    arena_contract_set()  # compiled once (cached on disk), outside both timings
    started = per_call(fresh_anvil, args.anvil)
    deployed = DeployedAnvil.start()
    try:
        reverted = per_call(deployed.reset, args.resets)
    finally:
        deployed.stop()

    print("| chain | before (per test) | with the plugin (per test) | ratio |")
    print("|---|---:|---:|---:|")
    print(
        f"| memory | new_world {new * 1e3:.1f} ms | copy {copied * 1e3:.2f} ms | {new / copied:.0f}x |"
    )
    print(
        f"| anvil | start + deploy + stop {started:.2f} s | revert + snapshot "
        f"{reverted * 1e3:.1f} ms | {started / reverted:.0f}x |"
    )


if __name__ == "__main__":
    main()
