"""Consensus properties: committed rounds have a quorum, only proposed values are committed."""

from __future__ import annotations

from node.sim.validators.core import Check, Trace, Verdict, verdict


def committed_rounds_have_quorum(trace: Trace) -> Verdict:
    """A commit lists distinct followers who acknowledged that round's value before it, and
    they plus the leader reach the quorum announced with the proposal."""
    acks: dict[tuple[str, int, int], int] = {}
    for ack in trace.app("ack"):
        key = (str(ack.get("agent")), int(ack.get("round", -1)), int(ack.get("value", -1)))
        acks.setdefault(key, ack["line"])
    quorum = {int(p.get("round", -1)): int(p.get("quorum", 0)) for p in trace.app("propose")}
    failures: list[str] = []
    commits = trace.app("commit")
    for commit in commits:
        rnd, value = int(commit.get("round", -1)), int(commit.get("value", -1))
        listed = commit.get("acks")
        voters = [str(a) for a in listed] if isinstance(listed, list) else []
        backed = {v for v in voters if acks.get((v, rnd, value), commit["line"]) < commit["line"]}
        need = quorum.get(rnd, 0)
        if len(set(voters)) != len(voters) or len(backed) + 1 < need or need <= 0:
            failures.append(f"round {rnd}: {len(backed)} backed acks + leader < quorum {need}")
    return verdict("committed_rounds_have_quorum", len(commits), failures, "commits")


def only_proposed_values_committed(trace: Trace) -> Verdict:
    """Every commit carries the value the leader proposed for its round, once per round."""
    proposed = {int(p.get("round", -1)): p.get("value") for p in trace.app("propose")}
    failures: list[str] = []
    seen: set[int] = set()
    commits = trace.app("commit")
    for commit in commits:
        rnd = int(commit.get("round", -1))
        if proposed.get(rnd) != commit.get("value"):
            failures.append(
                f"round {rnd} committed {commit.get('value')}, proposed {proposed.get(rnd)}"
            )
        if rnd in seen:
            failures.append(f"round {rnd} committed twice")
        seen.add(rnd)
    learned = trace.app("learn")
    failures += [
        f"{e.get('agent')} learned {e.get('value')} for round {e.get('round')}"
        for e in learned
        if proposed.get(int(e.get("round", -1))) != e.get("value")
    ]
    return verdict("only_proposed_values_committed", len(commits), failures, "commits")


CHECKS: tuple[Check, ...] = (committed_rounds_have_quorum, only_proposed_values_committed)
