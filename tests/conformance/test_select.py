"""``--chain`` / $NETS_CHAIN resolve to a ready adapter."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.arena_ops import ETHER, Phase
from adapters.base import ArenaAdapter
from adapters.deployments import ChainDeployment, DeployedContract, DeploymentsFile
from adapters.errors import AdapterError
from adapters.events import EventCursor
from adapters.memory import MemoryChain
from adapters.select import chain_spec, open_chain
from adapters.web3chain import Web3Chain
from node.testing.chains import DeployedAnvil
from tests.conformance.harness import (
    AGENT_CODE,
    account,
    build_claim,
    play_dispute,
    setup_round,
    transcript,
)


def test_memory_is_the_default_and_env_is_read() -> None:
    assert chain_spec(None, {}) == "memory"
    assert chain_spec(None, {"NETS_CHAIN": "anvil"}) == "anvil"
    assert chain_spec("memory", {"NETS_CHAIN": "anvil"}) == "memory"
    with open_chain(env={}) as opened:
        assert isinstance(opened.adapter, MemoryChain)
        assert isinstance(opened.adapter, ArenaAdapter)
    with open_chain("memory") as opened:  # the entry point of the same name works too
        assert opened.adapter.register_agent(AGENT_CODE) == 1


def test_unknown_names_are_refused() -> None:
    with pytest.raises(AdapterError, match="unknown chain adapter"):
        open_chain("nosuchchain", env={})


@pytest.mark.anvil
def test_an_url_binds_the_recorded_deployment(
    nets_anvil: DeployedAnvil, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = nets_anvil.chain.url
    monkeypatch.setenv("NETS_HOME", str(tmp_path))
    with pytest.raises(AdapterError, match="no Arena deployment recorded"):
        open_chain(url, env={})
    record = ChainDeployment(chain_id=31337, source_hash="0x")
    for name, bound in nets_anvil.chain.contracts.items():
        if name != "DisputeGame":
            record.contracts[name] = DeployedContract(
                address=bound.address,
                init_code_hash="0x" + "00" * 32,
                runtime_code_hash="0x" + "00" * 32,
                tx_hash="0x" + "00" * 32,
                block=1,
            )
    DeploymentsFile().put(record)
    with open_chain(url, env={}) as opened:  # anvil: the default account signs
        chain = opened.adapter
        assert chain.addresses == nets_anvil.chain.addresses
        assert chain.counts() == nets_anvil.chain.counts()


@pytest.mark.anvil
def test_anvil_starts_deploys_and_stops() -> None:
    with open_chain("anvil") as opened:
        chain = opened.adapter
        assert isinstance(chain, Web3Chain)
        assert chain.addresses == MemoryChain().addresses  # the planned addresses
        assert chain.register_agent(AGENT_CODE) == 1
        node = opened.anvil
        assert node is not None
    assert node.process is None


def test_a_memory_file_keeps_the_chain_across_openings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("time.time", lambda: 1_800_000_000.0)  # no block by time alone here
    path = tmp_path / "chain.json"
    spec = f"memory:{path}"
    with open_chain(spec) as opened:
        s = setup_round(opened.adapter)
        claim = build_claim(opened.adapter, s.round_id, s.agents[0], doctor_step=3)
        s.owners[0].submit_claim(claim.round_id, claim.agent_id, claim.root, claim.scores)
        dispute_id = s.challenger.challenge(claim.claim_id, 0, ETHER // 5)
        before = transcript(opened.adapter, EventCursor())
    with open_chain(spec) as opened:
        chain = opened.adapter
        assert transcript(chain, EventCursor()) == before
        challenger = chain.with_signer(account(3))
        play_dispute(chain.with_signer(account(1)), challenger, claim, dispute_id)
        assert chain.dispute(dispute_id).phase == Phase.RESOLVED
        after = transcript(chain, EventCursor())
    with open_chain(spec) as opened:
        assert transcript(opened.adapter, EventCursor()) == after
    path.write_text('{"format": "nets.memory-chain/1", "ledger": 5}')
    with pytest.raises(AdapterError, match="not a memory chain file"):
        open_chain(spec)


def test_a_memory_file_that_cannot_be_written_is_refused_when_opened(tmp_path: Path) -> None:
    """Refused before the command works, not when the chain is saved afterwards."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory should be")
    with pytest.raises(AdapterError, match=r"cannot be written: .*blocker is not a directory"):
        open_chain(f"memory:{blocker / 'chain.json'}")
    assert not (tmp_path / "blocker.tmp").exists()
