"""Built-in task types; importing this package registers them."""

from node.sim.tasks import gossip, pingpong
from node.sim.tasks import scenario_suite as scenario_suite

__all__ = ["gossip", "pingpong"]
