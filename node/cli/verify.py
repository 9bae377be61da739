"""`nets verify`: the verifier node; it replays every claim from its cursor on, challenges
mismatches, plays each dispute to the end and reports what it verified, challenged, won and
lost."""

from __future__ import annotations

from typing import Any

import click

from node.cli.chain_context import SignerChoice, open_node
from node.cli.common import console, json_option
from node.cli.executor_options import opened_executor
from node.cli.submit import node_options, print_report, run_role


@click.command("verify")
@node_options
@click.option("--no-settle", is_flag=True, help="Do not settle rounds (verify and dispute only).")
@json_option
def verify_cmd(
    chain: str | None,
    db_url: str | None,
    signer: SignerChoice,
    once: bool,
    interval: float,
    workers: int,
    executor: str,
    ray_address: str | None,
    no_settle: bool,
    as_json: bool,
) -> None:
    """Verify every claim, dispute the wrong ones to the end, settle finished rounds."""
    from node.roles.verifier import Verifier

    with (
        open_node(chain, db_url, signer) as (adapter, db, name),
        opened_executor(executor, workers, ray_address) as runner,
    ):
        verifier = Verifier(
            db,
            adapter,
            adapter_name=name,
            executor=runner,
            settle=not no_settle,
        )
        run_role(verifier, once=once, interval=interval, as_json=as_json)
        report: dict[str, Any] = verifier.report().to_json()
        report["actions"] = verifier.log.lines
        report["refused"] = verifier.log.refused
    if print_report(report, as_json):
        return
    console.print(
        f"verified {report['verified']} claims, mismatched {len(report['mismatched'])}, "
        f"unrecoverable {len(report['unrecoverable'])}, challenged {len(report['challenged'])}, "
        f"won {len(report['won'])}, lost {len(report['lost'])}, open {len(report['open'])}, "
        f"settled rounds {report['settled']}"
    )
    for item in report["mismatched"]:
        console.print(
            f"mismatch: round {item['round']} agent {item['agent']}: {item['note']}", markup=False
        )
