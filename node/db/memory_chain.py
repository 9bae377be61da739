"""`--chain memory:db`: the embedded MemoryChain kept in the node's own database, so a
memory-chain league and the node's records of it live (and are backed up) together."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.memory import MemoryChain, new_world
from adapters.memory.persist import from_text, to_text
from adapters.select import MEMORY_IN_DB, OpenedChain, signer_for
from node.db import repo
from node.db.engine import Database

if TYPE_CHECKING:
    from adapters.keys import Signer


def open_memory_chain(db: Database, signer: Signer | None = None) -> OpenedChain:
    """The MemoryChain stored in ``db`` (a new one before the first save), written back to
    ``db`` when the returned chain closes. A stored state that does not load is
    MemoryFileError, an AdapterError."""
    text = repo.load_memory_chain(db)
    world = (
        new_world()
        if text is None
        else from_text(text, "the memory chain stored in the database does not load")
    )
    return OpenedChain(
        MemoryChain(world, signer=signer_for(signer, world.ledger.chain_id)),
        MEMORY_IN_DB,
        save=lambda: repo.save_memory_chain(db, to_text(world)),
    )
