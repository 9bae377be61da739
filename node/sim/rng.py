"""Seed derivation and the small per-agent PRNG.

Every random stream of a run is derived from the scenario seed by name, so adding an agent or a
plugin never shifts another stream. Per-agent generators are SplitMix64 (8 bytes of state) rather
than `random.Random` (2.5 KB of Mersenne state): at 100k agents that is the difference between
a few MB and a quarter GB.
"""

from __future__ import annotations

import hashlib
from collections.abc import MutableSequence, Sequence
from typing import TypeVar

T = TypeVar("T")

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
DOMAIN = b"nets-sim/1"


def derive_bytes(seed: int, *parts: str) -> bytes:
    """32 bytes of key material: sha256("nets-sim/1" | seed | part | part ...)."""
    text = "|".join((str(seed), *parts)).encode()
    return hashlib.sha256(DOMAIN + b"|" + text).digest()


def derive_seed(seed: int, *parts: str) -> int:
    """A 64-bit seed for the stream named by ``parts`` (first 8 bytes of derive_bytes)."""
    return int.from_bytes(derive_bytes(seed, *parts)[:8], "big")


class SplitMix64:
    """SplitMix64 (Steele, Lea, Flood 2014) with the `random.Random` methods agents use."""

    __slots__ = ("_state",)

    def __init__(self, seed: int) -> None:
        self._state = seed & _MASK

    def next64(self) -> int:
        """The next 64-bit output."""
        s = (self._state + _GOLDEN) & _MASK
        self._state = s
        z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def random(self) -> float:
        """Uniform float in [0, 1) with 53 random bits."""
        return (self.next64() >> 11) * (1.0 / 9007199254740992.0)

    def getrandbits(self, k: int) -> int:
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        out, have = 0, 0
        while have < k:
            out = (out << 64) | self.next64()
            have += 64
        return out >> (have - k)

    def randbelow(self, n: int) -> int:
        """Unbiased integer in [0, n): Lemire's multiply-shift with rejection (n < 2**64)."""
        if n <= 0:
            raise ValueError("randbelow needs n > 0")
        if n > _MASK:
            bits = n.bit_length()
            while True:
                x = self.getrandbits(bits)
                if x < n:
                    return x
        s = (self._state + _GOLDEN) & _MASK
        self._state = s
        z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        m = (z ^ (z >> 31)) * n
        if (m & _MASK) < n:
            threshold = (_MASK + 1 - n) % n
            while (m & _MASK) < threshold:
                m = self.next64() * n
        return m >> 64

    def randrange(self, start: int, stop: int | None = None) -> int:
        if stop is None:
            start, stop = 0, start
        return start + self.randbelow(stop - start)

    def randint(self, a: int, b: int) -> int:
        """Integer in [a, b], both ends included."""
        return a + self.randbelow(b - a + 1)

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.random()

    def choice(self, seq: Sequence[T]) -> T:
        if not seq:
            raise IndexError("cannot choose from an empty sequence")
        return seq[self.randbelow(len(seq))]

    def shuffle(self, items: MutableSequence[T]) -> None:
        """Fisher-Yates in place."""
        for i in range(len(items) - 1, 0, -1):
            j = self.randbelow(i + 1)
            items[i], items[j] = items[j], items[i]

    def sample(self, population: Sequence[T], k: int) -> list[T]:
        """k distinct elements; O(k) when k is small against the population."""
        n = len(population)
        if not 0 <= k <= n:
            raise ValueError("sample larger than population or negative")
        if k * 4 <= n:
            seen: set[int] = set()
            out: list[T] = []
            while len(out) < k:
                i = self.randbelow(n)
                if i not in seen:
                    seen.add(i)
                    out.append(population[i])
            return out
        pool = list(population)
        for i in range(k):
            j = i + self.randbelow(n - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]

    def randbytes(self, n: int) -> bytes:
        return self.getrandbits(n * 8).to_bytes(n, "big") if n else b""
