"""Deterministic match systems (snake, rps, connect4, predict), byte-identical to contracts/src/systems."""
