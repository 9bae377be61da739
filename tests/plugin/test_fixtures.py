"""The plugin's fixtures in this suite's own runs (memory and anvil, from the ini value): the
same start, clock and isolation on both adapters, and factories that refuse bad input with
the reason."""

from __future__ import annotations

import pytest

from adapters.arena_ops import ARENA_PLAN, ETHER
from adapters.keys import Signer
from adapters.memory.ledger import DEFAULT_START_TIME
from node.league.definition import LeagueError
from node.roles.adversary import lying_verifier
from node.roles.scenario import Challenger
from node.testing.chains import MemoryTemplate, NetsChain
from node.testing.players import AgentFactory, AgentRefused, LeagueFactory, RoundPlayer
from node.wasm import AgentFileError
from tests.roles.agents import AGENTS, SIMPLE

CONSTANT = '(module (func (export "decide") (param i64) (result i64) (i64.const 3)))'


@pytest.mark.parametrize("run", [1, 2])
def test_every_test_starts_from_the_deployment(nets_chain: NetsChain, run: int) -> None:
    """Run twice: the second run sees nothing of the first (anvil reverted, memory copied)."""
    assert (nets_chain.block_number(), nets_chain.block_time()) == (
        len(ARENA_PLAN),
        DEFAULT_START_TIME,
    )
    assert nets_chain.adapter.counts() == (0, 0, 0, 0)
    assert nets_chain.as_account(run).register_agent(SIMPLE) == 1
    nets_chain.advance(run * 1000)


def test_mine_and_advance_are_exact(nets_chain: NetsChain) -> None:
    block, now = nets_chain.block_number(), nets_chain.block_time()
    nets_chain.mine(0)
    nets_chain.mine()
    nets_chain.mine(4)
    assert (nets_chain.block_number(), nets_chain.block_time()) == (block + 5, now)
    nets_chain.as_account(1).register_agent(SIMPLE)  # a transaction does not move time either
    assert (nets_chain.block_number(), nets_chain.block_time()) == (block + 6, now)
    nets_chain.advance(0)
    nets_chain.advance(7_200)
    assert (nets_chain.block_number(), nets_chain.block_time()) == (block + 8, now + 7_200)
    with pytest.raises(ValueError, match="time only moves forward"):
        nets_chain.advance(-1)
    with pytest.raises(ValueError, match="blocks"):
        nets_chain.mine(-1)


def test_the_roles_move_time_through_any_handle(
    nets_chain: NetsChain, nets_accounts: tuple[Signer, ...]
) -> None:
    """with_signer keeps the exact clock: the roles advance through their own handles."""
    handle = nets_chain.as_account(3).with_signer(nets_accounts[4])
    now = nets_chain.block_time()
    handle.increase_time(61)
    assert nets_chain.block_time() == now + 61


def test_dev_accounts_are_funded(nets_chain: NetsChain, nets_accounts: tuple[Signer, ...]) -> None:
    balances = [nets_chain.adapter.eth_balance(a.address) for a in nets_accounts]
    assert len(balances) == 10
    assert balances[1:] == [10_000 * ETHER] * 9
    assert 9_999 * ETHER < balances[0] <= 10_000 * ETHER  # anvil charged the deployment's gas


def test_memory_copies_share_nothing() -> None:
    template = MemoryTemplate()
    first, second = template.fresh(), template.fresh()
    first.register_agent(SIMPLE)
    first.increase_time(50)
    assert second.counts() == (0, 0, 0, 0)
    assert second.block_number() == template.world.ledger.head
    assert template.fresh().block_time() == DEFAULT_START_TIME


@pytest.mark.parametrize("nets_chain", ["memory"], indirect=True)
def test_a_test_may_pick_its_own_adapters(nets_chain: NetsChain) -> None:
    assert nets_chain.kind == "memory"


def test_leagues_by_name_file_and_terms(nets_league: LeagueFactory) -> None:
    demo = nets_league("demo")
    assert nets_league("demo").league_id == demo.league_id  # the same terms: the same league
    short = nets_league("demo", matchesPerRound=1)
    assert short.league_id != demo.league_id
    assert short.definition.matches_per_round == 1
    from_file = nets_league(AGENTS.parent / "leagues" / "rps.yaml")
    assert from_file.definition.system == "rps"
    terms = demo.definition.terms() | {"name": "mine"}
    assert nets_league(terms).definition.name == "mine"
    with pytest.raises(LeagueError, match=r"demo: matchesPerRound: .*less than or equal to 1024"):
        nets_league("demo", matchesPerRound=5000)
    with pytest.raises(LeagueError, match="no league named 'nope'"):
        nets_league("nope")


def test_agents_from_text_file_and_bytes(nets_chain: NetsChain, nets_agent: AgentFactory) -> None:
    from_text = nets_agent(CONSTANT, owner=2, stake=5)
    from_file = nets_agent(AGENTS / "snake" / "greedy_v1.wat", owner=2)
    from_bytes = nets_agent(SIMPLE, owner=3, stake=0)
    assert [from_text.agent_id, from_file.agent_id, from_bytes.agent_id] == [1, 2, 3]
    chain = nets_chain.adapter
    assert [chain.agent(i).stake for i in (1, 2, 3)] == [5, ETHER, 0]
    assert chain.agent(2).owner == chain.agent(1).owner != chain.agent(3).owner
    assert chain.agent_code(1) == from_text.code


def test_bad_agents_are_refused_with_the_reason(nets_agent: AgentFactory) -> None:
    with pytest.raises(AgentFileError, match="WAT text: bad WAT"):
        nets_agent('(module (func (export "decide")')
    with pytest.raises(AgentFileError, match="neither WAT text nor a file"):
        nets_agent("no/such/agent.wat")
    with pytest.raises(AgentRefused, match="InvalidAgentModule"):
        nets_agent(AGENTS / "hostile" / "floats.wat")


def test_two_rounds_in_a_row(
    nets_chain: NetsChain,
    nets_league: LeagueFactory,
    nets_agent: AgentFactory,
    nets_round: RoundPlayer,
) -> None:
    """The second round reuses the owners' submitters and the verifier; a lying verifier
    loses its bond to the owner in each."""
    league = nets_league("demo", matchesPerRound=1)
    agent = nets_agent(SIMPLE, owner=1, stake=10**6)
    liar = Challenger(6, lying_verifier())
    rounds = [nets_round(league, verifiers=[liar]) for _ in range(2)]
    assert [r.round_id for r in rounds] == [1, 2]
    assert rounds[0].verifiers[0] is rounds[1].verifiers[0]
    assert rounds[1].agents == {agent.agent_id: (1, agent.plan)}
    assert len(rounds[1].verifiers[0].report().lost) == 2
    assert not nets_chain.adapter.is_disqualified(agent.agent_id, league.league_id)
