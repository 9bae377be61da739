"""Plugins: entry-point resolution (including a foreign distribution) and honest layers."""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from node.sim import engine, scenario
from node.sim.agent import PluginSet
from node.sim.entry import UnknownPlugin, all_plugins, available_plugins, load_provider
from node.sim.layers import LAYER_PROTOCOLS, LAYERS, LayerError, PluginEnv, Reply
from node.sim.reference.auth import AuthError, JwtAuth
from node.sim.reference.comms import CommsError, NestNativeComms
from node.sim.reference.coordination import ContractNet
from node.sim.reference.datafacts import DataFactsV1
from node.sim.reference.identity import DidKeyProvider, b58decode, b58encode, public_from_did
from node.sim.reference.memory import Blackboard
from node.sim.reference.negotiation import AlternatingOffers, Negotiator
from node.sim.reference.payments import PaymentError, PrepaidCredits
from node.sim.reference.privacy import PrivacyError
from node.sim.reference.sealed import X25519ChaCha20
from node.sim.reference.trust import ScoreAverage
from tests.sim.conftest import make


class Clock:
    def __init__(self) -> None:
        self.t = 0
        self.events: list[tuple[str, str, dict[str, Any]]] = []

    def env(self, layer: str, plugin: str, **config: Any) -> PluginEnv:
        return PluginEnv(
            layer, plugin, 5, lambda: self.t, lambda a, e, f: self.events.append((a, e, f)), config
        )


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_every_layer_has_its_reference_plugin_by_entry_point() -> None:
    expected = {
        "transport": "in_memory",
        "comms": "nest_native",
        "identity": "did_key",
        "registry": "in_memory",
        "auth": "jwt",
        "trust": "score_average",
        "payments": "prepaid_credits",
        "coordination": "contract_net",
        "negotiation": "alternating_offers",
        "memory": "blackboard",
        "privacy": "noop",
        "datafacts": "datafacts_v1",
    }
    assert set(expected) == set(LAYERS)
    clock = Clock()
    for layer, name in expected.items():
        assert name in available_plugins(layer)
        provider = load_provider(layer, name)(clock.env(layer, name))
        assert isinstance(provider.for_agent("a-0"), LAYER_PROTOCOLS[layer]), layer
    assert "x25519_chacha20" in available_plugins("privacy")
    assert {p.layer for p in all_plugins()} == set(LAYERS)


def test_unknown_plugin_and_layer() -> None:
    with pytest.raises(UnknownPlugin, match="allowed: did_key"):
        load_provider("identity", "nope")
    with pytest.raises(UnknownPlugin, match="unknown layer"):
        load_provider("teleport", "x")


@pytest.fixture
def foreign_dist(tmp_path: Path) -> Iterator[str]:
    """A distribution outside the project, registering a trust plugin by entry point."""
    (tmp_path / "fixed_trust_plugin.py").write_text(
        "class FixedTrust:\n"
        "    def __init__(self, env):\n"
        "        self.env = env\n"
        "    def for_agent(self, agent_id):\n"
        "        return self\n"
        "    def report(self, subject, score):\n"
        "        pass\n"
        "    def score(self, subject):\n"
        "        return 0.25\n"
    )
    info = tmp_path / "fixed_trust_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: fixed-trust-plugin\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text(
        "[nets.plugins.trust]\nfixed = fixed_trust_plugin:FixedTrust\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield "fixed"
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("fixed_trust_plugin", None)


def test_plugin_from_a_foreign_distribution_runs_in_a_scenario(foreign_dist: str) -> None:
    assert foreign_dist in available_plugins("trust")
    assert any(p.distribution == "fixed-trust-plugin" for p in all_plugins())
    resolved = scenario.validate(make("pingpong", 2, layers={"trust": foreign_dist}))
    sim = engine.Simulation(resolved)
    plugins = PluginSet("ping-0", sim.providers)
    assert plugins.trust.score("pong-0") == 0.25
    assert plugins.get("trust") is plugins.trust


def test_plugins_are_per_agent_and_lazy(clock: Clock) -> None:
    resolved = scenario.validate(make("pingpong", 2))
    sim = engine.Simulation(resolved)
    a, b = PluginSet("ping-0", sim.providers), PluginSet("pong-0", sim.providers)
    assert a.identity.did != b.identity.did
    assert a.identity is a.identity
    assert sim._ctxs[0]._plugins is None  # nobody touched ctx.plugins yet


# ------------------------------------------------------------------ identity (Ed25519)


def test_did_key_signatures_round_trip_and_reject_tampering(clock: Clock) -> None:
    provider = DidKeyProvider(clock.env("identity", "did_key"))
    alice, bob = provider.for_agent("alice"), provider.for_agent("bob")
    assert alice.did.startswith("did:key:z6Mk")  # the multibase prefix of Ed25519 keys
    sig = alice.sign(b"hello")
    assert len(sig) == 64
    assert bob.verify(alice.did, b"hello", sig)
    assert not bob.verify(alice.did, b"hellO", sig)
    assert not bob.verify(bob.did, b"hello", sig)
    assert not bob.verify(alice.did, b"hello", bytes([sig[0] ^ 1]) + sig[1:])
    assert not bob.verify("did:key:zNOTBASE58!", b"hello", sig)
    assert not bob.verify(alice.did[:-2], b"hello", sig)
    assert provider.for_agent("alice").did == alice.did  # derived from the seed
    assert len(public_from_did(alice.did)) == 32
    assert ("alice", "keygen", {"did": alice.did}) in clock.events


def test_base58_round_trip() -> None:
    for raw in (b"", b"\0", b"\0\0abc", bytes(range(40))):
        assert b58decode(b58encode(raw)) == raw


# ------------------------------------------------------------------ auth (JWT HS256)


def _b64(obj: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def test_jwt_round_trip_expiry_scope_and_tampering(clock: Clock) -> None:
    auth = JwtAuth(clock.env("auth", "jwt"))
    client = auth.for_agent("alice")
    token = client.issue("bob", ["read", "pay"], ttl=10)
    claims = client.verify(token, "pay")
    assert (claims.subject, claims.expires_at, claims.scopes) == ("bob", 10, ("read", "pay"))
    with pytest.raises(AuthError, match="scope"):
        client.verify(token, "admin")
    head, body, sig = token.split(".")
    forged_body = _b64({**json.loads(base64.urlsafe_b64decode(body + "==")), "scope": "admin"})
    with pytest.raises(AuthError, match="bad signature"):
        client.verify(f"{head}.{forged_body}.{sig}")
    with pytest.raises(AuthError, match="bad signature"):
        client.verify(f"{head}.{body}.{sig[:-2]}AA")
    none_head = _b64({"alg": "none", "typ": "JWT"})
    with pytest.raises(AuthError, match="only HS256"):
        client.verify(f"{none_head}.{body}.")
    for junk in ("", "a.b", "a.b.c", "!!.??.**", "x" * 9000):
        with pytest.raises(AuthError):
            client.verify(junk)
    other = JwtAuth(Clock().env("auth", "jwt"))  # same seed: same key, by design of the run
    assert other.verify(token, None).subject == "bob"
    clock.t = 10
    with pytest.raises(AuthError, match="expired"):
        client.verify(token)


# ------------------------------------------------------------------ privacy (X25519 + ChaCha20-Poly1305)


def test_sealed_messages_open_only_for_the_recipient_untampered(clock: Clock) -> None:
    provider = X25519ChaCha20(clock.env("privacy", "x25519_chacha20"))
    alice, bob, eve = (provider.for_agent(n) for n in ("alice", "bob", "eve"))
    sealed = alice.seal("bob", b"secret terms")
    assert b"secret" not in sealed
    assert len(sealed) == 1 + 32 + len(b"secret terms") + 16
    assert bob.open("alice", sealed) == b"secret terms"
    assert alice.seal("bob", b"secret terms") != sealed  # fresh ephemeral key per message
    with pytest.raises(PrivacyError):
        eve.open("alice", sealed)
    with pytest.raises(PrivacyError):
        bob.open("mallory", sealed)  # sender is bound as associated data
    for i in (0, 5, 40, len(sealed) - 1):
        tampered = bytearray(sealed)
        tampered[i] ^= 0x01
        with pytest.raises(PrivacyError):
            bob.open("alice", bytes(tampered))
    with pytest.raises(PrivacyError):
        bob.open("alice", sealed[:20])


def test_sealed_traces_are_deterministic(clock: Clock) -> None:
    one = X25519ChaCha20(clock.env("privacy", "x25519_chacha20")).for_agent("a")
    two = X25519ChaCha20(Clock().env("privacy", "x25519_chacha20")).for_agent("a")
    assert one.seal("b", b"x") == two.seal("b", b"x")


# ------------------------------------------------------------------ the other layers


def test_comms_envelopes(clock: Clock) -> None:
    codec = NestNativeComms(clock.env("comms", "nest_native")).for_agent("a")
    data = codec.encode("offer", {"price": 5, "item": "x"})
    assert data == b'nest/1 offer {"item":"x","price":5}'
    assert codec.decode(data).body == {"item": "x", "price": 5}
    for junk in (b"", b"nest/1 ", b"nest/1 offer [1]", b"nest/1 Offer {}", b"\xff" * 9, data[:-1]):
        with pytest.raises(CommsError):
            codec.decode(junk)


def test_payments_refuse_overdraft_replay_and_bad_amounts(clock: Clock) -> None:
    ledger = PrepaidCredits(clock.env("payments", "prepaid_credits"))
    alice, bob = ledger.for_agent("alice"), ledger.for_agent("bob")
    alice.pay("bob", 300, "r1")
    assert (alice.balance(), bob.balance(), alice.balance("bob")) == (700, 1300, 1300)
    for args, match in (
        (("bob", 300, "r1"), "duplicate"),
        (("bob", 701, "r2"), "insufficient"),
        (("bob", 0, "r3"), "positive"),
        (("bob", 1.5, "r4"), "positive"),
        (("alice", 1, "r5"), "oneself"),
    ):
        with pytest.raises(PaymentError, match=match):
            alice.pay(*args)  # type: ignore[arg-type]
    assert alice.balance() + bob.balance() == 2000


def test_trust_average_one_vote_per_reporter(clock: Clock) -> None:
    trust = ScoreAverage(clock.env("trust", "score_average"))
    a, b = trust.for_agent("a"), trust.for_agent("b")
    assert a.score("c") == 0.5
    a.report("c", 1.0)
    a.report("c", 0.0)  # replaces a's vote
    b.report("c", 1.0)
    assert a.score("c") == 0.5
    with pytest.raises(LayerError):
        a.report("a", 1.0)
    with pytest.raises(LayerError):
        a.report("c", float("nan"))


def test_contract_net_awards_lowest_bid_after_deadline(clock: Clock) -> None:
    net = ContractNet(clock.env("coordination", "contract_net"))
    manager, x, y = net.for_agent("m"), net.for_agent("x"), net.for_agent("y")
    call = manager.announce("haul", deadline=5)
    assert x.bid(call, 30)
    assert y.bid(call, 20)
    assert not y.bid(call, 10)  # one bid each
    assert not manager.bid(call, 1)  # not on one's own call
    assert manager.award(call) is None  # before the deadline
    clock.t = 5
    assert not x.bid(call, 1)  # late
    award = manager.award(call)
    assert award is not None
    assert (award.winner, award.price, award.bids) == ("y", 20, 2)
    with pytest.raises(LayerError):
        x.award(call)


def _haggle(buyer: Negotiator, seller: Negotiator, name: str, b_res: int, s_res: int) -> Reply:
    b_sess = buyer.open(name, "s", b_res, selling=False)
    s_sess = seller.open(name, "b", s_res, selling=True)
    offer = buyer.first_offer(b_sess)
    side, sess = seller, s_sess
    for _ in range(40):
        reply = side.respond(sess, offer)
        if reply.action != "counter" or reply.price is None:
            return reply
        offer = reply.price
        side, sess = (buyer, b_sess) if side is seller else (seller, s_sess)
    raise AssertionError("negotiation did not end")


def test_alternating_offers_converge_inside_the_zone(clock: Clock) -> None:
    neg = AlternatingOffers(clock.env("negotiation", "alternating_offers"))
    buyer, seller = neg.for_agent("b"), neg.for_agent("s")
    deal = _haggle(buyer, seller, "s1", 100, 80)
    assert deal.action == "accept"
    assert 80 <= (deal.price or 0) <= 100
    assert _haggle(buyer, seller, "s2", 10, 1000).action == "breakdown"


def test_blackboard_compare_and_swap(clock: Clock) -> None:
    board = Blackboard(clock.env("memory", "blackboard"))
    a, b = board.for_agent("a"), board.for_agent("b")
    assert a.cas("k", 0, "first")
    assert not b.cas("k", 0, "second")
    assert b.cas("k", 1, "second")
    entry = a.get("k")
    assert entry is not None
    assert (entry.value, entry.version, entry.writer) == ("second", 2, "b")


def test_datafacts_hash_freshness_and_access(clock: Clock) -> None:
    df = DataFactsV1(clock.env("datafacts", "datafacts_v1"))
    owner, other = df.for_agent("o"), df.for_agent("p")
    fact = owner.publish("weather", b"sunny", ttl=10)
    assert owner.fetch(fact.url, b"sunny") == fact
    with pytest.raises(LayerError, match="does not match"):
        owner.fetch(fact.url, b"rainy")
    with pytest.raises(LayerError, match="no access"):
        other.fetch(fact.url)
    owner.grant(fact.url, "p")
    assert other.fetch(fact.url).owner == "o"
    with pytest.raises(LayerError):
        other.grant(fact.url, "q")
    assert owner.is_fresh(fact.url)
    clock.t = 10
    assert not owner.is_fresh(fact.url)
