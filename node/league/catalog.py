"""The league definitions shipped in scenarios/leagues/, found by name or by file."""

from __future__ import annotations

from pathlib import Path

from node.league.definition import LeagueDefinition, LeagueError, load_league

LEAGUES_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "leagues"


def league_files(directory: Path = LEAGUES_DIR) -> list[Path]:
    """Every *.yaml league file in ``directory``, by name."""
    if not directory.is_dir():
        return []
    return sorted(directory.glob("*.yaml"))


def resolve_league(name_or_file: str, directory: Path = LEAGUES_DIR) -> LeagueDefinition:
    """A path to a YAML file, or the ``name`` of a league in ``directory``."""
    candidate = Path(name_or_file)
    if candidate.suffix in (".yaml", ".yml") or candidate.is_file():
        return load_league(candidate)
    for path in league_files(directory):
        if path.stem == name_or_file:
            return load_league(path)
    for path in league_files(directory):
        try:
            league = load_league(path)
        except LeagueError:
            continue
        if league.name == name_or_file:
            return league
    known = ", ".join(path.stem for path in league_files(directory)) or "none"
    raise LeagueError(f"no league named {name_or_file!r} (known: {known})")
