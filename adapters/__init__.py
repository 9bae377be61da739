"""Chain adapters: the ChainAdapter interface and its implementations."""
