"""The outbox: every chain action is recorded as an intent before it is sent.

Rule (docs/protocol/node.md): ``record_intent`` commits the intent under its idempotency key
BEFORE the transaction is sent; ``mark_sent`` stores the tx hash as soon as it is known;
``mark_done`` stores the result once the receipt (or the chain's state) confirms it. On restart
``pending_intents`` lists what may or may not have reached the chain: the node checks the chain
for each one (the claim commitment, the agent's stake, the dispute's phase ...) before sending
it again, so a crash between "send" and "mark" never posts twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from node.db.engine import Database
from node.db.models import IntentRow, utcnow

PENDING = "pending"
SENT = "sent"
DONE = "done"
FAILED = "failed"
OPEN_STATUSES = (PENDING, SENT)

KINDS = (
    "register",
    "stake",
    "unstake",
    "create_league",
    "fund_league",
    "open_round",
    "fix_seed",
    "submit",
    "challenge",
    "move",
    "timeout",
    "dismiss",
    "settle",
    "withdraw",
    "finalize_unstake",
    "add_stake",
)

KeyPart = str | int


class IntentError(ValueError):
    """Misuse of the outbox: unknown key, a finished intent changed, a conflicting payload."""


def intent_key(kind: str, *parts: KeyPart) -> str:
    """The idempotency key: kind and parts joined by ':' (e.g. ``submit:12:3``)."""
    if kind not in KINDS:
        raise IntentError(f"unknown intent kind {kind!r} (known: {', '.join(KINDS)})")
    for part in parts:
        if isinstance(part, bool) or not isinstance(part, str | int) or ":" in str(part):
            raise IntentError(f"bad key part {part!r}")
    return ":".join([kind, *(str(part) for part in parts)])


@dataclass(frozen=True)
class Intent:
    """A recorded chain action."""

    chain_id: int
    key: str
    kind: str
    payload: dict[str, Any]
    status: str
    tx_hash: bytes | None
    result: Any
    attempts: int

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    @classmethod
    def of(cls, row: IntentRow) -> Intent:
        return cls(
            chain_id=row.chain_id,
            key=row.key,
            kind=row.kind,
            payload=json.loads(row.payload_json),
            status=row.status,
            tx_hash=row.tx_hash,
            result=json.loads(row.result_json) if row.result_json is not None else None,
            attempts=row.attempts,
        )


def _canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


class Outbox:
    """Intents of one chain in one database."""

    def __init__(self, db: Database, chain_id: int) -> None:
        self.db = db
        self.chain_id = chain_id

    def _row(self, session: Any, key: str) -> IntentRow | None:
        statement = select(IntentRow).where(
            IntentRow.chain_id == self.chain_id, IntentRow.key == key
        )
        return session.exec(statement).first()

    def record_intent(
        self, kind: str, parts: Sequence[KeyPart], payload: dict[str, Any] | None = None
    ) -> Intent:
        """Record the intent (committed on return) or return the one already under its key.

        Recording the same key with a different payload is an IntentError: the node changed its
        mind about an action it may already have sent.
        """
        key = intent_key(kind, *parts)
        body = _canonical(payload or {})
        try:
            with self.db.session() as session:
                existing = self._row(session, key)
                if existing is None:
                    row = IntentRow(chain_id=self.chain_id, key=key, kind=kind, payload_json=body)
                    session.add(row)
                    session.flush()
                    return Intent.of(row)
        except IntegrityError:  # another process recorded it between our read and our insert
            pass
        intent = self.get(key)
        assert intent is not None
        if _canonical(intent.payload) != body:
            raise IntentError(f"intent {key} already recorded with another payload")
        return intent

    def get(self, key: str) -> Intent | None:
        with self.db.session() as session:
            row = self._row(session, key)
            return Intent.of(row) if row is not None else None

    def _update(self, key: str, **changes: Any) -> Intent:
        with self.db.session() as session:
            row = self._row(session, key)
            if row is None:
                raise IntentError(f"no intent {key}")
            if row.status in (DONE, FAILED):
                raise IntentError(f"intent {key} is already {row.status}")
            for name, value in changes.items():
                setattr(row, name, value)
            row.updated_at = utcnow()
            session.add(row)
            session.flush()
            return Intent.of(row)

    def mark_sent(self, key: str, tx_hash: bytes) -> Intent:
        """The transaction is out (``tx_hash``); not yet known to be mined."""
        with self.db.session() as session:
            row = self._row(session, key)
            attempts = (row.attempts if row is not None else 0) + 1
        return self._update(key, status=SENT, tx_hash=bytes(tx_hash), attempts=attempts)

    def mark_done(self, key: str, result: Any = None, tx_hash: bytes | None = None) -> Intent:
        """The action took effect; ``result`` (JSON-able, e.g. the id it created) is kept."""
        changes: dict[str, Any] = {"status": DONE, "result_json": json.dumps(result)}
        if tx_hash is not None:
            changes["tx_hash"] = bytes(tx_hash)
        return self._update(key, **changes)

    def mark_failed(self, key: str, reason: str) -> Intent:
        """The chain refused the action for good (e.g. ClaimExists); kept for the record."""
        return self._update(key, status=FAILED, result_json=json.dumps({"error": reason}))

    def retry(self, key: str) -> Intent:
        """Make a failed intent pending again (the refusal was temporary, e.g. a window)."""
        with self.db.session() as session:
            row = self._row(session, key)
            if row is None or row.status != FAILED:
                raise IntentError(f"intent {key} is not failed")
            row.status = PENDING
            row.updated_at = utcnow()
            session.add(row)
            session.flush()
            return Intent.of(row)

    def all_intents(self, kind: str | None = None) -> list[Intent]:
        """Every intent of this chain (optionally of one kind), oldest first."""
        with self.db.session() as session:
            statement = select(IntentRow).where(IntentRow.chain_id == self.chain_id)
            if kind is not None:
                statement = statement.where(IntentRow.kind == kind)
            rows = session.exec(statement.order_by(col(IntentRow.id))).all()
            return [Intent.of(row) for row in rows]

    def next_sequence(self, kind: str, *scope: KeyPart) -> int:
        """The sequence number closing the key ``kind:scope...:N`` of a repeatable action: an
        unfinished one first (a crash may have sent it: resolve it before anything new), else
        one more than any recorded."""
        prefix = intent_key(kind, *scope) + ":"
        mine = [intent for intent in self.all_intents(kind) if intent.key.startswith(prefix)]
        numbers = [int(intent.key.rsplit(":", 1)[1]) for intent in mine]
        for intent, number in zip(mine, numbers, strict=True):
            if intent.open:
                return number
        return max(numbers, default=0) + 1

    def pending_intents(self, kind: str | None = None) -> list[Intent]:
        """Intents not yet done or failed, oldest first: check each on chain before re-sending."""
        with self.db.session() as session:
            statement = select(IntentRow).where(
                IntentRow.chain_id == self.chain_id, col(IntentRow.status).in_(OPEN_STATUSES)
            )
            if kind is not None:
                statement = statement.where(IntentRow.kind == kind)
            rows = session.exec(statement.order_by(col(IntentRow.id))).all()
            return [Intent.of(row) for row in rows]
