"""Self-contained HTML reports of simulator traces (`nets report`)."""

from node.sim.report.data import ReportData, collect
from node.sim.report.html import SECTIONS, render

__all__ = ["SECTIONS", "ReportData", "collect", "render"]
