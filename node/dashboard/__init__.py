"""`nets dashboard`: a read-only local web dashboard over the node's database, the chain and a
folder of traces (leagues, rounds, disputes, match replays, simulator runs), live over
Server-Sent Events. docs/dashboard.md describes it."""

from node.dashboard.app import Settings, create_app
from node.dashboard.pages import Source

__all__ = ["Settings", "Source", "create_app"]
