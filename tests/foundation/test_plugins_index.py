"""adapters.plugins: entry points read once per sys.path, and a plugin directory added at run
time still found (a system registered by a distribution that only this test installs)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters import plugins
from node.systems.base import UnknownSystem, available_systems, load_system
from node.systems.rps import Rps


@pytest.fixture
def extra_system(tmp_path: Path) -> Iterator[Path]:
    """A distribution in a new sys.path entry (returned) registering rps again as
    `rps_again`."""
    info = tmp_path / "extra_systems-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: extra-systems\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[nets.systems]\nrps_again = node.systems.rps:Rps\n")
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        if str(tmp_path) in sys.path:
            sys.path.remove(str(tmp_path))


def test_a_directory_added_to_sys_path_is_scanned_and_dropped_with_it(
    extra_system: Path,
) -> None:
    assert "rps_again" in available_systems()
    assert isinstance(load_system("rps_again"), Rps)
    sys.path.remove(str(extra_system))
    assert "rps_again" not in available_systems()
    with pytest.raises(UnknownSystem, match="rps_again"):
        load_system("rps_again")


def test_lookups_on_one_sys_path_read_the_distributions_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scans = 0
    real = plugins.entry_points

    def counted() -> object:
        nonlocal scans
        scans += 1
        return real()

    monkeypatch.setattr(plugins, "entry_points", counted)
    plugins._index.cache_clear()
    for _ in range(5):
        load_system("snake")
    assert "snake" in available_systems()
    assert scans == 1
