"""The dispute game (DisputeGame.sol): challenge, reveals, bisection, one-step proof, endings.

Checks run in the contract's order and every refusal happens before any effect, so a refused
move leaves the state untouched, as a reverted transaction does. The one-step proof runs the
decision on the Python sandbox and the transition on the system's Python twin.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.arena_ops import (
    VOIDED,
    Entry,
    Phase,
    Reason,
    Summary,
    Verdict,
    check_bytes32,
    check_int,
    check_uint,
)
from adapters.memory import claims, contracts
from adapters.memory.claims import commitment
from adapters.memory.contracts import Contracts
from adapters.memory.ledger import Tx, revert
from adapters.memory.state import ArenaState, Dispute
from node.merkle import leaf_hash, root_from_proof
from node.trace import keccak256, match_seed

MAX_STEPS = 2**31 - 1


def _check_proof(proof: Sequence[bytes]) -> None:
    """bytes32[]: what ABI encoding refuses on a real chain is refused here too."""
    for item in proof:
        check_bytes32(item, "proof")


class Game:
    """DisputeGame over the memory Arena's state; every method is one transaction."""

    def __init__(self, state: ArenaState, code: Contracts) -> None:
        self.state = state
        self.code = code
        self.arena = code.addresses.arena
        self.address = code.addresses.dispute_game

    # -- access checks ----------------------------------------------------------------------

    def _active(self, dispute_id: int) -> Dispute:
        d = self.state.disputes.get(dispute_id)
        if d is None:
            raise revert("UnknownDispute", dispute_id)
        if d.phase == Phase.RESOLVED:
            raise revert("DisputeOver", dispute_id)
        return d

    def _move(self, tx: Tx, dispute_id: int, phase: Phase) -> Dispute:
        d = self._active(dispute_id)
        if d.phase != phase:
            raise revert("WrongPhase", int(phase), int(d.phase))
        if tx.timestamp > d.deadline:
            raise revert("MoveTooLate", d.deadline)
        return d

    def _claimant_move(self, tx: Tx, dispute_id: int, phase: Phase) -> Dispute:
        d = self._move(tx, dispute_id, phase)
        if tx.sender != d.claimant:
            raise revert("NotClaimant", tx.sender)
        return d

    def _challenger_move(self, tx: Tx, dispute_id: int, phase: Phase) -> Dispute:
        d = self._move(tx, dispute_id, phase)
        if tx.sender != d.challenger:
            raise revert("NotChallenger", tx.sender)
        return d

    def _advance(self, tx: Tx, d: Dispute, phase: Phase) -> int:
        d.phase = phase
        d.deadline = tx.timestamp + d.move_window
        return d.deadline

    def _resolve(
        self, tx: Tx, dispute_id: int, d: Dispute, verdict: Verdict, reason: Reason
    ) -> None:
        claims.check_resolve(self.state, d.claim_id, verdict)
        first = self.first_open_dispute(d.claim_id)
        first_open = self.state.disputes[first].challenger
        d.phase = Phase.RESOLVED
        tx.emit(
            self.address,
            "DisputeResolved",
            {
                "disputeId": dispute_id,
                "claimId": d.claim_id,
                "verdict": int(verdict),
                "reason": int(reason),
            },
        )
        claims.resolve_dispute(
            self.state, tx, self.arena, d.claim_id, d.challenger, first_open, verdict
        )

    def first_open_dispute(self, claim_id: int) -> int:
        """DisputeGame.firstOpenDispute (adapters.memory.claims.first_open_dispute)."""
        return claims.first_open_dispute(self.state, claim_id)

    def _proven_leaf(self, d: Dispute, step: int, entry: Entry, proof: Sequence[bytes]) -> bytes:
        packed = entry.packed(step)  # proof items were width-checked before any effect
        if root_from_proof(packed, step, d.steps, list(proof)) != d.trace_root:
            raise revert("BadProof")
        return leaf_hash(packed)

    # -- moves ------------------------------------------------------------------------------

    def challenge(self, tx: Tx, claim_id: int, match_index: int) -> int:
        check_uint(claim_id, 256, "claimId")
        check_uint(match_index, 16, "matchIndex")
        claimant, move_window, matches = claims.check_open_dispute(self.state, tx, claim_id)
        if match_index >= matches:
            raise revert("BadMatchIndex", match_index, matches)
        claims.open_dispute(self.state, tx, self.arena, claim_id)
        self.state.dispute_count += 1
        dispute_id = self.state.dispute_count
        deadline = tx.timestamp + move_window
        self.state.disputes[dispute_id] = Dispute(
            challenger=tx.sender,
            deadline=deadline,
            move_window=move_window,
            match_index=match_index,
            claimant=claimant,
            claim_id=claim_id,
            matches=matches,
        )
        tx.emit(
            self.address,
            "DisputeOpened",
            {
                "disputeId": dispute_id,
                "claimId": claim_id,
                "challenger": tx.sender,
                "matchIndex": match_index,
                "deadline": deadline,
            },
        )
        return dispute_id

    def reveal_summary(
        self,
        tx: Tx,
        dispute_id: int,
        claim_root: bytes,
        scores: Sequence[int],
        summary: Summary,
        proof: Sequence[bytes],
    ) -> None:
        check_bytes32(claim_root, "claimRoot")
        for score in scores:
            check_int(score, 64, "scores")
        check_bytes32(summary.match_seed, "matchSeed")
        check_bytes32(summary.trace_root, "traceRoot")
        check_uint(summary.steps, 32, "steps")
        check_int(summary.score, 64, "score")
        _check_proof(proof)
        d = self._claimant_move(tx, dispute_id, Phase.AWAIT_SUMMARY)
        commit = self.state.claim_commit.get(d.claim_id, bytes(32))
        round_seed = self.state.rounds[d.claim_id >> 64].seed
        if commit == VOIDED:
            raise revert("ClaimVoided", d.claim_id)
        if len(scores) != d.matches or commit != commitment(claim_root, scores):
            raise revert("BadClaimOpening")
        packed = summary.packed(d.match_index)
        if root_from_proof(packed, d.match_index, len(scores), list(proof)) != claim_root:
            raise revert("BadProof")
        d.trace_root = summary.trace_root
        d.steps = summary.steps
        d.score = summary.score
        deadline = self._advance(tx, d, Phase.AWAIT_FINAL)
        tx.emit(
            self.address,
            "SummaryRevealed",
            {"disputeId": dispute_id, "summary": summary.as_abi(), "deadline": deadline},
        )
        agent_id = d.claim_id & (2**64 - 1)
        if summary.match_seed != match_seed(round_seed, agent_id, d.match_index):
            self._resolve(tx, dispute_id, d, Verdict.CLAIMANT_LOST, Reason.WRONG_SEED)
        elif summary.score != scores[d.match_index]:
            self._resolve(tx, dispute_id, d, Verdict.CLAIMANT_LOST, Reason.WRONG_SCORE)
        elif summary.steps == 0 or summary.steps > MAX_STEPS:
            self._resolve(tx, dispute_id, d, Verdict.CLAIMANT_LOST, Reason.BAD_STEP_COUNT)

    def reveal_final(self, tx: Tx, dispute_id: int, entry: Entry, proof: Sequence[bytes]) -> None:
        entry.check_types()
        d = self._claimant_move(tx, dispute_id, Phase.AWAIT_FINAL)
        last = d.steps - 1
        leaf = self._proven_leaf(d, last, entry, proof)
        d.hi_leaf = leaf
        d.hi = last
        d.final_post = entry.post_state_hash
        deadline = self._advance(tx, d, Phase.AWAIT_ONE_STEP if last == 0 else Phase.AWAIT_MID)
        tx.emit(
            self.address,
            "EntryRevealed",
            {"disputeId": dispute_id, "step": last, "entry": entry.as_abi(), "deadline": deadline},
        )

    def prove_final_state_fraud(self, tx: Tx, dispute_id: int, final_state: bytes) -> None:
        d = self._active(dispute_id)
        if tx.sender != d.challenger:
            raise revert("NotChallenger", tx.sender)
        if d.phase < Phase.AWAIT_MID:
            raise revert("FinalNotRevealed")
        if tx.timestamp > d.deadline:
            raise revert("MoveTooLate", d.deadline)
        if keccak256(final_state) != d.final_post:
            raise revert("PreimageMismatch")
        system = self._system(d)
        if not system.is_done(final_state):
            self._resolve(tx, dispute_id, d, Verdict.CLAIMANT_LOST, Reason.FINAL_NOT_TERMINAL)
        elif system.score(final_state) != d.score:
            self._resolve(tx, dispute_id, d, Verdict.CLAIMANT_LOST, Reason.FINAL_SCORE_MISMATCH)
        else:
            raise revert("NoFraud")

    def midpoint(self, dispute_id: int) -> int:
        d = self.state.disputes.get(dispute_id)
        if d is None:
            return 0
        return (d.lo + (d.hi - d.lo) // 2) & (2**32 - 1)

    def reveal_midpoint(
        self, tx: Tx, dispute_id: int, entry: Entry, proof: Sequence[bytes]
    ) -> None:
        entry.check_types()
        _check_proof(proof)
        d = self._claimant_move(tx, dispute_id, Phase.AWAIT_MID)
        mid = d.lo + (d.hi - d.lo) // 2
        d.mid_leaf = self._proven_leaf(d, mid, entry, proof)
        deadline = self._advance(tx, d, Phase.AWAIT_ANSWER)
        tx.emit(
            self.address,
            "EntryRevealed",
            {"disputeId": dispute_id, "step": mid, "entry": entry.as_abi(), "deadline": deadline},
        )

    def answer(self, tx: Tx, dispute_id: int, agree: bool) -> None:
        d = self._challenger_move(tx, dispute_id, Phase.AWAIT_ANSWER)
        mid = d.lo + (d.hi - d.lo) // 2
        if agree:
            d.lo = mid
            d.lo_leaf = d.mid_leaf
        else:
            d.hi = mid
            d.hi_leaf = d.mid_leaf
        phase = Phase.AWAIT_ONE_STEP if d.hi == d.lo + 1 else Phase.AWAIT_MID
        deadline = self._advance(tx, d, phase)
        tx.emit(
            self.address,
            "MidpointAnswered",
            {
                "disputeId": dispute_id,
                "agree": bool(agree),
                "lo": d.lo,
                "hi": d.hi,
                "deadline": deadline,
            },
        )

    def prove_step(
        self,
        tx: Tx,
        dispute_id: int,
        lo_entry: Entry,
        entry: Entry,
        pre_state: bytes,
        code: bytes,
    ) -> None:
        lo_entry.check_types()
        entry.check_types()
        d = self._challenger_move(tx, dispute_id, Phase.AWAIT_ONE_STEP)
        if leaf_hash(entry.packed(d.hi)) != d.hi_leaf:
            raise revert("BadEntry")
        agent_id = d.claim_id & (2**64 - 1)
        r = self.state.rounds[d.claim_id >> 64]
        league = self.state.leagues[r.league_id].config
        agent = self.state.agents[agent_id]
        system = self._system(d)
        if d.lo < 0:
            seed = match_seed(r.seed, agent_id, d.match_index)
            expected_pre = keccak256(system.initial_state(seed, bytes(league.system_params)))
        else:
            if leaf_hash(lo_entry.packed(d.lo)) != d.lo_leaf:
                raise revert("BadEntry")
            expected_pre = lo_entry.post_state_hash
        if entry.pre_state_hash != expected_pre:
            self._resolve(tx, dispute_id, d, Verdict.CLAIMANT_LOST, Reason.BROKEN_CHAIN)
            return
        if keccak256(pre_state) != expected_pre:
            raise revert("PreimageMismatch")
        if keccak256(code) != agent.code_hash:
            raise revert("CodeMismatch")
        if system.is_done(pre_state):
            self._resolve(tx, dispute_id, d, Verdict.CLAIMANT_LOST, Reason.STEP_FROM_TERMINAL)
            return
        observation = system.observe(pre_state, agent.abi_version)
        outcome, value = contracts.decide(code, observation, league.fuel_per_decision)
        action = 0
        post = bytes(32)
        if outcome == 0:
            chosen = system.to_action(pre_state, value)
            if chosen is not None:
                action = chosen
                post = keccak256(system.step(pre_state, action))
            else:
                outcome = 3
        if outcome != 0:
            post = keccak256(system.forfeit(pre_state))
        matches = (
            outcome == entry.outcome and action == entry.action and post == entry.post_state_hash
        )
        if matches:
            self._resolve(tx, dispute_id, d, Verdict.CHALLENGER_LOST, Reason.STEP_VALID)
        else:
            self._resolve(tx, dispute_id, d, Verdict.CLAIMANT_LOST, Reason.STEP_MISMATCH)

    def timeout(self, tx: Tx, dispute_id: int) -> None:
        d = self._active(dispute_id)
        if tx.timestamp <= d.deadline:
            raise revert("DeadlineNotPassed", d.deadline)
        if d.phase <= Phase.AWAIT_MID:
            self._resolve(tx, dispute_id, d, Verdict.CLAIMANT_LOST, Reason.CLAIMANT_TIMEOUT)
        else:
            self._resolve(tx, dispute_id, d, Verdict.CHALLENGER_LOST, Reason.CHALLENGER_TIMEOUT)

    def dismiss(self, tx: Tx, dispute_id: int) -> None:
        d = self._active(dispute_id)
        self._resolve(tx, dispute_id, d, Verdict.DISMISSED, Reason.CLAIM_VOIDED_ELSEWHERE)

    def _system(self, d: Dispute) -> contracts.SystemContract:
        r = self.state.rounds[d.claim_id >> 64]
        system = self.code.system(self.state.leagues[r.league_id].config.system)
        assert system is not None, "leagues are created with known systems only"
        return system
