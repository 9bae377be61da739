"""nets' supply_chain and reputation properties read from Nanda Town's own messages.

A `nest run` trace has no app events, so nets' checks (validators.supply_chain, .reputation)
have no evidence in it. These give the same verdicts, under the same names, from the message
texts of nest-core 0.1.4's tasks (a trace that `nets run --trace-format nanda` wrote carries
nets' app events, and nets' own checks read it):

- supply_chain: a good is made when a manufacturer sends ``product:<round>:<good>`` (it turns
  material into goods; each product needs a ``material:`` sent to that manufacturer before
  it), then ``shipment:<round>:<good>`` from the distributor it went to, then
  ``delivered:<round>:<good>`` from the retailer that got the shipment. A later hop sent by the
  previous hop's recipient, after it, once, is the good received there from the previous stage.
- reputation: a trader cheats when it sends ``cheat:``; the observer flags a trader with a
  ``warning:<round>:<agent>`` broadcast; the observer's scores are the ``report:`` messages it
  is sent.
"""

from __future__ import annotations

from collections.abc import Iterator

from node.sim.validators.core import Check, Event, Trace, Verdict, verdict

HOPS = (("product", "distributor"), ("shipment", "retailer"), ("delivered", None))
"""The message each stage sends a good on with, and the role of its recipient."""


def _messages(trace: Trace, prefix: str) -> Iterator[tuple[Event, list[str]]]:
    for send in trace.sends():
        text = str(send.get("msg", ""))
        if text.startswith(prefix + ":"):
            yield send, text.split(":")


def goods_traced_through_all_hops(trace: Trace) -> Verdict:
    """Each made good is received once at every later stage, from the previous stage, after
    that stage shipped it to the receiver, and finally delivered by the retailer."""
    materials: dict[str, list[int]] = {}
    for send, _ in _messages(trace, "material"):
        materials.setdefault(str(send.get("to")), []).append(int(send["line"]))
    hops: dict[str, dict[str, list[Event]]] = {name: {} for name, _ in HOPS}
    for name, _ in HOPS:
        for send, parts in _messages(trace, name):
            if len(parts) >= 3:
                hops[name].setdefault(parts[2], []).append(send)
    failures: list[str] = []
    made: dict[str, int] = {}
    for good, products in hops["product"].items():
        first = products[0]
        maker = str(first.get("agent"))
        made[maker] = made.get(maker, 0) + 1
        if trace.roles.get(maker) != "manufacturer":
            failures.append(f"{good} made by {maker}, not a manufacturer")
            continue
        had = sum(1 for line in materials.get(maker, ()) if line < first["line"])
        if had < made[maker]:
            failures.append(f"{good}: {maker} had no material left for it")
            continue
        holder, after = maker, -1
        for name, role in HOPS:
            sends = hops[name].get(good, [])
            if len(sends) != 1:
                failures.append(f"{good}: {name} sent {len(sends)} times")
                break
            send = sends[0]
            if str(send.get("agent")) != holder or send["line"] < after:
                failures.append(f"{good}: {name} from {send.get('agent')}, not from {holder}")
                break
            holder, after = str(send.get("to")), int(send["line"])
            if role is not None and trace.roles.get(holder) != role:
                failures.append(f"{good}: {name} went to {holder}, not a {role}")
                break
    return verdict("goods_traced_through_all_hops", len(hops["product"]), failures, "goods")


def _cheaters(trace: Trace) -> set[str]:
    return {str(send.get("agent")) for send, _ in _messages(trace, "cheat")}


def _flagged(trace: Trace) -> set[str]:
    return {
        parts[2]
        for send, parts in _messages(trace, "warning")
        if len(parts) >= 3 and trace.roles.get(str(send.get("agent"))) == "observer"
    }


def cheaters_reported(trace: Trace) -> Verdict:
    """Every trader that served dishonestly at least once is flagged by the observer."""
    flagged = _flagged(trace)
    cheaters = sorted(_cheaters(trace))
    failures = [f"{c} cheated but was not flagged" for c in cheaters if c not in flagged]
    return verdict("cheaters_reported", len(cheaters), failures, "cheating")


def honest_not_flagged(trace: Trace) -> Verdict:
    """The observer scored the traders and flagged only traders that did cheat."""
    cheaters = _cheaters(trace)
    scored = sum(
        1
        for send, _ in _messages(trace, "report")
        if trace.roles.get(str(send.get("to"))) == "observer"
    )
    failures = [f"{a} flagged without cheating" for a in sorted(_flagged(trace) - cheaters)]
    return verdict("honest_not_flagged", scored, failures, "observer scores")


SUITES: dict[str, tuple[Check, ...]] = {
    "supply_chain": (goods_traced_through_all_hops,),
    "reputation": (cheaters_reported, honest_not_flagged),
}
