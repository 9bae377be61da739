// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TestBase} from "../utils/Vm.sol";
import {SimLedger} from "../../src/sim/SimLedger.sol";
import {AgentCards} from "../../src/sim/AgentCards.sol";
import {TraceAnchor} from "../../src/sim/TraceAnchor.sol";

contract SimLedgerTest is TestBase {
    SimLedger internal ledger;
    bytes32 internal constant A = keccak256("a");
    bytes32 internal constant B = keccak256("b");

    function setUp() public {
        ledger = new SimLedger();
        bytes32[] memory agents = new bytes32[](2);
        agents[0] = A;
        agents[1] = B;
        ledger.deposit{value: 200}(agents, 100);
    }

    function test_depositAndTransfer() public {
        ledger.transfer(A, B, 30, "r1");
        assertEq(ledger.balanceOf(A), 70, "payer");
        assertEq(ledger.balanceOf(B), 130, "payee");
        assertTrue(ledger.refUsed(A, "r1"), "ref used");
    }

    function test_transferChecks() public {
        vm.expectRevert(abi.encodeWithSelector(SimLedger.InsufficientCredits.selector, A, 100, 101));
        ledger.transfer(A, B, 101, "r");
        vm.expectRevert(abi.encodeWithSelector(SimLedger.SelfTransfer.selector, A));
        ledger.transfer(A, A, 1, "r");
        vm.expectRevert(SimLedger.ZeroAmount.selector);
        ledger.transfer(A, B, 0, "r");
        ledger.transfer(A, B, 1, "r");
        vm.expectRevert(abi.encodeWithSelector(SimLedger.DuplicateRef.selector, A, bytes32("r")));
        ledger.transfer(A, B, 1, "r");
    }

    function test_onlyOperatorAndValue() public {
        bytes32[] memory agents = new bytes32[](1);
        agents[0] = A;
        vm.expectRevert(abi.encodeWithSelector(SimLedger.WrongValue.selector, 5, 10));
        ledger.deposit{value: 5}(agents, 10);
        vm.prank(address(0xBEEF));
        vm.expectRevert(abi.encodeWithSelector(SimLedger.NotOperator.selector, address(0xBEEF)));
        ledger.transfer(A, B, 1, "x");
    }

    function test_slash() public {
        ledger.slash(A, 150);
        assertEq(ledger.balanceOf(A), 0, "all taken");
        assertEq(ledger.slashedTotal(), 100, "capped at balance");
        assertEq(ledger.slashCount(A), 1, "counted");
    }
}

contract AgentCardsTest is TestBase {
    AgentCards internal cards;

    function setUp() public {
        cards = new AgentCards();
    }

    function test_setReplaceRemove() public {
        bytes32[] memory caps = new bytes32[](2);
        caps[0] = "sell";
        caps[1] = "buy";
        cards.setCard("a", caps, "meta");
        cards.setCard("a", caps, "meta2");
        assertEq(cards.cardCount(), 1, "one card");
        (bytes32[] memory got, bytes32 meta, bool listed) = cards.cardOf("a");
        assertEq(got.length, 2, "caps");
        assertEq(meta, "meta2", "replaced");
        assertTrue(listed, "listed");
        cards.removeCard("a");
        assertEq(cards.cardCount(), 0, "removed");
        vm.expectRevert(abi.encodeWithSelector(AgentCards.UnknownCard.selector, bytes32("a")));
        cards.removeCard("a");
    }

    function test_badCapabilities() public {
        vm.expectRevert(abi.encodeWithSelector(AgentCards.BadCapabilities.selector, 0));
        cards.setCard("a", new bytes32[](0), "");
        vm.expectRevert(abi.encodeWithSelector(AgentCards.BadCapabilities.selector, 33));
        cards.setCard("a", new bytes32[](33), "");
    }
}

contract TraceAnchorTest is TestBase {
    TraceAnchor internal notary;

    function setUp() public {
        notary = new TraceAnchor();
    }

    function test_anchorOnce() public {
        vm.roll(77);
        vm.warp(1234);
        notary.anchor("root", "scenario", 42);
        (uint64 blockNumber, uint64 timestamp, uint64 seed, address by, bytes32 sh) = notary.anchorOf("root");
        assertEq(blockNumber, 77, "block");
        assertEq(timestamp, 1234, "time");
        assertEq(seed, 42, "seed");
        assertEq(by, address(this), "by");
        assertEq(sh, "scenario", "scenario");
        vm.expectRevert(abi.encodeWithSelector(TraceAnchor.AlreadyAnchored.selector, bytes32("root"), 77));
        notary.anchor("root", "other", 1);
        vm.expectRevert(TraceAnchor.ZeroRoot.selector);
        notary.anchor(bytes32(0), "", 0);
    }
}
