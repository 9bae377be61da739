"""The adversarial matrix on the memory chain and on a real anvil devnet: every case."""

from __future__ import annotations

import pytest

from adapters.memory import MemoryChain
from adapters.select import open_chain
from tests.roles.matrix import CASES, Case, check_case, play_case


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_matrix_memory(case: Case) -> None:
    chain = MemoryChain()
    check_case(chain, case, play_case(chain, case))


@pytest.mark.anvil
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_matrix_anvil(case: Case) -> None:
    with open_chain("anvil") as opened:
        check_case(opened.adapter, case, play_case(opened.adapter, case, "anvil"))
