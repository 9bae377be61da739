"""MemoryChain: the embedded chain adapter (a pure-Python Arena with the contract's semantics)."""

from adapters.memory.chain import MemoryChain, World, connect, live_world, new_world

__all__ = ["MemoryChain", "World", "connect", "live_world", "new_world"]
