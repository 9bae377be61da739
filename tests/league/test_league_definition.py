"""League YAML: every shipped league validates; every bad field is named with its reason."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from node.cli import main
from node.league import LeagueError, league_files, load_league, parse_league, resolve_league
from node.systems.base import available_systems

GOOD: dict[str, Any] = yaml.safe_load(
    """
name: t
system: snake
systemParams: {width: 10}
minStake: 1 ether
rewardMultiplier: 2
matchesPerRound: 4
slashAmount: "0.5 ether"
challengerBond: 20 gwei
rewardSchedule: [3, 2, 1]
submissionWindow: 1h
challengeWindow: 30m
moveWindow: 90
"""
)


def test_shipped_leagues_validate_one_per_system_and_a_demo() -> None:
    leagues = [load_league(path) for path in league_files()]
    systems = {league.system for league in leagues}
    assert set(available_systems()) <= systems
    assert "demo" in {league.name for league in leagues}
    for path, league in zip(league_files(), leagues, strict=True):
        assert path.stem == league.name


def test_units_defaults_and_config() -> None:
    league = parse_league(GOOD)
    assert league.min_stake == 10**18
    assert league.slash_amount == 5 * 10**17
    assert league.challenger_bond == 20 * 10**9
    assert (league.submission_window, league.challenge_window, league.move_window) == (
        3600,
        1800,
        90,
    )
    assert league.fuel_per_decision == 10_000
    assert league.params == {"width": 10, "height": 20, "max_steps": 500, "initial_length": 3}
    config = league.to_config("0x" + "11" * 20)
    assert config.system_params == bytes([10, 20, 1, 244])
    assert config.reward_schedule == (3, 2, 1)
    config.check_types()
    assert parse_league(league.terms()) == league
    assert league.digest() != parse_league(GOOD | {"matchesPerRound": 5}).digest()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"matchesPerRound": 0}, "matchesPerRound: Input should be greater than or equal to 1"),
        ({"matchesPerRound": 1025}, "matchesPerRound: Input should be less than or equal to 1024"),
        ({"matchesPerRound": True}, "matchesPerRound: expected an integer, got a boolean"),
        ({"fuelPerDecision": 20_001}, "fuelPerDecision: Input should be less than or equal"),
        ({"rewardMultiplier": 0}, "rewardMultiplier: Input should be greater than or equal to 1"),
        ({"challengerBond": 0}, "challengerBond: Input should be greater than or equal to 1"),
        ({"rewardSchedule": [1] * 65}, "rewardSchedule: List should have at most 64 items"),
        ({"rewardSchedule": [1, -1]}, "rewardSchedule[1]: Input should be greater than or equal"),
        ({"minStake": 2**128}, "minStake: Input should be less than or equal to"),
        ({"minStake": "1.5 wei"}, "minStake: '1.5 wei' is not a whole number of wei"),
        ({"minStake": "3 dogecoin"}, "minStake: unknown unit 'dogecoin'"),
        ({"minStake": 1.5}, "minStake: expected an integer, got a float"),
        ({"moveWindow": "10x"}, "moveWindow: expected seconds or '<n>s|m|h|d'"),
        ({"moveWindow": 0}, "moveWindow: Input should be greater than or equal to 1"),
        ({"challengeWindow": 2**32}, "challengeWindow: Input should be less than or equal"),
        ({"system": "chess"}, "system: unknown system 'chess'"),
        ({"systemParams": {"depth": 3}}, "systemParams: snake has no param 'depth'"),
        ({"systemParams": {"width": 0}}, "systemParams: "),
        ({"systemParams": {"width": "wide"}}, "systemParams.width: Input should be a valid"),
        ({"name": "Bad Name"}, "name: String should match pattern"),
        ({"slashamount": 1}, "slashamount: unknown field"),
        ({"slashAmount": "2 ether"}, "slashAmount: 2000000000000000000 wei is above minStake"),
    ],
)
def test_bad_field_is_named(change: dict[str, Any], expected: str) -> None:
    with pytest.raises(LeagueError) as caught:
        parse_league(GOOD | change, source="f.yaml")
    assert str(caught.value).startswith("f.yaml: " + expected), str(caught.value)


def test_missing_field_is_named() -> None:
    data = dict(GOOD)
    del data["challengerBond"]
    with pytest.raises(LeagueError, match="challengerBond: required field missing"):
        parse_league(data)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"- 1\n- 2\n", "the top level must be a mapping"),
        (b"name: [unclosed\n", "not valid YAML (line"),
        (b"\xff\xfe\x00", "not UTF-8 text"),
        (b"", "the top level must be a mapping"),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    with pytest.raises(LeagueError, match=re.escape(reason)):
        load_league(path)
    with pytest.raises(LeagueError, match="cannot read"):
        load_league(tmp_path / "absent.yaml")


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*GOOD.keys(), "extra", "fuelPerDecision", "description"]),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
            max_leaves=8,
        ),
        max_size=6,
    )
)
def test_hostile_terms_raise_only_league_error(changes: dict[str, Any]) -> None:
    message = ""
    try:
        parse_league(GOOD | changes).to_config("0x" + "22" * 20).check_types()
    except LeagueError as exc:
        message = str(exc)
    assert "\n" not in message


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_hostile_bytes_raise_only_league_error(content: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "x.yaml"
        path.write_bytes(content)
        with contextlib.suppress(LeagueError):
            load_league(path)


def test_resolve_by_name_and_file(tmp_path: Path) -> None:
    assert resolve_league("rps").system == "rps"
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(GOOD))
    assert resolve_league(str(path)).name == "t"
    with pytest.raises(LeagueError, match="no league named 'nope'"):
        resolve_league("nope")


def test_cli_validate_show_list(tmp_path: Path) -> None:
    runner = CliRunner()
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(GOOD))
    result = runner.invoke(main, ["league", "validate", str(good), "--json"])
    assert result.exit_code == 0, result.output
    assert '"valid": true' in result.output

    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(GOOD | {"rewardSchedule": [1, "x"]}))
    result = runner.invoke(main, ["league", "validate", str(bad)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "rewardSchedule[1]" in lines[0]

    result = runner.invoke(main, ["league", "show", "snake", "--json"])
    assert result.exit_code == 0
    assert '"systemParamsEncoded": "0x141401f4"' in result.output
    assert runner.invoke(main, ["league", "show", "nope"]).exit_code == 2
    result = runner.invoke(main, ["league", "list", "--json"])
    assert result.exit_code == 0
    assert '"name": "demo"' in result.output
