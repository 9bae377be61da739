"""League terms, funding, rounds and the round seed on both adapters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from adapters.arena_ops import ETHER
from adapters.base import ArenaAdapter
from adapters.errors import ChainError
from tests.conformance.harness import account, league_config

BAD_TERMS: list[tuple[str, dict[str, Any]]] = [
    ("system", {"system": "0x000000000000000000000000000000000000dEaD"}),
    ("matchesPerRound", {"matches_per_round": 0}),
    ("matchesPerRound", {"matches_per_round": 1_025}),
    ("fuelPerDecision", {"fuel_per_decision": 0}),
    ("fuelPerDecision", {"fuel_per_decision": 20_001}),
    ("rewardMultiplier", {"reward_multiplier": 0}),
    ("challengerBond", {"challenger_bond": 0}),
    ("rewardSchedule", {"reward_schedule": (1,) * 65}),
    ("submissionWindow", {"submission_window": 0}),
    ("challengeWindow", {"challenge_window": 0}),
    ("moveWindow", {"move_window": 0}),
    ("systemParams", {"system_params": b"\x01"}),
]


def test_league_terms_are_checked(chain: ArenaAdapter, record: Callable[[], Any]) -> None:
    for field, change in BAD_TERMS:
        with pytest.raises(ChainError) as caught:
            chain.create_league(league_config(chain, **change))
        assert caught.value == ChainError("InvalidLeagueConfig", (field,)), field
    # An address with code that is not a system: its params check fails.
    with pytest.raises(ChainError) as caught:
        chain.create_league(league_config(chain, system=chain.addresses.arena))
    assert caught.value == ChainError("InvalidLeagueConfig", ("systemParams",))
    assert chain.counts()[1] == 0
    record()


def test_leagues_funding_and_rounds(chain: ArenaAdapter, record: Callable[[], Any]) -> None:
    creator = chain.with_signer(account(0))
    funder = chain.with_signer(account(4))
    league_id = creator.create_league(league_config(chain), 5 * ETHER)
    assert league_id == 1
    league = chain.league(league_id)
    assert (league.creator, league.reward_pool, league.matches_per_round) == (
        creator.address,
        5 * ETHER,
        2,
    )
    with pytest.raises(ChainError) as caught:
        funder.fund_league(2, ETHER)
    assert caught.value == ChainError("UnknownLeague", (2,))
    with pytest.raises(ChainError) as caught:
        funder.fund_league(league_id, 0)
    assert caught.value == ChainError("ZeroAmount")
    funder.fund_league(league_id, ETHER)
    assert chain.league(league_id).reward_pool == 6 * ETHER

    with pytest.raises(ChainError) as caught:
        funder.open_round(league_id)
    assert caught.value == ChainError("NotLeagueCreator", (league_id, funder.address))
    with pytest.raises(ChainError) as caught:
        creator.open_round(9)
    assert caught.value == ChainError("UnknownLeague", (9,))
    opened_at = chain.block_number() + 1
    round_id = creator.open_round(league_id)
    info = chain.round(round_id)
    assert info.seed_block == opened_at + 1
    assert info.challenge_deadline - info.submit_deadline == 3_600

    with pytest.raises(ChainError) as caught:
        funder.fix_seed(5)
    assert caught.value == ChainError("UnknownRound", (5,))
    with pytest.raises(ChainError) as caught:
        funder.fix_seed(round_id)
    assert caught.value == ChainError("SeedNotReady", (info.seed_block,))
    chain.mine(1)
    seed = funder.fix_seed(round_id)
    assert chain.round(round_id).seed == seed
    assert chain.round(round_id).seed_fixed
    with pytest.raises(ChainError) as caught:
        funder.fix_seed(round_id)
    assert caught.value == ChainError("SeedAlreadyFixed", (round_id,))

    # A seed block older than 256 blocks has no hash left: the round can never be seeded.
    late = creator.open_round(league_id)
    chain.mine(258)
    with pytest.raises(ChainError) as caught:
        funder.fix_seed(late)
    assert caught.value == ChainError("SeedExpired", (chain.round(late).seed_block,))
    record()
