"""receipt_graph trust: ratings count only when backed by cross-signed trade receipts.

A receipt is a canonical JSON statement of a trade (buyer, seller, stream, amount) signed by
the seller (it was paid and delivered) and countersigned by the buyer (it received the goods),
both Ed25519 over did:key. Recorded receipts are edges buyer -> seller of a directed graph.

Scoring, and why:
- a complaint (score < 0.5) always counts: a victim who was never delivered has no receipt;
- praise (score >= 0.5) counts only when the reporter holds a receipt with the subject;
- wash trading is caught structurally: agents that pay each other round a cycle are one
  strongly connected component (Tarjan). Praise between members of the same such ring never
  counts, and a ring with no receipt to or from anyone outside it (it only trades with itself)
  is severed: its members' receipts back no praise and their score is 0.0.
Honest commerce (buyers pay sellers) has no cycles, so its components are single agents.
Known limit: complaints are unauthenticated slander; one per reporter, like praise.

Agent ids are bound to their did:key on first use (trust on first use), so a receipt cannot
later be signed by a different key for the same agent.
"""

from __future__ import annotations

import json
from typing import Any, Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from node.sim.layers import PluginEnv
from node.sim.plugin_common.trust import NEUTRAL, AgentTrustView, check_report
from node.sim.reference.identity import public_from_did

MAX_RECEIPT = 4096


def receipt_body(buyer: str, seller: str, stream: str, amount: int) -> bytes:
    """The canonical bytes both parties sign."""
    doc = {"amount": amount, "buyer": buyer, "seller": seller, "stream": stream}
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


@runtime_checkable
class ReceiptTrust(Protocol):
    """The extra operation of receipt-backed trust plugins."""

    def record_receipt(
        self, body: bytes, seller_did: str, seller_sig: bytes, buyer_did: str, buyer_sig: bytes
    ) -> bool: ...


def _verify(did: str, data: bytes, sig: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_from_did(did)).verify(sig, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def strongly_connected(graph: dict[str, dict[str, None]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (no recursion limit); components in discovery order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, list(graph.get(root, {})))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, succ = work[-1]
            if succ:
                nxt = succ.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, list(graph.get(nxt, {}))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                out.append(sorted(comp))
    return out


class ReceiptGraphTrust:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self._votes: dict[str, dict[str, float]] = {}
        self._edges: dict[str, dict[str, None]] = {}
        self._dids: dict[str, str] = {}
        self._severed: set[str] = set()
        self._ring: dict[str, int] = {}  # agent -> index of its SCC, for SCCs of 2 or more
        self._announced: set[tuple[str, ...]] = set()
        self._dirty = False

    def for_agent(self, agent_id: str) -> ReceiptTrustView:
        return ReceiptTrustView(self, agent_id)

    # ---------------------------------------------------------------- evidence

    def _bind(self, agent_id: str, did: str) -> bool:
        return self._dids.setdefault(agent_id, did) == did

    def _record(
        self,
        by: str,
        body: bytes,
        seller_did: str,
        seller_sig: bytes,
        buyer_did: str,
        buyer_sig: bytes,
    ) -> bool:
        if len(body) > MAX_RECEIPT:
            return False
        try:
            doc: Any = json.loads(body)
        except (ValueError, RecursionError):
            return False
        if not isinstance(doc, dict):
            return False
        buyer, seller = doc.get("buyer"), doc.get("seller")
        if not isinstance(buyer, str) or not isinstance(seller, str) or buyer == seller:
            return False
        if by not in (buyer, seller):
            return False  # only a party to the trade can record it
        if not (_verify(seller_did, body, seller_sig) and _verify(buyer_did, body, buyer_sig)):
            return False
        if not (self._bind(buyer, buyer_did) and self._bind(seller, seller_did)):
            return False
        self._edges.setdefault(buyer, {})[seller] = None
        self._edges.setdefault(seller, {})
        self._dirty = True
        self._env.emit(by, "receipt", {"buyer": buyer, "seller": seller})
        return True

    def _linked(self, a: str, b: str) -> bool:
        return b in self._edges.get(a, {}) or a in self._edges.get(b, {})

    def severed(self) -> set[str]:
        """Members of isolated strongly connected rings (recomputed after new receipts)."""
        if self._dirty:
            self._dirty = False
            severed: set[str] = set()
            ring: dict[str, int] = {}
            incoming: dict[str, set[str]] = {}
            for src, dsts in self._edges.items():
                for dst in dsts:
                    incoming.setdefault(dst, set()).add(src)
            for index, comp in enumerate(strongly_connected(self._edges)):
                if len(comp) < 2:
                    continue
                members = set(comp)
                ring.update(dict.fromkeys(comp, index))
                isolated = all(
                    set(self._edges.get(m, {})) <= members and incoming.get(m, set()) <= members
                    for m in comp
                )
                if isolated:
                    severed |= members
                    key = tuple(comp)
                    if key not in self._announced:
                        self._announced.add(key)
                        self._env.emit(comp[0], "sever", {"members": comp})
            self._severed = severed
            self._ring = ring
        return self._severed

    def _same_ring(self, a: str, b: str) -> bool:
        ring = self._ring.get(a)
        return ring is not None and ring == self._ring.get(b)

    # ---------------------------------------------------------------- ratings

    def _report(self, reporter: str, subject: str, score: float) -> None:
        check_report(reporter, subject, score)
        self._votes.setdefault(subject, {})[reporter] = float(score)
        self._env.emit(reporter, "report", {"subject": subject, "score": float(score)})

    def score(self, subject: str) -> float:
        severed = self.severed()
        if subject in severed:
            return 0.0
        counted = [
            s
            for reporter, s in self._votes.get(subject, {}).items()
            if s < NEUTRAL
            or (
                reporter not in severed
                and self._linked(reporter, subject)
                and not self._same_ring(reporter, subject)
            )
        ]
        return sum(counted) / len(counted) if counted else NEUTRAL


class ReceiptTrustView(AgentTrustView[ReceiptGraphTrust]):
    __slots__ = ()

    def record_receipt(
        self, body: bytes, seller_did: str, seller_sig: bytes, buyer_did: str, buyer_sig: bytes
    ) -> bool:
        """Record a cross-signed receipt this agent is party to; False when it does not verify."""
        return self._run._record(self._agent_id, body, seller_did, seller_sig, buyer_did, buyer_sig)
