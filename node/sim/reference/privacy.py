"""Privacy plugins: ``noop`` (passthrough) here; ``x25519_chacha20`` (sealed messages) in
node.sim.reference.sealed, so a run with ``noop`` does not load cryptography.

x25519_chacha20 seals to the recipient's X25519 key: a fresh ephemeral key per message,
HKDF-SHA256 over the shared secret, ChaCha20-Poly1305 with sender and recipient ids as
associated data. Wire form: 0x01 || ephemeral public key (32) || ciphertext+tag. Any change to
the bytes, or opening as the wrong recipient, fails the tag. Keys derive from the scenario
seed, so sealed traces stay byte-identical; the provider plays the key directory.
"""

from __future__ import annotations

from node.sim.layers import LayerError, PluginEnv


class PrivacyError(LayerError):
    """A ciphertext that does not open: tampered, truncated, or not for this agent."""


class NoopPrivacy:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env

    def for_agent(self, agent_id: str) -> NoopSeal:
        return _NOOP


class NoopSeal:
    __slots__ = ()
    public_key = b""

    def seal(self, recipient: str, plaintext: bytes) -> bytes:
        return plaintext

    def open(self, sender: str, ciphertext: bytes) -> bytes:
        return ciphertext


_NOOP = NoopSeal()
