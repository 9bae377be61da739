"""Leagues: definitions (YAML, the Arena's league terms) and round execution."""

from node.executor.local import default_workers
from node.league.catalog import LEAGUES_DIR, league_files, resolve_league
from node.league.definition import LeagueDefinition, LeagueError, load_league, parse_league
from node.league.rounds import (
    AgentRound,
    MatchRecord,
    RoundResult,
    RoundSpec,
    play_match,
    run_round,
)

__all__ = [
    "LEAGUES_DIR",
    "AgentRound",
    "LeagueDefinition",
    "LeagueError",
    "MatchRecord",
    "RoundResult",
    "RoundSpec",
    "default_workers",
    "league_files",
    "load_league",
    "parse_league",
    "play_match",
    "resolve_league",
    "run_round",
]
