"""eth_account identity: a real secp256k1 key per agent, named by its Ethereum address.

Keys are derived from the scenario seed and the agent id (so runs stay byte-identical);
signatures are EIP-191 personal messages made and checked with eth-account, so anything
that recovers Ethereum signatures (a contract's ecrecover included) can check them. The
identifier ``did:pkh:eip155:1:<checksummed address>`` carries the address, so verifying
needs no directory.
"""

from __future__ import annotations

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from eth_utils.address import is_checksum_address

from node.sim.layers import PluginEnv
from node.trace import keccak256

DID_PREFIX = "did:pkh:eip155:1:"
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def private_key(material: bytes) -> bytes:
    """A valid secp256k1 secret from 32 seed bytes (rehashing the ~2^-128 misses)."""
    while not 0 < int.from_bytes(material, "big") < SECP256K1_N:
        material = keccak256(material)
    return material


def address_of(did: str) -> str | None:
    """The address a did:pkh names, or None for anything else."""
    if not isinstance(did, str) or not did.startswith(DID_PREFIX) or len(did) != 59:
        return None
    address = did[len(DID_PREFIX) :]
    return address if is_checksum_address(address) else None


class EthAccountProvider:
    def __init__(self, env: PluginEnv) -> None:
        self._env = env

    def for_agent(self, agent_id: str) -> EthIdentity:
        account: LocalAccount = Account.from_key(
            private_key(self._env.key_material("secp256k1", agent_id))
        )
        did = DID_PREFIX + account.address
        self._env.emit(agent_id, "keygen", {"did": did})
        return EthIdentity(account, did)


def recover(data: bytes, signature: bytes) -> str | None:
    """The address that signed ``data`` (EIP-191), or None for a malformed signature."""
    try:
        return Account.recover_message(encode_defunct(primitive=bytes(data)), signature=signature)
    except Exception:  # eth-keys/eth-account raise several unrelated types for bad input
        return None


class EthIdentity:
    __slots__ = ("_account", "did")

    def __init__(self, account: LocalAccount, did: str) -> None:
        self._account = account
        self.did = did

    @property
    def address(self) -> str:
        return self._account.address

    def sign(self, data: bytes) -> bytes:
        return bytes(self._account.sign_message(encode_defunct(primitive=bytes(data))).signature)

    def verify(self, did: str, data: bytes, signature: bytes) -> bool:
        address = address_of(did)
        if address is None or not isinstance(signature, bytes | bytearray) or len(signature) != 65:
            return False
        return recover(data, bytes(signature)) == address
