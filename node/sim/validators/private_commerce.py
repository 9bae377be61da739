"""Private commerce joint properties, each spanning several layers' evidence (the names are
those of Nanda Town's private_commerce validators):

- commerce_discovery_precedes_bid (registry x negotiation): a buyer bids only to a seller its
  own registry view learned earlier;
- commerce_bid_opacity (privacy): no sent payload contains a bid's plaintext, raw,
  JSON-escaped or hex-encoded;
- commerce_undelivered_penalized (payments x trust): a seller that took a stream payment and
  delivered nothing on it ends below the trust threshold, although it wash-traded;
- commerce_delivery_rewarded (payments x trust): each delivered chunk was paid for in a stream
  from that buyer to that seller before delivery, and every seller that delivered to a buyer
  ends at or above the threshold.
"""

from __future__ import annotations

import json

from node.sim.validators.core import Check, Event, Trace, Verdict, group_by, verdict


def commerce_discovery_precedes_bid(trace: Trace) -> Verdict:
    learned: dict[tuple[str, str], int] = {}
    for event in trace.layer("registry", "learn"):
        learned.setdefault((str(event.get("agent")), str(event.get("card"))), event["line"])
    failures: list[str] = []
    bids = trace.app("bid")
    for bid in bids:
        key = (str(bid.get("agent")), str(bid.get("to")))
        at = learned.get(key)
        if at is None or at > bid["line"]:
            failures.append(f"{key[0]} bid to {key[1]} (line {bid['line']}) before discovering it")
    return verdict("commerce_discovery_precedes_bid", len(bids), failures, "bids")


def _payload(send: Event) -> bytes:
    if isinstance(send.get("msg"), str):
        return str(send["msg"]).encode("utf-8", "surrogatepass")
    try:
        return bytes.fromhex(str(send.get("msg_hex", "")))
    except ValueError:
        return b""


def commerce_bid_opacity(trace: Trace) -> Verdict:
    secrets: list[tuple[str, list[bytes]]] = []
    for bid in trace.app("bid"):
        text = bid.get("plaintext")
        if isinstance(text, str) and text:
            raw = text.encode()
            forms = [raw, json.dumps(text)[1:-1].encode(), raw.hex().encode()]
            secrets.append((str(bid.get("req")), forms))
    failures: list[str] = []
    if secrets:
        for send in trace.sends():
            payload = _payload(send)
            for req, forms in secrets:
                if any(form in payload for form in forms):
                    failures.append(f"bid {req} in clear in message {send.get('id')}")
    return verdict("commerce_bid_opacity", len(secrets), failures, "bid plaintexts")


def _stream_payments(trace: Trace) -> dict[str, list[Event]]:
    return group_by(trace.layer("payments", "stream_pay"), "stream")


def commerce_undelivered_penalized(trace: Trace) -> Verdict:
    paid = _stream_payments(trace)
    delivered = {(str(f.get("agent")), str(f.get("stream"))) for f in trace.app("fulfil")}
    cheats: set[str] = set()
    for event in trace.app("undelivered"):
        seller, stream = str(event.get("seller")), str(event.get("stream"))
        if paid.get(stream) and (seller, stream) not in delivered:
            cheats.add(seller)
    final = {str(t.get("subject")): t for t in trace.app("trust")}
    washed = {str(w.get("agent")) for w in trace.app("wash")} | {
        str(w.get("partner")) for w in trace.app("wash")
    }
    failures: list[str] = []
    for seller in sorted(cheats):
        last = final.get(seller)
        if last is None:
            failures.append(f"{seller} took payment without delivering; no final trust score")
            continue
        score, threshold = last.get("score"), last.get("threshold")
        if not isinstance(score, int | float) or not isinstance(threshold, int | float):
            failures.append(f"{seller}: malformed trust evidence")
        elif score >= threshold:
            how = "despite" if seller in washed else "without"
            failures.append(f"{seller} kept trust {score:.3g} >= {threshold} ({how} wash trading)")
    if cheats and not washed & cheats:
        failures.append("no undelivering seller wash-traded: the adversary did not run")
    return verdict("commerce_undelivered_penalized", len(cheats), failures, "undelivering sellers")


def commerce_delivery_rewarded(trace: Trace) -> Verdict:
    opened = {str(o.get("stream")): o for o in trace.layer("payments", "stream_open")}
    paid = _stream_payments(trace)
    failures: list[str] = []
    fulfils = trace.app("fulfil")
    for fulfil in fulfils:
        seller, buyer = str(fulfil.get("agent")), str(fulfil.get("buyer"))
        stream, chunk = str(fulfil.get("stream")), fulfil.get("chunk")
        opening = opened.get(stream)
        if opening is None or (opening.get("agent"), opening.get("to")) != (buyer, seller):
            failures.append(f"{seller} delivered on {stream} with no stream from {buyer}")
            continue
        before = [p for p in paid.get(stream, []) if p["line"] < fulfil["line"]]
        if not before or type(chunk) is not int:
            failures.append(f"{seller} delivered chunk {chunk} of {stream} before any payment")
            continue
        if int(before[-1].get("paid", 0)) < chunk * int(before[0].get("amount", 0)):
            failures.append(f"{seller} delivered chunk {chunk} of {stream} underpaid")
    final = {str(t.get("subject")): t for t in trace.app("trust")}
    buyers = set(trace.agents_with_role("buyer"))
    for seller in sorted({str(f.get("agent")) for f in fulfils if f.get("buyer") in buyers}):
        last = final.get(seller)
        score = last.get("score") if last is not None else None
        threshold = last.get("threshold") if last is not None else None
        if not isinstance(score, int | float) or not isinstance(threshold, int | float):
            failures.append(f"{seller} delivered; no final trust score")
        elif score < threshold:
            failures.append(f"{seller} delivered but ends at trust {score:.3g} < {threshold}")
    return verdict("commerce_delivery_rewarded", len(fulfils), failures, "fulfilments")


CHECKS: tuple[Check, ...] = (
    commerce_discovery_precedes_bid,
    commerce_bid_opacity,
    commerce_undelivered_penalized,
    commerce_delivery_rewarded,
)
