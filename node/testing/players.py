"""One test's parties on one chain, played by the node's own roles in process.

A league comes from a shipped name, a YAML file or a mapping and is created on chain through
the same outbox action ``nets league create`` uses; an agent comes from WAT text, a file or
module bytes and is registered and staked by its owner's Submitter; a round is opened and
driven to settlement by node.roles.scenario (the driver ``nets demo`` and the role tests use),
with verifiers that share nothing with the owners but the chain. So a test of "my agent's
claim survives a challenge" exercises what a real node would do, on either adapter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from adapters.arena_ops import ETHER
from node.db.engine import Database, open_database
from node.league import actions
from node.league.catalog import resolve_league
from node.league.definition import LeagueDefinition, parse_league
from node.roles.claims import ClaimStrategy, HonestStrategy
from node.roles.scenario import Challenger, PlayedRound, drive
from node.roles.submitter import AgentPlan, Submitter
from node.roles.verifier import Verifier
from node.testing.chains import NetsChain
from node.wasm.files import AgentFileError, assemble_wat, load_agent_file

OPERATOR = 0
"""The dev account that creates leagues and opens rounds."""
OWNER = 1
VERIFIER = 6
DEFAULT_STAKE = ETHER
"""Above every shipped league's minStake; a dev account holds 10,000 ether."""


class AgentRefused(RuntimeError):
    """The chain refused to register or stake a test's agent; the message says why."""


@dataclass(frozen=True)
class League:
    """A league created on the test's chain."""

    definition: LeagueDefinition
    league_id: int


@dataclass(frozen=True)
class Agent:
    """An agent registered and staked on the test's chain by dev account ``owner``."""

    agent_id: int
    owner: int
    plan: AgentPlan

    @property
    def code(self) -> bytes:
        return self.plan.code


class LeagueFactory(Protocol):
    """The ``nets_league`` fixture (Players.league)."""

    def __call__(self, source: str | Path | Mapping[str, Any], **changes: Any) -> League: ...


class AgentFactory(Protocol):
    """The ``nets_agent`` fixture (Players.agent)."""

    def __call__(
        self,
        source: str | Path | bytes,
        *,
        owner: int = ...,
        stake: int = ...,
        strategy: ClaimStrategy | None = ...,
        label: str = ...,
    ) -> Agent: ...


class RoundPlayer(Protocol):
    """The ``nets_round`` fixture (Players.play_round)."""

    def __call__(
        self, league: League, *, verifiers: Sequence[int | Challenger] = ...
    ) -> PlayedRound: ...


def league_definition(
    source: str | Path | Mapping[str, Any], changes: Mapping[str, Any]
) -> LeagueDefinition:
    """A shipped league's name, a YAML file or a mapping of league terms (camelCase, as in
    the YAML), with ``changes`` applied over it and validated again."""
    if isinstance(source, Mapping):
        definition = parse_league(dict(source))
    else:
        definition = resolve_league(str(source))
    if not changes:
        return definition
    return parse_league(definition.terms() | dict(changes), source=definition.name)


def agent_code(source: str | Path | bytes) -> bytes:
    """Module bytes from WAT text (it starts with ``(``), a .wat/.wasm file, or the bytes."""
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    if isinstance(source, str) and source.lstrip().startswith("("):
        return assemble_wat(source)
    path = Path(source)
    if not path.is_file():
        raise AgentFileError(f"agent: {str(source)[:80]!r} is neither WAT text nor a file")
    return load_agent_file(path)


@dataclass
class Players:
    """A node database for the owners, a Submitter per owner account, a Verifier (own
    database) per verifier account, and the rounds opened per league."""

    chain: NetsChain
    db: Database = field(default_factory=lambda: open_database("sqlite://"))
    submitters: dict[int, Submitter] = field(default_factory=dict)
    verifiers: dict[int, Verifier] = field(default_factory=dict)
    rounds: dict[int, int] = field(default_factory=dict)
    """League id -> rounds opened so far."""

    def league(self, source: str | Path | Mapping[str, Any], **changes: Any) -> League:
        """Create the league on chain (once per terms: asking again gives the same league)."""
        definition = league_definition(source, changes)
        operator = self.chain.as_account(OPERATOR)
        return League(definition, actions.create_league(self.db, operator, definition))

    def agent(
        self,
        source: str | Path | bytes,
        *,
        owner: int = OWNER,
        stake: int = DEFAULT_STAKE,
        strategy: ClaimStrategy | None = None,
        label: str = "",
    ) -> Agent:
        """Register and stake an agent as dev account ``owner``; its submitter claims for it
        in every round played afterwards, honestly unless ``strategy`` says otherwise
        (node.roles.adversary has the cheats)."""
        plan = AgentPlan(agent_code(source), stake, strategy or HonestStrategy(), label)
        submitter = self.submitters.get(owner)
        if submitter is None:
            submitter = Submitter(
                self.db, self.chain.as_account(owner), [], adapter_name=self.chain.kind
            )
            self.submitters[owner] = submitter
        before = set(submitter.agents)
        submitter.plans.append(plan)
        added = [a for a in submitter.enroll() if a not in before]
        refused = submitter.log.refused
        if not added:
            raise AgentRefused(refused[-1] if refused else "agent: not registered")
        agent_id = added[0]
        if stake and self.chain.adapter.agent(agent_id).stake < stake:
            raise AgentRefused(refused[-1] if refused else f"agent {agent_id}: not staked")
        return Agent(agent_id, owner, plan)

    def verifier(self, challenger: Challenger) -> Verifier:
        """The verifier of that account (one per account; a new policy replaces the old)."""
        verifier = self.verifiers.get(challenger.account)
        if verifier is None:
            verifier = Verifier(
                open_database("sqlite://"),
                self.chain.as_account(challenger.account),
                adapter_name=self.chain.kind,
                policy=challenger.policy,
            )
            self.verifiers[challenger.account] = verifier
        verifier.policy = challenger.policy
        return verifier

    def play_round(
        self, league: League, *, verifiers: Sequence[int | Challenger] = (VERIFIER,)
    ) -> PlayedRound:
        """Open the league's next round and drive every submitter and the ``verifiers``
        (account numbers for honest ones, or Challengers with a policy) until it settles;
        time moves only when no role acts, so a timeout happens exactly when a party is
        silent."""
        sequence = self.rounds.get(league.league_id, 0) + 1
        operator = self.chain.as_account(OPERATOR)
        opened = actions.open_round(self.db, operator, league.league_id, sequence)
        self.rounds[league.league_id] = sequence
        checkers = [
            self.verifier(v if isinstance(v, Challenger) else Challenger(v)) for v in verifiers
        ]
        submitters = list(self.submitters.values())
        steps = drive(self.chain.adapter, [*submitters, *checkers], opened.round_id)
        agents = {
            agent_id: (owner, plan)
            for owner, submitter in self.submitters.items()
            for agent_id, plan in submitter.agents.items()
        }
        return PlayedRound(league.league_id, opened.round_id, submitters, checkers, agents, steps)

    def close(self) -> None:
        self.db.close()
        for verifier in self.verifiers.values():
            verifier.db.close()
