"""ADVERSARIES: deliberately dishonest owners and challengers, for the demo and the tests.

Nothing here is used by an honest node. Each claim adversary forges one match of its claim
(``target``) in one documented way and posts a score the honest replay does not give (or,
``MadeUpRoot``, the right scores under a root it cannot open), so an honest verifier
challenges it; each should lose its dispute for the reason named in its
docstring. The challenger adversaries attack honest claims and should lose their bonds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.arena_ops import Entry, Summary
from node.executor.base import Executor
from node.league.rounds import ProgressCallback, RoundSpec, play_match
from node.match import INVALID_ACTION, OK
from node.merkle import merkle_root
from node.roles.claims import ClaimedMatch, ClaimHeader, honest_headers, honest_match
from node.roles.spec import spec_system
from node.roles.verifier import ChallengePolicy
from node.systems.base import System
from node.trace import keccak256
from node.trace.entries import pack_step_entry
from node.wasm import AgentProgram


def _claimed(seed: bytes, entries: list[bytes], score: int) -> ClaimedMatch:
    return ClaimedMatch(Summary(seed, merkle_root(entries), len(entries), score), tuple(entries))


@dataclass
class MatchForgery:
    """Base: honest everywhere except match ``target``, which ``forge`` rewrites."""

    target: int = 0
    name: str = "forgery"
    answers_disputes: bool = True

    def forge(self, spec: RoundSpec, agent_id: int, code: bytes) -> ClaimedMatch:
        raise NotImplementedError

    def headers(
        self,
        spec: RoundSpec,
        agents: Mapping[int, bytes],
        executor: Executor,
        progress: ProgressCallback | None = None,
    ) -> dict[int, ClaimHeader]:
        headers = honest_headers(spec, agents, executor, progress)
        for agent_id, code in agents.items():
            summaries = list(headers[agent_id].summaries)
            summaries[self.target] = self.forge(spec, agent_id, code).summary
            headers[agent_id] = ClaimHeader(tuple(summaries))
        return headers

    def match(self, spec: RoundSpec, agent_id: int, code: bytes, index: int) -> ClaimedMatch:
        if index == self.target:
            return self.forge(spec, agent_id, code)
        return honest_match(spec, agent_id, code, index)


def _recorded(spec: RoundSpec, agent_id: int, code: bytes, index: int) -> Any:
    return play_match(spec, agent_id, code, index, record_states=True)


@dataclass
class BorrowedPolicy(MatchForgery):
    """Claims, as its own, the game a better policy (``better_code``) plays from the same seed.

    Every step is a real transition, so only a one-step proof at the first move the agent
    would not have made catches it: StepMismatch. When the better policy does not score more,
    the cheater adds one point to the borrowed game (still StepMismatch or FinalScoreMismatch).
    """

    better_code: bytes = b""
    name: str = "borrowed-policy"

    def forge(self, spec: RoundSpec, agent_id: int, code: bytes) -> ClaimedMatch:
        honest = play_match(spec, agent_id, code, self.target)
        better = play_match(spec, agent_id, self.better_code, self.target)
        score = better.score if better.score > honest.score else honest.score + 1
        return _claimed(better.seed, list(better.entries), score)


@dataclass
class InflatedScore(MatchForgery):
    """The true trace with a higher score: FinalScoreMismatch (the final state is known)."""

    bonus: int = 5
    name: str = "inflated-score"

    def forge(self, spec: RoundSpec, agent_id: int, code: bytes) -> ClaimedMatch:
        honest = play_match(spec, agent_id, code, self.target)
        return _claimed(honest.seed, list(honest.entries), honest.score + self.bonus)


@dataclass
class SilentClaimant(InflatedScore):
    """An inflated claim whose owner never answers the challenge: ClaimantTimeout."""

    name: str = "silent-claimant"
    answers_disputes: bool = False


@dataclass(frozen=True)
class MadeUpHeader(ClaimHeader):
    """True summaries and scores under a root that is not theirs."""

    made_up: bytes = bytes(32)

    @property
    def root(self) -> bytes:
        return self.made_up


@dataclass
class MadeUpRoot:
    """The true scores under a made-up claim root. It cannot open the root for any match
    (every reveal is refused, BadProof), so it loses by ClaimantTimeout; ranked as posted if
    nobody challenged, it would be paid for a claim it cannot back."""

    name: str = "made-up-root"
    answers_disputes: bool = True

    def headers(
        self,
        spec: RoundSpec,
        agents: Mapping[int, bytes],
        executor: Executor,
        progress: ProgressCallback | None = None,
    ) -> dict[int, ClaimHeader]:
        return {
            agent_id: MadeUpHeader(header.summaries, keccak256(b"made up" + header.root))
            for agent_id, header in honest_headers(spec, agents, executor, progress).items()
        }

    def match(self, spec: RoundSpec, agent_id: int, code: bytes, index: int) -> ClaimedMatch:
        return honest_match(spec, agent_id, code, index)


@dataclass
class TruncatedMatch(MatchForgery):
    """Only the first half of the game, claimed as finished with a higher score:
    FinalNotTerminal (the challenger knows the truncated final state)."""

    name: str = "truncated-match"

    def forge(self, spec: RoundSpec, agent_id: int, code: bytes) -> ClaimedMatch:
        honest = play_match(spec, agent_id, code, self.target)
        keep = max(1, honest.steps // 2)
        return _claimed(honest.seed, list(honest.entries[:keep]), honest.score + 1)


@dataclass
class WrongSeed(MatchForgery):
    """A game played from another match's seed, scored higher: WrongSeed at the summary."""

    name: str = "wrong-seed"

    def forge(self, spec: RoundSpec, agent_id: int, code: bytes) -> ClaimedMatch:
        honest = play_match(spec, agent_id, code, self.target)
        other = play_match(spec, agent_id, code, self.target + 1)
        return _claimed(other.seed, list(other.entries), max(other.score, honest.score + 1))


@dataclass
class WrongFinalState(MatchForgery):
    """The true trace except a made-up final post-state, scored higher: StepMismatch at the
    last step."""

    name: str = "wrong-final-state"
    bonus: int = 1

    def forge(self, spec: RoundSpec, agent_id: int, code: bytes) -> ClaimedMatch:
        honest = play_match(spec, agent_id, code, self.target)
        entries = list(honest.entries)
        step, last = Entry.unpack(entries[-1])
        fake = Entry(last.pre_state_hash, last.outcome, last.action, b"\xee" * 32)
        entries[-1] = fake.packed(step)
        return _claimed(honest.seed, entries, honest.score + self.bonus)


@dataclass
class HiddenFalseSummary(WrongFinalState):
    """Every score right, but match ``target``'s trace ends in a made-up state (its summary,
    so the claim root, is not the true one). A verifier sees only a root that differs: it
    challenges match 0, meets a true summary there (a dispute it loses), challenges the next
    match, and wins at ``target`` by StepMismatch."""

    target: int = 1
    bonus: int = 0
    name: str = "hidden-false-summary"


@dataclass
class ForgedTransition(MatchForgery):
    """From step ``at`` on, made-up post-states (a consistent chain of hashes that leaves the
    real game), scored higher: StepMismatch at ``at``."""

    at: str = "middle"
    name: str = "forged-transition"

    def forge(self, spec: RoundSpec, agent_id: int, code: bytes) -> ClaimedMatch:
        honest = play_match(spec, agent_id, code, self.target)
        entries = list(honest.entries)
        start = _position(self.at, len(entries))
        previous: bytes | None = None
        for index in range(start, len(entries)):
            step, entry = Entry.unpack(entries[index])
            fake = bytes([0xEE]) * 28 + index.to_bytes(4, "big")
            pre = entry.pre_state_hash if previous is None else previous
            entries[index] = Entry(pre, entry.outcome, entry.action, fake).packed(step)
            previous = fake
        return _claimed(honest.seed, entries, honest.score + 1)


@dataclass
class SubstitutedAction(MatchForgery):
    """At step ``at`` (first, middle or last) another legal action than the agent's, the game
    then played on by the agent from there; scored higher if it is not: StepMismatch at that
    step."""

    at: str = "middle"
    name: str = "substituted-action"

    def forge(self, spec: RoundSpec, agent_id: int, code: bytes) -> ClaimedMatch:
        system = spec_system(spec)
        honest = _recorded(spec, agent_id, code, self.target)
        k = _position(self.at, honest.steps)
        entries = list(honest.entries[:k])
        state = honest.states[k]
        _, original = Entry.unpack(honest.entries[k])
        alternative = _other_action(system, state, original.action)
        pre = keccak256(system.encode(state))
        state = system.step(state, alternative)
        post = keccak256(system.encode(state))
        entries.append(pack_step_entry(k, pre, OK, alternative, post))
        state, tail = _play_on(system, AgentProgram.load(code), state, k + 1, post, spec.fuel)
        entries.extend(tail)
        score = system.score(state)
        return _claimed(honest.seed, entries, max(score, honest.score + 1))


def _position(at: str, steps: int) -> int:
    return {"first": 0, "middle": steps // 2, "last": steps - 1}[at]


def _other_action(system: System, state: Any, action: int) -> int:
    """A legal action that leads elsewhere than ``action`` does (some systems treat several
    actions alike, e.g. a snake ignores turning back)."""
    honest_post = system.encode(system.step(state, action))
    for value in range(16):
        chosen = system.to_action(state, value)
        if (
            chosen is not None
            and chosen != action
            and system.encode(system.step(state, chosen)) != honest_post
        ):
            return chosen
    raise ValueError("no other legal action leads elsewhere at this step")


def _play_on(
    system: System, program: AgentProgram, state: Any, step: int, pre_hash: bytes, fuel: int
) -> tuple[Any, list[bytes]]:
    """The rest of a match from ``state`` by the agent's own policy (run_match's rule)."""
    entries: list[bytes] = []
    abi = program.abi
    while not system.is_done(state) and abi is not None:
        decision = program.decide(system.observe(state, abi), fuel)
        outcome, action = int(decision.outcome), 0
        if outcome == OK:
            chosen = system.to_action(state, decision.value)
            if chosen is None:
                outcome = INVALID_ACTION
            else:
                action = chosen
        state = system.forfeit(state) if outcome != OK else system.step(state, action)
        post = keccak256(system.encode(state))
        entries.append(pack_step_entry(step, pre_hash, outcome, action, post))
        pre_hash, step = post, step + 1
        if outcome != OK:
            break
    return state, entries


# -- challenger adversaries --------------------------------------------------------------------


def frivolous_challenger() -> ChallengePolicy:
    """ADVERSARY: challenges match 0 of every claim, right or wrong, and disagrees with every
    midpoint: against an honest claimant it loses by StepValid."""
    return ChallengePolicy(name="frivolous-challenger", lies=True, always_challenge=True)


def silent_challenger() -> ChallengePolicy:
    """ADVERSARY: challenges match 0 of every claim and never moves again: ChallengerTimeout."""
    return ChallengePolicy(name="silent-challenger", moves=False, always_challenge=True)


def lying_verifier() -> ChallengePolicy:
    """ADVERSARY: challenges match 0 of every claim its replay finds right, and only those,
    disagreeing with every midpoint: it loses every bond (StepValid) and never shares in a
    conviction (the live end-to-end round, where its disputes race an honest verifier's)."""
    return ChallengePolicy(
        name="lying-verifier", lies=True, always_challenge=True, right_claims_only=True
    )
