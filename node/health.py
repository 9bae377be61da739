"""Health checks shared by `nets doctor` and the parts that contribute checks to it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """One doctor line: what was checked, whether it passed, what was seen, how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True
    """False for what only some users need (an agent language's compiler): a failure is
    reported as a warning and does not make the machine unhealthy."""
