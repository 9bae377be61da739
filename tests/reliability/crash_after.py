"""Helper process: `nets ARGS` whose chain adapter dies by SIGKILL right after one kind of
transaction returns, before the node records it (the worst moment for the outbox).

Usage: python crash_after.py METHOD NETS-ARGS... (METHOD: an ArenaAdapter operation, e.g.
register_agent; patched on MemoryChain and Web3Chain alike).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from adapters.memory import MemoryChain
from adapters.web3chain import Web3Chain
from node.cli import main


def crash_after(cls: type, method: str) -> None:
    original = getattr(cls, method)

    def sent_then_killed(self: Any, *args: Any, **kwargs: Any) -> Any:
        original(self, *args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)

    setattr(cls, method, sent_then_killed)


if __name__ == "__main__":
    for chain_class in (MemoryChain, Web3Chain):
        crash_after(chain_class, sys.argv[1])
    main(sys.argv[2:], prog_name="nets")
