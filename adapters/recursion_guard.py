"""py_ecc's import leaves the interpreter's recursion limit as it was.

py_ecc (imported by eth-keyfile, so by eth-account and web3) sets the limit to 100,000 when its
package runs. With that limit a deeply nested JSON or YAML document overflows the C stack and
the process dies of SIGSEGV, where it would raise RecursionError: the parsers of untrusted
traces, messages and scenario files rely on that error for a one-line refusal. This finder
puts the limit back once py_ecc's package has run, and costs nothing until something imports
py_ecc (nets imports eth-account only when it first signs).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

GUARDED = "py_ecc"


class _LimitKeepingLoader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        limit = sys.getrecursionlimit()
        try:
            self._loader.exec_module(module)
        finally:
            sys.setrecursionlimit(limit)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != GUARDED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _LimitKeepingLoader(spec.loader)
        return spec


def install() -> None:
    """Idempotent; a no-op once py_ecc is imported (its package never runs again)."""
    if GUARDED not in sys.modules and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
