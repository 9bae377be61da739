"""Keys: keystore, environment, anvil defaults; key material never shows up in messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eth_account import Account
from hypothesis import given
from hypothesis import strategies as st

from adapters.anvil import DEFAULT_KEYS
from adapters.keys import (
    KEYSTORE_PASSWORD_ENV,
    PRIVATE_KEY_ENV,
    KeyLoadError,
    anvil_account,
    from_private_key,
    parse_key,
    resolve_signer,
)

KEY = "0x" + "11" * 32
ADDRESS = Account.from_key(KEY).address


def write_keystore(path: Path, password: str) -> Path:
    path.write_text(
        json.dumps(Account.encrypt(bytes.fromhex(KEY[2:]), password, kdf="pbkdf2", iterations=2))
    )
    return path


def test_keystore_with_password_from_env(tmp_path: Path) -> None:
    keystore = write_keystore(tmp_path / "key.json", "pw")
    signer = resolve_signer(keystore=keystore, env={KEYSTORE_PASSWORD_ENV: "pw"})
    assert signer.address == ADDRESS
    assert KEYSTORE_PASSWORD_ENV == "NETS_KEY_PASSWORD"


def test_keystore_password_prompt_and_wrong_password(tmp_path: Path) -> None:
    keystore = write_keystore(tmp_path / "key.json", "pw")
    asked: list[str] = []
    signer = resolve_signer(keystore=keystore, env={}, prompt=lambda t: asked.append(t) or "pw")
    assert signer.address == ADDRESS
    assert asked == ["password for key.json: "]
    with pytest.raises(KeyLoadError, match="wrong password"):
        resolve_signer(keystore=keystore, env={KEYSTORE_PASSWORD_ENV: "bad"})


def test_unreadable_keystores_give_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(KeyLoadError, match="No such file"):
        resolve_signer(keystore=tmp_path / "missing.json", env={})
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(KeyLoadError, match="not JSON"):
        resolve_signer(keystore=tmp_path / "junk.json", env={KEYSTORE_PASSWORD_ENV: "x"})
    (tmp_path / "empty.json").write_text("{}")
    with pytest.raises(KeyLoadError):
        resolve_signer(keystore=tmp_path / "empty.json", env={KEYSTORE_PASSWORD_ENV: "x"})


def test_private_key_from_env_and_anvil_default_only_on_anvil() -> None:
    assert resolve_signer(env={PRIVATE_KEY_ENV: KEY}).address == ADDRESS
    assert (
        resolve_signer(env={}, chain_id=31337).address == Account.from_key(DEFAULT_KEYS[0]).address
    )
    assert resolve_signer(env={}, chain_id=31337, anvil_index=3).address == anvil_account(3).address
    with pytest.raises(KeyLoadError, match="no signing key"):
        resolve_signer(env={}, chain_id=1)


def test_key_material_never_in_messages_or_repr() -> None:
    bad = "0x" + "zz" * 32
    with pytest.raises(KeyLoadError) as caught:
        from_private_key(bad)
    assert "zz" not in str(caught.value)
    signer = from_private_key(KEY)
    assert KEY[2:] not in repr(signer)
    assert ADDRESS in repr(signer)
    with pytest.raises(KeyLoadError):
        anvil_account(10)


def eth_account_address(key: str | bytes) -> str | None:
    """The address eth-account derives for ``key``, None where it refuses the key."""
    try:
        return Account.from_key(key.strip() if isinstance(key, str) else key).address
    except (ValueError, TypeError):
        return None


def our_address(key: str | bytes) -> str | None:
    try:
        return parse_key(key).public_key.to_checksum_address()
    except (ValueError, TypeError):
        return None


HEX = "0123456789abcdefABCDEF"
keys = st.one_of(
    st.text(HEX, min_size=62, max_size=66).map(lambda h: "0x" + h),  # near 32 bytes
    st.text(HEX, min_size=62, max_size=66),
    st.sampled_from(["0x" + "00" * 32, "0x" + "ff" * 32, "0X" + "11" * 32, " 0x" + "22" * 32]),
    st.text(max_size=70),
    st.binary(min_size=30, max_size=34),
)


@given(keys)
def test_keys_parse_as_eth_account_parses_them(key: str | bytes) -> None:
    """The signer derives its address without importing eth-account (start-up time): for any
    input, the same address as eth-account's, or a refusal where it refuses."""
    assert our_address(key) == eth_account_address(key)


def test_a_signature_is_eth_accounts() -> None:
    signer = from_private_key(KEY)
    tx = {"to": ADDRESS, "value": 1, "gas": 21000, "gasPrice": 1, "nonce": 0, "chainId": 31337}
    signed = Account.sign_transaction(tx, KEY)
    assert signer.sign_transaction(tx) == (bytes(signed.raw_transaction), bytes(signed.hash))
    assert signer.address == ADDRESS
