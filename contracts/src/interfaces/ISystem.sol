// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ISystem
/// @notice A deterministic match system (snake, rps, connect4, predict), byte-identical to
///         its Python twin in node/systems. A state is the system's canonical encoding and is
///         self-contained: it carries the params, the PRNG counter and a status, so every
///         function below needs nothing but the state. See docs/protocol/systems.md.
interface ISystem {
    /// @notice Stable numeric id of the system (snake 1, rps 2, connect4 3, predict 4).
    function systemId() external pure returns (uint16);

    /// @notice Canonical initial state for a match seed and the league's encoded params.
    function initialState(bytes32 seed, bytes calldata params) external pure returns (bytes memory);

    /// @notice Observation the agent receives. abiVersion 0: exactly 8 bytes, a big-endian u64
    ///         passed as decide's i64 argument. abiVersion 1: the bytes written at obs_ptr().
    function observe(bytes calldata state, uint8 abiVersion) external pure returns (bytes memory);

    /// @notice Reduces decide's return value to an action; valid=false is `invalid_action`.
    function toAction(bytes calldata state, int64 value) external pure returns (bool valid, uint64 action);

    /// @notice State after a valid action. Callers never step a terminal state.
    function step(bytes calldata state, uint64 action) external pure returns (bytes memory);

    /// @notice Terminal state recording that the agent forfeited (trap, out of fuel, invalid
    ///         action or invalid module); its score is the system's forfeit score.
    function forfeit(bytes calldata state) external pure returns (bytes memory);

    /// @notice True once the match is over (including after a forfeit).
    function isDone(bytes calldata state) external pure returns (bool);

    /// @notice Score of a state (final score when terminal).
    function score(bytes calldata state) external pure returns (int64);
}
