"""ADVERSARY processes for `make devnet` and the end-to-end test (tests/e2e): a cheating owner
and a lying verifier, each its own OS process on a chain shared with honest `nets submit` and
`nets verify` processes. Nothing honest runs this.

    python scripts/devnet_actor.py cheater --chain URL --db cheater.db --account 3
    python scripts/devnet_actor.py liar --chain URL --db liar.db --account 7

The cheater registers simple_v0 and claims, as its own, the games greedy_v1 plays from the
same seeds (node.roles.adversary.BorrowedPolicy); it defends its claim like an honest
submitter, so only the one-step proof convicts it. The liar challenges every claim its replay
finds right and disagrees with every midpoint (adversary.lying_verifier): it loses each bond.
"""

from __future__ import annotations

import click

from adapters.toolchain import PROJECT_ROOT
from node.cli.chain_context import SignerChoice, chain_options, open_node
from node.cli.submit import run_role
from node.roles.adversary import BorrowedPolicy, lying_verifier
from node.roles.common import RoleBase
from node.roles.submitter import AgentPlan, Submitter
from node.roles.verifier import Verifier
from node.wasm import load_agent_file

SNAKE = PROJECT_ROOT / "scenarios" / "agents" / "snake"


@click.command()
@click.argument("kind", type=click.Choice(["cheater", "liar"]))
@chain_options
@click.option("--account", type=click.IntRange(0, 9), required=True)
@click.option("--stake", type=click.IntRange(1), default=1_000_000, show_default=True)
@click.option("--interval", type=click.FloatRange(0.05, 60), default=0.5, show_default=True)
def main(
    kind: str, chain: str | None, db_url: str | None, account: int, stake: int, interval: float
) -> None:
    with open_node(chain, db_url, SignerChoice(account=account)) as (adapter, db, name):
        role: RoleBase
        if kind == "cheater":
            forgery = BorrowedPolicy(better_code=load_agent_file(SNAKE / "greedy_v1.wat"))
            plan = AgentPlan(load_agent_file(SNAKE / "simple_v0.wat"), stake, forgery, "cheater")
            submitter = Submitter(db, adapter, [plan], adapter_name=name)
            submitter.enroll()
            role = submitter
        else:
            role = Verifier(
                db,
                adapter,
                adapter_name=name,
                policy=lying_verifier(),
                settle=False,
            )
        role.log.role = kind
        run_role(role, once=False, interval=interval, as_json=False)


if __name__ == "__main__":
    main()
