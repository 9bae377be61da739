"""$NETS_HOME that is a file (or below one): `nets chain up|down` exit 2 naming it, and no
anvil is started."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_hostile.conftest import Nets


@pytest.mark.parametrize("below", ["", "sub"])
@pytest.mark.parametrize("args", [["chain", "down"], ["chain", "up", "--no-deploy"]])
def test_nets_home_is_a_file(
    nets: Nets, workdir: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], below: str
) -> None:
    home = workdir / "home-is-a-file"
    home.write_text("not a directory")
    monkeypatch.setenv("NETS_HOME", str(home / below) if below else str(home))
    nets(*args).refused("NETS_HOME: cannot use")
    assert home.read_text() == "not a directory"
