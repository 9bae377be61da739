// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ProveStepBase} from "./ProveStep.t.sol";

/// @notice The worst one-step proof of any registrable module at the maximum fuel fits one
///         EIP-7825 transaction (16,777,216 gas) and geth's 128 KiB transaction size. The modules
///         are the costliest shapes scripts/bench_proof.py found (contracts/test/wasm/shapes/,
///         written by `python -m node.wasm.shapes`), as they are and (the top four) filled to the
///         program limit with non-zero program bytes; each decision runs out of its 20,000 fuel, the
///         claimant inflates the forfeit's score and CAROL proves step 0.
contract ProofBoundTest is ProveStepBase {
    /// @notice EIP-7825's per-transaction gas cap.
    uint256 internal constant TX_GAS_CAP = 16_777_216;
    /// @notice Arena.MAX_FUEL_PER_DECISION, the profile's maximum budget.
    uint32 internal constant MAX_FUEL = 20_000;
    string internal constant DIR = "contracts/test/wasm/shapes/";

    function setUp() public override {
        super.setUp();
        fuelPerDecision = MAX_FUEL;
    }

    /// @return txGas The proveStep transaction's gas (asserted under the cap).
    function _bound(string memory file) internal returns (uint256 txGas) {
        bytes memory code = vm.readFileBinary(string.concat(DIR, file));
        Proof memory p = _toOneStep(code, 0);
        assertEq(p.claimed.steps, 1, "the agent forfeits at step 0");
        (uint8 outcome,, uint64 fuelUsed) =
            verifier.run(p.program, 0, counter.observe(p.truth.states[0], 0), MAX_FUEL);
        assertEq(outcome, 2, "out of fuel");
        assertEq(fuelUsed, MAX_FUEL, "the whole budget");
        txGas = _proveGas(p);
        emit log_named_uint(string.concat(file, ": program bytes"), p.program.length);
        emit log_named_uint(string.concat(file, ": proveStep tx gas"), txGas);
        assertTrue(txGas < TX_GAS_CAP, "one-step proof under EIP-7825's cap");
    }

    /// @notice The reported problem, reproduced from the interpreter's own gas: a call of a
    ///         255-local function costs ~1,900 gas, so at the old price of 2 fuel a call, 9,990 calls
    ///         in a 20,000-fuel decision would cost more than a transaction may carry; at 9 fuel a
    ///         call (1 + 1 + 255 / 32) the same decision makes 2,220 calls.
    function test_unpricedLocalsWouldExceedTheCap() public {
        bytes memory code = vm.readFileBinary(string.concat(DIR, "call_255_locals.wasm"));
        (, uint8 abiVersion, bytes memory program) = verifier.compile(code);
        bytes memory obs = abi.encodePacked(uint64(7));
        uint256 before = gasleft();
        verifier.run(program, abiVersion, obs, MAX_FUEL / 2);
        uint256 half = before - gasleft();
        before = gasleft();
        verifier.run(program, abiVersion, obs, MAX_FUEL);
        uint256 full = before - gasleft();
        // 64 calls of 9 fuel and the loop's br per iteration: 577 fuel for 64 calls
        uint256 perCall = (full - half) * 577 / (uint256(MAX_FUEL / 2) * 64);
        emit log_named_uint("gas per call of a 255-local function", perCall);
        emit log_named_uint("9,990 such calls (the old 2 fuel a call)", perCall * 9_990);
        assertTrue(perCall * 9_990 > TX_GAS_CAP, "unpriced, the decision exceeds the cap");
        assertTrue(full < TX_GAS_CAP / 3, "priced, the same decision is far below it");
    }

    function test_load16ChainFull() public {
        _bound("load16_chain_full.wasm");
    }

    function test_call31LocalsFull() public {
        _bound("call_31_locals_full.wasm");
    }

    function test_ctzDropFull() public {
        _bound("ctz_drop_full.wasm");
    }

    function test_memorySizeDropFull() public {
        _bound("memory_size_drop_full.wasm");
    }

    function test_load16Chain() public {
        _bound("load16_chain.wasm");
    }

    function test_call31Locals() public {
        _bound("call_31_locals.wasm");
    }

    function test_ctzDrop() public {
        _bound("ctz_drop.wasm");
    }

    function test_memorySizeDrop() public {
        _bound("memory_size_drop.wasm");
    }

    function test_i64ConstDrop() public {
        _bound("i64_const_drop.wasm");
    }

    function test_clzChain() public {
        _bound("clz_chain.wasm");
    }

    /// @notice The reported case: before the entry price, 18.3 M gas.
    function test_call255Locals() public {
        _bound("call_255_locals.wasm");
    }

    function test_chain255Locals() public {
        _bound("chain_255_locals.wasm");
    }
}
