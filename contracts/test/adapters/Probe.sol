// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Probe for the chain adapter tests: custom errors, events, a string revert and a
/// panic, so every decoding path of adapters/web3chain is exercised against real bytecode.
contract Probe {
    error NotOwner(address caller, uint256 code);
    error TooLarge(uint256 value, uint256 limit);
    event Bumped(address indexed by, uint256 count);
    event Hit(uint256 indexed id, address indexed by, string note);

    address public owner;
    uint256 public count;
    mapping(uint256 => uint256) public hits;

    constructor(address owner_) { owner = owner_; }

    function bump() external { count += 1; emit Bumped(msg.sender, count); }

    function hit(uint256 id, string calldata note) external {
        hits[id] += 1;
        count += 1;
        emit Hit(id, msg.sender, note);
    }

    function onlyOwner() external view { if (msg.sender != owner) revert NotOwner(msg.sender, 7); }

    function setLimited(uint256 value) external {
        if (value > 100) revert TooLarge(value, 100);
        count = value;
    }

    function failString() external pure { revert("nope"); }

    function divide(uint256 a, uint256 b) external pure returns (uint256) { return a / b; }
}

contract Registry {
    address public probe;
    constructor(address probe_) { probe = probe_; }
}
