"""Test support for users of nets: the pytest plugin ``nets`` (``pytest_plugin.py``, found
through the ``pytest11`` entry point) and what its fixtures hand out: chains with the Arena
deployed and the same clock on every adapter (``chains.py``), leagues, agents and rounds played
by the node's own roles (``players.py``). docs/TESTING.md shows a whole test file.

Nothing is imported here: pytest loads the plugin in every run of an environment that has
nets installed, so the plugin module must stay cheap to import.
"""
