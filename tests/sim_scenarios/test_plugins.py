"""The private_commerce plugins: receipt_graph trust, streaming payments, gossip registry."""

from __future__ import annotations

from itertools import product
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from node.sim.layers import LayerError, PluginEnv
from node.sim.reference.gossip_registry import GossipRegistry
from node.sim.reference.identity import DidKeyProvider
from node.sim.reference.receipt_trust import ReceiptGraphTrust, receipt_body, strongly_connected
from node.sim.reference.streaming_payments import StreamingPayments


def _env(layer: str, plugin: str, sink: list[tuple[str, str, dict[str, Any]]]) -> PluginEnv:
    return PluginEnv(layer, plugin, 1, lambda: 0, lambda a, e, f: sink.append((a, e, f)))


def _reachable(graph: dict[str, dict[str, None]], a: str) -> set[str]:
    seen, todo = {a}, [a]
    while todo:
        for nxt in graph.get(todo.pop(), {}):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=30))
def test_tarjan_matches_mutual_reachability(edges: list[tuple[int, int]]) -> None:
    graph: dict[str, dict[str, None]] = {f"a{i}": {} for i in range(8)}
    for a, b in edges:
        graph[f"a{a}"][f"a{b}"] = None
    comps = strongly_connected(graph)
    assert sorted(x for c in comps for x in c) == sorted(graph)
    reach = {a: _reachable(graph, a) for a in graph}
    for comp in comps:
        for a, b in product(comp, comp):
            assert b in reach[a]
    where = {x: i for i, c in enumerate(comps) for x in c}
    for a, b in product(graph, graph):
        if b in reach[a] and a in reach[b]:
            assert where[a] == where[b]


class _Parties:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, dict[str, Any]]] = []
        self.ids = DidKeyProvider(_env("identity", "did_key", []))
        self.trust = ReceiptGraphTrust(_env("trust", "receipt_graph", self.events))

    def trade(self, buyer: str, seller: str, n: int = 0, forge: bool = False) -> bool:
        body = receipt_body(buyer, seller, f"{buyer}>{seller}:{n}", 30)
        b, s = self.ids.for_agent(buyer), self.ids.for_agent(seller)
        seller_sig = (b if forge else s).sign(body)
        return self.trust.for_agent(buyer).record_receipt(
            body, s.did, seller_sig, b.did, b.sign(body)
        )


def test_isolated_ring_is_severed_connected_ring_is_not() -> None:
    p = _Parties()
    assert p.trade("buyer-0", "seller-0")
    assert p.trade("shill", "puppet")
    assert p.trade("puppet", "shill")
    p.trust.for_agent("puppet").report("shill", 1.0)
    p.trust.for_agent("buyer-0").report("seller-0", 1.0)
    p.trust.for_agent("buyer-1").report("shill", 0.0)
    view = p.trust.for_agent("x")
    assert view.score("shill") == 0.0
    assert view.score("puppet") == 0.0
    assert view.score("seller-0") == 1.0
    assert any(e[1] == "sever" and e[2]["members"] == ["puppet", "shill"] for e in p.events)
    # one honest trade with the ring connects it to the rest: no longer isolated, no penalty,
    # but praise inside the ring still does not count: only the complaint does
    assert p.trade("buyer-0", "shill", 1)
    assert view.score("shill") == 0.0
    p.trust.for_agent("buyer-0").report("shill", 1.0)
    assert view.score("shill") == 0.5  # the outside buyer's backed praise and the complaint


def test_unbacked_praise_is_ignored_and_forged_receipts_refused() -> None:
    p = _Parties()
    p.trust.for_agent("fan").report("seller-0", 1.0)
    assert p.trust.for_agent("x").score("seller-0") == 0.5
    assert not p.trade("fan", "seller-0", forge=True)
    assert p.trust.for_agent("x").score("seller-0") == 0.5
    with pytest.raises(LayerError):
        p.trust.for_agent("a").report("a", 1.0)
    body = receipt_body("a", "b", "s", 1)
    outsider = p.trust.for_agent("c")
    ida, idb = p.ids.for_agent("a"), p.ids.for_agent("b")
    assert not outsider.record_receipt(body, idb.did, idb.sign(body), ida.did, ida.sign(body))


def test_streams_respect_cap_ownership_and_credits() -> None:
    events: list[tuple[str, str, dict[str, Any]]] = []
    ledger = StreamingPayments(_env("payments", "streaming", events))
    a, b = ledger.for_agent("a"), ledger.for_agent("b")
    sid = a.open_stream("b", 90, "r1")
    assert a.stream_pay(sid, 30) == 30
    assert b.balance() == 1030
    with pytest.raises(LayerError):
        a.stream_pay(sid, 61)  # beyond the cap
    with pytest.raises(LayerError):
        b.stream_pay(sid, 1)  # not the payer
    with pytest.raises(LayerError):
        a.open_stream("b", 90, "r1")  # same stream twice
    a.close_stream(sid)
    with pytest.raises(LayerError):
        a.stream_pay(sid, 1)
    big = a.open_stream("b", 5000, "r2")
    with pytest.raises(LayerError):
        a.stream_pay(big, 2000)  # overdraft
    assert [e[1] for e in events] == ["stream_open", "stream_pay", "stream_close", "stream_open"]


@settings(max_examples=80, deadline=None)
@given(st.recursive(st.none() | st.integers() | st.text(max_size=5), st.lists, max_leaves=20))
def test_gossip_merge_never_crashes_on_hostile_digests(digest: Any) -> None:
    reg = GossipRegistry(_env("registry", "gossip", []))
    view = reg.for_agent("me")
    view.merge("peer", digest)
    view.merge("peer", [["seller-1", ["sell"]], ["x", []], [3, ["sell"]], "junk"])
    assert [c.agent_id for c in view.lookup("sell")][-1] == "seller-1"
    assert reg.for_agent("other").lookup("sell") == []
