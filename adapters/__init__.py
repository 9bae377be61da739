"""Chain adapters: the ChainAdapter interface and its implementations."""

from adapters.recursion_guard import install

install()  # before anything imports py_ecc
