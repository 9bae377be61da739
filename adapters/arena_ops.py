"""Typed requests and views of the Arena operations, shared by every ChainAdapter.

Field order and meaning follow contracts/src/arena (Arena.sol, DisputeGame.sol); the tuple
forms (``as_abi``/``from_abi``) are exactly what the contract ABI takes and returns, so the
Web3 adapter passes them through and MemoryChain stores the same values.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from adapters.errors import AbiEncodingError

ETHER = 10**18
PROTOCOL_VERSION = 3
"""Arena.PROTOCOL_VERSION: the protocol revision both adapters implement (docs/PROTOCOL.md)."""
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
VOIDED = (1).to_bytes(32, "big")
"""The commitment stored for a voided claim."""
RANKED = (2).to_bytes(32, "big")
"""The commitment stored for a claim counted by settlement with no dispute open (final)."""

TX_GAS_CAP = 16_777_216
"""EIP-7825: the most gas one transaction may use."""
TX_SIZE_CAP = 131_072
"""The public transaction pool's 128 KiB limit on a transaction."""
SETTLE_BATCH_FIXED_GAS = 4_000_000
"""Worst fixed part of a settlement batch: every leader slot written from zero, 64 ranks paid."""
SETTLE_BATCH_GAS_PER_CLAIM = 45_000
"""Worst gas per opening beside its scores (cold claim, agent and dispute queue, rank shift)."""
SETTLE_BATCH_GAS_PER_SCORE = 1_300
"""Worst gas per score: 32 calldata bytes at EIP-7623's floor price (40 per byte) and more."""


def settle_batch_size(matches_per_round: int) -> int:
    """Most claim openings one settleRound batch carries while its transaction stays under
    128 KiB of calldata and 16,777,216 gas in the worst case (GasTest measures that worst case at
    this bound for 1, 10, 100 and 1,024 matches; docs/benchmarks/contracts.md)."""
    by_size = (TX_SIZE_CAP - 100) // (160 + 32 * matches_per_round)
    per_claim = SETTLE_BATCH_GAS_PER_CLAIM + SETTLE_BATCH_GAS_PER_SCORE * matches_per_round
    by_gas = (TX_GAS_CAP - SETTLE_BATCH_FIXED_GAS) // per_claim
    return max(1, min(by_size, by_gas))


def rank_key(total: int, agent_id: int) -> int:
    """Arena's settlement key: (total + 2^191) << 64 | (2^64 - 1 - agentId); larger ranks higher
    (total descending, then agent id ascending)."""
    return ((total + 2**191) << 64) | (2**64 - 1 - agent_id)


class Phase(enum.IntEnum):
    """DisputeGame.Phase: whose move it is."""

    NONE = 0
    AWAIT_SUMMARY = 1
    AWAIT_FINAL = 2
    AWAIT_MID = 3
    AWAIT_ANSWER = 4
    AWAIT_ONE_STEP = 5
    RESOLVED = 6


class Reason(enum.IntEnum):
    """DisputeGame.Reason: why a dispute ended."""

    WRONG_SEED = 0
    WRONG_SCORE = 1
    BAD_STEP_COUNT = 2
    FINAL_NOT_TERMINAL = 3
    FINAL_SCORE_MISMATCH = 4
    BROKEN_CHAIN = 5
    STEP_FROM_TERMINAL = 6
    STEP_MISMATCH = 7
    STEP_VALID = 8
    CLAIMANT_TIMEOUT = 9
    CHALLENGER_TIMEOUT = 10
    CLAIM_VOIDED_ELSEWHERE = 11


class Verdict(enum.IntEnum):
    """IArenaGame.Verdict: how the Arena settles a dispute's money."""

    CLAIMANT_LOST = 0
    CHALLENGER_LOST = 1
    DISMISSED = 2


def claim_id_of(round_id: int, agent_id: int) -> int:
    """claimId = roundId << 64 | agentId (Arena.claimIdOf)."""
    return (round_id << 64) | agent_id


def check_uint(value: int, bits: int, what: str) -> int:
    """An ABI uintN argument, refused like eth-abi refuses it (AbiEncodingError)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << bits:
        raise AbiEncodingError(f"{what}: {value!r} is not a uint{bits}")
    return value


def check_int(value: int, bits: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AbiEncodingError(f"{what}: {value!r} is not an int{bits}")
    if not -(1 << (bits - 1)) <= value < 1 << (bits - 1):
        raise AbiEncodingError(f"{what}: {value!r} is not an int{bits}")
    return value


def check_bytes32(value: bytes, what: str) -> bytes:
    if not isinstance(value, bytes | bytearray) or len(value) != 32:
        raise AbiEncodingError(f"{what}: expected 32 bytes")
    return bytes(value)


@dataclass(frozen=True)
class LeagueConfig:
    """Arena.LeagueConfig: the terms given to createLeague (immutable afterwards)."""

    system: str
    system_params: bytes
    min_stake: int
    reward_multiplier: int
    matches_per_round: int
    fuel_per_decision: int
    slash_amount: int
    challenger_bond: int
    reward_schedule: tuple[int, ...]
    submission_window: int
    challenge_window: int
    move_window: int

    def as_abi(self) -> tuple[Any, ...]:
        return (
            self.system,
            bytes(self.system_params),
            self.min_stake,
            self.reward_multiplier,
            self.matches_per_round,
            self.fuel_per_decision,
            self.slash_amount,
            self.challenger_bond,
            list(self.reward_schedule),
            self.submission_window,
            self.challenge_window,
            self.move_window,
        )

    def check_types(self) -> None:
        """The ABI widths of every field (what encoding would refuse on a real chain)."""
        for what, value, bits in (
            ("minStake", self.min_stake, 128),
            ("rewardMultiplier", self.reward_multiplier, 128),
            ("matchesPerRound", self.matches_per_round, 16),
            ("fuelPerDecision", self.fuel_per_decision, 32),
            ("slashAmount", self.slash_amount, 128),
            ("challengerBond", self.challenger_bond, 128),
            ("submissionWindow", self.submission_window, 32),
            ("challengeWindow", self.challenge_window, 32),
            ("moveWindow", self.move_window, 32),
        ):
            check_uint(value, bits, what)
        for amount in self.reward_schedule:
            check_uint(amount, 128, "rewardSchedule")


@dataclass(frozen=True)
class AgentInfo:
    """Arena.Agent."""

    owner: str
    abi_version: int
    open_claims: int
    registered_block: int
    stake: int
    unstaking: int
    code_hash: bytes
    unstake_ready_at: int
    locked: int = 0
    """Part of ``stake`` backing open claims (minStake per open claim): it cannot be unstaken."""

    @classmethod
    def from_abi(cls, v: Sequence[Any]) -> AgentInfo:
        # Arena.Agent: owner, abiVersion, openClaims, registeredBlock, stake, locked,
        # unstakeReadyAt, codeHash, unstaking, programHash
        return cls(v[0], v[1], v[2], v[3], v[4], v[8], bytes(v[7]), v[6], v[5])


@dataclass(frozen=True)
class LeagueInfo:
    """Arena.League (creator zero: no such league)."""

    min_stake: int
    matches_per_round: int
    fuel_per_decision: int
    move_window: int
    submission_window: int
    system: str
    challenge_window: int
    slash_amount: int
    challenger_bond: int
    reward_multiplier: int
    creator: str
    reward_pool: int
    reward_schedule: tuple[int, ...]
    system_params: bytes
    last_deadline: int = 0
    """Challenge deadline of the latest round (the creation time before any): STALL_PERIOD
    later anyone may open the league's next round."""

    @classmethod
    def from_abi(cls, v: Sequence[Any]) -> LeagueInfo:
        # Arena.League stores lastDeadline after challengeWindow (index 7).
        return cls(
            v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[8], v[9], v[10], v[11], v[12],
            tuple(v[13]), bytes(v[14]), v[7],
        )  # fmt: skip


@dataclass(frozen=True)
class RoundInfo:
    """Arena.Round (league id zero: no such round)."""

    league_id: int
    seed_block: int
    submit_deadline: int
    challenge_deadline: int
    live_claims: int
    open_disputes: int
    seed_fixed: bool
    settled: bool
    seed: bytes
    ranked_claims: int = 0
    """Claims counted by settlement batches so far; the ranks are paid once it equals
    live_claims."""

    @classmethod
    def from_abi(cls, v: Sequence[Any]) -> RoundInfo:
        return cls(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], bytes(v[8]), v[9])


@dataclass(frozen=True)
class ClaimOpening:
    """Arena.ClaimOpening: one live claim opened for settlement."""

    agent_id: int
    claim_root: bytes
    scores: tuple[int, ...]

    def as_abi(self) -> tuple[Any, ...]:
        return (self.agent_id, self.claim_root, list(self.scores))


@dataclass(frozen=True)
class Summary:
    """DisputeGame.Summary: a match summary entry without its match index."""

    match_seed: bytes
    trace_root: bytes
    steps: int
    score: int

    def as_abi(self) -> tuple[Any, ...]:
        return (self.match_seed, self.trace_root, self.steps, self.score)

    def packed(self, match_index: int) -> bytes:
        """Trace format v1 summary entry bytes."""
        return (
            match_index.to_bytes(4, "big")
            + self.match_seed
            + self.trace_root
            + self.steps.to_bytes(4, "big")
            + self.score.to_bytes(8, "big", signed=True)
        )


@dataclass(frozen=True)
class Entry:
    """DisputeGame.Entry: a step entry without its step index."""

    pre_state_hash: bytes
    outcome: int
    action: int
    post_state_hash: bytes

    def as_abi(self) -> tuple[Any, ...]:
        return (self.pre_state_hash, self.outcome, self.action, self.post_state_hash)

    def packed(self, step: int) -> bytes:
        """Trace format v1 step entry bytes."""
        return (
            step.to_bytes(4, "big")
            + self.pre_state_hash
            + bytes([self.outcome])
            + self.action.to_bytes(8, "big")
            + self.post_state_hash
        )

    @classmethod
    def unpack(cls, data: bytes) -> tuple[int, Entry]:
        """(step, entry) from the 77 bytes of a trace format v1 step entry."""
        if len(data) != 77:
            raise ValueError("a step entry is 77 bytes")
        step = int.from_bytes(data[:4], "big")
        return step, cls(data[4:36], data[36], int.from_bytes(data[37:45], "big"), data[45:77])

    def check_types(self) -> None:
        check_bytes32(self.pre_state_hash, "preStateHash")
        check_uint(self.outcome, 8, "outcome")
        check_uint(self.action, 64, "action")
        check_bytes32(self.post_state_hash, "postStateHash")


NO_ENTRY = Entry(bytes(32), 0, 0, bytes(32))
"""Placeholder loEntry for a one-step proof from the initial state (lo = -1)."""


@dataclass(frozen=True)
class DisputeInfo:
    """DisputeGame.Dispute."""

    challenger: str
    phase: Phase
    deadline: int
    move_window: int
    match_index: int
    claimant: str
    lo: int
    hi: int
    steps: int
    claim_id: int
    score: int
    matches: int
    trace_root: bytes
    lo_leaf: bytes
    hi_leaf: bytes
    mid_leaf: bytes
    final_post: bytes

    @classmethod
    def from_abi(cls, v: Sequence[Any]) -> DisputeInfo:
        return cls(v[0], Phase(v[1]), *v[2:12], *(bytes(x) for x in v[12:17]))


@dataclass(frozen=True)
class ArenaAddresses:
    """Where the Arena's contracts live (the same addresses on a fresh anvil and in memory)."""

    arena: str
    dispute_game: str
    verifier: str
    systems: dict[str, str] = field(default_factory=dict)
    """System contract address by system name (snake, rps, connect4, predict)."""


# -- the deployed set --------------------------------------------------------------------------

UNSTAKE_DELAY = 86_400
"""Seconds between requestUnstake and finalizeUnstake in the default deployment."""
SYSTEM_CONTRACTS = {
    "snake": "SnakeSystem",
    "rps": "RpsSystem",
    "connect4": "Connect4System",
    "predict": "PredictSystem",
}
ARENA_PLAN: tuple[tuple[str, tuple[Any, ...]], ...] = (
    *((contract, ()) for contract in SYSTEM_CONTRACTS.values()),
    ("WasmCompiler", ()),
    ("WasmInterpreter", ("@WasmCompiler",)),
    ("Arena", ("@WasmInterpreter", UNSTAKE_DELAY)),
)
"""The Arena's contract set in deployment order: (contract, constructor args), where "@Name"
is the address of an earlier entry. The Arena's constructor creates its DisputeGame."""


def create_address(deployer: str, nonce: int) -> str:
    """The address of the contract ``deployer`` creates with ``nonce`` (CREATE)."""
    import rlp
    from eth_utils.address import to_checksum_address
    from eth_utils.crypto import keccak

    return to_checksum_address(keccak(rlp.encode([bytes.fromhex(deployer[2:]), nonce]))[12:])


def planned_addresses(deployer: str, first_nonce: int = 0) -> ArenaAddresses:
    """Where ARENA_PLAN lands when ``deployer`` sends it from ``first_nonce`` in order."""
    by_name = {
        name: create_address(deployer, first_nonce + i) for i, (name, _) in enumerate(ARENA_PLAN)
    }
    arena = by_name["Arena"]
    return ArenaAddresses(
        arena=arena,
        dispute_game=create_address(arena, 1),
        verifier=by_name["WasmInterpreter"],
        systems={system: by_name[contract] for system, contract in SYSTEM_CONTRACTS.items()},
    )
