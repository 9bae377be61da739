"""`nets submit` checks what it is given before any chain work, and agent ids read as uint256."""

from __future__ import annotations

from tests.cli_hostile.conftest import REPO, Nets

FLOATS = str(REPO / "scenarios" / "agents" / "hostile" / "floats.wat")


def test_register_outside_the_profile_is_refused_locally(nets: Nets) -> None:
    nets("submit", "--once", "--register", FLOATS).refused(
        "--register: " + FLOATS + ": outside agent profile v1: float instruction"
    )


def test_agent_ids_are_uint256(nets: Nets) -> None:
    nets("submit", "--once", "--agent", str(2**256)).refused("is not between 0 and 2**256-1")
    nets("agent", "status", "0x10").refused("'0x10' is not a decimal integer")
    help_text = nets("submit", "--help").stdout
    assert "--agent UINT256" in help_text
    assert str(2**256 - 1) not in help_text.replace("\n", "").replace(" ", "")
