// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title SimLedger
/// @notice Operator-run credit ledger for simulated agents: internal balances keyed by a
///         bytes32 agent id, funded by the operator's deposits (1 credit = 1 wei held here).
///         Transfers carry a payer-scoped reference that can be used once (replay guard).
///         Slashing burns credits into `slashedTotal` and counts the agent's slashes.
contract SimLedger {
    /// @notice The only account that may move credits (the simulator's node).
    address public immutable operator;
    /// @notice Credits of each agent.
    mapping(bytes32 agent => uint256 credits) public balanceOf;
    /// @notice Times each agent was slashed.
    mapping(bytes32 agent => uint256 count) public slashCount;
    /// @notice References already used by a payer.
    mapping(bytes32 payer => mapping(bytes32 ref => bool used)) public refUsed;
    /// @notice Credits removed by slashing (they stay locked in this contract).
    uint256 public slashedTotal;

    error NotOperator(address caller);
    error ZeroAmount();
    error WrongValue(uint256 sent, uint256 expected);
    error SelfTransfer(bytes32 agent);
    error InsufficientCredits(bytes32 agent, uint256 have, uint256 need);
    error DuplicateRef(bytes32 payer, bytes32 ref);

    event Deposited(bytes32 indexed agent, uint256 amount, uint256 balance);
    event Transferred(bytes32 indexed from, bytes32 indexed to, uint256 amount, bytes32 ref);
    event Slashed(bytes32 indexed agent, uint256 amount, uint256 count);

    constructor() {
        operator = msg.sender;
    }

    modifier onlyOperator() {
        if (msg.sender != operator) revert NotOperator(msg.sender);
        _;
    }

    /// @notice Credit `each` to every agent of `agents`; msg.value must be each * agents.length.
    /// @param agents The agent ids to fund (one batch: one transaction for a whole population).
    /// @param each Credits per agent.
    function deposit(bytes32[] calldata agents, uint256 each) external payable onlyOperator {
        if (each == 0 || agents.length == 0) revert ZeroAmount();
        uint256 expected = each * agents.length;
        if (msg.value != expected) revert WrongValue(msg.value, expected);
        for (uint256 i = 0; i < agents.length; ++i) {
            uint256 balance = balanceOf[agents[i]] + each;
            balanceOf[agents[i]] = balance;
            emit Deposited(agents[i], each, balance);
        }
    }

    /// @notice Move `amount` credits from `from` to `to` under the payer's reference `ref`.
    function transfer(bytes32 from, bytes32 to, uint256 amount, bytes32 ref) external onlyOperator {
        if (amount == 0) revert ZeroAmount();
        if (from == to) revert SelfTransfer(from);
        if (refUsed[from][ref]) revert DuplicateRef(from, ref);
        uint256 have = balanceOf[from];
        if (have < amount) revert InsufficientCredits(from, have, amount);
        refUsed[from][ref] = true;
        balanceOf[from] = have - amount;
        balanceOf[to] += amount;
        emit Transferred(from, to, amount, ref);
    }

    /// @notice Remove up to `amount` credits from `agent` and count a slash.
    function slash(bytes32 agent, uint256 amount) external onlyOperator {
        if (amount == 0) revert ZeroAmount();
        uint256 have = balanceOf[agent];
        uint256 taken = amount < have ? amount : have;
        balanceOf[agent] = have - taken;
        slashedTotal += taken;
        uint256 count = slashCount[agent] + 1;
        slashCount[agent] = count;
        emit Slashed(agent, taken, count);
    }
}
