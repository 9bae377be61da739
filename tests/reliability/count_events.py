"""Helper process: print {event name: count} of every event on a chain (CHAIN DB)."""

from __future__ import annotations

import json
import sys
from collections import Counter

from adapters.events import all_events
from adapters.select import MEMORY_IN_DB, open_chain
from node.db import open_database
from node.db.memory_chain import open_memory_chain


def main(chain: str, db: str) -> None:
    opened = open_memory_chain(open_database(db)) if chain == MEMORY_IN_DB else open_chain(chain)
    print(json.dumps(Counter(event.name for event in all_events(opened.adapter))))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
