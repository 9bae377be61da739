"""A toolchain lookup finds the compiler's paths; its version is asked of the compiler only when
read (`nets doctor`), never for a build."""

from __future__ import annotations

import pytest

from node.agents import toolchains
from tests.agents.conftest import need_toolchain


@pytest.mark.parametrize("lang", ["assemblyscript", "c", "rust"])
def test_the_version_is_asked_once_and_only_when_read(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_toolchain(lang)
    asked: list[list[str]] = []
    real = toolchains._run_first_line  # pyright: ignore[reportPrivateUsage]

    def counting(argv: list[str]) -> str:
        asked.append(argv)
        return real(argv)

    monkeypatch.setattr(toolchains, "_run_first_line", counting)
    found = toolchains.toolchain(lang)
    assert asked == [], "the lookup ran the compiler for its version"
    version = found.version
    assert version
    assert found.version == version
    compiler = str(next(iter(found.tools.values())))
    assert asked == [[compiler, "--version"]]
