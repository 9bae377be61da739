"""Suites by task type, suite resolution (task type or built-in scenario name) and running.

A check that raises on malformed evidence (a hand-edited or hostile trace) fails with the
reason instead of crashing the validator.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from node.sim.validators import (
    auction,
    consensus,
    marketplace,
    nanda,
    nanda_as_nets,
    private_commerce,
    reputation,
    supply_chain,
    voting,
)
from node.sim.validators.core import Check, Trace, Verdict, load_trace

SUITES: dict[str, tuple[Check, ...]] = {
    "marketplace": marketplace.CHECKS,
    "llm_marketplace": marketplace.CHECKS,
    "auction": auction.CHECKS,
    "voting": voting.CHECKS,
    "consensus": consensus.CHECKS,
    "supply_chain": supply_chain.CHECKS,
    "reputation": reputation.CHECKS,
    "private_commerce": private_commerce.CHECKS,
}


class UnknownSuite(LookupError):
    """No validator suite for that name; the message lists the known ones."""


@dataclass(frozen=True)
class ValidationReport:
    trace: str
    suite: str
    verdicts: list[Verdict]

    @property
    def passed(self) -> bool:
        return bool(self.verdicts) and all(v.passed for v in self.verdicts)


def resolve_suite(name: str, *, files: bool = True) -> str:
    """A suite name, or a built-in scenario name or (with ``files``) scenario file mapped to its
    task type. A name read from a trace passes ``files=False``: a trace from elsewhere must not
    make this machine read a file of its choosing."""
    if name in SUITES:
        return name
    from node.sim.scenario import ScenarioError, builtin_scenarios, read_yaml

    path = builtin_scenarios().get(name)
    if path is None and files and name.endswith((".yaml", ".yml")) and Path(name).is_file():
        path = Path(name)
    if path is not None:
        try:
            task = read_yaml(path).get("task", {}).get("type")
        except (ScenarioError, AttributeError):
            task = None
        if isinstance(task, str) and task in SUITES:
            return task
    raise UnknownSuite(f"no validators for scenario {name!r} (known: {', '.join(sorted(SUITES))})")


def checks_for(trace: Trace, suite: str) -> tuple[Check, ...]:
    """The suite's checks for this trace's evidence. A Nanda Town trace that carries nets' app
    events (`nets run --trace-format nanda` writes them) gets nets' own checks; one with only
    messages (`nest run`'s) gets message-level checks: nets' properties read from its messages
    where they exist (validators.nanda_as_nets), else Nanda Town's own (validators.nanda).
    UnknownSuite when there are none."""
    if trace.run.get("format") == "nanda" and not trace.apps:
        name = "marketplace" if suite == "llm_marketplace" else suite
        found = nanda_as_nets.SUITES.get(name) or nanda.SUITES.get(name)
        if found is None:
            known = sorted({*nanda.SUITES, *nanda_as_nets.SUITES})
            raise UnknownSuite(
                f"no validators for Nanda Town traces of {suite!r} (known: {', '.join(known)})"
            )
        return found
    return SUITES[suite]


def run_suite(trace: Trace, suite: str) -> list[Verdict]:
    verdicts: list[Verdict] = []
    for check in checks_for(trace, suite):
        try:
            verdicts.append(check(trace))
        except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
            verdicts.append(Verdict(check.__name__, False, 0, f"malformed evidence: {exc}"))
    return verdicts


def validate_file(path: Path, scenario: str | None = None) -> ValidationReport:
    """Load ``path`` and run the suite named by ``scenario`` or by the trace's task type.

    TraceError for an unreadable trace, UnknownSuite for a scenario without validators.
    """
    suite = resolve_suite(scenario) if scenario else None
    trace = load_trace(path)
    if suite is None:
        task, name = trace.run.get("task"), trace.run.get("name")
        candidate = task if isinstance(task, str) and task in SUITES else name
        suite = resolve_suite(str(candidate), files=False)
    return ValidationReport(str(path), suite, run_suite(trace, suite))
