"""Helper process: `nets league create demo` on `memory:db`, killed by SIGKILL at POINT inside
the one database transaction that holds the chain's action and the node's records of it.

Usage: python crash_inside.py POINT DB_URL [CHAIN] (POINT: one of POINTS; "none" runs to the
end). CHAIN `memory:FILE` instead: a chain that commits on its own, before the node's records
(the done mark and the league row, which still commit together: Database.records).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from adapters.memory import MemoryChain
from adapters.select import open_chain
from node.db import open_database, repo
from node.db.memory_chain import DatabaseStore, open_memory_chain
from node.db.outbox import Outbox
from node.league import actions, resolve_league

POINTS = {
    "locked": (DatabaseStore, "begin", "after"),  # the write lock taken, the chain caught up
    "read": (Outbox, "get", "after"),  # the intent read again under the lock
    "sent": (MemoryChain, "create_league", "after"),  # the chain executed it (in memory)
    "marked": (Outbox, "mark_done", "after"),  # the intent marked done (uncommitted)
    "recorded": (repo, "save_league", "after"),  # the league row written (uncommitted)
    "journaled": (DatabaseStore, "_commit", "before"),  # the journal row added, before COMMIT
    "committed": (DatabaseStore, "_commit", "after"),  # after COMMIT, before the caller sees it
}


def killed(original: Callable[..., Any], when: str) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
        return result

    return wrapper


if __name__ == "__main__":
    point, url = sys.argv[1], sys.argv[2]
    if point != "none":
        owner, name, when = POINTS[point]
        setattr(owner, name, killed(getattr(owner, name), when))
    db = open_database(url)
    chain = sys.argv[3] if len(sys.argv) > 3 else "memory:db"
    with open_memory_chain(db) if chain == "memory:db" else open_chain(chain) as opened:
        print(actions.create_league(db, opened.adapter, resolve_league("demo")))
    db.close()
