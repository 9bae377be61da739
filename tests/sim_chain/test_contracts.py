"""The sim contracts on MemoryChain and on anvil: same results, same named errors."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.anvil import Anvil
from adapters.errors import ChainError
from adapters.keys import anvil_account
from adapters.memory import MemoryChain
from adapters.memory.sim_contracts import MemorySimContracts
from adapters.web3chain import Web3Chain
from node.sim.chain.ops import SimContracts, agent_key, name_key, sim_contracts

A, B = agent_key("a"), agent_key("b")


@pytest.fixture(params=["memory", pytest.param("anvil", marks=pytest.mark.anvil)])
def contracts(request: pytest.FixtureRequest) -> Iterator[SimContracts]:
    if request.param == "memory":
        yield sim_contracts(MemoryChain())
    else:
        node: Anvil = request.getfixturevalue("anvil")
        yield sim_contracts(Web3Chain(node.url, anvil_account(8)))


def _error(exc: pytest.ExceptionInfo[ChainError]) -> tuple[str, tuple[object, ...]]:
    return exc.value.name, tuple(exc.value.args)


def test_ledger(contracts: SimContracts) -> None:
    ledger = contracts.deploy_ledger()
    ledger.deposit([A, B], 100)
    ledger.transfer(A, B, 30, name_key("r1"))
    assert (ledger.balance_of(A), ledger.balance_of(B)) == (70, 130)
    with pytest.raises(ChainError) as exc:
        ledger.transfer(A, B, 1, name_key("r1"))
    assert _error(exc) == ("DuplicateRef", (A, name_key("r1")))
    with pytest.raises(ChainError) as exc:
        ledger.transfer(A, B, 71, name_key("r2"))
    assert _error(exc) == ("InsufficientCredits", (A, 70, 71))
    with pytest.raises(ChainError) as exc:
        ledger.transfer(A, A, 1, name_key("r3"))
    assert _error(exc) == ("SelfTransfer", (A,))
    with pytest.raises(ChainError) as exc:
        ledger.deposit([], 1)
    assert exc.value.name == "ZeroAmount"
    ledger.slash(A, 500)
    assert (ledger.balance_of(A), ledger.slash_count(A)) == (0, 1)


def test_cards(contracts: SimContracts) -> None:
    cards = contracts.deploy_cards()
    cards.set_card(A, [name_key("sell")], name_key("{}"))
    card = cards.card_of(A)
    assert card.listed
    assert card.capabilities == (name_key("sell"),)
    cards.remove_card(A)
    assert not cards.card_of(A).listed
    with pytest.raises(ChainError) as exc:
        cards.remove_card(A)
    assert _error(exc) == ("UnknownCard", (A,))
    with pytest.raises(ChainError) as exc:
        cards.set_card(A, [name_key(str(i)) for i in range(33)], bytes(32))
    assert _error(exc) == ("BadCapabilities", (33,))


def test_anchor_read_back(contracts: SimContracts) -> None:
    notary = contracts.deploy_anchor()
    root = name_key("root")
    assert notary.anchor_of(root) is None
    info = notary.anchor(root, name_key("scenario"), 42)
    assert notary.anchor_of(root) == info
    assert (info.seed, info.scenario_hash) == (42, name_key("scenario"))
    assert info.block_number > 0
    with pytest.raises(ChainError) as exc:
        notary.anchor(root, bytes(32), 0)
    assert _error(exc) == ("AlreadyAnchored", (root, info.block_number))
    with pytest.raises(ChainError) as exc:
        notary.anchor(bytes(32), bytes(32), 0)
    assert exc.value.name == "ZeroRoot"


def test_only_operator_moves_credits() -> None:
    chain = MemoryChain()
    ledger = MemorySimContracts(chain).deploy_ledger()
    ledger.deposit([A], 5)
    stranger = dataclasses.replace(ledger, chain=chain.with_signer(anvil_account(3)))
    with pytest.raises(ChainError) as exc:
        stranger.transfer(A, B, 1, name_key("x"))
    assert exc.value.name == "NotOperator"
    assert ledger.balance_of(A) == 5


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from("abc"), st.integers(0, 80)),
        max_size=20,
    )
)
def test_ledger_matches_a_plain_model(moves: list[tuple[str, str, int]]) -> None:
    """Credits are conserved and a transfer succeeds exactly when the plain model says so."""
    ledger = sim_contracts(MemoryChain()).deploy_ledger()
    model = dict.fromkeys("abc", 50)
    ledger.deposit([agent_key(x) for x in "abc"], 50)
    for i, (src, dst, amount) in enumerate(moves):
        ok = amount > 0 and src != dst and model[src] >= amount
        try:
            ledger.transfer(agent_key(src), agent_key(dst), amount, name_key(str(i)))
        except ChainError:
            assert not ok
            continue
        assert ok
        model[src] -= amount
        model[dst] += amount
    assert {x: ledger.balance_of(agent_key(x)) for x in "abc"} == model
