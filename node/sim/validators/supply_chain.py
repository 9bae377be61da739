"""Supply chain property: every good made is traced through every hop, in order."""

from __future__ import annotations

from node.sim.validators.core import Check, Trace, Verdict, group_by, verdict

STAGES = ("supplier", "manufacturer", "distributor", "retailer")


def goods_traced_through_all_hops(trace: Trace) -> Verdict:
    """Each made good is received once at every later stage, from the previous stage, after
    that stage shipped it to the receiver, and finally delivered by the retailer."""
    received = group_by(trace.app("receive"), "good")
    shipped: dict[tuple[str, str, str], int] = {}
    for ship in trace.app("ship"):
        key = (str(ship.get("good")), str(ship.get("agent")), str(ship.get("to")))
        shipped.setdefault(key, ship["line"])
    delivered = {str(d.get("good")) for d in trace.app("deliver")}
    failures: list[str] = []
    makes = trace.app("make")
    for make in makes:
        good = str(make.get("good"))
        hops = received.get(good, [])
        stages = [trace.roles.get(str(h.get("agent"))) for h in hops]
        if stages != list(STAGES[1:]):
            failures.append(f"{good} went through {stages}")
            continue
        holder = str(make.get("agent"))
        for hop in hops:
            sent_at = shipped.get((good, holder, str(hop.get("agent"))))
            if hop.get("sender") != holder or sent_at is None or sent_at > hop["line"]:
                failures.append(
                    f"{good} reached {hop.get('agent')} without a shipment from {holder}"
                )
                break
            holder = str(hop.get("agent"))
        else:
            if good not in delivered:
                failures.append(f"{good} reached the retailer but was not delivered")
    return verdict("goods_traced_through_all_hops", len(makes), failures, "goods")


CHECKS: tuple[Check, ...] = (goods_traced_through_all_hops,)
