"""Reputation properties: every cheater is reported, no honest trader is flagged."""

from __future__ import annotations

from node.sim.validators.core import Check, Trace, Verdict, verdict


def _cheaters(trace: Trace) -> set[str]:
    return {str(s.get("agent")) for s in trace.app("serve") if s.get("honest") is False}


def cheaters_reported(trace: Trace) -> Verdict:
    """Every trader that served dishonestly at least once is flagged by the observer."""
    flagged = {str(f.get("subject")) for f in trace.app("flag")}
    cheaters = sorted(_cheaters(trace))
    failures = [f"{c} cheated but was not flagged" for c in cheaters if c not in flagged]
    return verdict("cheaters_reported", len(cheaters), failures, "cheating")


def honest_not_flagged(trace: Trace) -> Verdict:
    """The observer scored the traders and flagged only traders that did cheat."""
    cheaters = _cheaters(trace)
    scored = trace.app("score")
    failures = [
        f"{f.get('subject')} flagged without cheating"
        for f in trace.app("flag")
        if str(f.get("subject")) not in cheaters
    ]
    return verdict("honest_not_flagged", len(scored), failures, "observer scores")


CHECKS: tuple[Check, ...] = (cheaters_reported, honest_not_flagged)
