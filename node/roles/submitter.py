"""The submitter node: enrolls its agents, claims every open round for them and defends each
claim in its disputes, move by move, from the trace its strategy rebuilds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from adapters.arena_ops import VOIDED, Phase, claim_id_of
from adapters.base import ArenaAdapter
from adapters.events import all_events
from node.db import repo
from node.db.engine import Database
from node.db.models import DisputeRow
from node.executor.base import Executor
from node.executor.local import LocalExecutor
from node.roles.claims import ClaimedMatch, ClaimHeader, ClaimStrategy, HonestStrategy
from node.roles.common import RoleBase
from node.roles.settlement import settle_due_rounds
from node.roles.spec import round_spec
from node.trace import keccak256

CLOSING_SECONDS = 30
"""Warn this long (or a quarter of the league's submission window) before a window closes."""


@dataclass
class AgentPlan:
    """One agent this node runs: its code, the stake it keeps, and what it claims."""

    code: bytes
    stake: int
    strategy: ClaimStrategy = field(default_factory=HonestStrategy)
    label: str = ""


class Submitter(RoleBase):
    role = "submitter"

    def __init__(
        self,
        db: Database,
        adapter: ArenaAdapter,
        plans: Sequence[AgentPlan],
        *,
        adapter_name: str = "memory",
        workers: int = 1,
        executor: Executor | None = None,
        known: dict[int, AgentPlan] | None = None,
    ) -> None:
        """``plans`` are registered and staked by ``enroll``; ``known`` are agents already
        registered by this owner (agent id -> plan). Matches run on ``executor``, else in
        ``workers`` local processes."""
        super().__init__(db, adapter, adapter_name)
        self.plans = list(plans)
        self.executor: Executor = executor or LocalExecutor(workers)
        self.agents: dict[int, AgentPlan] = dict(known or {})
        self._headers: dict[tuple[int, int], ClaimHeader] = {}
        self._matches: dict[tuple[int, int, int], ClaimedMatch] = {}
        self._enrolled = False
        self._warned: set[tuple[str, int, int]] = set()
        """(closing or missed, round, agent): each warning once, however often a step runs."""

    # -- enrolment -----------------------------------------------------------------------------

    def enroll(self) -> dict[int, AgentPlan]:
        """Register and stake every planned agent once (outbox keys
        register:<code hash>:<owner>:<n> for the owner's n-th agent with that code, and
        stake:<agent>:1); returns agent id -> plan."""
        copies: dict[bytes, int] = {}
        for plan in self.plans:
            code_hash = keccak256(plan.code)
            copies[code_hash] = copy = copies.get(code_hash, 0) + 1
            taken = set(self.agents)
            agent_id = self.act(
                f"register {plan.label or code_hash.hex()[:8]}",
                "register",
                [code_hash.hex(), self.me, copy],
                {},
                check=lambda h=code_hash, t=taken: self._registered(h, t),
                send=lambda p=plan: self.adapter.register_agent(p.code),
                record=lambda a, h=code_hash, p=plan: self._save_agent(a, h, p.code),
            )
            if agent_id is None:
                continue
            self.agents[agent_id] = plan
            if plan.stake:
                self.act(
                    f"stake agent {agent_id}",
                    "stake",
                    [agent_id, 1],
                    {"amount": str(plan.stake)},
                    check=lambda a=agent_id, p=plan: (
                        True if self.adapter.agent(a).stake >= p.stake else None
                    ),
                    send=lambda a=agent_id, p=plan: self.adapter.stake(a, p.stake) or True,
                )
        self._enrolled = True
        return self.agents

    def _save_agent(self, agent_id: int, code_hash: bytes, code: bytes) -> None:
        """The agents row of a registration, written in the registration's transaction."""
        info = self.adapter.agent(agent_id)
        repo.save_agent(
            self.db,
            self.chain_id,
            agent_id,
            code_hash,
            code=code,
            owner=self.me,
            abi_version=info.abi_version,
            registered_block=info.registered_block,
            mine=True,
        )

    def _registered(self, code_hash: bytes, taken: set[int]) -> int | None:
        for event in all_events(self.adapter):
            if (
                event.name == "AgentRegistered"
                and str(event.args["owner"]).lower() == self.me.lower()
                and bytes(event.args["codeHash"]) == code_hash
                and int(event.args["agentId"]) not in taken
            ):
                return int(event.args["agentId"])
        return None

    # -- claims --------------------------------------------------------------------------------

    def header(self, round_id: int, agent_id: int) -> ClaimHeader:
        key = (round_id, agent_id)
        if key not in self._headers:
            plan = self.agents[agent_id]
            spec = round_spec(self.adapter, round_id)
            self._headers.update(
                {
                    (round_id, a): h
                    for a, h in plan.strategy.headers(
                        spec, {agent_id: plan.code}, self.executor
                    ).items()
                }
            )
        return self._headers[key]

    def claimed_match(self, round_id: int, agent_id: int, index: int) -> ClaimedMatch:
        key = (round_id, agent_id, index)
        if key not in self._matches:
            plan = self.agents[agent_id]
            spec = round_spec(self.adapter, round_id)
            self._matches[key] = plan.strategy.match(spec, agent_id, plan.code, index)
        return self._matches[key]

    def claimed_matches(self) -> dict[tuple[int, int, int], ClaimedMatch]:
        """(round, agent, match) -> the claimed match this node defended in a dispute."""
        return dict(self._matches)

    def _eligible(self, round_id: int) -> list[int]:
        info = self.adapter.round(round_id)
        if not info.seed_fixed or info.settled or self.now() > info.submit_deadline:
            return []
        league = self.adapter.league(info.league_id)
        eligible = []
        for agent_id in sorted(self.agents):
            agent = self.adapter.agent(agent_id)
            if (
                self.adapter.claim_commit(claim_id_of(round_id, agent_id)) == bytes(32)
                and agent.registered_block < info.seed_block
                and agent.stake >= league.min_stake
                and not self.adapter.is_disqualified(agent_id, info.league_id)
            ):
                eligible.append(agent_id)
        return eligible

    def submit_claims(self) -> int:
        done = 0
        for row in self.open_rounds():
            eligible = self._eligible(row.round_id)
            if not eligible:
                continue
            self._prepare(row.round_id, eligible)
            for agent_id in eligible:
                header = self._headers[(row.round_id, agent_id)]
                claim_id = claim_id_of(row.round_id, agent_id)
                result = self.act(
                    f"submit claim of agent {agent_id} in round {row.round_id}",
                    "submit",
                    [row.round_id, agent_id],
                    {"root": header.root.hex(), "scores": list(header.scores)},
                    check=lambda c=claim_id: (
                        c if self.adapter.claim_commit(c) != bytes(32) else None
                    ),
                    send=lambda a=agent_id, h=header, r=row.round_id: self.adapter.submit_claim(
                        r, a, h.root, h.scores
                    ),
                )
                done += result is not None
        return done

    def _prepare(self, round_id: int, agent_ids: list[int]) -> None:
        """Compute the missing claims of a round, one batch per strategy (parallel matches)."""
        missing = [a for a in agent_ids if (round_id, a) not in self._headers]
        if not missing:
            return
        spec = round_spec(self.adapter, round_id)
        by_strategy: dict[int, tuple[ClaimStrategy, dict[int, bytes]]] = {}
        for agent_id in missing:
            plan = self.agents[agent_id]
            # Every honest agent in one batch (one round on the executor); each adversary on its own.
            key = 0 if isinstance(plan.strategy, HonestStrategy) else id(plan.strategy)
            group = by_strategy.setdefault(key, (plan.strategy, {}))
            group[1][agent_id] = plan.code
        with self.log.task(
            f"playing round {round_id}", len(missing) * spec.matches_per_round
        ) as advance:
            for strategy, codes in by_strategy.values():
                for agent_id, header in strategy.headers(
                    spec, codes, self.executor, advance
                ).items():
                    self._headers[(round_id, agent_id)] = header

    # -- disputes ------------------------------------------------------------------------------

    def defend(self) -> int:
        done = 0
        for row in self.unresolved_disputes():
            plan = self.agents.get(row.agent_id)
            if plan is None or not plan.strategy.answers_disputes:
                continue
            done += self._move(row)
        return done

    def _move(self, row: DisputeRow) -> int:
        d = row.dispute_id
        info = self.adapter.dispute(d)
        if info.phase in (Phase.NONE, Phase.RESOLVED):
            return 0
        if info.phase in (Phase.AWAIT_ANSWER, Phase.AWAIT_ONE_STEP):
            if self.now() <= info.deadline:
                return 0
            return self.end_dispute(d, "timeout", self.adapter.timeout)
        if self.now() > info.deadline:
            return 0  # too late: the challenger will claim the timeout
        if self.adapter.claim_commit(info.claim_id) == VOIDED:
            return self.end_dispute(d, "dismiss", self.adapter.dismiss)
        header = self.header(row.round_id, row.agent_id)
        claimed = self.claimed_match(row.round_id, row.agent_id, row.match_index)
        if info.phase == Phase.AWAIT_SUMMARY:
            kind, seq = "reveal_summary", 0
            send = lambda: self.adapter.reveal_summary(  # noqa: E731
                d,
                header.root,
                header.scores,
                header.summaries[row.match_index],
                header.summary_proof(row.match_index),
            )
        elif info.phase == Phase.AWAIT_FINAL:
            kind, seq, last = "reveal_final", 1, info.steps - 1
            send = lambda: self.adapter.reveal_final(  # noqa: E731
                d, claimed.entry(last), claimed.proof(last)
            )
        else:
            mid = self.adapter.midpoint(d)
            kind, seq = "reveal_midpoint", 2 + mid
            send = lambda: self.adapter.reveal_midpoint(  # noqa: E731
                d, claimed.entry(mid), claimed.proof(mid)
            )
        return self.dispute_move(d, info, seq, kind, send)

    # -- the loop ------------------------------------------------------------------------------

    def one_step(self) -> int:
        """Follow the chain, fix ready seeds, submit due claims, answer pending moves, settle."""
        if not self._enrolled:
            self.enroll()
        self.follow()
        done = self.fix_seeds() + self.submit_claims() + self.defend() + self.settle_rounds()
        self.watch_windows()
        return done

    def settle_rounds(self) -> int:
        """Settle (or continue settling) every due round this node claimed in: its rewards and
        free stake wait for it."""
        mine = [
            row.round_id
            for row in self.open_rounds()
            if any(
                self.adapter.claim_commit(claim_id_of(row.round_id, agent_id)) != bytes(32)
                for agent_id in self.agents
            )
        ]
        return len(settle_due_rounds(self, mine))

    def watch_windows(self) -> None:
        """Warn (once each) when a submission window is closing, or has closed, on a claim
        this node should make and has not: a late restart or a stalled chain costs rewards."""
        now = self.now()
        for row in self.open_rounds():
            info = self.adapter.round(row.round_id)
            if info.settled or info.submit_deadline == 0:
                continue
            league = self.adapter.league(info.league_id)
            margin = max(CLOSING_SECONDS, league.submission_window // 4)
            for agent_id in sorted(self.agents):
                agent = self.adapter.agent(agent_id)
                if (
                    self.adapter.claim_commit(claim_id_of(row.round_id, agent_id)) != bytes(32)
                    or agent.registered_block >= info.seed_block
                    or agent.stake < league.min_stake
                ):
                    continue
                left = info.submit_deadline - now
                if left < 0 and ("missed", row.round_id, agent_id) not in self._warned:
                    self._warned.add(("missed", row.round_id, agent_id))
                    self.log.warn(
                        f"MISSED: round {row.round_id} closed {-left}s ago without a claim "
                        f"from agent {agent_id}"
                    )
                elif (
                    0 <= left <= margin and ("closing", row.round_id, agent_id) not in self._warned
                ):
                    self._warned.add(("closing", row.round_id, agent_id))
                    self.log.warn(
                        f"WINDOW CLOSING: round {row.round_id} closes in {left}s and agent "
                        f"{agent_id} has not claimed"
                    )
