"""The node's tables (SQLModel). Every chain-scoped row carries the chain id, so one database can
serve several chains; wei amounts and score totals are decimal strings (they exceed int64)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _big(primary_key: bool = False) -> Column[int]:
    return Column(BigInteger, primary_key=primary_key, nullable=False, autoincrement=False)


class SchemaVersion(SQLModel, table=True):
    """One row: the schema version this database was created with (node.db.engine.SCHEMA_VERSION)."""

    __tablename__ = "schema_version"  # pyright: ignore[reportAssignmentType]
    id: int = Field(default=1, primary_key=True)
    version: int
    created_at: datetime = Field(default_factory=utcnow)


class AgentRow(SQLModel, table=True):
    """An agent the node knows: its own (with code) or one it verifies (code from calldata)."""

    __tablename__ = "agents"  # pyright: ignore[reportAssignmentType]
    chain_id: int = Field(sa_column=_big(primary_key=True))
    agent_id: int = Field(sa_column=_big(primary_key=True))
    owner: str = ""
    code_hash: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    code: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    abi_version: int | None = None
    registered_block: int | None = Field(default=None, sa_type=BigInteger)
    mine: bool = False
    """True for agents this node submits claims for."""


class LeagueRow(SQLModel, table=True):
    """A league created on chain, with the definition it was created from."""

    __tablename__ = "leagues"  # pyright: ignore[reportAssignmentType]
    chain_id: int = Field(sa_column=_big(primary_key=True))
    league_id: int = Field(sa_column=_big(primary_key=True))
    name: str
    system: str
    definition_json: str
    """The LeagueDefinition as canonical JSON (camelCase terms)."""
    digest: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class RoundRow(SQLModel, table=True):
    """A round: its timing from RoundOpened, its seed once fixed, and where the node is."""

    __tablename__ = "rounds"  # pyright: ignore[reportAssignmentType]
    chain_id: int = Field(sa_column=_big(primary_key=True))
    round_id: int = Field(sa_column=_big(primary_key=True))
    league_id: int = Field(sa_type=BigInteger)
    seed_block: int = Field(default=0, sa_type=BigInteger)
    submit_deadline: int = Field(default=0, sa_type=BigInteger)
    challenge_deadline: int = Field(default=0, sa_type=BigInteger)
    seed: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    status: str = "open"
    """open, played, submitted, settled."""


class MatchRow(SQLModel, table=True):
    """One match the node played or replayed (its summary fields; traces are re-run on demand)."""

    __tablename__ = "matches"  # pyright: ignore[reportAssignmentType]
    chain_id: int = Field(sa_column=_big(primary_key=True))
    round_id: int = Field(sa_column=_big(primary_key=True))
    agent_id: int = Field(sa_column=_big(primary_key=True))
    match_index: int = Field(primary_key=True)
    seed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    trace_root: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    steps: int
    score: int = Field(sa_type=BigInteger)
    outcome: int
    fuel_used: int = Field(sa_type=BigInteger)


class ClaimRow(SQLModel, table=True):
    """A claim: the node's own (computed, then submitted) or one seen on chain."""

    __tablename__ = "claims"  # pyright: ignore[reportAssignmentType]
    chain_id: int = Field(sa_column=_big(primary_key=True))
    round_id: int = Field(sa_column=_big(primary_key=True))
    agent_id: int = Field(sa_column=_big(primary_key=True))
    claim_root: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    scores_json: str
    """The int64 scores as a JSON list, in match order."""
    total: str
    status: str = "computed"
    """computed, submitted, live (seen on chain), voided, settled."""
    tx_hash: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class DisputeRow(SQLModel, table=True):
    """A dispute the node has seen: as claimant, as challenger, or as an observer of others'."""

    __tablename__ = "disputes"  # pyright: ignore[reportAssignmentType]
    chain_id: int = Field(sa_column=_big(primary_key=True))
    dispute_id: int = Field(sa_column=_big(primary_key=True))
    round_id: int = Field(sa_type=BigInteger)
    agent_id: int = Field(sa_type=BigInteger)
    match_index: int
    role: str
    """claimant (one of our agents), challenger (our address) or observer."""
    challenger: str = ""
    phase: int = 1
    lo: int = Field(default=-1, sa_type=BigInteger)
    hi: int = Field(default=-1, sa_type=BigInteger)
    verdict: int | None = None
    reason: int | None = None


class MoveRow(SQLModel, table=True):
    """One move the node made in a dispute, in order."""

    __tablename__ = "moves"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (UniqueConstraint("chain_id", "dispute_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    chain_id: int = Field(sa_type=BigInteger)
    dispute_id: int = Field(sa_type=BigInteger)
    seq: int
    kind: str
    """challenge, reveal_summary, reveal_final, reveal_midpoint, answer, prove_step, ..."""
    payload_json: str = "{}"
    tx_hash: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)


class ChainCursorRow(SQLModel, table=True):
    """Where the node's event reader resumes, per adapter and chain (adapters.events.EventCursor)."""

    __tablename__ = "chain_cursors"  # pyright: ignore[reportAssignmentType]
    adapter: str = Field(primary_key=True)
    chain_id: int = Field(sa_column=_big(primary_key=True))
    block: int = Field(default=0, sa_type=BigInteger)
    log_index: int = 0
    anchor_hash: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    updated_at: datetime = Field(default_factory=utcnow)


class MemoryChainRow(SQLModel, table=True):
    """The embedded MemoryChain kept in the node's database (`--chain memory:db`): a snapshot
    as adapters.memory.persist JSON (its ``seq`` is the last journal record it includes). The
    row is also the chain's lock: every chain transaction updates it first."""

    __tablename__ = "memory_chain"  # pyright: ignore[reportAssignmentType]
    name: str = Field(default="default", primary_key=True)
    state: str = Field(sa_type=Text)
    updated_at: datetime = Field(default_factory=utcnow)


class MemoryChainJournalRow(SQLModel, table=True):
    """One committed transaction of a `memory:db` chain after its snapshot
    (adapters.memory.journal), written in the transaction's own database commit."""

    __tablename__ = "memory_chain_journal"  # pyright: ignore[reportAssignmentType]
    name: str = Field(default="default", primary_key=True)
    seq: int = Field(sa_column=_big(primary_key=True))
    record: str = Field(sa_type=Text)


class IntentRow(SQLModel, table=True):
    """The outbox: a chain action recorded before it is sent (node.db.outbox)."""

    __tablename__ = "intents"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (UniqueConstraint("chain_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    chain_id: int = Field(sa_type=BigInteger)
    key: str = Field(max_length=255)
    """The idempotency key, e.g. ``submit:12:3`` for ("submit", round 12, agent 3)."""
    kind: str = Field(max_length=32)
    payload_json: str = "{}"
    status: str = Field(default="pending", max_length=16, index=True)
    """pending (recorded, maybe sent), sent (tx hash known), done, failed."""
    tx_hash: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    result_json: str | None = None
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
