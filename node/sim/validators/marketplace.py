"""Marketplace properties: no double sell, every buy answered, sold price matches the offer."""

from __future__ import annotations

from node.sim.validators.core import Check, Event, Trace, Verdict, group_by, verdict


def no_double_sell(trace: Trace) -> Verdict:
    """Every unit is sold at most once, and only by the seller whose stock it is."""
    seen: dict[str, Event] = {}
    failures: list[str] = []
    sells = trace.app("sell")
    for sell in sells:
        unit = str(sell.get("unit"))
        if not unit.startswith(f"{sell.get('agent')}/"):
            failures.append(f"{sell.get('agent')} sold {unit}, not its own unit")
        first = seen.setdefault(unit, sell)
        if first is not sell:
            failures.append(f"{unit} sold twice (lines {first['line']} and {sell['line']})")
    return verdict("no_double_sell", len(sells), failures, "sales")


def every_buy_answered(trace: Trace) -> Verdict:
    """Each buyer request gets exactly one answer, from the seller it was sent to."""
    answers = group_by(trace.app("answer"), "req")
    failures: list[str] = []
    requests = trace.app("request")
    for request in requests:
        req = str(request.get("req"))
        got = answers.get(req, [])
        if len(got) != 1:
            failures.append(f"request {req} has {len(got)} answers")
        elif got[0].get("agent") != request.get("seller"):
            failures.append(f"request {req} answered by {got[0].get('agent')}, not the seller")
    return verdict("every_buy_answered", len(requests), failures, "buy requests")


def buyer_offers(trace: Trace) -> dict[str, list[Event]]:
    """The buyers' offers and acceptances as sent on the wire (``offer|accept <req> <price> ..``),
    by request id; only messages from the buyer that the request id names count."""
    offers: dict[str, list[Event]] = {}
    for send in trace.sends():
        msg = send.get("msg")
        if not isinstance(msg, str) or not msg.startswith(("offer ", "accept ")):
            continue
        parts = msg.split(" ")
        if len(parts) != 4 or not parts[1].startswith(f"{send.get('agent')}/"):
            continue
        try:
            price = int(parts[2])
        except ValueError:
            continue
        offers.setdefault(parts[1], []).append({"line": send["line"], "price": price})
    return offers


def sold_price_matches_offer(trace: Trace) -> Verdict:
    """A sale's price is the buyer's last offer, the buy and the payment carry the same price."""
    offers = buyer_offers(trace)
    buys = {str(b.get("req")): b for b in trace.app("buy")}
    pays = {(str(p.get("agent")), str(p.get("ref"))): p for p in trace.layer("payments", "pay")}
    failures: list[str] = []
    sells = trace.app("sell")
    for sell in sells:
        req, price = str(sell.get("req")), sell.get("price")
        before = [o for o in offers.get(req, []) if o["line"] < sell["line"]]
        if not before or before[-1].get("price") != price:
            last = before[-1].get("price") if before else None
            failures.append(f"{req} sold at {price}, last offer {last}")
            continue
        buy = buys.get(req)
        pay = pays.get((str(buy.get("agent")), req)) if buy is not None else None
        if buy is None or buy.get("price") != price or pay is None or pay.get("amount") != price:
            failures.append(f"{req} sold at {price} but not bought and paid at that price")
    return verdict("sold_price_matches_offer", len(sells), failures, "sales")


CHECKS: tuple[Check, ...] = (no_double_sell, every_buy_answered, sold_price_matches_offer)
