// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArenaBase} from "./ArenaBase.sol";
import {DisputeGame} from "../../src/arena/DisputeGame.sol";
import {IArenaGame} from "../../src/arena/IArenaGame.sol";
import {ICompiledDecisionVerifier} from "../../src/interfaces/ICompiledDecisionVerifier.sol";
import {WasmCompiler} from "../../src/wasm/WasmCompiler.sol";
import {WasmInterpreter} from "../../src/wasm/WasmInterpreter.sol";

/// @notice A claim on the real WASM interpreter bisected down to its one-step proof, and the
///         proof's transaction gas (shared by ProveStepTest and ProofBoundTest).
abstract contract ProveStepBase is ArenaBase {
    /// @notice Proof gas ceiling asserted here (a 30M block with room to spare).
    uint256 internal constant PROOF_GAS_LIMIT = 15_000_000;
    uint256 internal constant POOL = 10 ether;
    /// @notice Agent profile v1's bound on the compiled program (node/wasm/limits.py).
    uint256 internal constant MAX_PROGRAM = 114_688;
    /// @notice 128 KiB: the largest transaction geth's pool accepts.
    uint256 internal constant TX_SIZE_LIMIT = 131_072;
    /// @notice Straight-line pairs (6 program bytes each) that fill the program exactly.
    uint256 internal constant LARGEST_STRAIGHT_LINE = 19_101;
    /// @notice br_table labels (9 program bytes each) that fill the program to within a word.
    uint256 internal constant LARGEST_BR_TABLE = 12_733;

    /// @dev v0 `decide(x) = x`, set up by setUp.
    bytes internal WASM_ECHO;

    event log_named_uint(string key, uint256 val);

    function setUp() public virtual override {
        super.setUp();
        WASM_ECHO = _module(hex"002000");
    }

    function _newVerifier() internal override returns (ICompiledDecisionVerifier) {
        return new WasmInterpreter(new WasmCompiler());
    }

    // ------------------------------------------------------------ hostile modules

    function _leb(uint256 v) internal pure returns (bytes memory out) {
        do {
            uint8 b = uint8(v & 0x7f);
            v >>= 7;
            out = abi.encodePacked(out, v == 0 ? b : b | 0x80);
        } while (v != 0);
    }

    /// @notice A v0 module `decide(i64) -> i64` with the given body (locals and instructions, no end).
    function _module(bytes memory body) internal pure returns (bytes memory) {
        bytes memory fn = abi.encodePacked(body, hex"0b");
        bytes memory codeSec = abi.encodePacked(hex"01", _leb(fn.length), fn);
        return abi.encodePacked(
            hex"0061736d01000000", // magic, version
            hex"01060160017e017e", // type (i64) -> i64
            hex"03020100", // one function of type 0
            hex"070a01066465636964650000", // export "decide"
            hex"0a",
            _leb(codeSec.length),
            codeSec
        );
    }

    /// @notice Echo (local.get 0; return), then `n` x (i32.const 1; drop) and local.get 0: all
    ///         validated and compiled, never executed; 19,101 pairs fill the program limit, 21,829
    ///         the 64 KiB module limit.
    function _straightLine(uint256 n) internal pure returns (bytes memory) {
        bytes memory body = new bytes(4 + 3 * n + 2);
        body[1] = 0x20; // local.get 0
        body[3] = 0x0f; // return
        for (uint256 i; i < n; ++i) {
            body[4 + 3 * i] = 0x41;
            body[5 + 3 * i] = 0x01;
            body[6 + 3 * i] = 0x1a;
        }
        body[4 + 3 * n] = 0x20; // local.get 0
        return _module(body);
    }

    /// @notice block; i32.const 0; br_table with `n` labels (all 0) and default 0; end; echo.
    function _brTable(uint256 n) internal pure returns (bytes memory) {
        bytes memory labels = new bytes(n + 1);
        return _module(abi.encodePacked(hex"00024041000e", _leb(n), labels, hex"0b2000"));
    }

    // ------------------------------------------------------------ scenario

    struct Proof {
        uint256 agentId;
        uint256 claimId;
        uint256 disputeId;
        uint256 registerGas;
        MatchTrace claimed;
        MatchTrace truth;
        bytes program;
    }

    /// @notice Registers `code` for ALICE, submits a one-match claim tampered at step 2 and bisects
    ///         CAROL's challenge down to the one-step proof.
    function _toOneStep(bytes memory code) internal returns (Proof memory p) {
        return _toOneStep(code, 2);
    }

    /// @notice The same, tampered at step `cheatAt` (0 for an agent that forfeits at once).
    function _toOneStep(bytes memory code, uint256 cheatAt) internal returns (Proof memory p) {
        uint256 leagueId = _league(1, POOL);
        uint256 before = gasleft();
        vm.prank(ALICE);
        p.agentId = arena.registerAgent(code);
        p.registerGas = before - gasleft();
        vm.prank(ALICE);
        arena.stake{value: 1 ether}(p.agentId);
        vm.roll(block.number + 1);
        uint256 roundId = _round(leagueId);
        ClaimData memory c = _claim(roundId, p.agentId, code);
        p.truth = c.matches[0];
        c.matches[0] = _play(code, p.truth.seed, cheatAt);
        c.scores[0] = c.matches[0].score;
        _sealClaim(c);
        p.claimed = c.matches[0];
        p.claimId = _submit(ALICE, c);
        p.disputeId = _challenge(CAROL, p.claimId, 0);
        _revealSummary(ALICE, p.disputeId, c, 0);
        _revealFinal(ALICE, p.disputeId, p.claimed);
        _bisect(ALICE, CAROL, p.disputeId, p.claimed, p.truth);
        assertEq(uint256(game.dispute(p.disputeId).phase), uint256(DisputeGame.Phase.AwaitOneStep), "one step");
        (,, p.program) = verifier.compile(code);
    }

    /// @notice Proves the step and returns the gas of the proveStep transaction with cold storage:
    ///         the callee frame's gas (vm.lastCallGas) plus 21,000 and the calldata at 16/4 gas per
    ///         non-zero/zero byte, or the EIP-7623 floor if larger (ArenaBase._txGas). The claimant
    ///         must lose.
    function _proveGas(Proof memory p) internal returns (uint256 txGas) {
        DisputeGame.Dispute memory d = game.dispute(p.disputeId);
        uint256 hi = uint256(uint32(d.hi));
        DisputeGame.Entry memory lo = d.lo < 0 ? DisputeGame.Entry(0, 0, 0, 0) : p.claimed.entries[hi - 1];
        bytes memory data =
            abi.encodeCall(DisputeGame.proveStep, (p.disputeId, lo, p.claimed.entries[hi], p.truth.states[hi], p.program));
        _expectResolved(p.disputeId, p.claimId, IArenaGame.Verdict.ClaimantLost, DisputeGame.Reason.StepMismatch);
        vm.cool(address(game));
        vm.cool(address(arena));
        vm.cool(address(verifier));
        vm.cool(address(counter));
        vm.prank(CAROL);
        (bool ok, bytes memory err) = address(game).call(data);
        if (!ok) {
            assembly {
                revert(add(err, 0x20), mload(err))
            }
        }
        uint256 execution = vm.lastCallGas().gasTotalUsed;
        assertEq(arena.claimCommit(p.claimId), arena.VOIDED(), "voided");
        txGas = _txGas(data, execution);
        emit log_named_uint("  proveStep execution gas", execution);
        emit log_named_uint("  proveStep calldata bytes", data.length);
        assertTrue(
            data.length - p.truth.states[hi].length <= TX_SIZE_LIMIT - 15 * 1024,
            "beside the pre-state, the proof leaves 15 KiB of a 128 KiB transaction"
        );
    }

    function _expectResolved(uint256 id, uint256 claimId, IArenaGame.Verdict v, DisputeGame.Reason reason) internal {
        vm.expectEmit();
        emit DisputeGame.DisputeResolved(id, claimId, v, reason);
    }

}

/// @notice The one-step proof on the real WASM interpreter: registration stores the compiled
///         program's hash, the proof runs that program without re-validating, so a module whose
///         validation is hostile (the longest straight line, the widest br_table) still leaves the
///         honest challenger a proof far below a 30M-gas block and within a 128 KiB transaction.
contract ProveStepTest is ProveStepBase {

    function test_registrationStoresProgramHash() public {
        vm.prank(ALICE);
        uint256 agentId = arena.registerAgent(WASM_ECHO);
        (bool valid, uint8 abiVersion, bytes memory program) = verifier.compile(WASM_ECHO);
        assertTrue(valid, "valid");
        assertEq(arena.agent(agentId).abiVersion, abiVersion, "abi");
        assertEq(arena.agent(agentId).codeHash, keccak256(WASM_ECHO), "code hash");
        assertEq(arena.agent(agentId).programHash, keccak256(program), "program hash");
        assertTrue(program.length > 0 && keccak256(program) != keccak256(WASM_ECHO), "a program, not the code");
    }

    function test_invalidModuleIsNotRegistered() public {
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSignature("InvalidAgentModule()"));
        arena.registerAgent(hex"0061736d01000000ff");
    }

    function test_wrongProgramReverts() public {
        Proof memory p = _toOneStep(WASM_ECHO);
        DisputeGame.Dispute memory d = game.dispute(p.disputeId);
        DisputeGame.Entry memory lo = p.claimed.entries[uint32(d.hi) - 1];
        DisputeGame.Entry memory hi = p.claimed.entries[uint32(d.hi)];
        bytes memory pre = p.truth.states[uint32(d.hi)];
        vm.startPrank(CAROL);
        vm.expectRevert(DisputeGame.CodeMismatch.selector);
        game.proveStep(p.disputeId, lo, hi, pre, WASM_ECHO); // the code, not its program
        bytes memory forged = bytes.concat(p.program);
        forged[forged.length - 1] ^= 0x01;
        vm.expectRevert(DisputeGame.CodeMismatch.selector);
        game.proveStep(p.disputeId, lo, hi, pre, forged);
        vm.stopPrank();
        _proveGas(p);
    }

    function test_exampleAgentProofGas() public {
        Proof memory p = _toOneStep(WASM_ECHO);
        uint256 used = _proveGas(p);
        emit log_named_uint("echo agent: registerAgent gas", p.registerGas);
        emit log_named_uint("echo agent: proveStep tx gas", used);
        assertTrue(used < 1_000_000, "echo proof under 1M");
    }

    /// @notice The largest straight line the profile admits (program = 114,688 bytes) registers and
    ///         its proof fits a block and geth's 128 KiB transaction; one more pair does not register.
    function test_largestStraightLineProofGas() public {
        bytes memory code = _straightLine(LARGEST_STRAIGHT_LINE);
        Proof memory p = _toOneStep(code);
        assertEq(p.program.length, MAX_PROGRAM, "program at the limit");
        uint256 used = _proveGas(p);
        emit log_named_uint("largest straight line: module bytes", code.length);
        emit log_named_uint("largest straight line: registerAgent gas", p.registerGas);
        emit log_named_uint("largest straight line: proveStep tx gas", used);
        assertTrue(p.registerGas < 30_000_000, "registrable in a 30M block");
        assertTrue(used < PROOF_GAS_LIMIT, "straight-line proof fits a block");
    }

    /// @notice The largest br_table the profile admits (program within 32 bytes of the limit).
    function test_largestBrTableProofGas() public {
        bytes memory code = _brTable(LARGEST_BR_TABLE);
        Proof memory p = _toOneStep(code);
        assertTrue(p.program.length + 32 > MAX_PROGRAM && p.program.length <= MAX_PROGRAM, "at the limit");
        uint256 used = _proveGas(p);
        emit log_named_uint("largest br_table: labels", LARGEST_BR_TABLE);
        emit log_named_uint("largest br_table: registerAgent gas", p.registerGas);
        emit log_named_uint("largest br_table: proveStep tx gas", used);
        assertTrue(p.registerGas < 30_000_000, "registrable in a 30M block");
        assertTrue(used < PROOF_GAS_LIMIT, "br_table proof fits a block");
    }

    /// @notice A module whose program would exceed the limit is outside the profile: registration
    ///         reverts, so no claim can rest on an agent whose proof no pool would carry.
    function test_oversizedProgramIsNotRegistered() public {
        bytes[3] memory codes =
            [_straightLine(LARGEST_STRAIGHT_LINE + 1), _brTable(LARGEST_BR_TABLE + 1), _straightLine(21_829)];
        assertEq(codes[2].length, 65_534, "a 64 KiB module");
        for (uint256 i; i < codes.length; ++i) {
            (bool valid,,) = verifier.compile(codes[i]);
            assertTrue(!valid, "outside the profile");
            vm.prank(ALICE);
            vm.expectRevert(abi.encodeWithSignature("InvalidAgentModule()"));
            arena.registerAgent(codes[i]);
        }
    }
}
