"""Random operation sequences from several accounts, run on MemoryChain and on anvil: the same
outcome for every operation (success, or the same ChainError name and args) and the same
transcript (events, balances, records) at the end."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from adapters.arena_ops import ETHER, RANKED, VOIDED, ClaimOpening
from adapters.base import ArenaAdapter
from adapters.errors import ChainError
from adapters.events import EventCursor
from node.testing.chains import DeployedAnvil, MemoryTemplate
from tests.conformance.harness import (
    AGENT_CODE,
    account,
    seeded_claims,
    transcript,
)

pytestmark = pytest.mark.anvil

OPS = 14
step = st.tuples(st.integers(0, OPS - 1), st.integers(0, 3), st.integers(0, 4))


def apply(
    chain: ArenaAdapter, posted: dict[tuple[int, int], ClaimOpening], op: tuple[int, int, int]
) -> Any:
    kind, who, arg = op
    me = chain.with_signer(account(who))
    if kind == 0:
        return me.register_agent(AGENT_CODE if arg else b"junk")
    if kind == 1:
        return me.stake(1 + arg % 3, arg * ETHER // 2)
    if kind == 2:
        return me.request_unstake(1 + arg % 3, ETHER // 2)
    if kind == 3:
        return me.finalize_unstake(1 + arg % 3)
    if kind == 4:
        return me.fund_league(1 + arg // 4, ETHER)
    if kind == 5:
        return me.open_round(1 + arg % 2)
    if kind == 6:
        return chain.mine(arg)
    if kind == 7:
        return chain.increase_time(arg * 2_000)
    if kind == 8:
        return me.fix_seed(1 + arg % 3)
    if kind == 9:
        opening = ClaimOpening(1 + who, bytes([arg + 8]) * 32, (arg, -who))
        round_id = 1 + arg % 3
        claim_id = me.submit_claim(round_id, opening.agent_id, opening.claim_root, opening.scores)
        posted[(round_id, opening.agent_id)] = opening
        return claim_id
    if kind == 10:
        round_id = 1 if arg < 3 else 2
        bond = ETHER if arg == 4 else ETHER // 5
        return me.challenge((round_id << 64) | (1 + who % 2), arg % 2, bond)
    if kind == 11:
        return me.timeout(1 + arg % 3)
    if kind == 12:
        return me.dismiss(1 + arg % 3)
    round_id = 1 + arg % 3
    openings = [
        o
        for (r, agent_id), o in posted.items()
        if r == round_id and chain.claim_commit((r << 64) | agent_id) not in (VOIDED, RANKED)
    ]
    return me.settle_round(round_id, openings[who % 2 :])  # a batch: any part, any order


TIME_ERRORS = frozenset(
    {
        "ChallengeWindowOpen",
        "ChallengeWindowClosed",
        "SubmissionClosed",
        "UnstakeNotReady",
        "MoveTooLate",
        "DeadlineNotPassed",
    }
)


def run(chain: ArenaAdapter, steps: list[tuple[int, int, int]]) -> list[Any]:
    """Each operation's outcome; a seed is seed-dependent (not compared), a time argument is
    taken relative to the chain's time after the preparation."""
    posted = seeded_claims(chain)
    t0 = chain.block_time()
    outcomes: list[Any] = []
    for op in steps:
        try:
            result = apply(chain, posted, op)
            outcomes.append(("ok", None if isinstance(result, bytes) else result))
        except ChainError as exc:
            args = tuple(a - t0 for a in exc.args) if exc.name in TIME_ERRORS else exc.args
            outcomes.append((exc.name, args))
    return outcomes


@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking on anvil takes minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(step, min_size=5, max_size=25))
def test_random_sequences_agree(
    nets_anvil: DeployedAnvil,
    nets_memory_template: MemoryTemplate,
    steps: list[tuple[int, int, int]],
) -> None:
    web3 = nets_anvil.chain
    try:
        memory = nets_memory_template.fresh()
        start = EventCursor(memory.block_number() + 1, 0)
        assert web3.block_number() == memory.block_number()
        on_memory, on_anvil = run(memory, steps), run(web3, steps)
        assert on_memory == on_anvil  # deadlines too: both clocks stand still (node.testing)
        assert transcript(memory, start) == transcript(web3, start)
    finally:
        nets_anvil.reset()
