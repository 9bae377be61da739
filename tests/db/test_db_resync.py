"""A node whose records are ahead of its chain (the chain was lost or reset) says so in one
line naming the recovery, and `nets node resync` rebuilds its view from the chain."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from node.cli import main
from node.db import open_database
from node.db.outbox import Outbox

ROOT = Path(__file__).resolve().parents[2]
GREEDY = str(ROOT / "scenarios" / "agents" / "snake" / "greedy_v1.wat")
STAKE = str(10**18)


def nets(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_records_ahead_of_a_lost_chain_then_resync(tmp_path: Path) -> None:
    chain = tmp_path / "chain.json"
    node = ["--chain", f"memory:{chain}", "--db", f"sqlite:///{tmp_path / 'node.db'}"]
    submit = ["submit", "--register", GREEDY, "--stake", STAKE, "--once", *node]
    assert nets(*submit)[0] == 0
    assert nets("verify", "--once", *node)[0] == 0
    for path in tmp_path.glob("chain.json*"):  # the chain is lost; the node's records are not
        path.unlink()

    for command in (["verify", "--once"], submit[: -len(node)]):
        code, output = nets(*command, *node)
        assert code == 2
        errors = [line for line in output.strip().splitlines() if line.startswith("error: ")]
        assert len(errors) == 1, output  # before it, only the role's timestamped start notice
        assert "this node's records are ahead of chain memory" in errors[0]
        assert f"nets node resync --chain memory:{chain} --db sqlite:///" in errors[0]

    code, output = nets("node", "resync", *node, "--json")
    assert code == 0, output
    dropped = json.loads(output)["dropped"]
    assert dropped["intents"] == 2
    assert dropped["chain_cursors"] == 4  # each role's head cursor and its last-event cursor

    assert nets(*submit)[0] == 0  # registered and staked again on the new chain
    assert nets("verify", "--once", *node)[0] == 0
    db = open_database(node[3])
    try:
        done = {i.key.split(":")[0]: i.status for i in Outbox(db, 31337).all_intents()}
    finally:
        db.close()
    assert done == {"register": "done", "stake": "done"}
    code, output = nets("agent", "status", "1", *node, "--json")
    assert code == 0
    assert json.loads(output)["stake"] == int(STAKE)
