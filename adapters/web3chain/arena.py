"""The Arena operations on Web3Chain: thin methods over ``call`` and ``transact``.

Names, arguments, return values and ChainErrors are MemoryChain's (adapters/base.py,
ArenaAdapter). Ids a transaction creates are read from the events of its receipt, since a
receipt carries no return data. Contracts are bound under their Solidity names (Arena,
DisputeGame, WasmInterpreter, SnakeSystem, ...), as adapters.deploy binds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eth_abi.abi import decode
from eth_utils.crypto import keccak

from adapters.arena_ops import (
    SYSTEM_CONTRACTS,
    AgentInfo,
    ArenaAddresses,
    ClaimOpening,
    DisputeInfo,
    Entry,
    LeagueConfig,
    LeagueInfo,
    RoundInfo,
    Summary,
    claim_id_of,
)
from adapters.errors import AdapterError
from adapters.web3chain.rpc import from_hex, to_hex


def to_hex32(value: int) -> str:
    """A uint256 as an indexed topic."""
    return "0x" + value.to_bytes(32, "big").hex()


if TYPE_CHECKING:
    from adapters.events import ChainEvent
    from adapters.keys import Signer
    from adapters.web3chain.chain import BoundContract, Web3Chain
    from adapters.web3chain.logs import Receipt
    from adapters.web3chain.rpc import RpcClient

ARENA = "Arena"
GAME = "DisputeGame"
VERIFIER = "WasmInterpreter"


class ArenaMethods:
    """Mixed into Web3Chain."""

    if TYPE_CHECKING:
        contracts: dict[str, BoundContract]
        signer: Signer | None
        rpc: RpcClient

        def call(
            self, contract: str, function: str, *args: Any, block: int | str = "latest"
        ) -> Any: ...

        def transact(
            self, contract: str, function: str, *args: Any, value: int = 0, gas: int | None = None
        ) -> Receipt: ...

        def events_in(self, receipt: Receipt) -> list[ChainEvent]: ...

        def balance(self, address: str) -> int: ...

        def _fork(self, signer: Signer) -> Web3Chain: ...

    @property
    def address(self) -> str:
        """The sending account."""
        if self.signer is None:
            raise AdapterError("this Web3Chain has no signing key (read-only)")
        return self.signer.address

    def with_signer(self, signer: Signer) -> Web3Chain:
        """The same endpoint and bound contracts, sending as ``signer``."""
        return self._fork(signer)

    @property
    def addresses(self) -> ArenaAddresses:
        def where(name: str) -> str:
            bound = self.contracts.get(name)
            if bound is None:
                raise AdapterError(f"contract {name} is not bound (deploy the Arena set first)")
            return bound.address

        systems = {
            system: self.contracts[contract].address
            for system, contract in SYSTEM_CONTRACTS.items()
            if contract in self.contracts
        }
        return ArenaAddresses(where(ARENA), where(GAME), where(VERIFIER), systems)

    def eth_balance(self, address: str) -> int:
        return self.balance(address)

    def _event(self, receipt: Receipt, name: str) -> ChainEvent:
        for event in self.events_in(receipt):
            if event.name == name:
                return event
        raise AdapterError(f"transaction 0x{receipt.tx_hash.hex()} emitted no {name}")

    # -- agents and staking -------------------------------------------------------------------

    def register_agent(self, code: bytes) -> int:
        receipt = self.transact(ARENA, "registerAgent", bytes(code))
        return int(self._event(receipt, "AgentRegistered").args["agentId"])

    def stake(self, agent_id: int, amount: int) -> None:
        self.transact(ARENA, "stake", agent_id, value=amount)

    def request_unstake(self, agent_id: int, amount: int) -> None:
        self.transact(ARENA, "requestUnstake", agent_id, amount)

    def finalize_unstake(self, agent_id: int) -> None:
        self.transact(ARENA, "finalizeUnstake", agent_id)

    # -- leagues and rounds -------------------------------------------------------------------

    def create_league(self, config: LeagueConfig, reward_pool: int = 0) -> int:
        receipt = self.transact(ARENA, "createLeague", config.as_abi(), value=reward_pool)
        return int(self._event(receipt, "LeagueCreated").args["leagueId"])

    def fund_league(self, league_id: int, amount: int) -> None:
        self.transact(ARENA, "fundLeague", league_id, value=amount)

    def open_round(self, league_id: int) -> int:
        receipt = self.transact(ARENA, "openRound", league_id)
        return int(self._event(receipt, "RoundOpened").args["roundId"])

    def fix_seed(self, round_id: int) -> bytes:
        receipt = self.transact(ARENA, "fixSeed", round_id)
        return bytes(self._event(receipt, "SeedFixed").args["seed"])

    # -- claims, settlement, withdrawals ------------------------------------------------------

    def submit_claim(
        self, round_id: int, agent_id: int, claim_root: bytes, scores: Sequence[int]
    ) -> int:
        self.transact(ARENA, "submitClaim", round_id, agent_id, claim_root, list(scores))
        return claim_id_of(round_id, agent_id)

    def settle_round(self, round_id: int, batch: Sequence[ClaimOpening]) -> None:
        self.transact(ARENA, "settleRound", round_id, [c.as_abi() for c in batch])

    def withdraw(self, amount: int) -> None:
        self.transact(ARENA, "withdraw", amount)

    # -- dispute moves ------------------------------------------------------------------------

    def challenge(self, claim_id: int, match_index: int, bond: int) -> int:
        receipt = self.transact(GAME, "challenge", claim_id, match_index, value=bond)
        return int(self._event(receipt, "DisputeOpened").args["disputeId"])

    def reveal_summary(
        self,
        dispute_id: int,
        claim_root: bytes,
        scores: Sequence[int],
        summary: Summary,
        proof: Sequence[bytes],
    ) -> None:
        self.transact(
            GAME,
            "revealSummary",
            dispute_id,
            claim_root,
            list(scores),
            summary.as_abi(),
            list(proof),
        )

    def reveal_final(self, dispute_id: int, entry: Entry, proof: Sequence[bytes]) -> None:
        self.transact(GAME, "revealFinal", dispute_id, entry.as_abi(), list(proof))

    def prove_final_state_fraud(self, dispute_id: int, final_state: bytes) -> None:
        self.transact(GAME, "proveFinalStateFraud", dispute_id, bytes(final_state))

    def reveal_midpoint(self, dispute_id: int, entry: Entry, proof: Sequence[bytes]) -> None:
        self.transact(GAME, "revealMidpoint", dispute_id, entry.as_abi(), list(proof))

    def answer(self, dispute_id: int, agree: bool) -> None:
        self.transact(GAME, "answer", dispute_id, bool(agree))

    def prove_step(
        self, dispute_id: int, lo_entry: Entry, entry: Entry, pre_state: bytes, code: bytes
    ) -> None:
        """proveStep takes the compiled program, not the code: derive it with an eth_call."""
        self.transact(
            GAME,
            "proveStep",
            dispute_id,
            lo_entry.as_abi(),
            entry.as_abi(),
            bytes(pre_state),
            self.compiled_program(code),
        )

    def compiled_program(self, code: bytes) -> bytes:
        """The verifier's compiled program of ``code`` (empty when invalid), whose keccak256 the
        Arena stored at registration; computed by an eth_call, so it costs no gas."""
        _valid, _abi, program = self.call(VERIFIER, "compile", bytes(code))
        return bytes(program)

    def timeout(self, dispute_id: int) -> None:
        self.transact(GAME, "timeout", dispute_id)

    def dismiss(self, dispute_id: int) -> None:
        self.transact(GAME, "dismiss", dispute_id)

    # -- views --------------------------------------------------------------------------------

    def agent(self, agent_id: int) -> AgentInfo:
        return AgentInfo.from_abi(self.call(ARENA, "agent", agent_id))

    def agent_code(self, agent_id: int) -> bytes | None:
        """From the registerAgent calldata: the agent record names the registration block,
        its AgentRegistered log (agentId is indexed) the transaction, whose input is
        ``registerAgent(code)``. A registration sent through another contract has other input
        and gives None, as does anything not hashing to the registered codeHash."""
        info = self.agent(agent_id)
        if int(info.owner, 16) == 0:
            return None
        arena = self.contracts[ARENA]
        event = next(e for e in arena.abi.events.values() if e.name == "AgentRegistered")
        block = to_hex(info.registered_block)
        logs = self.rpc.call(
            "eth_getLogs",
            {
                "fromBlock": block,
                "toBlock": block,
                "address": arena.address,
                "topics": ["0x" + event.topic.hex(), to_hex32(agent_id)],
            },
        )
        register = arena.abi.function("registerAgent")
        for log in logs:
            tx = self.rpc.call("eth_getTransactionByHash", log["transactionHash"])
            data = from_hex(tx["input"]) if tx else b""
            if data[:4] != register.selector:
                continue
            try:
                (code,) = decode(["bytes"], data[4:])
            except Exception:  # malformed calldata: not this agent's module
                continue
            if keccak(bytes(code)) == info.code_hash:
                return bytes(code)
        return None

    def league(self, league_id: int) -> LeagueInfo:
        return LeagueInfo.from_abi(self.call(ARENA, "league", league_id))

    def round(self, round_id: int) -> RoundInfo:
        return RoundInfo.from_abi(self.call(ARENA, "round", round_id))

    def dispute(self, dispute_id: int) -> DisputeInfo:
        return DisputeInfo.from_abi(self.call(GAME, "dispute", dispute_id))

    def claim_commit(self, claim_id: int) -> bytes:
        return bytes(self.call(ARENA, "claimCommit", claim_id))

    def is_held(self, claim_id: int) -> bool:
        return bool(self.call(ARENA, "held", claim_id))

    def held_reward(self, claim_id: int) -> int:
        return int(self.call(ARENA, "heldReward", claim_id))

    def is_disqualified(self, agent_id: int, league_id: int) -> bool:
        return bool(self.call(ARENA, "disqualified", agent_id, league_id))

    def balance_of(self, account: str) -> int:
        return int(self.call(ARENA, "balanceOf", account))

    def match_seed(self, round_id: int, agent_id: int, match_index: int) -> bytes:
        return bytes(self.call(ARENA, "matchSeed", round_id, agent_id, match_index))

    def midpoint(self, dispute_id: int) -> int:
        return int(self.call(GAME, "midpoint", dispute_id))

    def first_open_dispute(self, claim_id: int) -> int:
        return int(self.call(GAME, "firstOpenDispute", claim_id))

    def counts(self) -> tuple[int, int, int, int]:
        """(agentCount, leagueCount, roundCount, disputeCount)."""
        return (
            int(self.call(ARENA, "agentCount")),
            int(self.call(ARENA, "leagueCount")),
            int(self.call(ARENA, "roundCount")),
            int(self.call(GAME, "disputeCount")),
        )

    def unstake_delay(self) -> int:
        return int(self.call(ARENA, "unstakeDelay"))
