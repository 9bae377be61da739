// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title AgentCards
/// @notice Operator-run registry of simulated agents' cards: capability hashes and a
///         metadata hash per agent id. Lookups by capability are served from the events.
contract AgentCards {
    /// @notice Most capabilities one card may list.
    uint256 public constant MAX_CAPABILITIES = 32;
    /// @notice The only account that may write cards.
    address public immutable operator;
    /// @notice Agents with a card.
    uint256 public cardCount;

    struct Card {
        bytes32[] capabilities;
        bytes32 metadataHash;
        bool listed;
    }

    mapping(bytes32 agent => Card) private cards;

    error NotOperator(address caller);
    error BadCapabilities(uint256 count);
    error UnknownCard(bytes32 agent);

    event CardSet(bytes32 indexed agent, bytes32[] capabilities, bytes32 metadataHash);
    event CardRemoved(bytes32 indexed agent);

    constructor() {
        operator = msg.sender;
    }

    modifier onlyOperator() {
        if (msg.sender != operator) revert NotOperator(msg.sender);
        _;
    }

    /// @notice Create or replace `agent`'s card.
    function setCard(bytes32 agent, bytes32[] calldata capabilities, bytes32 metadataHash)
        external
        onlyOperator
    {
        if (capabilities.length == 0 || capabilities.length > MAX_CAPABILITIES) {
            revert BadCapabilities(capabilities.length);
        }
        Card storage card = cards[agent];
        if (!card.listed) {
            card.listed = true;
            cardCount += 1;
        }
        card.capabilities = capabilities;
        card.metadataHash = metadataHash;
        emit CardSet(agent, capabilities, metadataHash);
    }

    /// @notice Remove `agent`'s card.
    function removeCard(bytes32 agent) external onlyOperator {
        if (!cards[agent].listed) revert UnknownCard(agent);
        delete cards[agent];
        cardCount -= 1;
        emit CardRemoved(agent);
    }

    /// @notice `agent`'s card (empty and unlisted when it has none).
    function cardOf(bytes32 agent)
        external
        view
        returns (bytes32[] memory capabilities, bytes32 metadataHash, bool listed)
    {
        Card storage card = cards[agent];
        return (card.capabilities, card.metadataHash, card.listed);
    }
}
