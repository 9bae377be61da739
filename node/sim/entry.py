"""Plugin discovery through the ``nets.plugins.<layer>`` entry point groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint

from adapters.plugins import registered
from node.sim.layers import ENTRY_POINT_PREFIX, LAYERS, Provider


class UnknownPlugin(LookupError):
    """No plugin of that name for the layer; the message lists the installed ones."""


@dataclass(frozen=True)
class PluginInfo:
    layer: str
    name: str
    target: str
    distribution: str


def _group(layer: str) -> Sequence[EntryPoint]:
    if layer not in LAYERS:
        raise UnknownPlugin(f"unknown layer {layer!r} (layers: {', '.join(LAYERS)})")
    return registered(ENTRY_POINT_PREFIX + layer)


def _nanda_group(layer: str) -> Sequence[EntryPoint]:
    """Nanda Town's ``nest.plugins.<layer>`` entry points (node.sim.nanda_plugins adapts them)."""
    from node.sim.nanda_plugins import NANDA_GROUP_PREFIX

    return registered(NANDA_GROUP_PREFIX + layer)


def available_plugins(layer: str) -> list[str]:
    """Sorted names registered for ``layer`` (nets' own and Nanda Town plugins)."""
    from node.sim.nanda_plugins import ADAPTED_LAYERS

    names = {ep.name for ep in _group(layer)}
    if layer in ADAPTED_LAYERS:
        names |= {ep.name for ep in _nanda_group(layer)}
    return sorted(names)


def all_plugins() -> list[PluginInfo]:
    """Every plugin of every layer."""
    from node.sim.nanda_plugins import ADAPTED_LAYERS

    out: list[PluginInfo] = []
    for layer in LAYERS:
        seen: set[str] = set()
        nanda = _nanda_group(layer) if layer in ADAPTED_LAYERS else ()
        for ep in sorted([*_group(layer), *nanda], key=lambda e: e.name):
            if ep.name in seen:
                continue
            seen.add(ep.name)
            dist = ep.dist.name if ep.dist is not None else "?"
            out.append(PluginInfo(layer, ep.name, ep.value, dist))
    return out


def load_provider(layer: str, name: str) -> type[Provider]:
    """The provider class registered as ``name`` for ``layer``."""
    group = _group(layer)
    matches = [ep for ep in group if ep.name == name]
    if not matches:  # a Nanda Town plugin? (node.sim.nanda_plugins loads only then)
        from node.sim.nanda_plugins import ADAPTED_LAYERS, nanda_provider

        nanda = _nanda_group(layer) if layer in ADAPTED_LAYERS else ()
        found = [ep for ep in nanda if ep.name == name]
        if found:
            cls = found[0].load()
            if not isinstance(cls, type):
                raise UnknownPlugin(f"Nanda Town {layer} plugin {name!r} is not a class")
            return nanda_provider(layer, cls)
        names = ", ".join(available_plugins(layer)) or "none installed"
        raise UnknownPlugin(f"unknown {layer} plugin {name!r} (allowed: {names})")
    obj = matches[0].load()
    if not isinstance(obj, type) or not callable(getattr(obj, "for_agent", None)):
        raise UnknownPlugin(f"{layer} plugin {name!r} is not a provider class with for_agent()")
    return obj
