"""Nanda Town's own properties, for traces in its format (nets validate on a `nest run` trace).

Its traces carry only messages (no app events), so these read its message texts, with the
definitions of its validators (nest-core 0.1.4) and its validator names; like every check here
they fail when there is nothing to check. Suites exist for marketplace, auction, voting and
consensus; supply_chain and reputation traces get nets' own properties read from their
messages (validators.nanda_as_nets).
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


def _tally(text: str) -> tuple[int, int] | None:
    """``yes/total`` (or ``accepts/total``) from a result message."""
    head, sep, tail = text.partition("/")
    yes, total = _int(head), _int(tail)
    return (yes, total) if sep and yes is not None and total is not None else None


def _votes(trace: Trace) -> Iterator[tuple[str, str, str]]:
    """(round, choice, voter) of each vote: ``vote:<round>:<choice>[:<voter>]``."""
    for sender, _, parts in _messages(trace, "vote:"):
        if len(parts) >= 3:
            yield parts[1], parts[2], parts[3] if len(parts) >= 4 else sender


def _results(trace: Trace) -> Iterator[tuple[str, str, list[str]]]:
    """(round, outcome, parts) of each ``result:<round>:<outcome>:<tally>[:...]``."""
    for _, _, parts in _messages(trace, "result:"):
        if len(parts) >= 3:
            yield parts[1], parts[2], parts


def voting_tally_correct(trace: Trace) -> Verdict:
    """A round's announced yes/total equals the votes sent in it."""
    cast: dict[str, list[str]] = {}
    for rnd, choice, _ in _votes(trace):
        cast.setdefault(rnd, []).append(choice)
    failures: list[str] = []
    checked = 0
    for rnd, _, parts in _results(trace):
        tally = _tally(parts[3]) if len(parts) >= 4 else None
        if tally is None:
            continue
        checked += 1
        got = cast.get(rnd, [])
        actual = (sum(1 for c in got if c == "yes"), len(got))
        if actual != tally:
            failures.append(
                f"round {rnd}: announced {tally[0]}/{tally[1]}, cast {actual[0]}/{actual[1]}"
            )
    return verdict("voting_tally_correct", checked, failures, "tallies")


def voting_all_counted(trace: Trace) -> Verdict:
    """The tally's total equals the number of distinct voters of the round."""
    voters: dict[str, set[str]] = {}
    for rnd, _, voter in _votes(trace):
        voters.setdefault(rnd, set()).add(voter)
    failures: list[str] = []
    checked = 0
    for rnd, _, parts in _results(trace):
        tally = _tally(parts[3]) if len(parts) >= 4 else None
        if tally is None or rnd not in voters:
            continue
        checked += 1
        if len(voters[rnd]) != tally[1]:
            failures.append(f"round {rnd}: {len(voters[rnd])} voted, tally says {tally[1]}")
    return verdict("voting_all_counted", checked, failures, "tallies")


def voting_no_double_vote(trace: Trace) -> Verdict:
    """No voter votes twice in a round."""
    seen: dict[tuple[str, str], int] = {}
    for rnd, _, voter in _votes(trace):
        seen[rnd, voter] = seen.get((rnd, voter), 0) + 1
    failures = [f"round {r}: {v} voted {n} times" for (r, v), n in seen.items() if n > 1]
    return verdict("voting_no_double_vote", len(seen), failures, "votes")


def consensus_agreement(trace: Trace) -> Verdict:
    """A committed round's announced accepts/total equal the votes sent, and >= 2/3 accept."""
    cast: dict[str, list[str]] = {}
    for rnd, choice, _ in _votes(trace):
        cast.setdefault(rnd, []).append(choice)
    failures: list[str] = []
    checked: set[str] = set()
    for rnd, outcome, parts in _results(trace):
        tally = _tally(parts[3]) if len(parts) >= 4 else None
        if outcome != "committed" or tally is None:
            continue
        checked.add(rnd)
        got = cast.get(rnd, [])
        actual = (sum(1 for c in got if c == "accept"), len(got))
        if not got:
            failures.append(f"round {rnd}: committed with no votes")
        elif actual != tally:
            failures.append(
                f"round {rnd}: announced {tally[0]}/{tally[1]}, cast {actual[0]}/{actual[1]}"
            )
        elif 3 * actual[0] < 2 * actual[1]:
            failures.append(f"round {rnd}: committed with {actual[0]}/{actual[1]} accepts")
    return verdict("consensus_agreement", len(checked), failures, "commits")


def consensus_validity(trace: Trace) -> Verdict:
    """One value proposed per round; a committed round had a proposal."""
    proposed: dict[str, set[str]] = {}
    for _, _, parts in _messages(trace, "propose:"):
        if len(parts) >= 3:
            proposed.setdefault(parts[1], set()).add(parts[2])
    failures = [f"round {r}: proposals {sorted(v)}" for r, v in proposed.items() if len(v) > 1]
    committed = {rnd for rnd, outcome, _ in _results(trace) if outcome == "committed"}
    failures += [f"round {r}: committed, never proposed" for r in sorted(committed - set(proposed))]
    return verdict("consensus_validity", len(proposed), failures, "proposals")


def consensus_no_conflict(trace: Trace) -> Verdict:
    """Every announcement of a committed round carries the same result."""
    commits: dict[str, set[str]] = {}
    for rnd, outcome, parts in _results(trace):
        if outcome == "committed" and len(parts) >= 4:
            commits.setdefault(rnd, set()).add(parts[4] if len(parts) >= 5 else parts[3])
    failures = [f"round {r}: {sorted(v)}" for r, v in commits.items() if len(v) > 1]
    return verdict("consensus_no_conflict", len(commits), failures, "committed rounds")


SUITES: dict[str, tuple[Check, ...]] = {
    "marketplace": (
        marketplace_no_double_sell,
        marketplace_all_responded,
        marketplace_price_agreement,
    ),
    "auction": (auction_winner_highest, auction_single_winner, auction_all_notified),
    "voting": (voting_tally_correct, voting_all_counted, voting_no_double_vote),
    "consensus": (consensus_agreement, consensus_validity, consensus_no_conflict),
}
