"""Pieces several layer plugins share: input checks and the per-agent views over a run-wide object.

Each module serves one layer; a plugin keeps its own class names by subclassing the shared view.
"""
