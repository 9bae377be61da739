// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDecisionVerifier} from "../interfaces/IDecisionVerifier.sol";
import {ICompiledDecisionVerifier} from "../interfaces/ICompiledDecisionVerifier.sol";
import {WasmCompiler} from "./WasmCompiler.sol";

/// @title WasmInterpreter
/// @notice The on-chain decision verifier: runs one agent decision exactly as the off-chain
///         sandbox does (agent profile v1, docs/protocol/sandbox.md), same outcome, value and
///         fuel_used. Validation and compilation happen in WasmCompiler; this contract executes
///         the compiled program in memory (docs/protocol/interpreter.md).
contract WasmInterpreter is ICompiledDecisionVerifier {
    /// @notice An ABI v0 observation must be exactly 8 bytes.
    error BadObservation(uint256 length);

    /// @notice The validator and compiler of agent modules.
    WasmCompiler public immutable compiler;

    // ctx record offsets (memory, set up by _setup)
    uint256 private constant C_MEMBASE = 0x00;
    uint256 private constant C_MEMSIZE = 0x20;
    uint256 private constant C_MEMCAP = 0x40;
    uint256 private constant C_FTAB = 0x60;
    uint256 private constant C_GLOBALS = 0x80;
    uint256 private constant C_CSP = 0xa0;
    uint256 private constant C_STACK = 0xc0;
    uint256 private constant C_PHASE = 0xe0;
    uint256 private constant C_OBSOFF = 0x100;
    uint256 private constant C_OBSLEN = 0x120;
    uint256 private constant C_DECIDE = 0x140;
    uint256 private constant C_BUDGET = 0x160;
    uint256 private constant C_PB = 0x180;
    uint256 private constant C_OBSPTR = 0x1a0;
    uint256 private constant C_CALLSTACK = 0x200;

    /// @param compiler_ The WasmCompiler deployment this interpreter trusts.
    constructor(WasmCompiler compiler_) {
        compiler = compiler_;
    }

    /// @inheritdoc IDecisionVerifier
    function inspect(bytes calldata code) external view returns (bool valid, uint8 abiVersion) {
        (valid, abiVersion,) = _compile(code);
    }

    /// @inheritdoc IDecisionVerifier
    function decide(bytes calldata code, bytes calldata observation, uint64 fuel)
        external
        view
        returns (uint8 outcome, int64 value, uint64 fuelUsed)
    {
        (bool valid, uint8 abiVersion, bytes memory prog) = _compile(code);
        if (!valid) return (4, 0, 0);
        return run(prog, abiVersion, observation, fuel);
    }

    /// @inheritdoc ICompiledDecisionVerifier
    function compile(bytes calldata code) external view returns (bool valid, uint8 abiVersion, bytes memory program) {
        return _compile(code);
    }

    /// @notice Runs a program already compiled by `compiler` (lets callers compile once).
    /// @dev `prog` is trusted: pass only what `compiler.compile` returned, e.g. checked against
    ///      a keccak256 stored at registration. A forged program can make this return anything.
    /// @param prog WasmCompiler.compile's program.
    /// @param abiVersion WasmCompiler.compile's ABI version.
    /// @param observation See IDecisionVerifier.decide.
    /// @param fuel The fuel budget.
    function run(bytes memory prog, uint8 abiVersion, bytes calldata observation, uint64 fuel)
        public
        pure
        returns (uint8 outcome, int64 value, uint64 fuelUsed)
    {
        if (abiVersion == 0 && observation.length != 8) revert BadObservation(observation.length);
        uint256 ctx = _setup(prog, abiVersion, observation, fuel);
        _loop(ctx);
        // status:8 | consumed:64 << 8 | result:64 << 128, each field written in range
        assembly {
            let r := mload(add(ctx, 0x1c0))
            outcome := and(r, 0xff)
            switch outcome
            case 0 {
                value := signextend(7, shr(128, r))
                fuelUsed := and(shr(8, r), 0xffffffffffffffff)
            }
            case 1 { fuelUsed := and(shr(8, r), 0xffffffffffffffff) }
            default { fuelUsed := fuel }
        }
    }

    /// @dev Calls compiler.compile by hand so that its calldata and returndata stay below the
    ///      free memory pointer: everything above it is then untouched (zero) memory, which the
    ///      instance layout relies on. InvalidModule() means invalid; any other failure bubbles.
    function _compile(bytes calldata code) private view returns (bool valid, uint8 abiVersion, bytes memory prog) {
        address target = address(compiler);
        bytes4 selector = WasmCompiler.compile.selector;
        assembly {
            let f := mload(0x40)
            mstore(f, selector)
            mstore(add(f, 4), 0x20)
            mstore(add(f, 0x24), code.length)
            calldatacopy(add(f, 0x44), code.offset, code.length)
            let inLen := add(0x44, code.length)
            let ok := staticcall(gas(), target, f, inLen, 0, 0)
            let rs := returndatasize()
            let dst := add(f, and(add(inLen, 31), not(31)))
            returndatacopy(dst, 0, rs)
            prog := 0x60
            switch ok
            case 0 {
                if iszero(and(eq(rs, 4), eq(shr(224, mload(dst)), 0xdd914b28))) { revert(dst, rs) }
            }
            default {
                valid := 1
                abiVersion := mload(dst)
                prog := add(dst, mload(add(dst, 0x20)))
            }
            mstore(0x40, and(add(add(dst, rs), 31), not(31)))
        }
    }

    /// @dev Lays out the instance above the free memory pointer (untouched, zeroed memory):
    ///      ctx record, call stack (65 frames), globals, linear memory, value stack last.
    function _setup(bytes memory prog, uint8 abiVersion, bytes calldata obs, uint64 fuel)
        private
        pure
        returns (uint256 ctx)
    {
        assembly {
            let pb := add(prog, 32)
            let h := mload(pb)
            let nFuncs := and(h, 0xffffffff)
            let nGlobals := and(shr(128, h), 0xffffffff)
            ctx := and(add(mload(0x40), 31), not(31))
            let gbase := add(add(ctx, C_CALLSTACK), mul(66, 32))
            // Linear memory (at most 128 KiB) below the value stack, whose reservation only the
            // program bounds: touching either costs expansion gas only up to what is touched.
            // The word of slack keeps a load/store's 32-byte access at the end off the stack.
            let memBase := add(gbase, shl(5, nGlobals))
            let stackBase := add(add(memBase, shl(16, byte(1, h))), 32)
            mstore(add(ctx, C_MEMBASE), memBase)
            mstore(add(ctx, C_MEMSIZE), shl(16, byte(1, h)))
            mstore(add(ctx, C_MEMCAP), shl(16, byte(2, h)))
            mstore(add(ctx, C_FTAB), add(pb, 32))
            mstore(add(ctx, C_GLOBALS), gbase)
            mstore(add(ctx, C_STACK), stackBase)
            mstore(add(ctx, C_PHASE), abiVersion)
            mstore(add(ctx, C_OBSOFF), obs.offset)
            mstore(add(ctx, C_OBSLEN), obs.length)
            mstore(add(ctx, C_DECIDE), and(shr(192, h), 0xffffffff))
            mstore(add(ctx, C_BUDGET), fuel)
            mstore(add(ctx, C_PB), pb)
            mstore(add(ctx, C_OBSPTR), and(shr(160, h), 0xffffffff))
            mcopy(gbase, add(pb, shl(5, add(1, nFuncs))), shl(5, nGlobals))
            let d := add(pb, and(shr(96, h), 0xffffffff))
            let nData := and(shr(64, h), 0xffffffff)
            for { let i := 0 } lt(i, nData) { i := add(i, 1) } {
                let w := mload(d)
                let len := and(shr(192, w), 0xffffffff)
                mcopy(add(memBase, shr(224, w)), add(d, 32), len)
                d := add(d, add(32, and(add(len, 31), not(31))))
            }
        }
    }

    /// @dev The execution loop; writes status | consumed << 8 | result << 128 at ctx + 0x1c0
    ///      (status 0 ok, 1 trap, 2 out of fuel). Fuel is charged before each instruction
    ///      (sandbox.md 2.1): `left` is budget minus consumption. Dispatch is a shallow tree of
    ///      range tests (boolean `if`s, not nested switches, to keep the EVM stack shallow).
    function _loop(uint256 ctx) private pure {
        assembly {
            // Enters function fidx from the host: frame at the stack base, sentinel return.
            // cost: the entry's fuel, 1 + declared locals / 32 (lb is their bytes, 32 each).
            function hostEnter(c, fidx, arg) -> ip, sp, fp, cost {
                let pbase := mload(add(c, 0x180))
                let f := mload(add(add(pbase, 32), shl(5, fidx)))
                fp := mload(add(c, 0xc0))
                sp := fp
                if and(shr(192, f), 0xffffffff) {
                    mstore(sp, arg)
                    sp := add(sp, 32)
                }
                let lb := and(shr(160, f), 0xffffffff)
                cost := add(1, shr(10, lb))
                calldatacopy(sp, calldatasize(), lb)
                sp := add(sp, lb)
                let csp := add(c, 0x200)
                mstore(csp, fp)
                mstore(add(c, 0xa0), add(csp, 32))
                ip := add(pbase, shr(224, f))
            }
            function trap(c, left) {
                mstore(add(c, 0x1c0), or(1, shl(8, sub(mload(add(c, 0x160)), left))))
            }
            // Byte-reverses v < 2^64 (a little-endian u64 from 8 memory bytes, and back).
            function rev64(v) -> x {
                x := or(shr(8, and(v, 0xff00ff00ff00ff00)), shl(8, and(v, 0x00ff00ff00ff00ff)))
                x := or(shr(16, and(x, 0xffff0000ffff0000)), shl(16, and(x, 0x0000ffff0000ffff)))
                x := or(shr(32, x), and(shl(32, x), 0xffffffff00000000))
            }
            // Branch: keep `arity` values on top, drop `drop` bytes below them.
            function unwind(sp, drop, arity) -> nsp {
                nsp := sub(sp, drop)
                if arity { mstore(sub(nsp, 32), mload(sub(sp, 32))) }
            }

            let pb := mload(add(ctx, 0x180))
            mstore(add(ctx, 0x1c0), 2)
            let ip := 0
            let sp := 0
            let fp := 0
            let left := 0
            switch mload(add(ctx, 0xe0))
            case 1 { ip, sp, fp, left := hostEnter(ctx, mload(add(ctx, 0x1a0)), 0) }
            default {
                ip, sp, fp, left :=
                    hostEnter(ctx, mload(add(ctx, 0x140)), shr(192, calldataload(mload(add(ctx, 0x100)))))
            }
            left := sub(mload(add(ctx, 0x160)), left)
            if slt(left, 0) { ip := 0 }
            for { } ip { } {
                let op := shr(248, mload(ip))
                left := sub(left, 1)
                if slt(left, 0) {
                    // unreachable, else-jump, return and drop are free
                    if iszero(or(or(eq(op, 0x1a), eq(op, 0x05)), or(eq(op, 0x0f), iszero(op)))) { break }
                }
                // ------------------------------------------------------------ locals, consts
                if lt(op, 0x23) {
                    if gt(op, 0x1f) {
                        let off := add(fp, and(shr(216, mload(ip)), 0xffffffff))
                        switch op
                        case 0x20 {
                            mstore(sp, mload(off))
                            sp := add(sp, 32)
                        }
                        case 0x21 {
                            sp := sub(sp, 32)
                            mstore(off, mload(sp))
                        }
                        default { mstore(off, mload(sub(sp, 32))) }
                        ip := add(ip, 5)
                        continue
                    }
                }
                if eq(op, 0x41) {
                    mstore(sp, and(shr(216, mload(ip)), 0xffffffff))
                    sp := add(sp, 32)
                    ip := add(ip, 5)
                    continue
                }
                // ------------------------------------------------------------ loads, stores
                if lt(sub(op, 0x28), 23) {
                    // loads and stores; info = log2(width) | i64 << 2 | store << 3
                    let info := byte(sub(op, 0x28), 0x02071010000001010404050506060a0f101008090c0d0e000000000000000000)
                    let width := shl(and(info, 3), 1)
                    if iszero(and(info, 8)) {
                        let ea := add(mload(sub(sp, 32)), and(shr(216, mload(ip)), 0xffffffff))
                        if gt(add(ea, width), mload(add(ctx, 0x20))) {
                            trap(ctx, left)
                            break
                        }
                        // the first `width` of 8 bytes read as little-endian
                        let v := and(rev64(shr(192, mload(add(mload(ctx), ea)))), sub(shl(shl(3, width), 1), 1))
                        if and(gt(op, 0x2b), iszero(and(op, 1))) {
                            // signed: extend, then keep the 32 or 64 bits of the value type
                            v := and(signextend(sub(width, 1), v), sub(shl(add(32, shl(3, and(info, 4))), 1), 1))
                        }
                        mstore(sub(sp, 32), v)
                        ip := add(ip, 5)
                        continue
                    }
                    let v := mload(sub(sp, 32))
                    sp := sub(sp, 64)
                    let a := add(mload(sp), and(shr(216, mload(ip)), 0xffffffff))
                    if gt(add(a, width), mload(add(ctx, 0x20))) {
                        trap(ctx, left)
                        break
                    }
                    a := add(mload(ctx), a)
                    switch width
                    case 1 { mstore8(a, v) }
                    default {
                        // v's low `width` bytes, little-endian, over the first `width` bytes at a
                        let bits := shl(3, width)
                        mstore(a, or(and(mload(a), shr(bits, not(0))), shl(192, rev64(and(v, sub(shl(bits, 1), 1))))))
                    }
                    ip := add(ip, 5)
                    continue
                }
                // ------------------------------------------------------------ control
                if lt(op, 0x20) {
                    if eq(op, 0x1a) {
                        left := add(left, 1)
                        sp := sub(sp, 32)
                        ip := add(ip, 1)
                        continue
                    }
                    if eq(op, 0x0d) {
                        sp := sub(sp, 32)
                        switch mload(sp)
                        case 0 { ip := add(ip, 10) }
                        default {
                            let w := mload(ip)
                            sp := unwind(sp, and(shr(184, w), 0xffffffff), byte(9, w))
                            ip := add(pb, and(shr(216, w), 0xffffffff))
                        }
                        continue
                    }
                    if eq(op, 0x0c) {
                        let w := mload(ip)
                        sp := unwind(sp, and(shr(184, w), 0xffffffff), byte(9, w))
                        ip := add(pb, and(shr(216, w), 0xffffffff))
                        continue
                    }
                    if eq(op, 0x04) {
                        sp := sub(sp, 32)
                        switch mload(sp)
                        case 0 { ip := add(pb, and(shr(216, mload(ip)), 0xffffffff)) }
                        default { ip := add(ip, 5) }
                        continue
                    }
                    if eq(op, 0x05) {
                        left := add(left, 1)
                        ip := add(pb, and(shr(216, mload(ip)), 0xffffffff))
                        continue
                    }
                    if eq(op, 0x10) {
                        let f := mload(add(mload(add(ctx, 0x60)), shl(5, and(shr(216, mload(ip)), 0xffffffff))))
                        let lb := and(shr(160, f), 0xffffffff)
                        left := sub(left, add(1, shr(10, lb)))
                        if slt(left, 0) { break }
                        let nfp := sub(sp, and(shr(192, f), 0xffffffff))
                        calldatacopy(sp, calldatasize(), lb)
                        sp := add(sp, lb)
                        let csp := mload(add(ctx, 0xa0))
                        mstore(csp, or(shl(128, add(ip, 5)), fp))
                        mstore(add(ctx, 0xa0), add(csp, 32))
                        fp := nfp
                        ip := add(pb, shr(224, f))
                        continue
                    }
                    if eq(op, 0x0f) {
                        left := add(left, 1)
                        {
                            let ar := byte(1, mload(ip))
                            if ar { mstore(fp, mload(sub(sp, 32))) }
                            sp := add(fp, shl(5, ar))
                            let csp := sub(mload(add(ctx, 0xa0)), 32)
                            mstore(add(ctx, 0xa0), csp)
                            let e := mload(csp)
                            ip := shr(128, e)
                            fp := and(e, 0xffffffffffffffffffffffffffffffff)
                        }
                        if ip { continue }
                        if iszero(mload(add(ctx, 0xe0))) {
                            let used := sub(mload(add(ctx, 0x160)), left)
                            mstore(add(ctx, 0x1c0), or(shl(8, used), shl(128, mload(sub(sp, 32)))))
                            break
                        }
                        // obs_ptr returned: write the observation, then enter decide
                        mstore(add(ctx, 0xe0), 0)
                        let p := mload(sub(sp, 32))
                        if gt(add(p, mload(add(ctx, 0x120))), mload(add(ctx, 0x20))) {
                            trap(ctx, left)
                            break
                        }
                        calldatacopy(add(mload(ctx), p), mload(add(ctx, 0x100)), mload(add(ctx, 0x120)))
                        let cost := 0
                        ip, sp, fp, cost := hostEnter(ctx, mload(add(ctx, 0x140)), mload(add(ctx, 0x120)))
                        left := sub(left, cost)
                        if slt(left, 0) { break }
                        continue
                    }
                    if eq(op, 0x1b) {
                        sp := sub(sp, 64)
                        if iszero(mload(add(sp, 32))) { mstore(sub(sp, 32), mload(sp)) }
                        ip := add(ip, 1)
                        continue
                    }
                    if eq(op, 0x0e) {
                        sp := sub(sp, 32)
                        let i := mload(sp)
                        let n := and(shr(216, mload(ip)), 0xffffffff)
                        if gt(i, n) { i := n }
                        let e := mload(add(add(ip, 5), mul(i, 9)))
                        sp := unwind(sp, and(shr(192, e), 0xffffffff), byte(8, e))
                        ip := add(pb, shr(224, e))
                        continue
                    }
                    // 0x00 unreachable (free)
                    left := add(left, 1)
                    trap(ctx, left)
                    break
                }
                // ------------------------------------------------------------ globals, memory
                if lt(op, 0x45) {
                    if lt(op, 0x25) {
                        let g := add(mload(add(ctx, 0x80)), and(shr(216, mload(ip)), 0xffffffff))
                        switch op
                        case 0x23 {
                            mstore(sp, mload(g))
                            sp := add(sp, 32)
                        }
                        default {
                            sp := sub(sp, 32)
                            mstore(g, mload(sp))
                        }
                        ip := add(ip, 5)
                        continue
                    }
                    if eq(op, 0x42) {
                        mstore(sp, and(shr(184, mload(ip)), 0xffffffffffffffff))
                        sp := add(sp, 32)
                        ip := add(ip, 9)
                        continue
                    }
                    if eq(op, 0x3f) {
                        mstore(sp, shr(16, mload(add(ctx, 0x20))))
                        sp := add(sp, 32)
                        ip := add(ip, 1)
                        continue
                    }
                }
                // ------------------------------------------------------------ comparisons
                if lt(op, 0x67) {
                    let k := sub(op, 0x45)
                    let sw := 3
                    if gt(k, 10) {
                        k := sub(k, 11)
                        sw := 7
                    }
                    ip := add(ip, 1)
                    if iszero(k) {
                        mstore(sub(sp, 32), iszero(mload(sub(sp, 32))))
                        continue
                    }
                    sp := sub(sp, 32)
                    let b := mload(sp)
                    let a := mload(sub(sp, 32))
                    let v := 0
                    switch k
                    case 1 { v := eq(a, b) }
                    case 2 { v := iszero(eq(a, b)) }
                    case 3 { v := slt(signextend(sw, a), signextend(sw, b)) }
                    case 4 { v := lt(a, b) }
                    case 5 { v := sgt(signextend(sw, a), signextend(sw, b)) }
                    case 6 { v := gt(a, b) }
                    case 7 { v := iszero(sgt(signextend(sw, a), signextend(sw, b))) }
                    case 8 { v := iszero(gt(a, b)) }
                    case 9 { v := iszero(slt(signextend(sw, a), signextend(sw, b))) }
                    default { v := iszero(lt(a, b)) }
                    mstore(sub(sp, 32), v)
                    continue
                }
                // ------------------------------------------------------------ arithmetic
                if lt(op, 0x8b) {
                    let k := sub(op, 0x67)
                    let bits := 32
                    if gt(k, 17) {
                        k := sub(k, 18)
                        bits := 64
                    }
                    ip := add(ip, 1)
                    if lt(k, 3) {
                        let a := mload(sub(sp, 32))
                        let v := 0
                        switch k
                        case 0 {
                            // clz = bits - bit length: binary search by shifts, the last 4 bits by table
                            v := shl(5, gt(a, 0xffffffff))
                            a := shr(v, a)
                            let s := shl(4, gt(a, 0xffff))
                            a := shr(s, a)
                            v := or(v, s)
                            s := shl(3, gt(a, 0xff))
                            a := shr(s, a)
                            v := or(v, s)
                            s := shl(2, gt(a, 0xf))
                            v := add(or(v, s), byte(shr(s, a), 0x0001020203030303040404040404040400000000000000000000000000000000))
                            v := sub(bits, v)
                        }
                        default {
                            // popcnt; ctz = popcnt of the bits below the lowest set one (all of them if a = 0)
                            if eq(k, 1) { a := and(sub(and(a, sub(0, a)), 1), sub(shl(bits, 1), 1)) }
                            v := sub(a, and(shr(1, a), 0x5555555555555555))
                            v := add(and(v, 0x3333333333333333), and(shr(2, v), 0x3333333333333333))
                            v := and(add(v, shr(4, v)), 0x0f0f0f0f0f0f0f0f)
                            v := shr(56, and(mul(v, 0x0101010101010101), 0xffffffffffffffff))
                        }
                        mstore(sub(sp, 32), v)
                        continue
                    }
                    sp := sub(sp, 32)
                    let b := mload(sp)
                    let a := mload(sub(sp, 32))
                    if and(gt(k, 5), lt(k, 10)) {
                        // 6 div_s, 7 div_u, 8 rem_s, 9 rem_u
                        if iszero(b) {
                            trap(ctx, left)
                            break
                        }
                        let sw := sub(shr(3, bits), 1)
                        if eq(k, 6) {
                            if and(eq(a, shl(sub(bits, 1), 1)), eq(b, sub(shl(bits, 1), 1))) {
                                trap(ctx, left)
                                break
                            }
                            mstore(sub(sp, 32), and(sdiv(signextend(sw, a), signextend(sw, b)), sub(shl(bits, 1), 1)))
                            continue
                        }
                        if eq(k, 7) {
                            mstore(sub(sp, 32), div(a, b))
                            continue
                        }
                        if eq(k, 8) {
                            mstore(sub(sp, 32), and(smod(signextend(sw, a), signextend(sw, b)), sub(shl(bits, 1), 1)))
                            continue
                        }
                        mstore(sub(sp, 32), mod(a, b))
                        continue
                    }
                    let v := 0
                    switch k
                    case 3 { v := and(add(a, b), sub(shl(bits, 1), 1)) }
                    case 4 { v := and(sub(a, b), sub(shl(bits, 1), 1)) }
                    case 5 { v := and(mul(a, b), sub(shl(bits, 1), 1)) }
                    case 10 { v := and(a, b) }
                    case 11 { v := or(a, b) }
                    case 12 { v := xor(a, b) }
                    case 13 { v := and(shl(and(b, sub(bits, 1)), a), sub(shl(bits, 1), 1)) }
                    case 14 {
                        v := and(sar(and(b, sub(bits, 1)), signextend(sub(shr(3, bits), 1), a)), sub(shl(bits, 1), 1))
                    }
                    case 15 { v := shr(and(b, sub(bits, 1)), a) }
                    case 16 {
                        b := and(b, sub(bits, 1))
                        v := and(or(shl(b, a), shr(sub(bits, b), a)), sub(shl(bits, 1), 1))
                    }
                    default {
                        b := and(b, sub(bits, 1))
                        v := and(or(shr(b, a), shl(sub(bits, b), a)), sub(shl(bits, 1), 1))
                    }
                    mstore(sub(sp, 32), v)
                    continue
                }
                // ------------------------------------------------------------ conversions
                {
                    let a := mload(sub(sp, 32))
                    let v := 0
                    switch op
                    case 0xa7 { v := and(a, 0xffffffff) }
                    case 0xac { v := and(signextend(3, a), 0xffffffffffffffff) }
                    case 0xad { v := a }
                    case 0xc0 { v := and(signextend(0, a), 0xffffffff) }
                    case 0xc1 { v := and(signextend(1, a), 0xffffffff) }
                    case 0xc2 { v := and(signextend(0, a), 0xffffffffffffffff) }
                    case 0xc3 { v := and(signextend(1, a), 0xffffffffffffffff) }
                    default { v := and(signextend(3, a), 0xffffffffffffffff) }
                    mstore(sub(sp, 32), v)
                    ip := add(ip, 1)
                }
            }
        }
    }
}
