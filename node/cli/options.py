"""One name and one type per concept across the commands.

Amounts take units everywhere ("2 ether", "1000 gwei", plain wei); seeds are a decimal
integer or 0x hex everywhere (each command bounds them to its seed's width); fuel is one
integer range; workers one range; files written are ``-o/--output``; a chain is described by
one help text. A bad value is BadInput naming the option: exit 2 with one line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from node.cli.usage import BadInput

MAX_WORKERS = 64
WORKERS = click.IntRange(1, MAX_WORKERS)
"""--workers: processes, 1 to 64, on every command that has it."""

CHAIN_HELP = (
    "Chain: memory, memory:FILE, memory:db (kept in --db), anvil (a throwaway devnet), "
    "an RPC URL or an adapter name"
)
"""What every --chain accepts; a command that takes fewer says which."""


def parse_uint(text: str, *, what: str, bits: int) -> int:
    """A decimal integer or 0x hex, 0 .. 2**bits-1."""
    body = text.strip()
    hexadecimal = body[:2].lower() == "0x"
    try:
        value = int(body[2:], 16) if hexadecimal else int(body, 10)
    except ValueError:
        raise BadInput(f"{what}: expected a decimal integer or 0x hex, got {text!r}") from None
    if hexadecimal and not body[2:].isalnum():
        raise BadInput(f"{what}: expected a decimal integer or 0x hex, got {text!r}")
    if not 0 <= value < 1 << bits:
        raise BadInput(f"{what}: must be between 0 and 2**{bits}-1")
    return value


def parse_seed(text: str, what: str = "--seed", bits: int = 256) -> int:
    """A seed: decimal or 0x hex, at most ``bits`` wide."""
    return parse_uint(text, what=what, bits=bits)


def parse_fuel(text: str, what: str = "--fuel") -> int:
    """Fuel per decision: decimal or 0x hex, 0 .. MAX_FUEL."""
    from node.wasm import MAX_FUEL

    fuel = parse_uint(text, what=what, bits=64)
    if fuel > MAX_FUEL:
        raise BadInput(f"{what}: must be between 0 and {MAX_FUEL}, got {fuel}")
    return fuel


def parse_amount(text: str, what: str, *, allow_zero: bool = False) -> int:
    """Wei from ``123``, ``"0.5 ether"`` or ``"20 gwei"``."""
    from node.league.definition import parse_wei
    from node.trace.seed import UINT256_MAX

    try:
        value = int(parse_wei(text))
    except ValueError as exc:
        raise BadInput(f"{what}: {exc}") from None
    if value < 0 or (value == 0 and not allow_zero):
        raise BadInput(f"{what}: must be positive")
    if value > UINT256_MAX:
        raise BadInput(f"{what}: must be at most 2**256-1 wei")
    return value


class Parsed(click.ParamType):
    """A click type over one of the parsers above: help shows ``name``, errors name the option."""

    def __init__(self, name: str, parse: Callable[[str, str], int]) -> None:
        self.name = name
        self.parse = parse

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        what = max(param.opts, key=len) if param is not None and param.opts else self.name
        return self.parse(str(value), what)


AMOUNT = Parsed("amount", lambda text, what: parse_amount(text, what))
"""A positive amount: wei, or e.g. '2 ether' / '1000 gwei'."""
AMOUNT_OR_ZERO = Parsed("amount", lambda text, what: parse_amount(text, what, allow_zero=True))
SEED = Parsed("seed", lambda text, what: parse_seed(text, what))
"""A 256-bit seed (matches, rounds)."""
SEED64 = Parsed("seed", lambda text, what: parse_seed(text, what, bits=64))
"""A 64-bit seed (simulator scenarios)."""
FUEL = Parsed("fuel", parse_fuel)


def workers_option(default: int | None = 1) -> Callable[[Any], Any]:
    """``--workers N``: processes that play matches, one range on every command."""
    help = f"Processes that play matches, 1 to {MAX_WORKERS}"
    return click.option(
        "--workers",
        type=WORKERS,
        default=default,
        show_default=default is not None,
        help=help + (" (default: one per CPU)." if default is None else "."),
    )


def output_option(help: str, **extra: Any) -> Callable[[Any], Any]:
    """``-o/--output PATH``: every file or directory a command writes."""
    return click.option("-o", "--output", "out", help=help, **extra)
