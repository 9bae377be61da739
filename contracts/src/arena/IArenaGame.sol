// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISystem} from "../interfaces/ISystem.sol";

/// @title IArenaGame
/// @notice The Arena's face towards its DisputeGame: the game moves, the Arena holds the money.
interface IArenaGame {
    /// @notice How a dispute ended, as the Arena settles the money.
    enum Verdict {
        ClaimantLost,
        ChallengerLost,
        Dismissed
    }

    /// @notice What the one-step proof needs about a claim: the system, its params, the round seed
    ///         and the agent's code hash, compiled-program hash, ABI and fuel budget.
    struct StepContext {
        ISystem system;
        bytes systemParams;
        bytes32 roundSeed;
        uint64 agentId;
        bytes32 codeHash;
        bytes32 programHash;
        uint8 abiVersion;
        uint32 fuelPerDecision;
    }

    /// @notice Locks the challenger's bond (msg.value) against a live claim before the deadline.
    /// @return claimant The agent's owner. @return moveWindow Seconds per move. @return matches Claim size.
    function openDispute(uint256 claimId, address challenger)
        external
        payable
        returns (address claimant, uint32 moveWindow, uint16 matches);

    /// @notice Ends a dispute: slashes and voids on ClaimantLost, pays the bond per the verdict.
    /// @param firstOpen Challenger of the claim's first dispute still open (this one included):
    ///        the one a conviction pays the slash share to.
    function resolveDispute(uint256 claimId, address challenger, address firstOpen, Verdict verdict) external;

    /// @notice The stored claim commitment: keccak256(abi.encode(claimRoot, keccak256(abi.encodePacked(scores)))),
    ///         VOIDED once voided, zero when absent; and the round seed.
    function claimCommitAndSeed(uint256 claimId) external view returns (bytes32 commit, bytes32 roundSeed);

    /// @notice Context for final-state and one-step proofs.
    function stepContext(uint256 claimId) external view returns (StepContext memory);
}
