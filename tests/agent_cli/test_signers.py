"""Signers on the commands that send: --account, --key-file (keystore, password from
--password-file, $NETS_KEY_PASSWORD or nowhere) and $NETS_PRIVATE_KEY, the same on the memory
chain and on anvil; `nets agent stake` adds stake; ownership refusals name --account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from eth_account import Account

from adapters.anvil import DEFAULT_KEYS
from adapters.keys import anvil_account
from node.cli import main

GOOD = str(Path(__file__).resolve().parents[2] / "scenarios" / "agents" / "snake" / "greedy_v1.wat")
ETHER = 10**18


def run(args: list[str], env: dict[str, str | None] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, args, env={"NETS_PRIVATE_KEY": None, "NETS_KEY_PASSWORD": None, **(env or {})}
    )
    return result.exit_code, result.output


def where(tmp_path: Path) -> list[str]:
    return [
        "--chain",
        f"memory:{tmp_path / 'chain.json'}",
        "--db",
        f"sqlite:///{tmp_path / 'n.db'}",
    ]


def register(
    tmp_path: Path, *extra: str, env: dict[str, str | None] | None = None
) -> tuple[int, str]:
    args = ["agent", "register", GOOD, "--league", "snake", "--stake", "2 ether", "--json"]
    return run([*args, *where(tmp_path), *extra], env)


@pytest.mark.parametrize("chain", ["memory", pytest.param("anvil", marks=pytest.mark.anvil)])
def test_private_key_from_the_environment_is_the_owner_on_both_adapters(chain: str) -> None:
    args = ["agent", "register", GOOD, "--league", "snake", "--stake", "2 ether", "--json"]
    code, out = run(
        [*args, "--chain", chain, "--db", "sqlite://"], {"NETS_PRIVATE_KEY": DEFAULT_KEYS[3]}
    )
    assert code == 0, out
    *warning, report = out.strip().splitlines()  # the runner mixes stderr into the output
    assert json.loads(report)["owner"] == anvil_account(3).address
    # A throwaway anvil is named as such, with where to go instead.
    assert bool(warning) == (chain == "anvil")
    assert all("nets chain up" in line and line.startswith("warning: ") for line in warning)


def test_account_option_and_ownership_errors(tmp_path: Path) -> None:
    code, out = register(tmp_path, "--account", "2")
    assert code == 0, out
    assert json.loads(out)["owner"] == anvil_account(2).address
    # Another account may not add stake, unstake or submit for it; the refusal says how to
    # send as the owner.
    for args in (
        ["agent", "stake", "1", "--amount", "1 ether"],
        ["agent", "unstake", "1", "--amount", "1 ether"],
        ["submit", "--agent", "1", "--once"],
    ):
        code, out = run([*args, *where(tmp_path)])
        assert code == 2, out
        assert f"owned by {anvil_account(2).address}" in out
        assert "--account" in out
        assert len(out.strip().splitlines()) == 1
    code, out = run(
        ["agent", "stake", "1", "--amount", "1 ether", "--json", *where(tmp_path), "--account", "2"]
    )
    assert code == 0, out
    assert json.loads(out)["stake"] == 3 * ETHER
    code, out = run(["agent", "stake", "1", "--amount", "0", *where(tmp_path), "--account", "2"])
    assert code == 2
    assert "--amount" in out


def test_keystore_with_password_file_env_or_nothing(tmp_path: Path) -> None:
    key = "0x" + "42" * 32
    keystore = tmp_path / "owner.json"
    keystore.write_text(
        json.dumps(Account.encrypt(bytes.fromhex(key[2:]), "s3cret", kdf="pbkdf2", iterations=2))
    )
    (tmp_path / "pw").write_text("s3cret\n")
    address = Account.from_key(key).address
    # No password anywhere and no terminal: refused before any chain work, one line.
    code, out = register(
        tmp_path,
        "--key-file",
        str(keystore),
    )
    assert code == 2
    assert "--password-file" in out
    assert not (tmp_path / "chain.json").exists()
    code, out = register(
        tmp_path, "--key-file", str(keystore), "--password-file", str(tmp_path / "pw")
    )
    # An unfunded key on the memory chain: the stake cannot be paid, as on any chain.
    assert code == 1
    assert "insufficient funds" in out
    assert address in out
    (tmp_path / "bad").write_text("wrong\n")
    code, out = register(
        tmp_path, "--key-file", str(keystore), "--password-file", str(tmp_path / "bad")
    )
    assert code == 2
    assert "wrong password" in out
    assert "42" * 8 not in out
    code, out = run(
        ["agent", "withdraw", *where(tmp_path), "--key-file", str(keystore)],
        {"NETS_KEY_PASSWORD": "s3cret"},
    )
    assert code == 2
    assert f"nothing to withdraw for {address}" in out
    code, out = register(tmp_path, "--key-file", str(keystore), "--account", "1")
    assert code == 2
    assert "at most one of --account and --key-file" in out


def test_a_bad_private_key_is_one_line(tmp_path: Path) -> None:
    code, out = register(tmp_path, env={"NETS_PRIVATE_KEY": "0x1234"})
    assert code == 2
    assert "$NETS_PRIVATE_KEY: not a valid 32-byte hex private key" in out
    assert len(out.strip().splitlines()) == 1


def test_keystore_password_is_asked_on_a_terminal(tmp_path: Path) -> None:
    """No --password-file and no $NETS_KEY_PASSWORD, but a terminal: the password is asked for
    (a real pseudo-terminal, the command as its own process) and the key is used."""
    import os
    import pty
    import select
    import sys
    import time

    key = "0x" + "42" * 32
    keystore = tmp_path / "owner.json"
    keystore.write_text(
        json.dumps(Account.encrypt(bytes.fromhex(key[2:]), "s3cret", kdf="pbkdf2", iterations=2))
    )
    nets = str(Path(sys.executable).with_name("nets"))
    pid, fd = pty.fork()
    if pid == 0:  # the child: `nets agent withdraw` on the terminal
        for name in ("NETS_KEY_PASSWORD", "NETS_PRIVATE_KEY", "NETS_KEYSTORE"):
            os.environ.pop(name, None)
        os.execv(nets, [nets, "agent", "withdraw", "--key-file", str(keystore), *where(tmp_path)])
    output, answered = b"", False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 1024)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if not answered and b"password for owner.json: " in output:
            os.write(fd, b"s3cret\n")
            answered = True
    _, status = os.waitpid(pid, 0)
    text = output.decode()
    assert answered, text
    assert os.waitstatus_to_exitcode(status) == 2, text
    assert f"nothing to withdraw for {Account.from_key(key).address}" in text
    assert "s3cret" not in text  # not echoed
