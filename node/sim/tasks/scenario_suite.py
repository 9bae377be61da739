"""The scenario suite's task types (marketplace, auction, voting, ...); importing registers them."""

from node.sim.tasks import (
    auction,
    consensus,
    llm_marketplace,
    marketplace,
    private_commerce,
    reputation,
    supply_chain,
    voting,
)

__all__ = [
    "auction",
    "consensus",
    "llm_marketplace",
    "marketplace",
    "private_commerce",
    "reputation",
    "supply_chain",
    "voting",
]
