"""Leagues and rounds: createLeague, fundLeague, openRound, fixSeed."""

from __future__ import annotations

from adapters.arena_ops import LeagueConfig, check_uint
from adapters.errors import ChainError
from adapters.memory.contracts import Contracts
from adapters.memory.ledger import Ledger, Tx, revert
from adapters.memory.state import ArenaState, League, Round
from node.trace import keccak256

MAX_MATCHES_PER_ROUND = 1_024
MAX_FUEL_PER_DECISION = 20_000
MAX_REWARD_RANKS = 64
SEED_DELAY_BLOCKS = 1
STALL_PERIOD = 7 * 86_400
"""Arena.STALL_PERIOD: this long past a league's latest challenge deadline anyone may open."""


def league_of(state: ArenaState, league_id: int) -> League:
    league = state.leagues.get(league_id)
    if league is None:
        raise revert("UnknownLeague", league_id)
    return league


def round_of(state: ArenaState, round_id: int) -> Round:
    found = state.rounds.get(round_id)
    if found is None:
        raise revert("UnknownRound", round_id)
    return found


def _check_config(c: LeagueConfig, code: Contracts) -> None:
    """Arena._checkConfig, in its order."""

    def invalid(field: str) -> ChainError:
        return revert("InvalidLeagueConfig", field)

    if not code.has_code(c.system):
        raise invalid("system")
    if c.matches_per_round == 0 or c.matches_per_round > MAX_MATCHES_PER_ROUND:
        raise invalid("matchesPerRound")
    if c.fuel_per_decision == 0 or c.fuel_per_decision > MAX_FUEL_PER_DECISION:
        raise invalid("fuelPerDecision")
    if c.reward_multiplier == 0:
        raise invalid("rewardMultiplier")
    if c.challenger_bond == 0:
        raise invalid("challengerBond")
    if c.slash_amount > c.min_stake:  # each claim locks minStake: at least its whole slash
        raise invalid("slashAmount")
    if len(c.reward_schedule) > MAX_REWARD_RANKS:
        raise invalid("rewardSchedule")
    if c.submission_window == 0:
        raise invalid("submissionWindow")
    if c.challenge_window == 0:
        raise invalid("challengeWindow")
    if c.move_window == 0:
        raise invalid("moveWindow")
    system = code.system(c.system)
    if system is None:
        raise invalid("systemParams")
    try:
        system.initial_state(bytes(32), bytes(c.system_params))
    except ChainError:
        raise invalid("systemParams") from None


def create_league(
    state: ArenaState, tx: Tx, arena: str, code: Contracts, config: LeagueConfig
) -> int:
    config.check_types()
    _check_config(config, code)
    state.league_count += 1
    league_id = state.league_count
    state.leagues[league_id] = League(config, tx.sender, tx.value, tx.timestamp)
    tx.emit(
        arena,
        "LeagueCreated",
        {
            "leagueId": league_id,
            "creator": tx.sender,
            "system": config.system,
            "rewardPool": tx.value,
        },
    )
    return league_id


def fund_league(state: ArenaState, tx: Tx, arena: str, league_id: int) -> None:
    check_uint(league_id, 256, "leagueId")
    league = league_of(state, league_id)
    if tx.value == 0:
        raise revert("ZeroAmount")
    league.reward_pool += tx.value
    tx.emit(
        arena,
        "LeagueFunded",
        {
            "leagueId": league_id,
            "funder": tx.sender,
            "amount": tx.value,
            "rewardPool": league.reward_pool,
        },
    )


def open_round(state: ArenaState, tx: Tx, arena: str, league_id: int) -> int:
    check_uint(league_id, 256, "leagueId")
    league = league_of(state, league_id)
    if tx.sender != league.creator and tx.timestamp <= league.last_deadline + STALL_PERIOD:
        raise revert("NotLeagueCreator", league_id, tx.sender)
    state.round_count += 1
    round_id = state.round_count
    seed_block = tx.block_number + SEED_DELAY_BLOCKS
    submit_deadline = tx.timestamp + league.config.submission_window
    challenge_deadline = submit_deadline + league.config.challenge_window
    state.rounds[round_id] = Round(league_id, seed_block, submit_deadline, challenge_deadline)
    league.last_deadline = challenge_deadline
    tx.emit(
        arena,
        "RoundOpened",
        {
            "roundId": round_id,
            "leagueId": league_id,
            "seedBlock": seed_block,
            "submitDeadline": submit_deadline,
            "challengeDeadline": challenge_deadline,
        },
    )
    return round_id


def fix_seed(state: ArenaState, tx: Tx, arena: str, ledger: Ledger, round_id: int) -> bytes:
    check_uint(round_id, 256, "roundId")
    r = round_of(state, round_id)
    if r.seed_fixed:
        raise revert("SeedAlreadyFixed", round_id)
    if tx.block_number <= r.seed_block:
        raise revert("SeedNotReady", r.seed_block)
    block = ledger.blockhash(r.seed_block, tx.block_number)
    if block == bytes(32):
        raise revert("SeedExpired", r.seed_block)
    seed = keccak256(block + round_id.to_bytes(32, "big"))
    r.seed = seed
    r.seed_fixed = True
    tx.emit(arena, "SeedFixed", {"roundId": round_id, "seed": seed})
    return seed
