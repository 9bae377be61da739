"""Every command offers --json, and with --json its errors are JSON too: one object on stderr
naming the reason and the exit code (without --json they stay one `error:` line)."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from node.cli import COMMANDS
from tests.cli_hostile.conftest import GREEDY, Nets


def leaves(
    command: click.Command, path: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from leaves(sub, (*path, name))
    else:
        yield path, command


def every_command() -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for name, (module, attribute, _) in COMMANDS.items():
        found += leaves(getattr(importlib.import_module(module), attribute), (name,))
    return found


def test_every_command_has_json() -> None:
    missing = [" ".join(path) for path, cmd in every_command() if "--json" not in cmd_opts(cmd)]
    assert missing == []


def cmd_opts(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in param.opts}


CASES = [
    (["match", "run", "--system", "snake", "--agent", "missing.wat"], "cannot read agent file"),
    (["match", "run", "--system", "snake", "--agent", GREEDY, "--seed", "-1"], "--seed: must be"),
    (["match", "run", "--bogus"], "No such option '--bogus'"),
    (["agent", "withdraw", "--amount", "2 lots"], "--amount: unknown unit 'lots'"),
    (["report", "missing.jsonl"], "no trace file missing.jsonl"),
    (["scenarios", "show", "nope"], "no built-in scenario 'nope'"),
    (["wasm", "run", "--agent", GREEDY, "--fuel", "0xzz"], "--fuel: expected"),
]


@pytest.mark.parametrize(
    ("args", "reason"), CASES, ids=[" ".join(c[0][:2]) + f" {i}" for i, c in enumerate(CASES)]
)
def test_errors_under_json_are_json(nets: Nets, args: list[str], reason: str) -> None:
    outcome = nets(*args, "--json")
    assert outcome.code == 2, outcome
    assert outcome.stdout == ""
    error = json.loads(outcome.stderr)
    assert error["exit_code"] == 2
    assert reason in error["error"]
    assert "\n" not in error["error"]
    nets(*args).refused(reason)  # the same failure without --json: one plain line


def test_a_json_word_after_the_double_dash_is_an_argument(nets: Nets, workdir: Path) -> None:
    outcome = nets("report", "--", "--json")
    assert outcome.code == 2
    assert outcome.stderr.startswith("error: no trace file --json")


def test_chain_status_not_running_is_json_and_exit_1(nets: Nets) -> None:
    outcome = nets("chain", "status", "--json")
    assert outcome.code == 1
    assert json.loads(outcome.stdout)["running"] is False
