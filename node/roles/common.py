"""What both roles share: following the chain, fixing seeds, the outbox wrapper, dispute rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from adapters.arena_ops import DisputeInfo, Phase
from adapters.base import ArenaAdapter
from adapters.errors import ChainError
from node.db import chain_index, repo
from node.db.engine import Database
from node.db.models import DisputeRow, RoundRow
from node.db.outbox import KeyPart, Outbox
from node.league import actions
from node.roles.log import RoleLog
from node.roles.views import StepViews
from node.times import explain

T = TypeVar("T")


class RoleBase:
    """A node role on one chain and one database, with its own event cursor."""

    role = "role"

    def __init__(self, db: Database, adapter: ArenaAdapter, adapter_name: str) -> None:
        self.db = db
        self.views = StepViews(adapter)
        self.adapter = cast(ArenaAdapter, self.views)
        self.chain_id = adapter.chain_id
        self.me = adapter.address
        self.cursor_name = f"{adapter_name}/{self.role}/{self.me.lower()}"
        self.outbox = Outbox(db, self.chain_id)
        self.log = RoleLog(self.role)

    def follow(self, handler: chain_index.EventHandler | None = None) -> int:
        return chain_index.follow(
            self.db, self.adapter, self.cursor_name, our_address=self.me, handler=handler
        )

    def act(
        self,
        label: str,
        kind: str,
        parts: list[KeyPart],
        payload: dict[str, Any],
        *,
        check: Callable[[], T | None],
        send: Callable[[], T],
        record: Callable[[T], object] | None = None,
    ) -> T | None:
        """One outbox action; a contract refusal is logged (with its reason) and returns None.

        ``record`` writes the node's rows for the result inside the action's transaction
        (actions.perform): with `memory:db` they commit with the chain's, never after it."""
        try:
            result = actions.perform(
                self.outbox, kind, parts, payload, check=check, send=send, record=record
            )
        except ChainError as exc:
            self.log.refuse(label, self.reason(exc), error=exc.name)
            return None
        self.log.did(label)
        return result

    def now(self) -> int:
        return self.adapter.block_time()

    def reason(self, error: ChainError) -> str:
        """The refusal with its deadline readable against the chain's now (a refused move is
        usually a late one: the line should say by how much)."""
        return explain(error, self.now())

    def open_rounds(self) -> list[RoundRow]:
        return repo.unsettled_rounds(self.db, self.chain_id)

    def fix_seeds(self) -> int:
        """Fix every round seed whose block exists (anyone may; the first caller does)."""
        done = 0
        for row in self.open_rounds():
            if row.seed is not None:
                continue
            info = self.adapter.round(row.round_id)
            if info.seed_fixed or self.adapter.block_number() <= info.seed_block:
                continue
            try:
                actions.fix_seed(self.db, self.adapter, row.round_id)
                done += 1
            except ChainError as exc:
                if exc.name != "SeedAlreadyFixed":  # another party fixed it first: done
                    self.log.refuse(f"fix seed {row.round_id}", self.reason(exc), error=exc.name)
        return done

    def unresolved_disputes(self) -> list[DisputeRow]:
        return repo.open_disputes(self.db, self.chain_id)

    def dispute_move(self, d: int, info: DisputeInfo, seq: int, kind: str, call: Any) -> int:
        """One bisection move of dispute ``d``: done once its (phase, lo, hi) has changed."""
        state = (info.phase, info.lo, info.hi)

        def moved() -> bool | None:
            now = self.adapter.dispute(d)
            return True if (now.phase, now.lo, now.hi) != state else None

        result = self.act(
            f"dispute {d}: {kind}",
            "move",
            [d, seq, kind],
            {},
            check=moved,
            send=lambda: call() or True,
            record=lambda _: repo.add_move(self.db, self.chain_id, d, kind, {"seq": seq}),
        )
        return int(result is not None)

    def end_dispute(self, d: int, kind: str, call: Callable[[int], Any]) -> int:
        """``timeout`` or ``dismiss`` of dispute ``d``: done once it is resolved."""
        result = self.act(
            f"dispute {d}: {kind}",
            kind,
            [d],
            {},
            check=lambda: True if self.adapter.dispute(d).phase == Phase.RESOLVED else None,
            send=lambda: call(d) or True,
        )
        return int(result is not None)

    def all_disputes(self) -> list[DisputeRow]:
        return repo.all_disputes(self.db, self.chain_id)

    def step(self) -> int:
        """One step; within it each view of the chain is read once (`node/roles/views.py`)."""
        with self.views.step():
            return self.one_step()

    def one_step(self) -> int:
        raise NotImplementedError

    def run_until_idle(self, max_steps: int = 1000) -> int:
        """Step until a step takes no action; returns the number of actions."""
        total = 0
        for _ in range(max_steps):
            taken = self.step()
            total += taken
            if taken == 0:
                return total
        return total
