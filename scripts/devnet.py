"""`make devnet`: one live league round on a chain that moves by itself, every party its own
OS process, nothing mined or advanced by hand.

    python scripts/devnet.py [--chain anvil|memory|memory-db] [--kill ROLE|random] [--kills N]
                             [--windows S] [--seed N] [--json]

With `--chain anvil` it runs `nets chain up` (a block every second); with `--chain memory` the
processes share `--chain memory:FILE`, whose clock follows the wall time; with `--chain
memory-db` they share `--chain memory:db` in one SQLite database, which then also holds every
party's records (operator included). Then, as separate
processes: `nets league create devnet` (scenarios/leagues/devnet.yaml: 40 s windows), three
owners (`nets submit --register` greedy_v1 and nets_guest_v0, and a cheater that claims
greedy_v1's games for simple_v0, scripts/devnet_actor.py), an honest `nets verify` and a lying
verifier (devnet_actor.py liar); once the three agents are staked, `nets league open-round`.
The processes alone play, claim, dispute and settle the round. `--kill` kills a role (the one
named, or a random one each time) with SIGKILL and restarts it with the same command, `--kills
N` times (default 1) at random moments of the round, each a random fraction of a second after
the victim's log next grows (it printed an action it had just sent, and may be sending the
next). A restarted role is killed again only once it has acted since its restart. `--windows
S` plays a copy of the league with every window S seconds long (a loaded machine can take
30 s to restart a role, and a role down past a move window loses its dispute, as it must).

The report (`--json`) holds the parties' addresses and agents, the posted totals, every
dispute's verdict and reason, the Arena balances, stakes, pool and the wei the Arena holds
against what it owes, and the wall time from opening the round to its settlement; `expected()`
is the end state the protocol promises (tests/e2e asserts both). This script only reads the
chain (views and events) to know when to open the round and when the round is over.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NETS = str(BIN / "nets")
ACTOR = [sys.executable, str(REPO / "scripts" / "devnet_actor.py")]
SNAKE = REPO / "scenarios" / "agents" / "snake"
LEAGUE = "devnet"
STAKE = 1_000_000
BOND = 100_000
SLASH = 500_000
POOL = 100_000_000
REWARDS = (3_000_000, 2_000_000, 1_000_000)
INTERVAL = "2"
"""Each role's step interval (the CLI's default): well inside the 40 s windows. A round's play,
claims and disputes still end long before its windows do; 1 s steps cost the six rounds of
`make test` 179 CPU-s against 155 (docs/benchmarks/suite.md), in the same wall time."""
ACCOUNTS = {"operator": 0, "greedy": 1, "guest": 2, "cheater": 3, "verifier": 6, "liar": 7}
OWNERS = ("greedy", "guest", "cheater")
ROLES = ("greedy", "guest", "cheater", "verifier", "liar")
SETUP_TIMEOUT = 180.0
"""Role processes start, register and stake well within this on a loaded 2-core machine."""
KILL_WINDOW = 60.0
"""Kills fall at uniformly random moments this many seconds after the round opens (playing,
claiming, challenging or in the middle of a dispute)."""
AFTER_SEND = (0.0, 0.4)
"""A kill lands this long (uniform) after the victim's log grows, waiting at most
``SEND_WAIT`` for it to grow: right after a send, often in the middle of the next one."""
SEND_WAIT = 5.0
PROTOCOL_EVENTS = {
    "LeagueCreated": 1,
    "AgentRegistered": 3,
    "Staked": 3,
    "RoundOpened": 1,
    "SeedFixed": 1,
    "ClaimSubmitted": 3,
    "DisputeBondLocked": 3,
    "DisputeOpened": 3,
    "SummaryRevealed": 3,
    "DisputeResolved": 3,
    "BondPaid": 3,
    "ClaimVoided": 1,
    "Slashed": 1,
    "ConvictionRewarded": 1,
    "AgentDisqualified": 1,
    "ClaimRanked": 2,
    "RewardPaid": 2,
    "RoundSettled": 1,
}
"""How many times each event the round's outcome rests on happens, killed or not: one more
would be an action sent twice (bisection moves vary with the seed and are not counted)."""


def league_file(workdir: Path, windows: int) -> str:
    """The devnet league with every window (submission, challenge, move) ``windows`` s long:
    longer than a role's restart on a loaded machine, so a kill is a crash survived, not a
    move missed."""
    import yaml

    terms = yaml.safe_load((REPO / "scenarios" / "leagues" / f"{LEAGUE}.yaml").read_text())
    for window in ("submissionWindow", "challengeWindow", "moveWindow"):
        terms[window] = windows
    path = workdir / f"{LEAGUE}.yaml"
    path.write_text(yaml.safe_dump(terms))
    return str(path)


def database(role: str, chain: str, workdir: Path) -> str:
    """Each party's own SQLite file; on memory:db one shared file, which holds the chain."""
    return f"sqlite:///{workdir / ('chain' if chain == MEMORY_DB else role)}.db"


MEMORY_DB = "memory:db"


def role_command(role: str, chain: str, workdir: Path) -> list[str]:
    common = ["--chain", chain, "--db", database(role, chain, workdir)]
    common += ["--account", str(ACCOUNTS[role]), "--interval", INTERVAL]
    if role in ("greedy", "guest"):
        module = SNAKE / ("greedy_v1.wat" if role == "greedy" else "nets_guest_v0.wat")
        return [NETS, "submit", "--register", str(module), "--stake", str(STAKE), *common]
    if role == "verifier":
        return [NETS, "verify", *common]
    return [*ACTOR, role, *common]


@dataclass
class Report:
    chain: str
    accounts: dict[str, str] = field(default_factory=dict)
    agents: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    disputes: list[dict[str, Any]] = field(default_factory=list)
    balances: dict[str, int] = field(default_factory=dict)
    stakes: dict[str, int] = field(default_factory=dict)
    disqualified: dict[str, bool] = field(default_factory=dict)
    pool: int = 0
    arena_wei: int = 0
    owed_wei: int = 0
    settled: bool = False
    events: dict[str, int] = field(default_factory=dict)
    killed: list[dict[str, Any]] = field(default_factory=list)
    exited: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def expected(report: Report) -> dict[str, Any]:
    """What the protocol promises for this round: the cheater convicted by the honest
    verifier (bond back plus half the slash; the other half to the pool), the liar's two
    bonds to the honest owners, the two honest claims ranked by posted total (ties: lower
    agent id first) and paid from the pool."""
    honest = sorted(("greedy", "guest"), key=lambda r: (-report.totals[r], report.agents[r]))
    balances = dict.fromkeys(ACCOUNTS, 0)
    for rank, role in enumerate(honest):
        balances[role] = REWARDS[rank] + BOND
    balances["verifier"] = BOND + SLASH // 2
    return {
        "balances": balances,
        "stakes": {"greedy": STAKE, "guest": STAKE, "cheater": STAKE - SLASH},
        "disqualified": {"greedy": False, "guest": False, "cheater": True},
        "pool": POOL + SLASH // 2 - REWARDS[0] - REWARDS[1],
        "events": PROTOCOL_EVENTS,
    }


class Chain:
    """Read-only views of the shared chain. One adapter is kept: a memory chain's views first
    take what the role processes committed since the last read (the store's journal), so a
    poll reads what changed, not the whole chain."""

    def __init__(self, spec: str, workdir: Path) -> None:
        self.spec = spec
        self.workdir = workdir
        self._adapter: Any = None

    def adapter(self) -> Any:
        if self._adapter is not None:
            return self._adapter
        if self.spec == MEMORY_DB:
            from node.db import open_database
            from node.db.memory_chain import open_memory_chain

            db = open_database(database("chain", self.spec, self.workdir))
            self._adapter = open_memory_chain(db).adapter
        elif self.spec.startswith("memory:"):
            from adapters.memory import MemoryChain
            from adapters.memory.persist import load_file

            self._adapter = MemoryChain(load_file(Path(self.spec.removeprefix("memory:"))))
        else:
            from adapters.select import open_chain

            self._adapter = open_chain(self.spec).adapter
        return self._adapter


class Processes:
    """The role processes: started, killed with SIGKILL, restarted, stopped."""

    def __init__(self, chain: str, workdir: Path, env: dict[str, str]) -> None:
        self.chain, self.workdir, self.env = chain, workdir, env
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: dict[str, IO[bytes]] = {}
        self.started_at: dict[str, int] = {}

    def start(self, role: str) -> None:
        log = self.logs.get(role) or (self.workdir / f"{role}.log").open("ab")
        self.logs[role] = log
        # what this run of the role prints comes after
        self.started_at[role] = (self.workdir / f"{role}.log").stat().st_size
        self.running[role] = subprocess.Popen(
            role_command(role, self.chain, self.workdir),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env,
            cwd=self.workdir,
        )

    def kill(self, role: str) -> None:
        process = self.running[role]
        process.send_signal(signal.SIGKILL)
        process.wait()

    def acted(self, role: str) -> bool:
        """``role`` has sent something since it last started (a line after its start notice),
        so killing it again is a new crash, not the same one made longer: a role kept down
        past a move window loses its dispute by timeout, as the protocol says it must."""
        with (self.workdir / f"{role}.log").open("rb") as log:
            log.seek(self.started_at.get(role, 0))
            text = log.read().decode(errors="replace")
        start = text.rfind("stepping every")
        return start >= 0 and "\n" in text[start:].rstrip("\n")

    def kill_after_send(self, role: str, rng: random.Random) -> float:
        """SIGKILL ``role`` a random moment after its log next grows (or after SEND_WAIT),
        then start it again; the seconds it waited for the log."""
        log = self.workdir / f"{role}.log"
        size = log.stat().st_size if log.exists() else 0
        waited = time.monotonic()
        while time.monotonic() - waited < SEND_WAIT:
            if log.exists() and log.stat().st_size > size:
                break
            time.sleep(0.05)
        waited = time.monotonic() - waited
        time.sleep(rng.uniform(*AFTER_SEND))
        self.kill(role)
        self.start(role)
        return waited

    def exited(self) -> dict[str, int]:
        return {r: p.returncode for r, p in self.running.items() if p.poll() is not None}

    def stop(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # the roles stop between steps
        deadline = time.monotonic() + 15
        for process in self.running.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(max(0.1, deadline - time.monotonic()))
            if process.poll() is None:
                process.kill()
                process.wait()
        for log in self.logs.values():
            log.close()


def nets(env: dict[str, str], cwd: Path, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [NETS, *args, "--json"], capture_output=True, text=True, env=env, cwd=cwd, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"nets {' '.join(args)}: exit {done.returncode}: {done.stderr.strip()}")
    return json.loads(done.stdout)


def wait_for(what: str, ready: Callable[[], bool], timeout: float, processes: Processes) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        exited = processes.exited()
        if exited:
            raise RuntimeError(f"waiting for {what}: role processes exited: {exited}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"waiting for {what}: not within {timeout:.0f} s")
        time.sleep(0.5)


def run(
    chain_kind: str = "anvil",
    workdir: Path | None = None,
    kill: str | None = None,
    seed: int | None = None,
    timeout: float = 600.0,
    kills: int = 1,
    windows: int | None = None,
) -> Report:
    """One round on a fresh chain in ``workdir``; see the module docstring."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="nets-devnet-")).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    home = workdir / ".nets"
    env = {k: v for k, v in os.environ.items() if k not in ("NETS_CHAIN", "NETS_DB")}
    env["NETS_HOME"] = str(home)
    os.environ["NETS_HOME"] = str(home)  # this process reads the deployments file too
    rng = random.Random(seed)
    started = time.monotonic()
    if chain_kind == "anvil":
        spec = nets(env, workdir, "chain", "up", "--block-time", "1")["url"]
    elif chain_kind == "memory-db":
        spec = MEMORY_DB
    else:
        spec = f"memory:{workdir / 'chain.json'}"
    report = Report(chain=chain_kind)
    processes = Processes(spec, workdir, env)
    try:
        op = ["--chain", spec, "--db", database("operator", spec, workdir)]
        league = league_file(workdir, windows) if windows else LEAGUE
        league_id = int(nets(env, workdir, "league", "create", league, *op)["leagueId"])
        for role in ROLES:
            processes.start(role)
        chain = Chain(spec, workdir)
        accounts = _addresses()
        report.accounts = {role: accounts[i] for role, i in ACCOUNTS.items()}

        def staked() -> bool:
            report.agents = _agents(chain.adapter(), report.accounts)
            return all(
                role in report.agents and chain.adapter().agent(report.agents[role]).stake >= STAKE
                for role in OWNERS
            )

        wait_for("the owners' agents to be registered and staked", staked, SETUP_TIMEOUT, processes)
        report.seconds["setup"] = round(time.monotonic() - started, 1)
        opened = time.monotonic()
        round_id = int(nets(env, workdir, "league", "open-round", str(league_id), *op)["roundId"])
        kill_at = sorted(opened + rng.uniform(0, KILL_WINDOW) for _ in range(kills if kill else 0))

        def settled() -> bool:
            candidates = [r for r in ROLES if kill in (r, "random") and processes.acted(r)]
            if kill_at and time.monotonic() >= kill_at[0] and candidates:
                kill_at.pop(0)
                victim = rng.choice(candidates)
                at = time.monotonic() - opened
                waited = processes.kill_after_send(victim, rng)
                report.killed.append(
                    {"role": victim, "after": round(at + waited, 1), "log_grew": waited < SEND_WAIT}
                )
            return bool(chain.adapter().round(round_id).settled)

        wait_for(f"round {round_id} to settle", settled, timeout, processes)
        report.seconds["round"] = round(time.monotonic() - opened, 1)
        wait_for("every dispute to end", lambda: _all_resolved(chain.adapter()), 120, processes)
        report.exited = processes.exited()
        _collect(chain.adapter(), report, league_id)
        report.settled = True
    finally:
        processes.stop()
        if chain_kind == "anvil":
            with contextlib.suppress(RuntimeError):
                nets(env, workdir, "chain", "down")
    report.seconds["total"] = round(time.monotonic() - started, 1)
    return report


def counted(report: Report) -> dict[str, int]:
    """The report's counts of the PROTOCOL_EVENTS."""
    return {name: report.events.get(name, 0) for name in PROTOCOL_EVENTS}


def _addresses() -> list[str]:
    from adapters.keys import anvil_account

    return [anvil_account(i).address for i in range(10)]


def _agents(adapter: Any, accounts: dict[str, str]) -> dict[str, int]:
    owners = {address: role for role, address in accounts.items()}
    agents: dict[str, int] = {}
    for agent_id in range(1, adapter.counts()[0] + 1):
        role = owners.get(adapter.agent(agent_id).owner)
        if role is not None:
            agents.setdefault(role, agent_id)
    return agents


def _all_resolved(adapter: Any) -> bool:
    from adapters.arena_ops import Phase

    count = adapter.counts()[3]
    return all(adapter.dispute(d).phase == Phase.RESOLVED for d in range(1, count + 1))


def _collect(adapter: Any, report: Report, league_id: int) -> None:
    from adapters.events import all_events

    by_agent = {agent: role for role, agent in report.agents.items()}
    by_address = {address: role for role, address in report.accounts.items()}
    opened: dict[int, str] = {}
    for event in all_events(adapter):
        report.events[event.name] = report.events.get(event.name, 0) + 1
        if event.name == "ClaimSubmitted":
            role = by_agent[event.args["claimId"] & (2**64 - 1)]
            report.totals[role] = int(event.args["total"])
        elif event.name == "DisputeOpened":
            opened[event.args["disputeId"]] = by_address.get(event.args["challenger"], "?")
        elif event.name == "DisputeResolved":
            report.disputes.append(
                {
                    "challenger": opened.get(event.args["disputeId"], "?"),
                    "claimant": by_agent[event.args["claimId"] & (2**64 - 1)],
                    "verdict": int(event.args["verdict"]),
                    "reason": int(event.args["reason"]),
                }
            )
    report.balances = {role: adapter.balance_of(a) for role, a in report.accounts.items()}
    report.stakes = {role: adapter.agent(a).stake for role, a in report.agents.items()}
    report.disqualified = {
        role: adapter.is_disqualified(a, league_id) for role, a in report.agents.items()
    }
    report.pool = adapter.league(league_id).reward_pool
    report.arena_wei = adapter.eth_balance(adapter.addresses.arena)
    agents, leagues, _, disputes = adapter.counts()
    owed = sum(adapter.balance_of(a) for a in _addresses())
    owed += sum(adapter.agent(a).stake + adapter.agent(a).unstaking for a in range(1, agents + 1))
    owed += sum(adapter.league(x).reward_pool for x in range(1, leagues + 1))
    report.owed_wei = owed + _open_bonds(adapter, disputes)


def _open_bonds(adapter: Any, disputes: int) -> int:
    from adapters.arena_ops import Phase

    open_disputes = [
        d for d in range(1, disputes + 1) if adapter.dispute(d).phase != Phase.RESOLVED
    ]
    if not open_disputes:
        return 0
    return len(open_disputes) * BOND


def main() -> int:
    parser = argparse.ArgumentParser(
        description="A live league round on a devnet, one process per party."
    )
    parser.add_argument("--chain", choices=["anvil", "memory", "memory-db"], default="anvil")
    parser.add_argument("--kill", choices=[*ROLES, "random"], default=None)
    parser.add_argument("--kills", type=int, default=1, help="how many kills (with --kill)")
    parser.add_argument("--windows", type=int, default=None, help="league windows, seconds")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        report = run(
            args.chain, args.workdir, args.kill, args.seed, args.timeout, args.kills, args.windows
        )
    except RuntimeError as exc:  # the round did not finish: say where it stopped, one line
        print(f"devnet: {exc}", file=sys.stderr)
        return 1
    promised = expected(report)
    ok = (
        report.balances == promised["balances"]
        and report.stakes == promised["stakes"]
        and report.disqualified == promised["disqualified"]
        and report.pool == promised["pool"]
        and report.arena_wei == report.owed_wei
        and counted(report) == PROTOCOL_EVENTS
    )
    if args.json:
        print(json.dumps({**asdict(report), "expected": promised, "ok": ok}))
        return 0 if ok else 1
    print(f"devnet round on {report.chain}: {'as promised' if ok else 'NOT as promised'}")
    print(f"  round opened -> settled: {report.seconds.get('round')} s; total {report.seconds}")
    for killed in report.killed:
        print(f"  killed -9 and restarted: {killed}")
    print(f"  events: {report.events}")
    for dispute in report.disputes:
        print(f"  dispute: {dispute}")
    print(f"  Arena balances: {report.balances} (promised {promised['balances']})")
    print(f"  stakes: {report.stakes}; disqualified: {report.disqualified}; pool {report.pool}")
    print(f"  Arena holds {report.arena_wei} wei, owes {report.owed_wei} wei")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
