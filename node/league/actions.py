"""League actions on chain (create, open a round, fix its seed, settle), each through the outbox.

Every action is ``perform``-ed: the intent is recorded first, the chain is asked whether the
action already took effect (a crash may have hit between sending and marking), and only then is
the transaction sent; its result is marked done together with the action's rows (one database
transaction, ``Database.records``). Running an action twice, or after a crash, never sends it
twice. With `memory:db` the check, the send, the marking and the rows are one database
transaction with the chain's (``Database.atomic``), so there is no such gap to cover.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from adapters.arena_ops import (
    RANKED,
    VOIDED,
    ClaimOpening,
    LeagueConfig,
    RoundInfo,
    claim_id_of,
    settle_batch_size,
)
from adapters.base import ArenaAdapter
from adapters.errors import ChainError
from adapters.events import ChainEvent, EventCursor, all_events
from node.db import repo
from node.db.engine import Database
from node.db.outbox import DONE, Intent, IntentError, KeyPart, Outbox, intent_key
from node.league.definition import LeagueDefinition, LeagueError

T = TypeVar("T")


class ChainMismatch(RuntimeError):
    """The database records an effect the chain does not have: a fresh devnet (or the memory
    chain of another process) with the same chain id and a reused database."""


def perform(
    outbox: Outbox,
    kind: str,
    parts: Sequence[KeyPart],
    payload: dict[str, Any],
    *,
    check: Callable[[], T | None],
    send: Callable[[], T],
    record: Callable[[T], object] | None = None,
) -> T:
    """Record, check on chain, send once, mark done (or failed with the contract's error name).

    A failed intent is tried again (the refusal may have been a window not yet open).
    ``check`` returns the action's result if the chain shows it already happened, else None;
    ``send`` performs it. Results must be JSON values (ids, hex strings). ``record`` writes
    the node's rows for the result (every time it is returned).

    Check, send, mark and record run inside ``Database.atomic``: with `memory:db` they are one
    database transaction with the chain's, so no crash separates the chain from the records
    (a refusal or a failed record rolls both back). On other chains the chain commits first;
    the done mark and the rows then commit together (``Database.records``), and a crash
    before that commit leaves the intent pending, which the check before any send resolves.
    """
    intent = outbox.record_intent(kind, parts, payload)
    if intent.status == "failed":  # asked again: the refusal may have been temporary
        intent = _finish(outbox, intent.key, lambda: outbox.retry(intent.key))
    if intent.status == "done":
        if record is not None:
            record(intent.result)
        return intent.result
    key = intent.key
    try:
        with outbox.db.atomic():
            return _check_send_mark(outbox, key, check, send, record)
    except ChainError as exc:
        error = exc.name
        finished = _finish(outbox, key, lambda: outbox.mark_failed(key, error))
        if finished.status == "done":  # another process did it first: the refusal says so
            if record is not None:
                record(finished.result)
            return finished.result
        raise


def _check_send_mark(
    outbox: Outbox,
    key: str,
    check: Callable[[], T | None],
    send: Callable[[], T],
    record: Callable[[T], object] | None,
) -> T:
    current = outbox.get(key)  # with `memory:db` under the chain's lock: another process's
    finished = current is not None and current.status == DONE  # finished action is final here
    if current is not None and finished:
        result: T = current.result
    else:
        found = check()
        result = found if found is not None else send()
    with outbox.db.records():  # the done mark and the rows: one commit on every chain
        if not finished:
            _finish(outbox, key, lambda: outbox.mark_done(key, result))
        if record is not None:
            record(result)
    return result


def _finish(outbox: Outbox, key: str, mark: Callable[[], Intent]) -> Intent:
    """``mark``, unless another process sharing this database (roles on one `memory:db`
    database) changed the intent first: then the intent as that process left it. The chain
    check before every send keeps the action itself single."""
    try:
        return mark()
    except IntentError:
        current = outbox.get(key)
        if current is None:
            raise
        return current


def perform_seen_by_event(
    adapter: ArenaAdapter,
    outbox: Outbox,
    kind: str,
    parts: Sequence[KeyPart],
    found: Callable[[ChainEvent], T | None],
    send: Callable[[], T],
    record: Callable[[T], object] | None = None,
) -> T:
    """``perform`` for an action whose effect is an event: the intent records the next block
    (a transaction sent after recording lands there or later), and the chain check is the
    first event from that block on for which ``found`` gives a result."""
    recorded = outbox.get(intent_key(kind, *parts))
    since = int(recorded.payload["block"]) if recorded else adapter.block_number() + 1

    def already() -> T | None:
        for event in all_events(adapter, EventCursor(since, 0)):
            result = found(event)
            if result is not None:
                return result
        return None

    return perform(outbox, kind, parts, {"block": since}, check=already, send=send, record=record)


def system_address(adapter: ArenaAdapter, system: str) -> str:
    address = adapter.addresses.systems.get(system)
    if address is None:
        raise LeagueError(f"system: no {system} contract deployed on this chain")
    return address


def _same_terms(adapter: ArenaAdapter, league_id: int, config: LeagueConfig) -> bool:
    info = adapter.league(league_id)
    return (
        info.creator.lower() == adapter.address.lower()
        and info.system.lower() == config.system.lower()
        and info.system_params == config.system_params
        and (info.min_stake, info.reward_multiplier, info.matches_per_round)
        == (config.min_stake, config.reward_multiplier, config.matches_per_round)
        and (info.fuel_per_decision, info.slash_amount, info.challenger_bond)
        == (config.fuel_per_decision, config.slash_amount, config.challenger_bond)
        and info.reward_schedule == config.reward_schedule
        and (info.submission_window, info.challenge_window, info.move_window)
        == (config.submission_window, config.challenge_window, config.move_window)
    )


def create_league_payload(definition: LeagueDefinition) -> dict[str, Any]:
    """What a create_league intent records: the whole definition, so a restart can finish it."""
    return {"digest": definition.digest().hex(), "terms": definition.terms()}


def create_league(db: Database, adapter: ArenaAdapter, definition: LeagueDefinition) -> int:
    """Create the league once per (chain, definition digest); returns its league id."""
    config = definition.to_config(system_address(adapter, definition.system))
    outbox = Outbox(db, adapter.chain_id)
    digest = definition.digest().hex()

    def already() -> int | None:
        """A league by us with exactly these terms that the database does not already hold
        (newest first): what a crash between sending and marking leaves behind."""
        for league_id in range(adapter.counts()[1], 0, -1):
            if repo.get_league(db, adapter.chain_id, league_id) is None and _same_terms(
                adapter, league_id, config
            ):
                return league_id
        return None

    def save(league_id: int) -> None:
        if adapter.league(league_id).creator.lower() != adapter.address.lower():
            raise ChainMismatch(
                f"the database records league {definition.name!r} as league {league_id} on "
                f"chain {adapter.chain_id}, which the chain does not have as ours: a fresh "
                "chain with a reused database? (use another --db)"
            )
        repo.save_league(db, adapter.chain_id, league_id, definition)

    return perform(
        outbox,
        "create_league",
        [definition.name, digest[:16]],
        create_league_payload(definition),
        check=already,
        send=lambda: adapter.create_league(config, definition.reward_pool),
        record=save,
    )


@dataclass(frozen=True)
class OpenedRound:
    round_id: int
    league_id: int
    seed_block: int
    submit_deadline: int
    challenge_deadline: int


def open_round(db: Database, adapter: ArenaAdapter, league_id: int, sequence: int) -> OpenedRound:
    """Open round number ``sequence`` (1, 2, ...) of the league, once.

    The key is (league, sequence): the operator says which round it means, so a retry after a
    crash cannot open a second round by accident. The chain check finds a RoundOpened event of
    this league opened at or after the block recorded with the intent.
    """
    taken = repo.round_ids(db, adapter.chain_id)

    def save(info: RoundInfo, round_id: int) -> None:
        repo.save_round(
            db,
            adapter.chain_id,
            round_id,
            league_id,
            seed_block=info.seed_block,
            submit_deadline=info.submit_deadline,
            challenge_deadline=info.challenge_deadline,
            seed=info.seed if info.seed_fixed else None,
        )

    def opened(event: ChainEvent) -> int | None:
        if event.name != "RoundOpened" or int(event.args["leagueId"]) != league_id:
            return None
        round_id = int(event.args["roundId"])
        return round_id if round_id not in taken else None

    round_id = perform_seen_by_event(
        adapter,
        Outbox(db, adapter.chain_id),
        "open_round",
        [league_id, sequence],
        opened,
        lambda: adapter.open_round(league_id),
        record=lambda round_id: save(adapter.round(round_id), round_id),
    )
    info = adapter.round(round_id)
    return OpenedRound(
        round_id, league_id, info.seed_block, info.submit_deadline, info.challenge_deadline
    )


def fix_seed(db: Database, adapter: ArenaAdapter, round_id: int) -> bytes | None:
    """Fix the round's seed once its seed block exists; None while it does not yet."""
    info = adapter.round(round_id)
    if not info.seed_fixed and adapter.block_number() <= info.seed_block:
        return None
    seed_hex = perform(
        Outbox(db, adapter.chain_id),
        "fix_seed",
        [round_id],
        {},
        check=lambda: "0x" + info.seed.hex() if info.seed_fixed else None,
        send=lambda: "0x" + adapter.fix_seed(round_id).hex(),
        record=lambda seed_hex: repo.save_round(
            db, adapter.chain_id, round_id, info.league_id, seed=bytes.fromhex(seed_hex[2:])
        ),
    )
    return bytes.fromhex(seed_hex[2:])


def live_openings(adapter: ArenaAdapter, round_id: int) -> list[ClaimOpening]:
    """Every live claim of the round, from its ClaimSubmitted events, in settlement order.

    Claims follow the round's opening (its seed block is the next one), so the scan starts
    there, however long the chain, and reads batch after batch to the head."""
    opened = max(adapter.round(round_id).seed_block - 1, 0)
    openings: list[ClaimOpening] = []
    for event in all_events(adapter, EventCursor(opened, 0)):
        if event.name != "ClaimSubmitted":
            continue
        claim_id = int(event.args["claimId"])
        if claim_id >> 64 != round_id:
            continue
        agent_id = claim_id & (2**64 - 1)
        if adapter.claim_commit(claim_id_of(round_id, agent_id)) == VOIDED:
            continue
        scores = tuple(int(score) for score in event.args["scores"])
        openings.append(ClaimOpening(agent_id, bytes(event.args["claimRoot"]), scores))
    openings.sort(key=lambda opening: (-sum(opening.scores), opening.agent_id))
    return openings


def uncounted(
    adapter: ArenaAdapter, round_id: int, openings: Sequence[ClaimOpening]
) -> list[ClaimOpening]:
    """The openings whose claims no settlement batch has counted yet (neither final nor held)."""
    rest: list[ClaimOpening] = []
    for opening in openings:
        claim_id = claim_id_of(round_id, opening.agent_id)
        if adapter.claim_commit(claim_id) != RANKED and not adapter.is_held(claim_id):
            rest.append(opening)
    return rest


def count_rest(adapter: ArenaAdapter, round_id: int) -> bool:
    """Send what is left of the round's settlement in batches of settle_batch_size (each under
    128 KiB and 16,777,216 gas), continuing whatever other callers counted; an empty batch
    finishes a round whose uncounted claims were all voided."""
    matches = adapter.league(adapter.round(round_id).league_id).matches_per_round
    rest = uncounted(adapter, round_id, live_openings(adapter, round_id))
    size = settle_batch_size(matches)
    for start in range(0, len(rest), size):
        adapter.settle_round(round_id, rest[start : start + size])
    if not rest:
        adapter.settle_round(round_id, [])
    return True


def settle_round(db: Database, adapter: ArenaAdapter, round_id: int) -> list[ClaimOpening]:
    """Settle the round in batches (count_rest); returns the ranking of its live claims."""
    ranked: list[ClaimOpening] = []

    def save(_: object) -> None:
        ranked[:] = live_openings(adapter, round_id)
        info = adapter.round(round_id)
        repo.save_round(db, adapter.chain_id, round_id, info.league_id, status="settled")
        for opening in ranked:
            repo.save_claim(
                db,
                adapter.chain_id,
                round_id,
                opening.agent_id,
                opening.claim_root,
                opening.scores,
                status="settled",
            )

    perform(
        Outbox(db, adapter.chain_id),
        "settle",
        [round_id],
        {},
        check=lambda: True if adapter.round(round_id).settled else None,
        send=lambda: count_rest(adapter, round_id),
        record=save,
    )
    return ranked


def resume(db: Database, adapter: ArenaAdapter) -> list[str]:
    """Finish every unfinished league intent of this chain after a restart; returns their keys.

    Each is run again through its action, which asks the chain first: an intent whose
    transaction landed before the crash is marked done without sending anything.
    """
    finished: list[str] = []
    for intent in Outbox(db, adapter.chain_id).pending_intents():
        parts = intent.key.split(":")
        if intent.kind == "create_league":
            create_league(db, adapter, LeagueDefinition.model_validate(intent.payload["terms"]))
        elif intent.kind == "open_round":
            open_round(db, adapter, int(parts[1]), int(parts[2]))
        elif intent.kind == "fix_seed":
            fix_seed(db, adapter, int(parts[1]))
        elif intent.kind == "settle":
            settle_round(db, adapter, int(parts[1]))
        else:
            continue
        finished.append(intent.key)
    return finished
