"""The scenario suite's task types (marketplace, auction, voting, ...); importing registers them."""

from node.sim.tasks import auction, consensus, marketplace, reputation, supply_chain, voting

__all__ = ["auction", "consensus", "marketplace", "reputation", "supply_chain", "voting"]
