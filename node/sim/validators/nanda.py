"""Nanda Town's own properties, for traces in its format (nets validate on a `nest run` trace).

Its traces carry only messages (no app events), so these read its message texts, with the
definitions of its validators (nest-core 0.1.4) and its validator names; like every check here
they fail when there is nothing to check. Suites exist for marketplace and auction; other
Nanda Town traces are read by inspect and report, and validate names the suites it has.
"""

from __future__ import annotations

from collections.abc import Iterator

from node.sim.validators.core import Check, Trace, Verdict, verdict


def _messages(trace: Trace, *prefixes: str) -> Iterator[tuple[str, str, list[str]]]:
    """(sender, recipient, fields) of each sent message whose text starts with a prefix;
    the reference agents' ``|sig:`` suffix is cut off."""
    for send in trace.sends():
        text = str(send.get("msg", "")).rsplit("|sig:", 1)[0]
        if text.startswith(prefixes):
            yield str(send.get("agent")), str(send.get("to")), text.split(":")


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def marketplace_no_double_sell(trace: Trace) -> Verdict:
    """No seller sells one product to two buyers."""
    buyers: dict[tuple[str, str], set[str]] = {}
    for seller, buyer, parts in _messages(trace, "sold:"):
        if len(parts) >= 3:
            buyers.setdefault((seller, parts[1]), set()).add(buyer)
    failures = [f"{s} sold {p} to {sorted(b)}" for (s, p), b in buyers.items() if len(b) > 1]
    return verdict("marketplace_no_double_sell", sum(map(len, buyers.values())), failures, "sales")


def marketplace_all_responded(trace: Trace) -> Verdict:
    """Every buy request gets a sold: or reject: answer from the seller it went to."""
    asked: set[tuple[str, str, str]] = set()
    answered: set[tuple[str, str, str]] = set()
    for sender, to, parts in _messages(trace, "buy:", "sold:", "reject:"):
        if parts[0] == "buy" and len(parts) >= 3:
            asked.add((sender, to, parts[1]))
        elif parts[0] != "buy" and len(parts) >= 2:
            answered.add((to, sender, parts[1]))
    failures = [f"{b} asked {s} for {p}: no answer" for b, s, p in sorted(asked - answered)]
    return verdict("marketplace_all_responded", len(asked), failures, "buy requests")


def marketplace_price_agreement(trace: Trace) -> Verdict:
    """A sale's price is one the buyer offered or the seller countered for that product."""
    prices: dict[tuple[str, str, str], set[int]] = {}
    failures: list[str] = []
    sales = 0
    for sender, to, parts in _messages(trace, "buy:", "sold:", "reject:"):
        if len(parts) < 3 or (price := _int(parts[2])) is None:
            continue
        key = (sender, to, parts[1]) if parts[0] == "buy" else (to, sender, parts[1])
        if parts[0] == "sold":
            sales += 1
            if price not in prices.get(key, set()):
                failures.append(f"{sender} sold {parts[1]} to {to} at {price} (never offered)")
        else:
            prices.setdefault(key, set()).add(price)
    return verdict("marketplace_price_agreement", sales, failures, "sales")


def auction_winner_highest(trace: Trace) -> Verdict:
    """The winning bid is at least every other bid on the item."""
    bids: dict[str, list[tuple[str, int]]] = {}
    won: dict[str, tuple[str, int]] = {}
    for sender, to, parts in _messages(trace, "bid:", "won:"):
        if len(parts) < 3 or (amount := _int(parts[2])) is None:
            continue
        if parts[0] == "bid":
            bids.setdefault(parts[1], []).append((sender, amount))
        else:
            won[parts[1]] = (to, amount)
    failures = [
        f"{item}: won at {top} but {bidder} bid {amount}"
        for item, (_, top) in won.items()
        for bidder, amount in bids.get(item, [])
        if amount > top
    ]
    return verdict("auction_winner_highest", len(won), failures, "awards")


def auction_single_winner(trace: Trace) -> Verdict:
    """Each item is won by exactly one bidder."""
    winners: dict[str, set[str]] = {}
    for _, to, parts in _messages(trace, "won:"):
        if len(parts) >= 2:
            winners.setdefault(parts[1], set()).add(to)
    failures = [f"{item} won by {sorted(w)}" for item, w in winners.items() if len(w) > 1]
    return verdict("auction_single_winner", len(winners), failures, "awards")


def auction_all_notified(trace: Trace) -> Verdict:
    """Every bidder on an item is told won: or lost: for it."""
    bidders: dict[str, set[str]] = {}
    told: dict[str, set[str]] = {}
    for sender, to, parts in _messages(trace, "bid:", "won:", "lost:"):
        if len(parts) >= 2:
            if parts[0] == "bid":
                bidders.setdefault(parts[1], set()).add(sender)
            else:
                told.setdefault(parts[1], set()).add(to)
    failures = [
        f"{item}: {sorted(who - told.get(item, set()))} not told"
        for item, who in bidders.items()
        if who - told.get(item, set())
    ]
    return verdict("auction_all_notified", sum(map(len, bidders.values())), failures, "bids")


SUITES: dict[str, tuple[Check, ...]] = {
    "marketplace": (
        marketplace_no_double_sell,
        marketplace_all_responded,
        marketplace_price_agreement,
    ),
    "auction": (auction_winner_highest, auction_single_winner, auction_all_notified),
}
