"""Plugin discovery through the ``nets.plugins.<layer>`` entry point groups."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint

from adapters.plugins import index
from node.sim.layers import ENTRY_POINT_PREFIX, LAYERS, Provider


class UnknownPlugin(LookupError):
    """No plugin of that name for the layer; the message lists the installed ones."""


@dataclass(frozen=True)
class PluginInfo:
    layer: str
    name: str
    target: str
    distribution: str


PluginIndex = Mapping[str, Sequence[EntryPoint]]
"""Entry points by group, each group in distribution order (the first on sys.path first)."""


def _select(group: str, eps: PluginIndex | None) -> Sequence[EntryPoint]:
    return (index() if eps is None else eps).get(group, ())


def _group(layer: str, eps: PluginIndex | None = None) -> Sequence[EntryPoint]:
    if layer not in LAYERS:
        raise UnknownPlugin(f"unknown layer {layer!r} (layers: {', '.join(LAYERS)})")
    return _select(ENTRY_POINT_PREFIX + layer, eps)


def scan() -> PluginIndex:
    """Every entry point of every installed distribution, indexed by group, so that a run's 12
    layers each find theirs with one lookup (a filter over every entry point per layer, as
    ``select`` does, was a third of the scan). The first distribution of a name on sys.path
    shadows later ones. adapters.plugins reads it once per ``sys.path``, for every kind of
    plugin."""
    return index()


def _nanda_group(layer: str, eps: PluginIndex | None = None) -> Sequence[EntryPoint]:
    """Nanda Town's ``nest.plugins.<layer>`` entry points (node.sim.nanda_plugins adapts them)."""
    from node.sim.nanda_plugins import NANDA_GROUP_PREFIX

    return _select(NANDA_GROUP_PREFIX + layer, eps)


def available_plugins(layer: str, eps: PluginIndex | None = None) -> list[str]:
    """Sorted names registered for ``layer`` (nets' own and Nanda Town plugins)."""
    from node.sim.nanda_plugins import ADAPTED_LAYERS

    names = {ep.name for ep in _group(layer, eps)}
    if layer in ADAPTED_LAYERS:
        names |= {ep.name for ep in _nanda_group(layer, eps)}
    return sorted(names)


def all_plugins() -> list[PluginInfo]:
    """Every plugin of every layer, one entry point scan."""
    from node.sim.nanda_plugins import ADAPTED_LAYERS

    eps = scan()
    out: list[PluginInfo] = []
    for layer in LAYERS:
        seen: set[str] = set()
        nanda = _nanda_group(layer, eps) if layer in ADAPTED_LAYERS else ()
        for ep in sorted([*_group(layer, eps), *nanda], key=lambda e: e.name):
            if ep.name in seen:
                continue
            seen.add(ep.name)
            dist = ep.dist.name if ep.dist is not None else "?"
            out.append(PluginInfo(layer, ep.name, ep.value, dist))
    return out


def load_provider(layer: str, name: str, eps: PluginIndex | None = None) -> type[Provider]:
    """The provider class registered as ``name`` for ``layer``."""
    group = _group(layer, eps)
    matches = [ep for ep in group if ep.name == name]
    if not matches:  # a Nanda Town plugin? (node.sim.nanda_plugins loads only then)
        from node.sim.nanda_plugins import ADAPTED_LAYERS, nanda_provider

        nanda = _nanda_group(layer, eps) if layer in ADAPTED_LAYERS else ()
        found = [ep for ep in nanda if ep.name == name]
        if found:
            cls = found[0].load()
            if not isinstance(cls, type):
                raise UnknownPlugin(f"Nanda Town {layer} plugin {name!r} is not a class")
            return nanda_provider(layer, cls)
        names = ", ".join(available_plugins(layer, eps)) or "none installed"
        raise UnknownPlugin(f"unknown {layer} plugin {name!r} (allowed: {names})")
    obj = matches[0].load()
    if not isinstance(obj, type) or not callable(getattr(obj, "for_agent", None)):
        raise UnknownPlugin(f"{layer} plugin {name!r} is not a provider class with for_agent()")
    return obj
