"""League definitions: the Arena's league terms written as YAML, validated before any chain sees them.

Field names are the contract's (``Arena.LeagueConfig``, docs/protocol/contracts.md) in the same
camelCase; amounts are wei (an integer, or a string such as ``"0.5 ether"`` / ``"20 gwei"``);
windows are seconds (an integer, or ``"90s"``, ``"10m"``, ``"2h"``, ``"1d"``). ``systemParams``
is a mapping of the system's named params; missing ones take the system's defaults, and the
mapping is encoded with the system's canonical param encoding, which is what goes on chain.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal, InvalidOperation, localcontext
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from node.systems.base import System, UnknownSystem, load_system
from node.wasm import DEFAULT_FUEL, MAX_FUEL

if TYPE_CHECKING:
    from adapters.arena_ops import LeagueConfig

UINT16_MAX = 2**16 - 1
UINT32_MAX = 2**32 - 1
UINT128_MAX = 2**128 - 1
MAX_MATCHES_PER_ROUND = 1024
MAX_REWARD_RANKS = 64
MAX_FILE_BYTES = 1 << 20
"""A league file is a few hundred bytes; anything above a MiB is refused unread."""

WEI_UNITS = {"wei": 1, "gwei": 10**9, "ether": 10**18, "eth": 10**18}
SECOND_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class LeagueError(ValueError):
    """A league definition that cannot be used; the message names the field and the reason."""


def _integer(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected an integer, got a boolean")
    if isinstance(value, float):
        raise ValueError("expected an integer, got a float")
    return value


def parse_wei(value: Any) -> Any:
    """An amount: int wei, or "<decimal> <wei|gwei|ether>" that is a whole number of wei."""
    if not isinstance(value, str):
        return _integer(value)
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*", value)
    if match is None or len(value) > 100:
        raise ValueError(f"expected wei or '<amount> ether|gwei|wei', got {value!r}")
    number, unit = match.group(1), (match.group(2).lower() or "wei")
    if unit not in WEI_UNITS:
        raise ValueError(f"unknown unit {unit!r} (use wei, gwei or ether)")
    with localcontext() as exact:
        exact.prec = 200  # the default 28 digits would round a long amount (at most 100 chars)
        try:
            amount = Decimal(number) * WEI_UNITS[unit]
        except InvalidOperation:
            raise ValueError(f"not a number: {number!r}") from None
        if amount != amount.to_integral_value():
            raise ValueError(f"{value!r} is not a whole number of wei")
        return int(amount)


def _seconds(value: Any) -> Any:
    """A duration: int seconds, or "<int><s|m|h|d>"."""
    if not isinstance(value, str):
        return _integer(value)
    match = re.fullmatch(r"\s*([0-9]{1,12})\s*([smhd]?)\s*", value)
    if match is None:
        raise ValueError(f"expected seconds or '<n>s|m|h|d', got {value!r}")
    return int(match.group(1)) * SECOND_UNITS[match.group(2) or "s"]


Wei = Annotated[int, BeforeValidator(parse_wei), Field(ge=0, le=UINT128_MAX)]
Seconds = Annotated[int, BeforeValidator(_seconds), Field(ge=1, le=UINT32_MAX)]
StrictInt = Annotated[int, BeforeValidator(_integer)]


class LeagueDefinition(BaseModel):
    """One league: the Arena's league terms plus a name, a description and the initial pool."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=False
    )

    name: str = Field(pattern=NAME_PATTERN)
    description: str = Field(default="", max_length=2000)
    system: str = Field(min_length=1, max_length=64)
    system_params: dict[str, StrictInt] = Field(default_factory=dict, max_length=64)
    min_stake: Wei
    reward_multiplier: Annotated[Wei, Field(ge=1)]
    matches_per_round: Annotated[StrictInt, Field(ge=1, le=MAX_MATCHES_PER_ROUND)]
    fuel_per_decision: Annotated[StrictInt, Field(ge=1, le=MAX_FUEL)] = DEFAULT_FUEL
    slash_amount: Wei
    challenger_bond: Annotated[Wei, Field(ge=1)]
    reward_schedule: list[Wei] = Field(max_length=MAX_REWARD_RANKS)
    """Reward per rank before the multiplier: rank r earns rewardSchedule[r] * rewardMultiplier."""
    submission_window: Seconds
    challenge_window: Seconds
    move_window: Seconds
    reward_pool: Wei = 0
    """Wei sent with createLeague (not a league term: the pool can be funded later too)."""

    @field_validator("system")
    @classmethod
    def _known_system(cls, value: str) -> str:
        try:
            load_system(value)
        except UnknownSystem as exc:
            raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _slash_within_claim_stake(self) -> LeagueDefinition:
        """The Arena refuses a slash above minStake: each claim locks minStake to cover it."""
        if self.slash_amount > self.min_stake:
            raise ValueError(
                f"slashAmount: {self.slash_amount} wei is above minStake ({self.min_stake} wei); "
                "each claim locks minStake, which must cover its whole slash"
            )
        return self

    @model_validator(mode="after")
    def _params_encode(self) -> LeagueDefinition:
        system = load_system(self.system)
        known = system.default_params()
        for key in self.system_params:
            if key not in known:
                raise ValueError(
                    f"systemParams: {self.system} has no param {key!r} "
                    f"(known: {', '.join(sorted(known))})"
                )
        try:
            system.encode_params(known | self.system_params)
        except (ValueError, OverflowError, KeyError) as exc:
            raise ValueError(f"systemParams: {exc}") from None
        return self

    @cached_property
    def loaded_system(self) -> System:
        return load_system(self.system)

    @property
    def params(self) -> dict[str, int]:
        """Every param of the system: the defaults overridden by ``systemParams``."""
        return self.loaded_system.default_params() | dict(self.system_params)

    @property
    def params_bytes(self) -> bytes:
        """The canonical param encoding (``LeagueConfig.systemParams`` on chain)."""
        return self.loaded_system.encode_params(self.params)

    def terms(self) -> dict[str, Any]:
        """The definition as JSON-ready camelCase values (amounts as ints)."""
        return self.model_dump(by_alias=True)

    def digest(self) -> bytes:
        """SHA-256 of the canonical JSON of the definition: what the node records and keys on."""
        canonical = json.dumps(self.terms(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).digest()

    def to_config(self, system_address: str) -> LeagueConfig:
        """The createLeague argument, with the system contract deployed at ``system_address``."""
        from adapters.arena_ops import LeagueConfig

        return LeagueConfig(
            system=system_address,
            system_params=self.params_bytes,
            min_stake=self.min_stake,
            reward_multiplier=self.reward_multiplier,
            matches_per_round=self.matches_per_round,
            fuel_per_decision=self.fuel_per_decision,
            slash_amount=self.slash_amount,
            challenger_bond=self.challenger_bond,
            reward_schedule=tuple(self.reward_schedule),
            submission_window=self.submission_window,
            challenge_window=self.challenge_window,
            move_window=self.move_window,
        )


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _error_message(exc: ValidationError) -> str:
    """The first error as '<field path>: <reason>' (pydantic's 'Value error, ' prefix dropped)."""
    error = exc.errors(include_url=False)[0]
    reason = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        reason = "unknown field"
    elif error["type"] == "missing":
        reason = "required field missing"
    if not error["loc"]:  # a whole-model check: its message names the field itself
        return reason
    return f"{_field_path(tuple(error['loc']))}: {reason}"


def parse_league(data: Any, *, source: str = "league") -> LeagueDefinition:
    """Validate already-parsed YAML; LeagueError '<source>: <field>: <reason>' otherwise."""
    if not isinstance(data, dict):
        raise LeagueError(f"{source}: the top level must be a mapping of league terms")
    try:
        return LeagueDefinition.model_validate(data)
    except ValidationError as exc:
        raise LeagueError(f"{source}: {_error_message(exc)}") from None


def load_league(path: str | Path) -> LeagueDefinition:
    """Read and validate one league YAML file."""
    path = Path(path)
    if path.is_fifo():  # opening a pipe no one writes to would wait forever
        raise LeagueError(f"{path}: a named pipe, not a file")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise LeagueError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise LeagueError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise LeagueError(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise LeagueError(f"{path}: not valid YAML{where}") from None
    except RecursionError:
        raise LeagueError(f"{path}: YAML nested too deeply") from None
    return parse_league(data, source=str(path))
