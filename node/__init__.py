"""nets node: match engine, roles, simulator and CLI."""

from adapters.recursion_guard import install

install()  # before anything imports py_ecc (adapters/recursion_guard.py)
