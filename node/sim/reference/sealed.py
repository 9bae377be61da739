"""The ``x25519_chacha20`` privacy plugin (also ``hybrid_x25519``): sealed messages.

Wire form and key derivation: see node.sim.reference.privacy.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from node.sim.layers import PluginEnv
from node.sim.reference.privacy import PrivacyError

VERSION = b"\x01"
_NONCE = b"\x00" * 12  # every message has its own ephemeral key, so a fixed nonce is safe
_INFO = b"nets-sim/seal/1"


def _raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _aead_key(shared: bytes, eph_pub: bytes, rcpt_pub: bytes) -> bytes:
    return HKDF(SHA256(), 32, salt=eph_pub + rcpt_pub, info=_INFO).derive(shared)


class X25519ChaCha20:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self._public: dict[str, bytes] = {}

    def private_key(self, agent_id: str) -> X25519PrivateKey:
        return X25519PrivateKey.from_private_bytes(self._env.key_material("x25519", agent_id))

    def public_key(self, agent_id: str) -> bytes:
        key = self._public.get(agent_id)
        if key is None:
            key = self._public[agent_id] = _raw(self.private_key(agent_id).public_key())
        return key

    def for_agent(self, agent_id: str) -> SealBox:
        return SealBox(self, agent_id)


class SealBox:
    __slots__ = ("_agent_id", "_count", "_private", "_provider", "public_key")

    def __init__(self, provider: X25519ChaCha20, agent_id: str) -> None:
        self._provider = provider
        self._agent_id = agent_id
        self._private = provider.private_key(agent_id)
        self.public_key = provider.public_key(agent_id)
        self._count = 0

    def _aad(self, sender: str, recipient: str) -> bytes:
        return sender.encode() + b"\x00" + recipient.encode()

    def seal(self, recipient: str, plaintext: bytes) -> bytes:
        self._count += 1
        material = self._provider._env.key_material("x25519-eph", self._agent_id, str(self._count))
        eph = X25519PrivateKey.from_private_bytes(material)
        eph_pub = _raw(eph.public_key())
        rcpt_pub = self._provider.public_key(recipient)
        key = _aead_key(
            eph.exchange(X25519PublicKey.from_public_bytes(rcpt_pub)), eph_pub, rcpt_pub
        )
        body = ChaCha20Poly1305(key).encrypt(
            _NONCE, plaintext, self._aad(self._agent_id, recipient)
        )
        return VERSION + eph_pub + body

    def open(self, sender: str, ciphertext: bytes) -> bytes:
        if len(ciphertext) < 1 + 32 + 16 or ciphertext[:1] != VERSION:
            raise PrivacyError("not a sealed message")
        eph_pub = ciphertext[1:33]
        try:
            shared = self._private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
            key = _aead_key(shared, eph_pub, self.public_key)
            return ChaCha20Poly1305(key).decrypt(
                _NONCE, ciphertext[33:], self._aad(sender, self._agent_id)
            )
        except (InvalidTag, ValueError):
            raise PrivacyError("sealed message does not open") from None
