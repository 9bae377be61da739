"""Chain adapters: the ChainAdapter interface and its implementations."""

from adapters.py_ecc_import import install

install()  # before anything imports py_ecc
