"""did_key identity: a real Ed25519 key pair per agent, named by its did:key.

Keys are derived from the scenario seed and the agent id, so runs stay byte-identical; the
did:key (multicodec 0xed01 + raw public key, base58btc) carries the public key, so verifying a
signature needs no directory. Keys are generated the first time an agent uses the layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from node.sim.layers import PluginEnv

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

# cryptography is imported by the methods that use it: a run whose agents never touch the
# identity layer (most tasks) does not load it.

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
_ED25519_CODEC = b"\xed\x01"
DID_PREFIX = "did:key:z"


def b58encode(data: bytes) -> str:
    num = int.from_bytes(data, "big")
    out = []
    while num:
        num, rem = divmod(num, 58)
        out.append(_ALPHABET[rem])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    num = 0
    for ch in text:
        digit = _INDEX.get(ch)
        if digit is None:
            raise ValueError(f"not base58: {ch!r}")
        num = num * 58 + digit
    pad = len(text) - len(text.lstrip("1"))
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    return b"\0" * pad + body


def did_from_public(raw: bytes) -> str:
    return DID_PREFIX + b58encode(_ED25519_CODEC + raw)


def public_from_did(did: str) -> bytes:
    """Raw Ed25519 public key of a did:key; ValueError for anything else."""
    if not did.startswith(DID_PREFIX) or len(did) > 80:
        raise ValueError("not an Ed25519 did:key")
    raw = b58decode(did[len(DID_PREFIX) :])
    if len(raw) != 34 or raw[:2] != _ED25519_CODEC:
        raise ValueError("not an Ed25519 did:key")
    return raw[2:]


class DidKeyProvider:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env
        self._keys: dict[str, Ed25519PublicKey] = {}

    def for_agent(self, agent_id: str) -> DidKeyIdentity:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        private = Ed25519PrivateKey.from_private_bytes(self._env.key_material("ed25519", agent_id))
        raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        did = did_from_public(raw)
        self._env.emit(agent_id, "keygen", {"did": did})
        return DidKeyIdentity(self, private, did)

    def public_key(self, did: str) -> Ed25519PublicKey:
        key = self._keys.get(did)
        if key is None:
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

            key = self._keys[did] = Ed25519PublicKey.from_public_bytes(public_from_did(did))
        return key


class DidKeyIdentity:
    __slots__ = ("_private", "_provider", "did")

    def __init__(self, provider: DidKeyProvider, private: Ed25519PrivateKey, did: str) -> None:
        self._provider = provider
        self._private = private
        self.did = did

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)

    def verify(self, did: str, data: bytes, signature: bytes) -> bool:
        from cryptography.exceptions import InvalidSignature

        try:
            self._provider.public_key(did).verify(signature, data)
        except (InvalidSignature, ValueError):
            return False
        return True
