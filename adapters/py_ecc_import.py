"""How py_ecc is imported: the recursion limit kept, the BLS12-381 tables computed on first use.

py_ecc is imported by eth-keyfile, so by eth-account and web3, in every process that talks to
a chain. nets uses none of it (its secp256k1 signatures are eth-keys'), and two of its habits
cost every such process:

- **The recursion limit.** py_ecc's package sets the limit to 100,000 when it runs. With that
  limit a deeply nested JSON or YAML document overflows the C stack and the process dies of
  SIGSEGV, where it would raise RecursionError: the parsers of untrusted traces, messages and
  scenario files rely on that error for a one-line refusal. The package's loader is wrapped so
  that the limit is put back once it has run.
- **The pairing tables.** eth-keyfile imports ``py_ecc.bls`` (for version-4 BLS keystores) and
  ``py_ecc.bls12_381`` at import, and those packages compute their pairing tables when they
  run: about 0.28 CPU-s, nearly a third of ``import web3``, in every chain process's start-up
  (docs/benchmarks/cli.md). The two packages are created without running their
  ``__init__``. The names eth-keyfile takes from them at import are bound to stand-ins
  (``curve_order`` read from the cheap curve module, a forwarding ``G2ProofOfPossession``);
  any other attribute runs the real ``__init__`` first, so a version-4 keystore still works.

Both cost nothing until something imports py_ecc (nets imports eth-account only when it first
signs).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

GUARDED = "py_ecc"
DEFERRED: dict[str, dict[str, str | None]] = {
    "py_ecc.bls": {"G2ProofOfPossession": None},
    "py_ecc.bls12_381": {"curve_order": "py_ecc.bls12_381.bls12_381_curve"},
}
"""Per deferred package, the names eth-keyfile imports from it: each read from the (cheap)
module named, or, for None, a stand-in that runs the package on its first use."""


class _Wrapping(importlib.abc.Loader):
    """A package's own loader, with what runs its code changed by the subclass."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)


class _LimitKeepingLoader(_Wrapping):
    def exec_module(self, module: ModuleType) -> None:
        limit = sys.getrecursionlimit()
        try:
            self._loader.exec_module(module)
        finally:
            sys.setrecursionlimit(limit)


class _DeferringLoader(_Wrapping):
    """Creates the package without running it; a missing attribute runs it (once)."""

    def exec_module(self, module: ModuleType) -> None:
        real, once = self._loader, threading.RLock()

        def run() -> ModuleType:
            with once:  # a second thread waits for the package to finish running
                if vars(module).pop("__getattr__", None) is not None:
                    real.exec_module(module)
            return module

        def __getattr__(name: str) -> Any:
            if name.startswith("__"):
                raise AttributeError(name)
            try:
                return vars(run())[name]
            except KeyError:
                message = f"module {module.__name__!r} has no attribute {name!r}"
                raise AttributeError(message) from None

        vars(module)["__getattr__"] = __getattr__  # PEP 562: only missing names come here
        for name, source in DEFERRED[module.__name__].items():
            if source is None:
                setattr(module, name, _Forward(run, name))
            else:
                setattr(module, name, getattr(importlib.import_module(source), name))


class _Forward:
    """Stands for the package's ``name`` until used: then runs the package and forwards."""

    def __init__(self, run: Callable[[], ModuleType], name: str) -> None:
        self._run, self._name = run, name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(vars(self._run())[self._name], attribute)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != GUARDED and fullname not in DEFERRED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            wrap = _LimitKeepingLoader if fullname == GUARDED else _DeferringLoader
            spec.loader = wrap(spec.loader)
        return spec


def install() -> None:
    """Idempotent; a no-op once py_ecc is imported (its packages never run again)."""
    if GUARDED not in sys.modules and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
