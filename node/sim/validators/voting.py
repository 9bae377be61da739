"""Voting properties: the tally matches the counted votes, every vote is counted once."""

from __future__ import annotations

from node.sim.ratio import reaches
from node.sim.validators.core import Check, Event, Trace, Verdict, group_by, verdict


def _passes(tally: Event) -> bool | None:
    """What the tally's own rule says: yes / votes >= its ``threshold`` (yes > no in traces
    written before thresholds); None when the evidence is malformed."""
    yes, no, threshold = tally.get("yes"), tally.get("no"), tally.get("threshold")
    if type(yes) is not int or type(no) is not int:
        return None
    if threshold is None:
        return yes > no
    try:
        value = float(str(threshold))
    except ValueError:
        return None
    if not 0.0 <= value <= 1.0:
        return None
    return reaches(yes, yes + no, value)


def tally_matches(trace: Trace) -> Verdict:
    """Each tally's yes/no equal the votes cast for that proposal and the votes counted, and
    its verdict follows its threshold."""
    cast = group_by(trace.app("vote"), "proposal")
    counted = group_by(trace.app("count"), "proposal")
    failures: list[str] = []
    tallies = trace.app("tally")
    for tally in tallies:
        proposal = str(tally.get("proposal"))
        want = (tally.get("yes"), tally.get("no"))
        for source, events in (("cast", cast), ("counted", counted)):
            got = events.get(proposal, [])
            yes = sum(1 for e in got if e.get("choice") == "yes")
            if (yes, len(got) - yes) != want:
                failures.append(f"{proposal}: tally {want} but {source} ({yes}, {len(got) - yes})")
        rule = _passes(tally)
        if rule is None:
            failures.append(
                f"{proposal}: malformed evidence (threshold {tally.get('threshold')!r})"
            )
        elif tally.get("passed") != rule:
            failures.append(f"{proposal}: passed={tally.get('passed')} contradicts {want}")
    return verdict("tally_matches", len(tallies), failures, "tallies")


def every_vote_counted_once(trace: Trace) -> Verdict:
    """Each cast vote is counted exactly once with its choice; nothing uncast is counted."""
    counts: dict[tuple[str, str], list[Event]] = {}
    for count in trace.app("count"):
        counts.setdefault((str(count.get("proposal")), str(count.get("voter"))), []).append(count)
    failures: list[str] = []
    votes = trace.app("vote")
    cast = set()
    for vote in votes:
        key = (str(vote.get("proposal")), str(vote.get("agent")))
        cast.add(key)
        got = counts.get(key, [])
        if len(got) != 1 or got[0].get("choice") != vote.get("choice"):
            failures.append(f"{key[1]} on {key[0]} counted {len(got)} times")
    failures += [f"{v} on {p} counted but never cast" for p, v in counts if (p, v) not in cast]
    return verdict("every_vote_counted_once", len(votes), failures, "votes")


CHECKS: tuple[Check, ...] = (tally_matches, every_vote_counted_once)
