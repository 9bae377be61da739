"""The adversarial matrix on every adapter the run names (the memory chain and the session's
anvil, reverted after each case): every case."""

from __future__ import annotations

import pytest

from node.testing.chains import NetsChain
from tests.roles.matrix import CASES, Case, check_case, play_case


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_matrix(nets_chain: NetsChain, case: Case) -> None:
    adapter = nets_chain.adapter
    check_case(adapter, case, play_case(adapter, case, nets_chain.kind))
