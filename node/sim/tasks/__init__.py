"""Built-in task types; importing this package registers them."""

from node.sim.tasks import gossip, pingpong

__all__ = ["gossip", "pingpong"]
