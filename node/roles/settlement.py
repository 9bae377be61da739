"""Settlement as a step of any role: once a round's challenge deadline has passed, count what
is left of it in batches (node.league.actions.count_rest). Whoever comes first sends the
batches; another node continues a settlement that one started (protocol revision 3)."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.errors import ChainError
from node.league import actions
from node.roles.common import RoleBase


def settle_due_rounds(role: RoleBase, round_ids: Iterable[int]) -> list[int]:
    """Settle every due round of ``round_ids``; returns those this call finished. A refusal
    (another node counted the same claims first) is logged and tried again next step."""
    settled: list[int] = []
    for round_id in round_ids:
        info = role.adapter.round(round_id)
        if info.settled or role.now() <= info.challenge_deadline:
            continue
        try:
            actions.settle_round(role.db, role.adapter, round_id)
        except ChainError as exc:
            role.log.refuse(f"settle {round_id}", role.reason(exc), error=exc.name)
            continue
        role.log.did(f"settle round {round_id}")
        settled.append(round_id)
    return settled
