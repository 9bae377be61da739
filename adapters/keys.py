"""Local signing keys: a keystore file, $NETS_PRIVATE_KEY, or anvil's default accounts.

Keys never leave this process: transactions are signed locally with eth-account and only the
signed bytes go to the endpoint. No message, repr or log line ever contains key material.

A key is parsed and its address derived with eth-keys, the key library eth-account itself
uses, and eth-account is imported at the first signature: its import costs about 0.3 CPU-s
of start-up (0.5 before adapters/py_ecc_import.py deferred py_ecc's pairing tables), which a
node on the memory chain, whose transactions are never serialised, does not need.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eth_keys.datatypes import PrivateKey
from eth_utils.exceptions import ValidationError
from hexbytes import HexBytes

from adapters.anvil import DEFAULT_KEYS
from adapters.errors import AdapterError

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

PRIVATE_KEY_ENV = "NETS_PRIVATE_KEY"
KEYSTORE_ENV = "NETS_KEYSTORE"
KEYSTORE_PASSWORD_ENV = "NETS_KEY_PASSWORD"
ANVIL_CHAIN_ID = 31337


class KeyLoadError(AdapterError):
    """A key could not be loaded; the message names the source, never the key."""


@dataclass(frozen=True)
class Signer:
    """An address with its local signing key; prints as the address only."""

    key: PrivateKey = field(repr=False)
    source: str
    address: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "address", self.key.public_key.to_checksum_address())

    @functools.cached_property
    def account(self) -> LocalAccount:
        from eth_account import Account

        return Account.from_key(self.key)

    def sign_transaction(self, tx: dict[str, Any]) -> tuple[bytes, bytes]:
        """(raw signed bytes, transaction hash)."""
        signed = self.account.sign_transaction(tx)
        return bytes(signed.raw_transaction), bytes(signed.hash)

    def __repr__(self) -> str:
        return f"Signer(address={self.address}, source={self.source})"


def parse_key(key: str | bytes) -> PrivateKey:
    """What eth-account's ``Account.from_key`` accepts (hex with or without 0x, or 32 bytes),
    parsed as it parses it; ValueError otherwise."""
    try:
        return PrivateKey(HexBytes(key.strip() if isinstance(key, str) else key))
    except ValidationError as exc:
        raise ValueError(str(exc)) from None


def from_private_key(key: str, *, source: str = "private key") -> Signer:
    try:
        return Signer(parse_key(key), source)
    except (ValueError, TypeError):
        raise KeyLoadError(f"{source}: not a valid 32-byte hex private key") from None


def from_keystore(
    path: Path,
    password: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    prompt: Callable[[str], str] | None = None,
) -> Signer:
    """Decrypt a V3 keystore; the password is given, else $NETS_KEY_PASSWORD, else asked on a
    terminal (``prompt``); with no terminal to ask, KeyLoadError saying where to put it."""
    env = os.environ if env is None else env
    try:
        keyfile = json.loads(path.read_text())
    except OSError as exc:
        raise KeyLoadError(f"keystore {path}: {exc.strerror or exc}") from None
    except ValueError:
        raise KeyLoadError(f"keystore {path}: not JSON") from None
    if password is None:
        password = env.get(KEYSTORE_PASSWORD_ENV)
    if password is None:
        if prompt is None and not sys.stdin.isatty():
            raise KeyLoadError(
                f"keystore {path}: no password (give --password-file or set "
                f"${KEYSTORE_PASSWORD_ENV}; a prompt needs a terminal)"
            )
        ask = prompt or (lambda text: getpass.getpass(text))
        password = ask(f"password for {path.name}: ")
    from eth_account import Account

    try:
        key = Account.decrypt(keyfile, password)
    except ValueError:
        raise KeyLoadError(f"keystore {path}: wrong password or corrupt keyfile") from None
    except (KeyError, TypeError):
        raise KeyLoadError(f"keystore {path}: not a V3 keystore") from None
    return Signer(parse_key(key), f"keystore {path.name}")


def password_from_file(path: Path) -> str:
    """A keystore password kept in a file: its first line, without the line break."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise KeyLoadError(f"password file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise KeyLoadError(f"password file {path}: not text") from None
    return text.splitlines()[0] if text else ""


@functools.cache
def anvil_account(index: int = 0) -> Signer:
    """One of anvil's public default accounts (devnet only); derived once per process (a key
    derivation costs milliseconds, and tests and roles ask for the same ten again and again)."""
    if not 0 <= index < len(DEFAULT_KEYS):
        raise KeyLoadError(f"anvil account index {index} outside 0..{len(DEFAULT_KEYS) - 1}")
    return Signer(parse_key(DEFAULT_KEYS[index]), f"anvil account {index}")


def resolve_signer(
    *,
    keystore: Path | None = None,
    password: str | None = None,
    chain_id: int | None = None,
    anvil_index: int = 0,
    env: Mapping[str, str] | None = None,
    prompt: Callable[[str], str] | None = None,
) -> Signer:
    """The node's key: keystore (option or $NETS_KEYSTORE), else $NETS_PRIVATE_KEY, else an
    anvil default account when ``chain_id`` is anvil's; anywhere else no key is an error."""
    env = os.environ if env is None else env
    keystore = keystore or (Path(env[KEYSTORE_ENV]) if env.get(KEYSTORE_ENV) else None)
    if keystore is not None:
        return from_keystore(keystore, password, env=env, prompt=prompt)
    if env.get(PRIVATE_KEY_ENV):
        return from_private_key(env[PRIVATE_KEY_ENV], source=f"${PRIVATE_KEY_ENV}")
    if chain_id == ANVIL_CHAIN_ID:
        return anvil_account(anvil_index)
    raise KeyLoadError(
        f"no signing key: pass a keystore, set ${KEYSTORE_ENV} or ${PRIVATE_KEY_ENV}"
        + (f" (chain {chain_id} is not anvil)" if chain_id is not None else "")
    )
