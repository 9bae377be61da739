"""The chain-backed plugins on a MemoryChain: prepaid_credits semantics on a SimLedger, cards
on AgentCards, stake- and slash-weighted trust, secp256k1 identities."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.memory.sim_contracts import MemorySimContracts
from node.sim.chain.identity import DID_PREFIX, EthAccountProvider, address_of, recover
from node.sim.chain.ops import agent_key
from node.sim.chain.payments import ChainLedger, PaymentError
from node.sim.chain.registry import ChainCards
from node.sim.chain.session import run_chain
from node.sim.chain.trust import StakeWeighted
from node.sim.entry import load_provider
from node.sim.layers import LayerError, PluginEnv


class Clock:
    def __init__(self) -> None:
        self.t = 0
        self.events: list[tuple[str, str, dict[str, Any]]] = []

    def now(self) -> int:
        return self.t

    def env(self, layer: str, plugin: str, seed: int = 5) -> PluginEnv:
        return PluginEnv(
            layer, plugin, seed, self.now, lambda a, e, f: self.events.append((a, e, f))
        )


def test_entry_points_resolve() -> None:
    assert load_provider("payments", "chain_ledger") is ChainLedger
    assert load_provider("registry", "chain_cards") is ChainCards
    assert load_provider("trust", "stake_weighted") is StakeWeighted
    assert load_provider("identity", "eth_account") is EthAccountProvider


def test_payments_on_the_ledger_contract() -> None:
    clock = Clock()
    provider = ChainLedger(clock.env("payments", "chain_ledger"))
    alice, bob = provider.for_agent("alice"), provider.for_agent("bob")
    receipt = alice.pay("bob", 300, "r1")
    assert (receipt.amount, alice.balance(), bob.balance()) == (300, 700, 1300)
    assert provider.ledger.balance_of(agent_key("alice")) == 700  # on the contract
    assert alice.balance("carol") == 1000  # a newcomer is funded on first sight
    for amount, to, ref, reason in [
        (300, "bob", "r1", "duplicate payment ref"),
        (701, "bob", "r2", "insufficient credits (700 < 701)"),
        (0, "bob", "r3", "positive integer"),
        (1, "alice", "r4", "oneself"),
        (1, "bob", "", "1..128"),
    ]:
        with pytest.raises(PaymentError, match=re.escape(reason)):
            alice.pay(to, amount, ref)
    assert [e for _, e, _ in clock.events] == ["pay"]
    assert alice.balance() == 700


def test_one_deposit_funds_every_newcomer() -> None:
    clock = Clock()
    provider = ChainLedger(clock.env("payments", "chain_ledger"))
    contracts = run_chain(clock.env("payments", "chain_ledger")).contracts
    assert isinstance(contracts, MemorySimContracts)  # the default: a fresh MemoryChain
    wallets = [provider.for_agent(f"a{i}") for i in range(10)]
    head = contracts.chain.block_number()
    wallets[0].pay("a1", 1, "x")
    assert contracts.chain.block_number() == head + 3  # deploy, one deposit for 10, transfer
    assert all(w.balance() == 1000 for w in wallets[2:])


def test_cards_written_through() -> None:
    clock = Clock()
    registry = ChainCards(clock.env("registry", "chain_cards"))
    view = registry.for_agent("s1")
    card = view.register(["apples", "pears", "apples"], {"role": "seller"})
    assert card.capabilities == ("apples", "pears")
    assert [c.agent_id for c in registry.for_agent("b").lookup("pears")] == ["s1"]
    assert registry.contract.card_of(agent_key("s1")).listed
    view.register(["plums"])
    assert registry.for_agent("b").lookup("pears") == ()
    view.deregister()
    assert not registry.contract.card_of(agent_key("s1")).listed
    view.deregister()  # nothing listed: no transaction, no error
    with pytest.raises(LayerError):
        view.register([])
    with pytest.raises(LayerError):
        view.register([f"c{i}" for i in range(33)])


def test_trust_weighs_stake_and_slashes() -> None:
    clock = Clock()
    trust = StakeWeighted(clock.env("trust", "stake_weighted"))
    honest, liar, seller = trust.for_agent("h"), trust.for_agent("l"), trust.for_agent("s")
    assert seller.score("s") == 0.5
    honest.report("s", 1.0)
    liar.report("s", 0.0)
    assert seller.score("s") == pytest.approx(0.5)
    trust.slash("l", 75)  # the liar keeps 25 of 100
    assert trust.weight("l") == 25
    assert seller.score("s") == pytest.approx(100 / 125)
    trust.slash("s", 1)
    assert seller.score("s") == pytest.approx(100 / 125 / 2)
    with pytest.raises(LayerError):
        honest.report("h", 1.0)
    with pytest.raises(LayerError):
        honest.report("s", float("nan"))


def test_identity_keys_are_deterministic_secp256k1() -> None:
    clock = Clock()
    a = EthAccountProvider(clock.env("identity", "eth_account")).for_agent("a")
    again = EthAccountProvider(clock.env("identity", "eth_account")).for_agent("a")
    other_seed = EthAccountProvider(clock.env("identity", "eth_account", seed=6)).for_agent("a")
    assert a.did == again.did != other_seed.did
    assert a.did.startswith(DID_PREFIX)
    assert address_of(a.did) == a.address
    signature = a.sign(b"hello")
    assert len(signature) == 65
    assert recover(b"hello", signature) == a.address
    assert a.verify(a.did, b"hello", signature)
    assert not a.verify(a.did, b"hellO", signature)
    assert not a.verify(other_seed.did, b"hello", signature)
    assert not a.verify("did:key:zzz", b"hello", signature)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=80), st.text(max_size=70))
def test_identity_hostile_input_is_just_false(signature: bytes, did: str) -> None:
    clock = Clock()
    a = EthAccountProvider(clock.env("identity", "eth_account")).for_agent("a")
    assert a.verify(did, b"data", signature) in (True, False)
    assert not a.verify(a.did, b"data", signature) or signature == a.sign(b"data")
