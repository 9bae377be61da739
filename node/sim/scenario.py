"""Scenario files: the Nanda Town YAML schema, validated with pydantic.

Nanda Town files parse unmodified: every top-level key of its schema is accepted (distributed
execution keys are accepted and ignored, a run here is one process). Anything else is an error
that names the field path and, where the set is closed, the allowed values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from node.sim.entry import UnknownPlugin, load_provider
from node.sim.layers import LAYERS, Provider
from node.sim.tasktypes import TaskType, UnknownTask, available_tasks, get_task

MAX_FILE_BYTES = 1 << 20
MAX_AGENTS = 5_000_000
DEFAULT_METRICS = (
    "agent_count",
    "byzantine_count",
    "delivery_rate",
    "drop_rate",
    "event_count",
    "mean_latency",
    "max_latency",
    "messages_sent",
    "message_count",
)
"""What a run reports when the file lists no metrics."""
NANDA_METRICS = (
    "delivery_rate",
    "deal_rate",
    "rejection_rate",
    "mean_rounds_to_deal",
    "unique_pairs",
    "mean_latency",
    "message_count",
    "dropped_count",
    "agent_count",
    "duration",
    "throughput",
    "success_rate",
)
"""Nanda Town's 12 metric names, with its definitions (docs/protocol/sim.md, "Metrics")."""
GENERIC_METRICS = tuple(dict.fromkeys([*DEFAULT_METRICS, *NANDA_METRICS]))
"""Every metric any task can report."""


class ScenarioError(ValueError):
    """A scenario that cannot run; ``path`` is the dotted field path."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoleSpec(_Strict):
    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    count: int = Field(ge=0, le=MAX_AGENTS)
    config: dict[str, Any] = Field(default_factory=dict)
    prompt_template: str | None = None


class AgentsSpec(_Strict):
    count: int = Field(default=10, ge=0, le=MAX_AGENTS)
    brain: Literal["state-machine", "llm", "shell"] = "state-machine"
    """``llm`` (Nanda Town's ``shell`` too) runs the task's LLM-driven variant ``llm_<type>``."""
    llm_model: str = ""
    llm_provider: str = ""
    template: str = ""
    roles: list[RoleSpec] = Field(default_factory=lambda: list[RoleSpec]())


class LayersSpec(_Strict):
    transport: str = "in_memory"
    comms: str = "nest_native"
    identity: str = "did_key"
    registry: str = "in_memory"
    auth: str = "jwt"
    trust: str = "score_average"
    payments: str = "prepaid_credits"
    coordination: str = "contract_net"
    negotiation: str = "alternating_offers"
    memory: str = "blackboard"
    privacy: str = "noop"
    datafacts: str = "datafacts_v1"


class TaskSpec(_Strict):
    type: str = "pingpong"
    config: dict[str, Any] = Field(default_factory=dict)


class PartitionSpec(_Strict):
    groups: list[list[str]] = Field(min_length=1)
    heal_at: int | None = Field(default=None, ge=1)
    heal_after_ticks: int | None = Field(default=None, ge=1)


class FailuresSpec(_Strict):
    message_drop: float = Field(default=0.0, ge=0.0, le=1.0)
    byzantine_agents: float = Field(default=0.0, ge=0.0, le=1.0)
    network_partition: PartitionSpec | None = None
    partition_heal_at_tick: int | None = Field(default=None, ge=1)

    @property
    def heal_at(self) -> int | None:
        """Heal time from any of the three spellings in use (heal_at wins)."""
        part = self.network_partition
        if part is None:
            return None
        for value in (part.heal_at, part.heal_after_ticks, self.partition_heal_at_tick):
            if value is not None:
                return value
        return None


class NetworkSpec(_Strict):
    latency: int = Field(default=1, ge=1, le=1_000_000)
    jitter: int = Field(default=0, ge=0, le=1_000_000)


class OutputSpec(_Strict):
    trace: str = "./traces/output.jsonl"
    report: str | None = None


class Scenario(_Strict):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    tier: Literal[1, 2] = 1
    seed: int = Field(default=0, ge=0, lt=1 << 64)
    agents: AgentsSpec = Field(default_factory=AgentsSpec)
    layers: LayersSpec = Field(default_factory=LayersSpec)
    task: TaskSpec = Field(default_factory=TaskSpec)
    failures: FailuresSpec = Field(default_factory=FailuresSpec)
    network: NetworkSpec = Field(default_factory=NetworkSpec)
    duration: str = "ticks: 10000"
    metrics: list[str] = Field(default_factory=list)
    output: OutputSpec = Field(default_factory=OutputSpec)
    # Nanda Town keys for distributed runs and middleware: accepted; `parallel` + `workers` size
    # `nets sweep`'s local pool (node.sim.sweep.nanda_workers), the others are not used.
    middleware: list[dict[str, Any]] = Field(default_factory=lambda: list[dict[str, Any]]())
    parallel: bool = False
    workers: int = Field(default=1, ge=1)
    worker_bind: str = "127.0.0.1"
    worker_hosts: list[str] | None = None
    worker_mode: Literal["auto", "manual"] = "auto"
    distributed: dict[str, Any] = Field(default_factory=dict)

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str) -> str:
        ticks_of(value)
        return value

    @property
    def max_ticks(self) -> int:
        return ticks_of(self.duration)


def ticks_of(duration: str) -> int:
    """Parse "ticks: N" (N >= 1)."""
    head, _, tail = duration.partition(":")
    if head.strip() != "ticks":
        raise ValueError("must be formatted as 'ticks: <positive int>'")
    try:
        ticks = int(tail.strip())
    except ValueError:
        raise ValueError("must be formatted as 'ticks: <positive int>'") from None
    if not 1 <= ticks <= 1 << 62:
        raise ValueError("tick count must be between 1 and 2**62")
    return ticks


class Resolved:
    """A validated scenario with its task type, validated task config and plugin classes."""

    __slots__ = ("providers", "roles", "scenario", "task", "task_config")

    def __init__(
        self,
        scenario: Scenario,
        task: TaskType,
        task_config: BaseModel,
        roles: list[tuple[RoleSpec, int]],
        providers: dict[str, type[Provider]],
    ) -> None:
        self.scenario = scenario
        self.task = task
        self.task_config = task_config
        self.roles = roles
        self.providers = providers


# ---------------------------------------------------------------------------- loading


MAX_NESTING = 100
"""Collections nest at most this deep in a scenario file (its schema needs five levels). The
pure loader's time grows with the square of the depth: 3 CPU-s at 1,000 levels."""


class _NestingError(yaml.YAMLError):
    pass


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader without anchors/aliases (they allow exponential blow-up and no scenario needs
    them) and with its nesting bounded: the composer recurses once per level, and the
    interpreter's recursion limit is no bound (py_ecc, which eth-account imports, raises it to
    100,000: a file of 100,000 ``[`` then takes 80 CPU-s and could overflow the C stack)."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.YAMLError(f"YAML aliases are not allowed (at {event.start_mark})")
        if self._depth >= MAX_NESTING:
            raise _NestingError()
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_C_LOADER: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)
"""libyaml's safe loader, when PyYAML was built with it: a tenth of the pure loader's time."""
_C_LOADER_TEXT = re.compile(r"[A-Za-z0-9 \n#:_.'\",/()\[\]{}=+~;<$^\\-]*")
"""Text both loaders read alike (tests/sim/test_scenario_yaml.py). Outside it they differ:
libyaml takes tabs, byte order marks, ``{a?}``, ``|#`` and reads ``!`` as '' where the pure
loader refuses or reads None; ``&``/``*`` (anchors, aliases) are refused here."""
C_LOADER_MAX_INDICATORS = 1000
"""The C loader composes nested collections by C recursion (a deep enough file crashes the
process), and every nesting level needs one of ``[{:-``: below this many it cannot be deep."""


def _load_yaml(text: str) -> Any:
    """The C loader for text it reads as the pure loader does and that cannot nest deeply;
    otherwise, and to word the error of a file it refuses, the pure loader (the same
    constructor and resolver: the same data)."""
    if (
        _C_LOADER is not None
        and _C_LOADER_TEXT.fullmatch(text) is not None
        and sum(map(text.count, "[{:-")) < C_LOADER_MAX_INDICATORS
    ):
        try:
            data = yaml.load(text, Loader=_C_LOADER)
        except yaml.YAMLError:
            pass
        else:
            if _nesting(data) > MAX_NESTING:
                raise _NestingError()
            return data
    return yaml.load(text, Loader=_NoAliasLoader)


def _nesting(data: Any) -> int:
    """How deep collections nest in loaded data (a scalar is one level, as for the composer)."""
    deepest, level = 0, [(data, 1)]
    while level:
        value, depth = level.pop()
        deepest = max(deepest, depth)
        if isinstance(value, dict):
            level += [(v, depth + 1) for pair in value.items() for v in pair]
        elif isinstance(value, list):
            level += [(v, depth + 1) for v in value]
    return deepest


def builtin_dir() -> Path:
    from importlib.resources import files

    return Path(str(files("node.sim") / "scenarios"))


def builtin_scenarios() -> dict[str, Path]:
    """Shipped scenarios by name (file stem)."""
    return {p.stem: p for p in sorted(builtin_dir().glob("*.yaml"))}


def find_scenario(source: str) -> Path:
    """A file path, else a built-in scenario name."""
    path = Path(source)
    if path.is_file():
        return path
    builtin = builtin_scenarios().get(source)
    if builtin is not None:
        return builtin
    names = ", ".join(builtin_scenarios()) or "none"
    raise ScenarioError("", f"no scenario file or built-in scenario {source!r} (built-in: {names})")


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError("", f"{path} is {size} bytes; scenario files are at most 1 MiB")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError("", f"cannot read {path}: {exc}") from None
    return parse_yaml(text, str(path))


def parse_yaml(text: str, origin: str = "<text>") -> dict[str, Any]:
    try:
        data = _load_yaml(text)
    except _NestingError:
        raise ScenarioError("", f"{origin} nests deeper than {MAX_NESTING:,} levels") from None
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise ScenarioError("", f"{origin} is not valid YAML: {reason}") from None
    except RecursionError:
        raise ScenarioError("", f"{origin} nests too deeply") from None
    if not isinstance(data, dict):
        raise ScenarioError("", f"{origin} must be a YAML mapping at the top level")
    return data


def apply_overrides(data: dict[str, Any], overrides: Sequence[str]) -> dict[str, Any]:
    """Apply ``key.path=value`` settings (value parsed as a YAML scalar; list items by index)."""
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ScenarioError("--set", f"expected key=value, got {item!r}")
        parts = key.strip().split(".")
        try:
            value = _load_yaml(raw) if raw.strip() else ""
        except (_NestingError, RecursionError):
            raise ScenarioError(key.strip(), "--set value nests too deeply") from None
        except yaml.YAMLError:
            value = raw
        node: Any = data
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            where = ".".join(parts[: depth + 1])
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    raise ScenarioError(where, f"no list item {part!r} (the list has {len(node)})")
                if last:
                    node[int(part)] = value
                else:
                    node = node[int(part)]
            elif isinstance(node, dict):
                if last:
                    node[part] = value
                else:
                    child = node.get(part)
                    if child is None:
                        child = node[part] = {}
                    node = child
            else:
                raise ScenarioError(where, "cannot set a field inside a scalar")
    return data


def _format_validation(exc: ValidationError, root: type[BaseModel]) -> ScenarioError:
    err = exc.errors()[0]
    path = ".".join(str(p) for p in err["loc"])
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        allowed = _fields_at(root, err["loc"][:-1])
        if allowed:
            msg = f"unknown field (allowed: {', '.join(allowed)})"
    return ScenarioError(path, msg)


def _fields_at(root: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    model = root
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return []
        sub = _model_of(info.annotation)
        if sub is None:
            return []
        model = sub
    return list(model.model_fields)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def validate(data: Mapping[str, Any]) -> Resolved:
    """Schema check, then the semantic checks: plugins, task, roles, partitions, metrics."""
    try:
        scenario = Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise _format_validation(exc, Scenario) from None
    return resolve(scenario)


def resolve(scenario: Scenario) -> Resolved:
    providers: dict[str, type[Provider]] = {}
    for layer in LAYERS:
        try:
            providers[layer] = load_provider(layer, getattr(scenario.layers, layer))
        except UnknownPlugin as exc:
            raise ScenarioError(f"layers.{layer}", str(exc)) from None
    try:
        task = get_task(scenario.task.type)
    except UnknownTask as exc:
        raise ScenarioError("task.type", str(exc)) from None
    config = dict(scenario.task.config)
    if scenario.agents.brain != "state-machine":
        task, config = _llm_variant(scenario, task, config)
    try:
        task_config = task.config_model.model_validate(config)
    except ValidationError as exc:
        inner = _format_validation(exc, task.config_model)
        raise ScenarioError(f"task.config.{inner.path}", str(inner).split(": ", 1)[-1]) from None

    agents = scenario.agents
    roles: list[tuple[RoleSpec, int]]
    if agents.roles:
        total = sum(r.count for r in agents.roles)
        if total != agents.count:
            raise ScenarioError(
                "agents.count", f"{agents.count} does not match the sum of role counts ({total})"
            )
        roles = [(r, r.count) for r in agents.roles]
    else:
        split = task.config_roles(agents.count, task_config) if task.config_roles else None
        if split is None:
            split = task.default_roles(agents.count)
        roles = [(RoleSpec(name=n, count=c), c) for n, c in split]
    seen: set[str] = set()
    for i, (role, _count) in enumerate(roles):
        if role.name not in task.roles:
            allowed = ", ".join(task.roles)
            raise ScenarioError(
                f"agents.roles.{i}.name",
                f"role {role.name!r} is not a role of task {task.name!r} (allowed: {allowed})",
            )
        if role.name in seen:
            raise ScenarioError(f"agents.roles.{i}.name", f"role {role.name!r} listed twice")
        seen.add(role.name)
    counts = {r.name: c for r, c in roles}
    problem = task.check_roles(counts, task_config)
    if problem:
        raise ScenarioError("agents.roles", problem)

    part = scenario.failures.network_partition
    if part is not None:
        placed: set[str] = set()
        for g, group in enumerate(part.groups):
            for j, agent_id in enumerate(group):
                if agent_id in placed:
                    raise ScenarioError(
                        f"failures.network_partition.groups.{g}.{j}",
                        f"agent {agent_id!r} is in more than one group",
                    )
                placed.add(agent_id)
                if not _agent_exists(agent_id, counts):
                    raise ScenarioError(
                        f"failures.network_partition.groups.{g}.{j}",
                        f"no agent {agent_id!r} (agents are named <role>-<index>, "
                        f"roles: {', '.join(counts)})",
                    )

    allowed_metrics = sorted({*GENERIC_METRICS, *task.metric_names})
    for i, metric in enumerate(scenario.metrics):
        if metric not in allowed_metrics:
            raise ScenarioError(
                f"metrics.{i}", f"unknown metric {metric!r} (allowed: {', '.join(allowed_metrics)})"
            )
    return Resolved(scenario, task, task_config, roles, providers)


def _llm_variant(
    scenario: Scenario, task: TaskType, config: dict[str, Any]
) -> tuple[TaskType, dict[str, Any]]:
    """``agents.brain: llm``: the task's ``llm_<type>`` variant, its provider and model from
    ``agents.llm_provider`` / ``llm_model`` (model or provider ``mock``: the offline mock, as
    in Nanda Town) unless the task config names them."""
    name = f"llm_{task.name}"
    try:
        variant = get_task(name)
    except UnknownTask:
        have = [t[4:] for t in available_tasks() if t.startswith("llm_")]
        raise ScenarioError(
            "agents.brain",
            f"task {task.name!r} has no LLM-driven variant (available: {', '.join(have)})",
        ) from None
    agents = scenario.agents
    mock = "mock" in (agents.llm_provider, agents.llm_model)
    config.setdefault("provider", "mock" if mock else agents.llm_provider or "openai")
    if not mock and agents.llm_model:
        config.setdefault("model", agents.llm_model)
    from node.sim.tasks.llm import missing_key

    problem = None if config.get("replay") else missing_key(str(config["provider"]))
    if problem:
        raise ScenarioError("agents.llm_provider", problem)
    return variant, config


def _agent_exists(agent_id: str, counts: Mapping[str, int]) -> bool:
    role, sep, index = agent_id.rpartition("-")
    return (
        bool(sep)
        and index.isdigit()
        and int(index) < counts.get(role, 0)
        and (str(int(index)) == index)
    )


def load(
    source: str | Path,
    *,
    overrides: Sequence[str] = (),
    seed: int | None = None,
) -> Resolved:
    """Find, read, override and validate a scenario (ScenarioError on any problem)."""
    path = source if isinstance(source, Path) else find_scenario(source)
    data = apply_overrides(read_yaml(path), overrides)
    if seed is not None:
        data["seed"] = seed
    return validate(data)
