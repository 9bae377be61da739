"""nets node: match engine, roles, simulator and CLI."""

from adapters.py_ecc_import import install

install()  # before anything imports py_ecc (adapters/py_ecc_import.py)
