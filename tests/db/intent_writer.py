"""Helper process for the kill -9 test: records, sends and marks intents as fast as it can.

Usage: python intent_writer.py URL CHAIN_ID. Prints the index of every intent it has marked
done, after the commit.
"""

from __future__ import annotations

import sys

from node.db import Outbox, open_database


def main() -> None:
    url, chain_id = sys.argv[1], int(sys.argv[2])
    outbox = Outbox(open_database(url), chain_id)
    index = 0
    while True:
        intent = outbox.record_intent("submit", [1, index], {"index": index})
        outbox.mark_sent(intent.key, index.to_bytes(32, "big"))
        outbox.mark_done(intent.key, {"claim_id": (1 << 64) | index})
        print(index, flush=True)
        index += 1


if __name__ == "__main__":
    main()
