"""What a round's matches depend on, read from the chain (league terms and round seed)."""

from __future__ import annotations

from adapters.base import ArenaAdapter
from node.league.rounds import RoundSpec
from node.systems.base import System, load_system


class UnknownSystem(LookupError):
    """The league's system contract is not one this node knows."""


def system_name(adapter: ArenaAdapter, address: str) -> str:
    for name, deployed in adapter.addresses.systems.items():
        if deployed.lower() == address.lower():
            return name
    raise UnknownSystem(f"no known system at {address}")


def round_spec(adapter: ArenaAdapter, round_id: int) -> RoundSpec:
    """The spec every match of ``round_id`` shares (the seed must be fixed)."""
    info = adapter.round(round_id)
    league = adapter.league(info.league_id)
    return RoundSpec(
        system=system_name(adapter, league.system),
        params=league.system_params,
        fuel=league.fuel_per_decision,
        matches_per_round=league.matches_per_round,
        round_seed=info.seed,
    )


def spec_system(spec: RoundSpec) -> System:
    return load_system(spec.system)
