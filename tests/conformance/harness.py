"""Shared pieces of the conformance suite: league terms, honest and cheating claims, a dispute
driver, and the transcript (events and balances) compared across adapters.

Timestamps: every time-valued event field (a deadline or readyAt, always block.timestamp + a
window) is compared relative to the timestamp of the block that emitted it, so the transcript
holds for any clock (the suite's two chains, from node.testing, share one that stands still).
Everything else compares as is.
Balances: the Arena's own accounting (balanceOf, stakes, pools) and the wei the Arena contract
holds are compared exactly; wallet balances are not (anvil charges gas, memory does not).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adapters.arena_ops import (
    ETHER,
    ClaimOpening,
    Entry,
    LeagueConfig,
    Summary,
    claim_id_of,
)
from adapters.base import ArenaAdapter
from adapters.events import ChainEvent, EventCursor
from adapters.keys import Signer, anvil_account
from adapters.memory import MemoryChain
from adapters.toolchain import PROJECT_ROOT
from adapters.web3chain import Web3Chain
from node.match import MatchResult, run_match
from node.merkle import inclusion_proof, merkle_root
from node.systems.snake import Snake
from node.trace import match_seed
from node.wasm import AgentProgram, load_agent_file

SNAKE = Snake()
SNAKE_PARAMS = SNAKE.encode_params({"width": 64, "height": 64, "max_steps": 8})
"""Far from every wall for 8 steps: every match lasts exactly 8 steps whatever the seed."""
MATCHES = 2
AGENT_CODE = load_agent_file(PROJECT_ROOT / "scenarios/agents/snake/simple_v0.wat")
OTHER_CODE = load_agent_file(PROJECT_ROOT / "scenarios/agents/rps/beat_last_v0.wat")
TIME_FIELDS = frozenset({"readyAt", "submitDeadline", "challengeDeadline", "deadline"})
WINDOW = 3_600
TRANSCRIPTS: dict[str, dict[str, dict[str, Any]]] = {}
"""Scenario -> adapter kind -> transcript, filled by the ``record`` fixture."""
MOVE_WINDOW = 600


def account(index: int) -> Signer:
    return anvil_account(index)


def league_config(chain: ArenaAdapter, **changes: Any) -> LeagueConfig:
    terms: dict[str, Any] = {
        "system": chain.addresses.systems["snake"],
        "system_params": SNAKE_PARAMS,
        "min_stake": ETHER,
        "reward_multiplier": 2,
        "matches_per_round": MATCHES,
        "fuel_per_decision": 10_000,
        "slash_amount": ETHER // 2,
        "challenger_bond": ETHER // 5,
        "reward_schedule": (3 * ETHER, ETHER),
        "submission_window": WINDOW,
        "challenge_window": WINDOW,
        "move_window": MOVE_WINDOW,
    }
    terms.update(changes)
    return LeagueConfig(**terms)


@dataclass
class Claim:
    """A claim as its owner built it: per-match traces (possibly doctored) and their roots."""

    round_id: int
    agent_id: int
    matches: list[MatchResult]
    entries: list[list[bytes]]
    summaries: list[Summary]
    scores: list[int]
    root: bytes = field(default=b"")

    @property
    def claim_id(self) -> int:
        return claim_id_of(self.round_id, self.agent_id)

    def opening(self) -> ClaimOpening:
        return ClaimOpening(self.agent_id, self.root, tuple(self.scores))

    def summary_proof(self, index: int) -> list[bytes]:
        leaves = [s.packed(i) for i, s in enumerate(self.summaries)]
        return inclusion_proof(leaves, index)

    def entry(self, match: int, step: int) -> Entry:
        return Entry.unpack(self.entries[match][step])[1]

    def entry_proof(self, match: int, step: int) -> list[bytes]:
        return inclusion_proof(self.entries[match], step)


def honest_matches(chain: ArenaAdapter, round_id: int, agent_id: int) -> list[MatchResult]:
    seed = chain.round(round_id).seed
    program = AgentProgram.load(AGENT_CODE)
    return [
        run_match(
            SNAKE, program, match_seed(seed, agent_id, i), SNAKE_PARAMS, 10_000, record_states=True
        )
        for i in range(MATCHES)
    ]


def build_claim(
    chain: ArenaAdapter,
    round_id: int,
    agent_id: int,
    *,
    doctor_step: int | None = None,
    break_chain: bool = False,
    score_bonus: int = 0,
    truncate: int | None = None,
    extend: bool = False,
) -> Claim:
    """The claim an owner posts, honest unless told otherwise (all flaws are in match 0):

    - ``doctor_step``: fake post-states from that step on (a consistent chain of hashes that
      leaves the real game there); with ``break_chain`` that step's pre-state is fake too;
    - ``score_bonus``: an inflated score (summary and posted score agree);
    - ``truncate``: only the first steps, scored as the state they reach (not terminal);
    - ``extend``: one more step taken from the terminal final state.
    """
    matches = honest_matches(chain, round_id, agent_id)
    entries = [list(m.entries) for m in matches]
    first = matches[0]
    score0 = first.score
    steps0 = first.steps
    if doctor_step is not None:
        previous: bytes | None = b"\xdd" * 32 if break_chain else None
        for index in range(doctor_step, len(entries[0])):
            step, entry = Entry.unpack(entries[0][index])
            fake = bytes([0xEE]) * 28 + index.to_bytes(4, "big")
            pre = entry.pre_state_hash if previous is None else previous
            entries[0][index] = Entry(pre, entry.outcome, entry.action, fake).packed(step)
            previous = fake
    if truncate is not None:
        assert first.states is not None
        entries[0] = entries[0][:truncate]
        steps0 = truncate
        score0 = SNAKE.score(first.states[truncate])
    if extend:
        final = Entry.unpack(entries[0][-1])[1].post_state_hash
        entries[0].append(Entry(final, 0, 0, b"\xcc" * 32).packed(len(entries[0])))
        steps0 += 1
    summaries = [
        Summary(m.seed, merkle_root(e), m.steps, m.score)
        for m, e in zip(matches, entries, strict=True)
    ]
    summaries[0] = Summary(first.seed, summaries[0].trace_root, steps0, score0 + score_bonus)
    scores = [s.score for s in summaries]
    claim = Claim(round_id, agent_id, matches, entries, summaries, scores)
    claim.root = merkle_root([s.packed(i) for i, s in enumerate(summaries)])
    return claim


@dataclass
class Setup:
    """A league with a fixed-seed round and two staked agents (owners: accounts 1 and 2)."""

    creator: ArenaAdapter
    owners: list[ArenaAdapter]
    challenger: ArenaAdapter
    league_id: int
    round_id: int
    agents: list[int]


def setup_round(chain: ArenaAdapter, *, pool: int = 10 * ETHER) -> Setup:
    creator = chain.with_signer(account(0))
    owners = [chain.with_signer(account(1)), chain.with_signer(account(2))]
    challenger = chain.with_signer(account(3))
    agents = []
    for owner in owners:
        agent_id = owner.register_agent(AGENT_CODE)
        owner.stake(agent_id, 2 * ETHER)
        agents.append(agent_id)
    league_id = creator.create_league(league_config(chain), pool)
    round_id = creator.open_round(league_id)
    chain.mine(2)
    creator.fix_seed(round_id)
    return Setup(creator, owners, challenger, league_id, round_id, agents)


def seeded_claims(chain: ArenaAdapter) -> dict[tuple[int, int], ClaimOpening]:
    """Two staked agents (owners 0 and 1) with claims in a seeded round of league 1, so random
    operation sequences meet live state; the openings by (round, agent)."""
    postings: dict[tuple[int, int], ClaimOpening] = {}
    for who in (0, 1):
        owner = chain.with_signer(account(who))
        agent_id = owner.register_agent(AGENT_CODE)
        owner.stake(agent_id, 2 * ETHER)
    chain.create_league(league_config(chain), 5 * ETHER)
    chain.open_round(1)
    chain.mine(1)
    chain.fix_seed(1)
    for who in (0, 1):
        opening = ClaimOpening(who + 1, bytes([who]) * 32, (who, -who))
        chain.with_signer(account(who)).submit_claim(1, who + 1, opening.claim_root, opening.scores)
        postings[(1, who + 1)] = opening
    return postings


def play_dispute(
    claimant: ArenaAdapter,
    challenger: ArenaAdapter,
    claim: Claim,
    dispute_id: int,
    *,
    match: int = 0,
    challenger_lies: bool = False,
) -> None:
    """Drive a dispute to its one-step proof: the claimant reveals from its (maybe doctored)
    trace; the challenger judges each midpoint against the honest replay (or, when it lies,
    disagrees with everything) and proves the step."""
    honest = claim.matches[match]
    summary = claim.summaries[match]
    claimant.reveal_summary(
        dispute_id, claim.root, claim.scores, summary, claim.summary_proof(match)
    )
    last = summary.steps - 1
    claimant.reveal_final(dispute_id, claim.entry(match, last), claim.entry_proof(match, last))
    while True:
        info = claimant.dispute(dispute_id)
        if info.hi == info.lo + 1:
            break
        mid = claimant.midpoint(dispute_id)
        revealed = claim.entry(match, mid)
        claimant.reveal_midpoint(dispute_id, revealed, claim.entry_proof(match, mid))
        truth = (
            Entry.unpack(honest.entries[mid])[1].post_state_hash
            if mid < len(honest.entries)
            else None  # a step the honest game never takes
        )
        challenger.answer(dispute_id, not challenger_lies and revealed.post_state_hash == truth)
    info = challenger.dispute(dispute_id)
    lo_entry = claim.entry(match, info.lo) if info.lo >= 0 else Entry(bytes(32), 0, 0, bytes(32))
    assert honest.states is not None
    pre_state = SNAKE.encode(honest.states[info.hi])
    challenger.prove_step(dispute_id, lo_entry, claim.entry(match, info.hi), pre_state, AGENT_CODE)


# -- the transcript --------------------------------------------------------------------------


def block_timestamp(chain: ArenaAdapter, number: int) -> int:
    if isinstance(chain, MemoryChain):
        return chain.world.ledger.timestamps[number]
    assert isinstance(chain, Web3Chain)
    block = chain.rpc.call("eth_getBlockByNumber", hex(number), False)
    return int(block["timestamp"], 16)


MASK = "*"


class Labels:
    """Seed-derived hashes by order of first appearance. The round seeds differ between the
    adapters (anvil's block hashes are not reproducible), so hashes are compared by their
    equality pattern, match scores and agent actions (which depend on the game played) are
    masked, and everything else is compared exactly."""

    def __init__(self) -> None:
        self.seen: dict[bytes, str] = {}

    def walk(self, value: Any) -> Any:
        if isinstance(value, bytes):
            return self.seen.setdefault(value, f"h{len(self.seen)}")
        if isinstance(value, tuple):
            return tuple(self.walk(v) for v in value)
        return value


def normalized(chain: ArenaAdapter, event: ChainEvent, labels: Labels) -> tuple[Any, ...]:
    """(block, log index, address, name, args): time fields relative to the block, seed-derived
    values labelled."""
    args = {key: labels.walk(value) for key, value in event.args.items()}
    if TIME_FIELDS & args.keys():
        now = block_timestamp(chain, event.block_number)
        for key in TIME_FIELDS & args.keys():
            args[key] = args[key] - now
    if event.name == "ClaimSubmitted":
        args["scores"] = tuple(MASK for _ in args["scores"])
        args["total"] = MASK
    elif event.name == "SummaryRevealed":
        seed, root, steps, _ = args["summary"]
        args["summary"] = (seed, root, steps, MASK)
    elif event.name == "EntryRevealed":
        pre, outcome, _, post = args["entry"]
        args["entry"] = (pre, outcome, MASK, post)
    return (event.block_number, event.log_index, event.address, event.name, args)


def transcript(chain: ArenaAdapter, start: EventCursor) -> dict[str, Any]:
    """Every event since ``start`` (normalized) and the Arena's accounting afterwards."""
    events: list[tuple[Any, ...]] = []
    labels = Labels()
    cursor = start
    while True:
        batch = chain.events_since(cursor)
        events.extend(normalized(chain, e, labels) for e in batch.events)
        if batch.cursor == cursor or batch.cursor.block > chain.block_number():
            break
        cursor = batch.cursor
    agents, leagues, rounds, disputes = chain.counts()
    return {
        "events": events,
        "block": chain.block_number(),
        "balances": [chain.balance_of(account(i).address) for i in range(6)],
        "arena_wei": chain.eth_balance(chain.addresses.arena),
        "agents": [_agent_row(chain, i) for i in range(1, agents + 1)],
        "leagues": [chain.league(i).reward_pool for i in range(1, leagues + 1)],
        "rounds": [chain.round(i).live_claims for i in range(1, rounds + 1)],
        "disputes": [chain.dispute(i).phase for i in range(1, disputes + 1)],
    }


def _agent_row(chain: ArenaAdapter, agent_id: int) -> tuple[Any, ...]:
    a = chain.agent(agent_id)  # unstake_ready_at is absolute time: compared via the events
    return (
        a.owner,
        a.abi_version,
        a.open_claims,
        a.registered_block,
        a.stake,
        a.unstaking,
        a.locked,
    )


def event_names(chain: ArenaAdapter, start: EventCursor) -> list[str]:
    return [e[3] for e in transcript(chain, start)["events"]]
