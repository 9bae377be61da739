"""Fixtures of the dashboard suite: a real demo round (memory chain, SQLite file), hostile
records and traces beside it, and the app over them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.applications import Starlette

from adapters.memory import MemoryChain
from node.dashboard import Settings, Source, create_app
from node.db import open_database, repo
from node.db.engine import Database
from node.db.models import DisputeRow, LeagueRow
from node.league.catalog import resolve_league
from node.roles.showcase import DemoResult, run_demo

HOSTILE = "<script>alert(1)</script>"
HOSTILE_FILE = "<img src=x onerror=alert(2)>.jsonl"


@dataclass
class DemoWorld:
    db: Database
    adapter: MemoryChain
    result: DemoResult
    out: Path
    url: str

    def settings(self, *, chain: bool = True, token: str | None = None) -> Settings:
        source = Source(self.db, self.adapter.chain_id, self.adapter if chain else None)
        return Settings(source, traces=self.out, token=token, poll_seconds=0.1)


def add_hostile(db: Database, chain_id: int, out: Path) -> None:
    """Records and traces whose strings try to inject markup: a league named and described
    with a script tag (as a hostile or damaged database would hold), a dispute whose
    challenger string is one, and a simulator trace whose scenario and agents are."""
    definition = resolve_league("demo").model_copy(update={"description": HOSTILE})
    repo.save_league(db, chain_id, 99, definition)
    with db.session() as session:
        row = session.get(LeagueRow, (chain_id, 99))
        assert row is not None
        row.name = HOSTILE
        session.add(row)
    repo.save_dispute(
        db,
        DisputeRow(chain_id=chain_id, dispute_id=99, round_id=1, agent_id=1, match_index=0,
                   role="observer", challenger=HOSTILE),
    )  # fmt: skip
    header = {"kind": "run", "format": "nets-sim/1", "name": HOSTILE, "seed": 1,
              "task": HOSTILE, "agents": 1, "horizon": 2, "layers": {}, "failures": {}}  # fmt: skip
    lines = [
        header,
        {"t": 0, "kind": "start", "agent": HOSTILE, "role": HOSTILE},
        {"t": 1, "kind": "send", "agent": HOSTILE, "to": HOSTILE, "id": "m1"},
        {"t": 2, "kind": "receive", "agent": HOSTILE, "from": HOSTILE, "id": "m1", "lat": 1},
        {"t": 2, "kind": "app", "agent": HOSTILE, "event": HOSTILE},
    ]
    sims = out / "sims"
    sims.mkdir(exist_ok=True)
    text = "".join(json.dumps(x) + "\n" for x in lines)
    (sims / "hostile.jsonl").write_text(text)
    (sims / HOSTILE_FILE).write_text(text)


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoWorld]:
    """One real demo round for the session (pages only read it; tests that write use their own)."""
    from click.testing import CliRunner

    from node.cli.sim import run_cmd  # the `nets run` command writes real simulator traces

    out = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{out / 'nets.db'}"
    db = open_database(url)
    adapter = MemoryChain()
    result = run_demo(db, adapter, adapter_name="memory", workers=1, out=out)
    add_hostile(db, adapter.chain_id, out)
    sims = out / "sims"
    for name, extra in (("market.jsonl", []), ("market-nanda.jsonl", ["--trace-format", "nanda"])):
        ran = CliRunner().invoke(
            run_cmd, ["marketplace", "--ticks", "60", "-o", str(sims / name), *extra]
        )
        assert ran.exit_code == 0, ran.output
    try:
        yield DemoWorld(db, adapter, result, out, url)
    finally:
        db.close()


@pytest.fixture(scope="session")
def app_settings(demo_world: DemoWorld) -> Settings:
    return demo_world.settings()


@pytest.fixture(scope="session")
def demo_app(app_settings: Settings) -> Starlette:
    return create_app(app_settings)
