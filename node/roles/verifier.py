"""The verifier node: follows the chain, recovers every agent's code from it, replays every
claim, challenges a claim whose posted scores or root its replay does not give, and plays each
of its disputes to the end with the honest challenger's strategy (docs/protocol/contracts.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adapters.arena_ops import NO_ENTRY, VOIDED, Entry, Phase, Summary, Verdict, claim_id_of
from adapters.base import ArenaAdapter
from adapters.events import ChainEvent, EventCursor, all_events
from node.db import repo
from node.db.engine import Database
from node.db.models import DisputeRow
from node.executor.base import Executor
from node.executor.local import LocalExecutor
from node.league.rounds import play_match, run_round
from node.match import MatchResult
from node.roles.codes import recover
from node.roles.common import RoleBase
from node.roles.settlement import settle_due_rounds
from node.roles.spec import round_spec, spec_system
from node.trace import keccak256


@dataclass
class ChallengePolicy:
    """How the verifier picks matches and plays its side. The default is the honest
    challenger; node.roles.adversary builds the dishonest ones."""

    name: str = "honest"
    moves: bool = True
    lies: bool = False
    always_challenge: bool = False
    right_claims_only: bool = False
    """With ``always_challenge``: only claims the replay finds right (a liar that never
    happens to help convict)."""


UNRECOVERABLE = "code not recoverable"
ROOT_DIFFERS = "root differs, scores right"


@dataclass(frozen=True)
class ClaimCheck:
    """One claim checked: equal to the replay (``ok``), the match to challenge (``mismatch``:
    the first whose score differs, or 0 when only the root differs), or not replayable because
    the agent's code could not be recovered (``note`` UNRECOVERABLE, never ``ok``)."""

    round_id: int
    agent_id: int
    ok: bool
    mismatch: int | None
    note: str = ""

    @property
    def unrecoverable(self) -> bool:
        return self.note == UNRECOVERABLE


@dataclass
class VerifierReport:
    """Exact counts: every claim checked is in exactly one of verified (replay equal),
    mismatched (replay differs) and unrecoverable (no code to replay)."""

    verified: list[ClaimCheck] = field(default_factory=list)
    mismatched: list[ClaimCheck] = field(default_factory=list)
    unrecoverable: list[ClaimCheck] = field(default_factory=list)
    challenged: list[int] = field(default_factory=list)
    won: list[int] = field(default_factory=list)
    lost: list[int] = field(default_factory=list)
    dismissed: list[int] = field(default_factory=list)
    open: list[int] = field(default_factory=list)
    settled: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": len(self.verified),
            "mismatched": [
                {"round": c.round_id, "agent": c.agent_id, "match": c.mismatch, "note": c.note}
                for c in self.mismatched
            ],
            "unrecoverable": [
                {"round": c.round_id, "agent": c.agent_id} for c in self.unrecoverable
            ],
            "challenged": self.challenged,
            "won": self.won,
            "lost": self.lost,
            "dismissed": self.dismissed,
            "open": self.open,
            "settled": self.settled,
        }


class Verifier(RoleBase):
    role = "verifier"

    def __init__(
        self,
        db: Database,
        adapter: ArenaAdapter,
        *,
        adapter_name: str = "memory",
        workers: int = 1,
        executor: Executor | None = None,
        policy: ChallengePolicy | None = None,
        settle: bool = True,
    ) -> None:
        super().__init__(db, adapter, adapter_name)
        self.executor: Executor = executor or LocalExecutor(workers)
        self.policy = policy or ChallengePolicy()
        self.settle = settle
        self.checks: dict[tuple[int, int], ClaimCheck] = {}
        self.settled: list[int] = []
        self._revealed: dict[int, dict[int, Entry]] = {}
        self._summaries: dict[int, Summary] = {}
        self._true_summaries: dict[tuple[int, int], tuple[Summary, ...]] = {}
        self._scanned = False
        self._replays: dict[tuple[int, int, int], MatchResult] = {}
        self._codes: dict[int, bytes | None] = {}

    # -- events --------------------------------------------------------------------------------

    def _on_event(self, event: ChainEvent) -> None:
        if event.name == "SummaryRevealed":
            seed, trace_root, steps, score = event.args["summary"]
            self._summaries[int(event.args["disputeId"])] = Summary(
                bytes(seed), bytes(trace_root), int(steps), int(score)
            )
        elif event.name == "EntryRevealed":
            entry = Entry(*event.args["entry"])
            self._revealed.setdefault(int(event.args["disputeId"]), {})[
                int(event.args["step"])
            ] = Entry(bytes(entry.pre_state_hash), entry.outcome, entry.action,
                      bytes(entry.post_state_hash))  # fmt: skip

    def _catch_up(self) -> None:
        """After a restart the cursor is past earlier events: read them once for the entries
        revealed in disputes."""
        if self._scanned:
            return
        self._scanned = True
        for event in all_events(self.adapter):
            self._on_event(event)

    # -- code ----------------------------------------------------------------------------------

    def code(self, agent_id: int) -> bytes | None:
        if agent_id not in self._codes or self._codes[agent_id] is None:
            row = repo.get_agent(self.db, self.chain_id, agent_id)
            code_hash = row.code_hash if row is not None else self.adapter.agent(agent_id).code_hash
            code = recover(
                self.adapter, agent_id, code_hash, stored=row.code if row is not None else None
            )
            if code is not None and row is not None and row.code is None:
                row.code = code
                repo.save_agent(
                    self.db,
                    self.chain_id,
                    agent_id,
                    code_hash,
                    code=code,
                    owner=row.owner,
                    abi_version=row.abi_version,
                    registered_block=row.registered_block,
                    mine=row.mine,
                )
            self._codes[agent_id] = code
        return self._codes[agent_id]

    # -- verification --------------------------------------------------------------------------

    def verify_claims(self) -> int:
        done = 0
        for row in self.open_rounds():
            if row.seed is None:
                continue
            claims = [
                c
                for c in repo.round_claims(self.db, self.chain_id, row.round_id)
                if c.status == "live" and (row.round_id, c.agent_id) not in self.checks
            ]
            if not claims:
                continue
            spec = round_spec(self.adapter, row.round_id)
            codes: dict[int, bytes] = {}
            for claim in claims:
                code = self.code(claim.agent_id)
                if code is None:
                    self.checks[(row.round_id, claim.agent_id)] = ClaimCheck(
                        row.round_id, claim.agent_id, False, None, UNRECOVERABLE
                    )
                    self.log.refuse(
                        f"replay agent {claim.agent_id} round {row.round_id}", UNRECOVERABLE
                    )
                else:
                    codes[claim.agent_id] = code
            replay = None
            if codes:
                with self.log.task(
                    f"replaying round {row.round_id}", len(codes) * spec.matches_per_round
                ) as advance:
                    replay = run_round(spec, codes, executor=self.executor, progress=advance)
            for claim in claims:
                if replay is None or claim.agent_id not in codes:
                    continue
                mine = replay.agent(claim.agent_id)
                posted = repo.claim_scores(claim)
                check = self._compare(row.round_id, claim.agent_id, claim.claim_root, posted, mine)
                self.checks[(row.round_id, claim.agent_id)] = check
                if check.note == ROOT_DIFFERS:
                    self._true_summaries[(row.round_id, claim.agent_id)] = tuple(
                        Summary(r.seed, r.trace_root, r.steps, r.score) for r in mine.matches
                    )
                done += self._challenge(check)
        return done

    def _compare(
        self, round_id: int, agent_id: int, root: bytes, posted: tuple[int, ...], mine: Any
    ) -> ClaimCheck:
        if root == mine.claim_root and posted == mine.scores:
            return ClaimCheck(round_id, agent_id, True, None)
        for index, (a, b) in enumerate(zip(posted, mine.scores, strict=False)):
            if a != b:
                return ClaimCheck(round_id, agent_id, False, index, "score differs")
        # Right scores under another root: the root is fixed by the trace format, so some
        # summary under it is not the true one, or the root opens to nothing at all (made up).
        # Either way the claim is false: challenge it (match 0; see docs/protocol/roles.md).
        return ClaimCheck(round_id, agent_id, False, 0, ROOT_DIFFERS)

    def _challenge(self, check: ClaimCheck) -> int:
        index = check.mismatch
        if self.policy.always_challenge:
            if self.policy.right_claims_only and not check.ok:
                return 0
            index = 0
        if index is None:
            return 0
        return self._challenge_match(check.round_id, check.agent_id, index)

    def pursue_roots(self) -> int:
        """A root that differs under right scores hides a false summary, but the chain does not
        say at which match: challenge match 0, and each time the claimant opens every match
        challenged so far with its true summary (disputes this node will lose), the next one,
        until a false summary (or a root that opens to nothing) is met."""
        done = 0
        for (round_id, agent_id), true in self._true_summaries.items():
            if self.adapter.claim_commit(claim_id_of(round_id, agent_id)) == VOIDED:
                continue
            opened = {
                r.match_index: r.dispute_id
                for r in self.all_disputes()
                if (r.round_id, r.agent_id) == (round_id, agent_id)
                and r.challenger.lower() == self.me.lower()
            }
            if not opened:
                continue
            self._catch_up()
            if any(self._summaries.get(d) != true[i] for i, d in opened.items()):
                continue  # not opened yet, or opened with a false summary: that one is won
            if max(opened) + 1 < len(true):
                done += self._challenge_match(round_id, agent_id, max(opened) + 1)
        return done

    def _challenge_match(self, round_id: int, agent_id: int, index: int) -> int:
        info = self.adapter.round(round_id)
        if self.now() > info.challenge_deadline:
            return 0
        bond = self.adapter.league(info.league_id).challenger_bond
        claim_id = claim_id_of(round_id, agent_id)
        result = self.act(
            f"challenge agent {agent_id} round {round_id} match {index}",
            "challenge",
            [round_id, agent_id, index],
            {"bond": str(bond)},
            check=lambda: self._opened(claim_id, index, info.seed_block - 1),
            send=lambda: self.adapter.challenge(claim_id, index, bond),
        )
        return int(result is not None)

    def _opened(self, claim_id: int, index: int, round_opened: int) -> int | None:
        """The dispute this node opened on the match, looked for from the round's opening block
        (a challenge cannot precede it) rather than from genesis."""
        for event in all_events(self.adapter, EventCursor(max(round_opened, 0))):
            if (
                event.name == "DisputeOpened"
                and int(event.args["claimId"]) == claim_id
                and int(event.args["matchIndex"]) == index
                and str(event.args["challenger"]).lower() == self.me.lower()
            ):
                return int(event.args["disputeId"])
        return None

    # -- disputes ------------------------------------------------------------------------------

    def replay(self, row: DisputeRow) -> MatchResult:
        key = (row.round_id, row.agent_id, row.match_index)
        if key not in self._replays:
            code = self.code(row.agent_id)
            assert code is not None, "a challenged agent's code is known"
            spec = round_spec(self.adapter, row.round_id)
            self._replays[key] = play_match(
                spec, row.agent_id, code, row.match_index, record_states=True
            )
        return self._replays[key]

    def play_disputes(self) -> int:
        done = 0
        for row in self.unresolved_disputes():
            info = self.adapter.dispute(row.dispute_id)
            if info.phase in (Phase.NONE, Phase.RESOLVED):
                continue
            if self.adapter.claim_commit(info.claim_id) == VOIDED:
                done += self.end_dispute(row.dispute_id, "dismiss", self.adapter.dismiss)
                continue
            if row.challenger.lower() != self.me.lower():
                continue
            done += self._play(row)
        return done

    def _play(self, row: DisputeRow) -> int:
        d = row.dispute_id
        info = self.adapter.dispute(d)
        claimant_turn = info.phase in (Phase.AWAIT_SUMMARY, Phase.AWAIT_FINAL, Phase.AWAIT_MID)
        if claimant_turn and self.now() > info.deadline:
            return self.end_dispute(d, "timeout", self.adapter.timeout)
        if not self.policy.moves or self.now() > info.deadline:
            return 0
        if info.phase >= Phase.AWAIT_MID and not self.policy.lies:
            fraud = self._final_fraud(row, info.final_post, info.score)
            if fraud is not None:
                return self.dispute_move(d, info, 1, "prove_final_state_fraud",
                                  lambda: self.adapter.prove_final_state_fraud(d, fraud))  # fmt: skip
        if claimant_turn:
            return 0
        self._catch_up()
        revealed = self._revealed.get(d, {})
        mine = self.replay(row)
        system = spec_system(round_spec(self.adapter, row.round_id))
        if info.phase == Phase.AWAIT_ANSWER:
            mid = self.adapter.midpoint(d)
            entry = revealed.get(mid)
            if entry is None:
                return 0
            agree = (
                not self.policy.lies
                and mid < mine.steps
                and entry.post_state_hash == Entry.unpack(mine.entries[mid])[1].post_state_hash
            )
            return self.dispute_move(
                d, info, 2 + mid, "answer", lambda: self.adapter.answer(d, agree)
            )
        # AWAIT_ONE_STEP
        hi_entry = revealed.get(info.hi)
        lo_entry = revealed.get(info.lo, NO_ENTRY) if info.lo >= 0 else NO_ENTRY
        if hi_entry is None:
            return 0
        assert mine.states is not None
        pre = system.encode(mine.states[min(info.hi, mine.steps)])
        code = self.code(row.agent_id) or b""
        return self.dispute_move(
            d, info, 0, "prove_step",
            lambda: self.adapter.prove_step(d, lo_entry, hi_entry, pre, code),
        )  # fmt: skip

    def _final_fraud(self, row: DisputeRow, final_post: bytes, score: int) -> bytes | None:
        """The claimed final state's preimage when it is a state of the true game and is not
        terminal or scores otherwise; None when final-state fraud cannot be proven."""
        if self.outbox.get(f"move:{row.dispute_id}:1:prove_final_state_fraud") is not None:
            return None
        mine = self.replay(row)
        assert mine.states is not None
        system = spec_system(round_spec(self.adapter, row.round_id))
        for state in mine.states:
            encoded = system.encode(state)
            if keccak256(encoded) == final_post:
                if not system.is_done(state) or system.score(state) != score:
                    return encoded
                return None
        return None

    # -- settlement ----------------------------------------------------------------------------

    def settle_rounds(self) -> int:
        if not self.settle:
            return 0
        # Open disputes hold back only their own claims (held), not the round.
        done = settle_due_rounds(self, [row.round_id for row in self.open_rounds()])
        self.settled.extend(done)
        return len(done)

    # -- the loop ------------------------------------------------------------------------------

    def one_step(self) -> int:
        """Follow the chain, fix ready seeds, verify new claims, play disputes, settle."""
        self.follow(self._on_event)
        return (
            self.fix_seeds()
            + self.verify_claims()
            + self.pursue_roots()
            + self.play_disputes()
            + self.settle_rounds()
        )

    def report(self) -> VerifierReport:
        checks = list(self.checks.values())
        report = VerifierReport(
            verified=[c for c in checks if c.ok],
            mismatched=[c for c in checks if not c.ok and not c.unrecoverable],
            unrecoverable=[c for c in checks if c.unrecoverable],
            settled=list(self.settled),
        )
        for row in self.all_disputes():
            if row.challenger.lower() != self.me.lower():
                continue
            report.challenged.append(row.dispute_id)
            if row.verdict is None:
                report.open.append(row.dispute_id)
            elif row.verdict == Verdict.CLAIMANT_LOST:
                report.won.append(row.dispute_id)
            elif row.verdict == Verdict.CHALLENGER_LOST:
                report.lost.append(row.dispute_id)
            else:
                report.dismissed.append(row.dispute_id)
        return report
