"""Auction properties: highest bid wins, one winner per item, every bidder notified."""

from __future__ import annotations

from node.sim.validators.core import Check, Trace, Verdict, group_by, verdict


def highest_bid_wins(trace: Trace) -> Verdict:
    """The award goes to the highest received bid (ties to the smaller id) at that price."""
    bids = group_by(trace.app("bid_received"), "item")
    failures: list[str] = []
    awards = trace.app("award")
    for award in awards:
        item = str(award.get("item"))
        got = [b for b in bids.get(item, []) if b["line"] < award["line"]]
        if not got:
            failures.append(f"{item} awarded without bids")
            continue
        best = min(got, key=lambda b: (-int(b.get("amount", 0)), str(b.get("bidder"))))
        if (award.get("winner"), award.get("price")) != (best.get("bidder"), best.get("amount")):
            failures.append(
                f"{item} went to {award.get('winner')} at {award.get('price')}, "
                f"highest was {best.get('bidder')} at {best.get('amount')}"
            )
    return verdict("highest_bid_wins", len(awards), failures, "awards")


def one_winner_per_item(trace: Trace) -> Verdict:
    """Every called item ends with exactly one award, or is unsold because nobody bid."""
    awards = group_by(trace.app("award"), "item")
    unsold = group_by(trace.app("unsold"), "item")
    bids = group_by(trace.app("bid_received"), "item")
    failures: list[str] = []
    calls = trace.app("call")
    for call in calls:
        item = str(call.get("item"))
        n = len(awards.get(item, []))
        if n > 1 or (n == 0 and (item not in unsold or bids.get(item))):
            failures.append(f"{item} has {n} awards")
    return verdict("one_winner_per_item", len(calls), failures, "calls")


def every_bidder_notified(trace: Trace) -> Verdict:
    """Every bidder learns each closed item's true winner."""
    outcome = {str(a.get("item")): str(a.get("winner")) for a in trace.app("award")}
    outcome.update({str(u.get("item")): "" for u in trace.app("unsold")})
    told: dict[tuple[str, str], str] = {
        (str(n.get("agent")), str(n.get("item"))): str(n.get("winner"))
        for n in trace.app("notified")
    }
    failures: list[str] = []
    bidders = trace.agents_with_role("bidder")
    checked = 0
    for item, winner in outcome.items():
        for bidder in bidders:
            checked += 1
            heard = told.get((bidder, item))
            if heard != winner:
                failures.append(f"{bidder} heard {heard!r} for {item}, winner {winner!r}")
    return verdict("every_bidder_notified", checked, failures, "closed items and bidders")


CHECKS: tuple[Check, ...] = (highest_bid_wins, one_winner_per_item, every_bidder_notified)
