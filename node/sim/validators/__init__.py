"""Scenario validators: property checks over a trace's evidence, one suite per task type.

from node.sim.validators import validate_file
report = validate_file(Path("traces/auction.jsonl"))       # suite from the trace header
report.passed, [v.name for v in report.verdicts if not v.passed]
"""

from node.sim.validators.core import Trace, TraceError, Verdict, load_trace
from node.sim.validators.suites import (
    SUITES,
    UnknownSuite,
    ValidationReport,
    resolve_suite,
    run_suite,
    validate_file,
)

__all__ = [
    "SUITES",
    "Trace",
    "TraceError",
    "UnknownSuite",
    "ValidationReport",
    "Verdict",
    "load_trace",
    "resolve_suite",
    "run_suite",
    "validate_file",
]
