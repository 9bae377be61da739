"""Chain times a person can read (CLI errors, the roles' refusal lines): a timestamp becomes a
UTC time and its distance from the chain's now (``UnstakeNotReady(1796320802)`` ->
``UnstakeNotReady(1796320802: 2026-12-02 19:20:02 UTC, in 3 min)``)."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.errors import ChainError

TIME_ARGUMENTS = frozenset(
    {
        "UnstakeNotReady",
        "SubmissionClosed",
        "ChallengeWindowClosed",
        "ChallengeWindowOpen",
        "MoveTooLate",
        "DeadlineNotPassed",
    }
)
"""The contracts' errors whose single argument is a block timestamp (a deadline)."""


def utc(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def span(seconds: int) -> str:
    """``45 s``, ``3 min``, ``2 h 5 min``, ``3 d 4 h``."""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def readable(timestamp: int, now: int | None = None) -> str:
    """``2026-12-02 19:20:02 UTC, in 3 min`` (or ``3 min ago``; no distance without ``now``)."""
    try:
        text = utc(timestamp)
    except (OverflowError, OSError, ValueError):
        return str(timestamp)
    if now is None:
        return text
    if timestamp == now:
        return f"{text}, now"
    return (
        f"{text}, in {span(timestamp - now)}"
        if timestamp > now
        else f"{text}, {span(now - timestamp)} ago"
    )


def explain(error: ChainError, now: int | None = None) -> str:
    """``str(error)`` with a timestamp argument followed by its readable form."""
    if error.name in TIME_ARGUMENTS and len(error.args) == 1 and isinstance(error.args[0], int):
        return f"{error.name}({error.args[0]}: {readable(error.args[0], now)})"
    return str(error)
