// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title WasmCompiler
/// @notice Checks a WebAssembly module against agent profile v1 (docs/protocol/sandbox.md,
///         section 1) and compiles it into the compact program WasmInterpreter executes
///         (layout in docs/protocol/interpreter.md).
/// @dev Pure and stateless. Every module outside the profile reverts with InvalidModule() and
///      nothing else does, so a caller can tell "invalid" from "out of gas".
contract WasmCompiler {
    /// @notice The module is outside agent profile v1.
    error InvalidModule();

    uint256 private constant MAX_MODULE = 65536;
    uint256 private constant MAX_LOCALS = 256;
    uint256 private constant MAX_DEPTH = 64;
    uint256 private constant MAX_FUNCTIONS = 1024;
    uint256 private constant MAX_CONTROL = 2048;
    /// @dev The one-step proof carries the program: with the pre-state and the rest of the call
    ///      it must fit the 131,072-byte transaction geth's pool accepts (node/wasm/limits.py).
    uint256 private constant MAX_PROGRAM = 114688;
    uint256 private constant PAGE = 65536;
    uint256 private constant MAX_PAGES = 2;
    uint256 private constant I32 = 0x7f;
    uint256 private constant I64 = 0x7e;

    // Offsets of the code-compiler state record (see _compileCode).
    uint256 private constant ST_P = 0x00; // read position (calldata)
    uint256 private constant ST_END = 0x20; // end of the current body
    uint256 private constant ST_O = 0x40; // output write position (memory)
    uint256 private constant ST_TH = 0x60; // operand type stack height
    uint256 private constant ST_TS = 0x80; // operand type stack base (1 byte per entry)
    uint256 private constant ST_CS = 0xa0; // control stack base (1 word per frame)
    uint256 private constant ST_CD = 0xc0; // control stack depth
    uint256 private constant ST_CURH = 0xe0; // height of the innermost frame
    uint256 private constant ST_CURU = 0x100; // innermost frame is unreachable
    uint256 private constant ST_MAXTH = 0x120; // max operand height of this body
    uint256 private constant ST_OUT = 0x140; // program base (relative offsets start here)
    uint256 private constant ST_LT = 0x160; // declared local types (1 byte each)
    uint256 private constant ST_NP = 0x180; // params of this function
    uint256 private constant ST_NL = 0x1a0; // params + declared locals
    uint256 private constant ST_PP = 0x1c0; // calldata position of the param types
    uint256 private constant ST_FUNCS = 0x1e0; // funcs array (memory pointer)
    uint256 private constant ST_GLOBS = 0x200; // globals array (memory pointer)
    uint256 private constant ST_MEM = 0x220; // module has a memory
    uint256 private constant ST_EDGES = 0x240; // call edges base (4 bytes each)
    uint256 private constant ST_NE = 0x260; // number of call edges
    uint256 private constant ST_RES = 0x280; // result type of this function (0: none)
    uint256 private constant ST_CTRL = 0x2a0; // control instructions so far (whole module)
    uint256 private constant ST_TMP = 0x2e0; // scratch (br_table entry count)
    uint256 private constant ST_SIZE = 0x300;

    struct Module {
        uint256 p; // read position (absolute calldata offset)
        uint256 end; // end of the region being read
        uint256[] types; // paramsPos << 64 | nParams << 8 | result
        uint256[] funcs; // type word per function
        uint256[] globals; // valtype | mutable << 8
        uint256[] gvals; // initial values
        uint256 hasMem;
        uint256 memMin;
        uint256 memCap;
        uint256 decide; // 1 + (kind << 32 | index), 0 when not exported
        uint256 obsPtr;
        uint256 memExport;
        uint256 st; // code-compiler state record (memory pointer), 0 before the output exists
        uint256 nData;
        uint256 dataStart; // relative offset of the data area
        uint256[] info; // per function: frameSlots | edgesEnd << 128
        uint256 nBodies;
    }

    /// @notice Validates `code` against agent profile v1 and compiles it.
    /// @return abiVersion 0 or 1.
    /// @return prog The compiled program (docs/protocol/interpreter.md).
    function compile(bytes calldata code) external pure returns (uint8 abiVersion, bytes memory prog) {
        Module memory m;
        uint256 base;
        assembly {
            base := code.offset
        }
        if (code.length > MAX_MODULE || code.length < 8) revert InvalidModule();
        if (bytes8(code[0:8]) != 0x0061736d01000000) revert InvalidModule();
        uint256 modEnd = base + code.length;
        m.p = base + 8;
        uint256 lastId = 0;
        while (m.p < modEnd) {
            m.end = modEnd;
            uint256 id = _byte(m);
            uint256 size = _u32(m);
            uint256 start = m.p;
            if (size > modEnd - start) revert InvalidModule();
            m.end = start + size;
            if (id == 0) {
                _name(m);
            } else {
                if (id <= lastId) revert InvalidModule();
                lastId = id;
                if (id == 1) _typeSection(m);
                else if (id == 3) _functionSection(m);
                else if (id == 5) _memorySection(m);
                else if (id == 6) _globalSection(m);
                else if (id == 7) _exportSection(m);
                else if (id == 10) _codeSection(m);
                else if (id == 11) _dataSection(m);
                else revert InvalidModule();
                if (m.p != m.end) revert InvalidModule();
            }
            m.p = start + size;
        }
        if (m.nBodies != m.funcs.length) revert InvalidModule();
        _ensureOutput(m);
        prog = _finish(m);
        if (prog.length > MAX_PROGRAM) revert InvalidModule();
        uint256 stackNeed = _callGraph(m);
        abiVersion = _detectAbi(m);
        _writeHeader(m, prog, abiVersion, stackNeed);
    }

    // ------------------------------------------------------------------ readers

    function _byte(Module memory m) private pure returns (uint256 b) {
        uint256 p = m.p;
        if (p >= m.end) revert InvalidModule();
        assembly {
            b := shr(248, calldataload(p))
        }
        m.p = p + 1;
    }

    function _u32(Module memory m) private pure returns (uint256 v) {
        unchecked {
            for (uint256 i = 0; ; ++i) {
                uint256 b = _byte(m);
                if (i == 4 && b & 0xf0 != 0) revert InvalidModule();
                v |= (b & 0x7f) << (7 * i);
                if (b & 0x80 == 0) return v;
            }
        }
    }

    function _s32(Module memory m) private pure returns (uint256 v) {
        unchecked {
            uint256 shift;
            for (uint256 i = 0; ; ++i) {
                uint256 b = _byte(m);
                v |= (b & 0x7f) << shift;
                shift += 7;
                if (i == 4) {
                    uint256 su = (b & 0x7f) >> 3;
                    if (b & 0x80 != 0 || (su != 0 && su != 0x0f)) revert InvalidModule();
                }
                if (b & 0x80 == 0) {
                    if (shift < 32 && b & 0x40 != 0) v |= type(uint256).max << shift;
                    return v & 0xffffffff;
                }
            }
        }
    }

    function _s64(Module memory m) private pure returns (uint256 v) {
        unchecked {
            uint256 shift;
            for (uint256 i = 0; ; ++i) {
                uint256 b = _byte(m);
                v |= (b & 0x7f) << shift;
                shift += 7;
                if (i == 9) {
                    if (b & 0x80 != 0 || (b != 0 && b != 0x7f)) revert InvalidModule();
                }
                if (b & 0x80 == 0) {
                    if (shift < 64 && b & 0x40 != 0) v |= type(uint256).max << shift;
                    return v & 0xffffffffffffffff;
                }
            }
        }
    }

    /// @dev A name: u32 length, bytes inside the region, valid UTF-8. Returns (position, length).
    function _name(Module memory m) private pure returns (uint256 pos, uint256 len) {
        len = _u32(m);
        pos = m.p;
        if (len > m.end - pos) revert InvalidModule();
        m.p = pos + len;
        _utf8(pos, len);
    }

    function _utf8(uint256 pos, uint256 len) private pure {
        unchecked {
            uint256 end = pos + len;
            uint256 i = pos;
            while (i < end) {
                uint256 b = _cb(i);
                if (b < 0x80) {
                    ++i;
                    continue;
                }
                uint256 n;
                uint256 lo = 0x80;
                uint256 hi = 0xbf;
                if (b >= 0xc2 && b <= 0xdf) {
                    n = 1;
                } else if (b >= 0xe0 && b <= 0xef) {
                    n = 2;
                    if (b == 0xe0) lo = 0xa0;
                    else if (b == 0xed) hi = 0x9f;
                } else if (b >= 0xf0 && b <= 0xf4) {
                    n = 3;
                    if (b == 0xf0) lo = 0x90;
                    else if (b == 0xf4) hi = 0x8f;
                } else {
                    revert InvalidModule();
                }
                if (end - i <= n) revert InvalidModule();
                uint256 c = _cb(i + 1);
                if (c < lo || c > hi) revert InvalidModule();
                for (uint256 k = 2; k <= n; ++k) {
                    c = _cb(i + k);
                    if (c < 0x80 || c > 0xbf) revert InvalidModule();
                }
                i += n + 1;
            }
        }
    }

    function _cb(uint256 pos) private pure returns (uint256 b) {
        assembly {
            b := shr(248, calldataload(pos))
        }
    }

    function _valtype(Module memory m) private pure returns (uint256 t) {
        t = _byte(m);
        if (t != I32 && t != I64) revert InvalidModule();
    }

    // ------------------------------------------------------------------ sections

    function _typeSection(Module memory m) private pure {
        uint256 count = _u32(m);
        if (count > m.end - m.p) revert InvalidModule();
        m.types = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            if (_byte(m) != 0x60) revert InvalidModule();
            uint256 np = _u32(m);
            if (np > m.end - m.p) revert InvalidModule();
            uint256 pp = m.p;
            for (uint256 k = 0; k < np; ++k) _valtype(m);
            uint256 nr = _u32(m);
            uint256 r = 0;
            if (nr > 1) revert InvalidModule();
            if (nr == 1) r = _valtype(m);
            m.types[i] = (pp << 64) | (np << 8) | r;
        }
    }

    function _functionSection(Module memory m) private pure {
        uint256 count = _u32(m);
        if (count > MAX_FUNCTIONS || count > m.end - m.p) revert InvalidModule();
        m.funcs = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            uint256 idx = _u32(m);
            if (idx >= m.types.length) revert InvalidModule();
            m.funcs[i] = m.types[idx];
        }
    }

    function _memorySection(Module memory m) private pure {
        uint256 count = _u32(m);
        if (count > 1) revert InvalidModule();
        if (count == 0) return;
        uint256 flags = _byte(m);
        if (flags > 1) revert InvalidModule();
        uint256 minimum = _u32(m);
        uint256 cap = MAX_PAGES;
        if (flags == 1) cap = _u32(m);
        if (minimum > MAX_PAGES || cap > MAX_PAGES || minimum > cap) revert InvalidModule();
        m.hasMem = 1;
        m.memMin = minimum;
        m.memCap = cap;
    }

    function _constExpr(Module memory m, uint256 t) private pure returns (uint256 v) {
        uint256 op = _byte(m);
        if (op == 0x41 && t == I32) v = _s32(m);
        else if (op == 0x42 && t == I64) v = _s64(m);
        else revert InvalidModule();
        if (_byte(m) != 0x0b) revert InvalidModule();
    }

    function _globalSection(Module memory m) private pure {
        uint256 count = _u32(m);
        if (count > m.end - m.p) revert InvalidModule();
        m.globals = new uint256[](count);
        m.gvals = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            uint256 t = _valtype(m);
            uint256 mut = _byte(m);
            if (mut > 1) revert InvalidModule();
            m.globals[i] = t | (mut << 8);
            m.gvals[i] = _constExpr(m, t);
        }
    }

    function _exportSection(Module memory m) private pure {
        uint256 count = _u32(m);
        if (count > m.end - m.p) revert InvalidModule();
        uint256 cap = 4;
        while (cap < 2 * count) cap <<= 1;
        uint256[] memory seen = new uint256[](cap);
        for (uint256 i = 0; i < count; ++i) {
            (uint256 pos, uint256 len) = _name(m);
            uint256 kind = _byte(m);
            uint256 idx = _u32(m);
            uint256 h;
            assembly {
                let f := mload(0x40)
                calldatacopy(f, pos, len)
                h := or(keccak256(f, len), 1)
            }
            uint256 slot = h & (cap - 1);
            while (seen[slot] != 0) {
                if (seen[slot] == h) revert InvalidModule();
                slot = (slot + 1) & (cap - 1);
            }
            seen[slot] = h;
            if (kind == 0) {
                if (idx >= m.funcs.length) revert InvalidModule();
            } else if (kind == 2) {
                if (m.hasMem == 0 || idx != 0) revert InvalidModule();
            } else if (kind == 3) {
                if (idx >= m.globals.length) revert InvalidModule();
            } else {
                revert InvalidModule();
            }
            uint256 entry = 1 + ((kind << 32) | idx);
            if (_eq(pos, len, "decide")) m.decide = entry;
            else if (_eq(pos, len, "obs_ptr")) m.obsPtr = entry;
            else if (_eq(pos, len, "memory")) m.memExport = entry;
        }
    }

    function _eq(uint256 pos, uint256 len, bytes memory word) private pure returns (bool r) {
        if (len != word.length) return false;
        assembly {
            let mask := not(shr(mul(len, 8), not(0)))
            r := eq(and(calldataload(pos), mask), and(mload(add(word, 32)), mask))
        }
    }

    function _dataSection(Module memory m) private pure {
        _ensureOutput(m);
        uint256 count = _u32(m);
        if (count > m.end - m.p) revert InvalidModule();
        uint256 st = m.st;
        for (uint256 i = 0; i < count; ++i) {
            if (_u32(m) != 0) revert InvalidModule();
            if (m.hasMem == 0) revert InvalidModule();
            uint256 off = _constExpr(m, I32);
            uint256 len = _u32(m);
            uint256 pos = m.p;
            if (len > m.end - pos) revert InvalidModule();
            m.p = pos + len;
            if (off + len > m.memMin * PAGE) revert InvalidModule();
            assembly {
                let o := mload(add(st, ST_O))
                mstore(o, or(shl(224, off), shl(192, len)))
                calldatacopy(add(o, 32), pos, len)
                mstore(add(st, ST_O), add(add(o, 32), and(add(len, 31), not(31))))
            }
            m.nData += 1;
        }
    }

    // ------------------------------------------------------------------ output

    /// @dev Program layout: header word, function table (a word per function), globals (a word
    ///      each), code, data. The output grows at the end of memory: nothing is allocated after
    ///      it until _finish.
    function _ensureOutput(Module memory m) private pure {
        if (m.st != 0) return;
        uint256 n = m.funcs.length;
        uint256 g = m.globals.length;
        uint256[] memory gvals = m.gvals;
        uint256 st;
        assembly {
            st := mload(0x40)
            let out := add(st, ST_SIZE)
            // out - 32 is the bytes length word of prog
            out := add(out, 32)
            mstore(add(st, ST_OUT), out)
            let o := add(out, mul(32, add(1, add(n, g))))
            // globals
            for { let i := 0 } lt(i, g) { i := add(i, 1) } {
                mstore(add(out, mul(32, add(1, add(n, i)))), mload(add(gvals, mul(32, add(i, 1)))))
            }
            mstore(add(st, ST_O), o)
            mstore(0x40, o)
        }
        m.st = st;
        m.dataStart = 32 * (1 + n + g);
    }

    function _finish(Module memory m) private pure returns (bytes memory prog) {
        uint256 st = m.st;
        assembly {
            let out := mload(add(st, ST_OUT))
            let o := mload(add(st, ST_O))
            prog := sub(out, 32)
            mstore(prog, sub(o, out))
            mstore(0x40, and(add(o, 31), not(31)))
        }
    }

    function _writeHeader(Module memory m, bytes memory prog, uint8 abiVersion, uint256 need) private pure {
        uint256 decide = (m.decide - 1) & 0xffffffff;
        uint256 obs = m.obsPtr == 0 ? 0 : (m.obsPtr - 1) & 0xffffffff;
        uint256 h = (uint256(abiVersion) << 248) | (m.memMin << 240) | (m.memCap << 232);
        h |= (m.hasMem << 224) | (decide << 192) | (obs << 160);
        h |= (m.globals.length << 128) | (m.dataStart << 96);
        h |= (m.nData << 64) | (need << 32) | m.funcs.length;
        assembly {
            mstore(add(prog, 32), h)
        }
    }

    function _detectAbi(Module memory m) private pure returns (uint8) {
        if (m.decide == 0 || (m.decide - 1) >> 32 != 0) revert InvalidModule();
        uint256 t = m.funcs[(m.decide - 1) & 0xffffffff];
        uint256 np = (t >> 8) & 0xffffffff;
        uint256 pp = t >> 64;
        if (np != 1 || t & 0xff != I64) revert InvalidModule();
        uint256 p0 = _cb(pp);
        if (p0 == I64) return 0;
        if (m.obsPtr == 0 || (m.obsPtr - 1) >> 32 != 0) revert InvalidModule();
        uint256 ot = m.funcs[(m.obsPtr - 1) & 0xffffffff];
        if ((ot >> 8) & 0xffffffff != 0 || ot & 0xff != I32) revert InvalidModule();
        if (m.memExport == 0 || (m.memExport - 1) >> 32 != 2) revert InvalidModule();
        return 1;
    }

    // ------------------------------------------------------------------ call graph

    /// @dev Acyclic call graph whose longest path holds at most 64 functions; returns the value
    ///      stack slots the deepest chain of frames can need.
    function _callGraph(Module memory m) private pure returns (uint256 need) {
        uint256 n = m.funcs.length;
        uint256[] memory memo = new uint256[](n); // 0 unvisited, 1 in progress, else 2 | depth << 8 | need << 16
        uint256 edges;
        uint256 st = m.st;
        assembly {
            edges := mload(add(st, ST_EDGES))
        }
        for (uint256 f = 0; f < n; ++f) {
            uint256 r = _visit(m.info, memo, edges, f, 1);
            uint256 nd = r >> 16;
            if (nd > need) need = nd;
        }
    }

    function _visit(uint256[] memory info, uint256[] memory memo, uint256 edges, uint256 f, uint256 level)
        private
        pure
        returns (uint256 r)
    {
        r = memo[f];
        if (r > 1) return r;
        if (r == 1 || level > MAX_DEPTH) revert InvalidModule();
        memo[f] = 1;
        uint256 from = f == 0 ? 0 : info[f - 1] >> 128;
        uint256 to = info[f] >> 128;
        uint256 depth;
        uint256 need;
        for (uint256 e = from; e < to; ++e) {
            uint256 g;
            assembly {
                g := shr(224, mload(add(edges, mul(e, 4))))
            }
            uint256 rg = _visit(info, memo, edges, g, level + 1);
            if ((rg >> 8) & 0xff > depth) depth = (rg >> 8) & 0xff;
            if (rg >> 16 > need) need = rg >> 16;
        }
        depth += 1;
        if (depth > MAX_DEPTH) revert InvalidModule();
        need += info[f] & 0xffffffffffffffff;
        r = 2 | (depth << 8) | (need << 16);
        memo[f] = r;
    }

    // ------------------------------------------------------------------ code

    function _codeSection(Module memory m) private pure {
        uint256 count = _u32(m);
        if (count != m.funcs.length) revert InvalidModule();
        uint256 secLeft = m.end - m.p;
        m.info = new uint256[](count);
        // Reserves sized by the section: a frame needs >= 2 bytes and is a counted control
        // instruction, a push >= 1 byte, a call >= 2.
        uint256 ctrlBytes = ((secLeft / 2 < MAX_CONTROL ? secLeft / 2 : MAX_CONTROL) + 4) * 32;
        uint256 typeBytes = secLeft + 64;
        uint256 edgeBytes = (secLeft / 2 + 2) * 4 + 32;
        uint256 ts;
        uint256 cs;
        uint256 ltb;
        uint256 edges;
        assembly {
            let f := mload(0x40)
            cs := f
            ts := add(cs, ctrlBytes)
            ltb := add(ts, typeBytes)
            edges := add(ltb, 288)
            mstore(0x40, and(add(add(edges, edgeBytes), 31), not(31)))
        }
        _ensureOutput(m);
        uint256 st = m.st;
        uint256[] memory funcs = m.funcs;
        uint256[] memory globals = m.globals;
        uint256 hasMem = m.hasMem;
        assembly {
            mstore(add(st, ST_TS), ts)
            mstore(add(st, ST_CS), cs)
            mstore(add(st, ST_LT), ltb)
            mstore(add(st, ST_EDGES), edges)
            mstore(add(st, ST_NE), 0)
            mstore(add(st, ST_CTRL), 0)
            mstore(add(st, ST_FUNCS), funcs)
            mstore(add(st, ST_GLOBS), globals)
            mstore(add(st, ST_MEM), hasMem)
        }
        for (uint256 i = 0; i < count; ++i) _function(m, st, ltb, i);
        m.nBodies = count;
        // Data follows the code.
        assembly {
            let o := mload(add(st, ST_O))
            o := and(add(o, 31), not(31))
            mstore(add(st, ST_O), o)
        }
        uint256 ds;
        assembly {
            ds := sub(mload(add(st, ST_O)), mload(add(st, ST_OUT)))
        }
        m.dataStart = ds;
    }

    /// @dev One body: locals, then the expression (validated and compiled by _body).
    function _function(Module memory m, uint256 st, uint256 ltb, uint256 i) private pure {
        uint256 size = _u32(m);
        uint256 start = m.p;
        if (size > m.end - start) revert InvalidModule();
        uint256 bodyEnd = start + size;
        uint256 t = m.funcs[i];
        uint256 np = (t >> 8) & 0xffffffff;
        // Params count against MAX_LOCALS too, also in a body without any local group.
        if (np > MAX_LOCALS) revert InvalidModule();
        uint256 declared;
        {
            uint256 secEnd = m.end;
            m.end = bodyEnd;
            uint256 groups = _u32(m);
            for (uint256 k = 0; k < groups; ++k) {
                uint256 c = _u32(m);
                uint256 vt = _valtype(m);
                if (np + declared + c > MAX_LOCALS) revert InvalidModule();
                assembly {
                    for { let j := 0 } lt(j, c) { j := add(j, 1) } {
                        mstore8(add(ltb, add(declared, j)), vt)
                    }
                }
                declared += c;
            }
            m.end = secEnd;
        }
        uint256 p = m.p;
        uint256 entry;
        uint256 maxTh;
        assembly {
            mstore(add(st, ST_P), p)
            mstore(add(st, ST_END), bodyEnd)
            mstore(add(st, ST_NP), np)
            mstore(add(st, ST_NL), add(np, declared))
            mstore(add(st, ST_PP), shr(64, t))
            mstore(add(st, ST_RES), and(t, 0xff))
            entry := sub(mload(add(st, ST_O)), mload(add(st, ST_OUT)))
        }
        _body(st);
        assembly {
            if iszero(eq(mload(add(st, ST_P)), bodyEnd)) {
                mstore(0, 0xdd914b28)
                revert(28, 4)
            }
            maxTh := mload(add(st, ST_MAXTH))
            // function table entry: entryPc:4 | paramBytes:4 | localBytes:4
            let out := mload(add(st, ST_OUT))
            mstore(
                add(out, mul(32, add(i, 1))),
                or(or(shl(224, entry), shl(192, mul(np, 32))), shl(160, mul(declared, 32)))
            )
        }
        uint256 ne;
        assembly {
            ne := mload(add(st, ST_NE))
        }
        m.info[i] = (np + declared + maxTh + 1) | (ne << 128);
        m.p = bodyEnd;
    }

    /// @dev Validates and compiles one function body from the state record `st` (Yul for gas).
    function _body(uint256 st) private pure {
        assembly {
            function fail() {
                mstore(0, 0xdd914b28) // InvalidModule()
                revert(28, 4)
            }
            function rb(s) -> b {
                let p := mload(add(s, 0x00))
                if iszero(lt(p, mload(add(s, 0x20)))) { fail() }
                b := shr(248, calldataload(p))
                mstore(add(s, 0x00), add(p, 1))
            }
            function ru32(s) -> v {
                {
                    let p := mload(s)
                    if lt(p, mload(add(s, 0x20))) {
                        let b := shr(248, calldataload(p))
                        if lt(b, 0x80) {
                            mstore(s, add(p, 1))
                            v := b
                            leave
                        }
                    }
                }
                for { let i := 0 } 1 { i := add(i, 1) } {
                    let b := rb(s)
                    if and(eq(i, 4), iszero(iszero(and(b, 0xf0)))) { fail() }
                    v := or(v, shl(mul(7, i), and(b, 0x7f)))
                    if iszero(and(b, 0x80)) { break }
                }
            }
            function rs32(s) -> v {
                {
                    let p := mload(s)
                    if lt(p, mload(add(s, 0x20))) {
                        let b := shr(248, calldataload(p))
                        if lt(b, 0x80) {
                            mstore(s, add(p, 1))
                            v := b
                            if and(b, 0x40) { v := and(or(b, not(0x7f)), 0xffffffff) }
                            leave
                        }
                    }
                }
                let shift := 0
                for { let i := 0 } 1 { i := add(i, 1) } {
                    let b := rb(s)
                    v := or(v, shl(shift, and(b, 0x7f)))
                    shift := add(shift, 7)
                    if eq(i, 4) {
                        let su := shr(3, and(b, 0x7f))
                        if or(and(b, 0x80), iszero(or(iszero(su), eq(su, 0x0f)))) { fail() }
                    }
                    if iszero(and(b, 0x80)) {
                        if and(lt(shift, 32), iszero(iszero(and(b, 0x40)))) { v := or(v, shl(shift, not(0))) }
                        break
                    }
                }
                v := and(v, 0xffffffff)
            }
            function rs64(s) -> v {
                {
                    let p := mload(s)
                    if lt(p, mload(add(s, 0x20))) {
                        let b := shr(248, calldataload(p))
                        if lt(b, 0x80) {
                            mstore(s, add(p, 1))
                            v := b
                            if and(b, 0x40) { v := and(or(b, not(0x7f)), 0xffffffffffffffff) }
                            leave
                        }
                    }
                }
                let shift := 0
                for { let i := 0 } 1 { i := add(i, 1) } {
                    let b := rb(s)
                    v := or(v, shl(shift, and(b, 0x7f)))
                    shift := add(shift, 7)
                    if eq(i, 9) {
                        if or(and(b, 0x80), iszero(or(iszero(b), eq(b, 0x7f)))) { fail() }
                    }
                    if iszero(and(b, 0x80)) {
                        if and(lt(shift, 64), iszero(iszero(and(b, 0x40)))) { v := or(v, shl(shift, not(0))) }
                        break
                    }
                }
                v := and(v, 0xffffffffffffffff)
            }
            function blocktype(s) -> t {
                t := rb(s)
                if eq(t, 0x40) { t := 0 leave }
                if iszero(or(eq(t, 0x7f), eq(t, 0x7e))) { fail() }
            }
            function pushT(s, t) {
                let th := mload(add(s, 0x60))
                mstore8(add(mload(add(s, 0x80)), th), t)
                th := add(th, 1)
                mstore(add(s, 0x60), th)
                if gt(th, mload(add(s, 0x120))) { mstore(add(s, 0x120), th) }
            }
            // pop with the reference validator's rule: an underflow in unreachable code yields
            // the expected type itself.
            function popT(s, expect) -> t {
                let th := mload(add(s, 0x60))
                if eq(th, mload(add(s, 0xe0))) {
                    if iszero(mload(add(s, 0x100))) { fail() }
                    t := expect
                    leave
                }
                th := sub(th, 1)
                mstore(add(s, 0x60), th)
                t := shr(248, mload(add(mload(add(s, 0x80)), th)))
                if and(expect, t) { if iszero(eq(t, expect)) { fail() } }
            }
            function setUnreachable(s) {
                mstore(add(s, 0x60), mload(add(s, 0xe0)))
                mstore(add(s, 0x100), 1)
                let cd := mload(add(s, 0xc0))
                let a := add(mload(add(s, 0xa0)), shl(5, sub(cd, 1)))
                mstore(a, or(mload(a), shl(48, 1)))
            }
            // frame word: kind:8 | result:8 << 8 | height:32 << 16 | unreachable << 48 |
            //             patch head:32 << 56 | aux:32 << 88
            function pushCtrl(s, kind, res, aux) {
                let cd := mload(add(s, 0xc0))
                let th := mload(add(s, 0x60))
                mstore(
                    add(mload(add(s, 0xa0)), shl(5, cd)),
                    or(or(kind, shl(8, res)), or(shl(16, th), shl(88, aux)))
                )
                mstore(add(s, 0xc0), add(cd, 1))
                mstore(add(s, 0xe0), th)
                mstore(add(s, 0x100), 0)
            }
            // block, loop, if, br, br_if, br_table: at most 2,048 in the module
            function countControl(s) {
                let n := add(mload(add(s, 0x2a0)), 1)
                if gt(n, 2048) { fail() }
                mstore(add(s, 0x2a0), n)
            }
            function rel(s) -> r { r := sub(mload(add(s, 0x40)), mload(add(s, 0x140))) }
            function write4(addr, v) {
                mstore(addr, or(and(mload(addr), not(shl(224, 0xffffffff))), shl(224, v)))
            }
            function patchList(s, head, target) {
                let out := mload(add(s, 0x140))
                for { let pos := head } pos { } {
                    let a := add(out, pos)
                    let nxt := shr(224, mload(a))
                    write4(a, target)
                    pos := nxt
                }
            }
            function labelType(fw) -> t {
                if eq(and(fw, 0xff), 3) { leave }
                t := and(shr(8, fw), 0xff)
            }
            function label(s, depth) -> fa {
                let cd := mload(add(s, 0xc0))
                if iszero(lt(depth, cd)) { fail() }
                fa := add(mload(add(s, 0xa0)), shl(5, sub(sub(cd, 1), depth)))
            }
            // Target, drop bytes and arity of a branch to the frame at fa, with operand height
            // th; the target field (at fieldRel) joins the frame's patch list unless it is a loop.
            function branch(s, fa, th, fieldRel) -> target, drop, arity {
                let fw := mload(fa)
                arity := iszero(iszero(labelType(fw)))
                let keep := add(and(shr(16, fw), 0xffffffff), arity)
                if gt(th, keep) { drop := shl(5, sub(th, keep)) }
                switch eq(and(fw, 0xff), 3)
                case 1 { target := and(shr(88, fw), 0xffffffff) }
                default {
                    target := and(shr(56, fw), 0xffffffff)
                    mstore(fa, or(and(fw, not(shl(56, 0xffffffff))), shl(56, fieldRel)))
                }
            }
            function emit1(s, op) {
                let o := mload(add(s, 0x40))
                mstore8(o, op)
                mstore(add(s, 0x40), add(o, 1))
            }
            function emit5(s, op, imm) {
                let o := mload(add(s, 0x40))
                mstore(o, or(shl(248, op), shl(216, imm)))
                mstore(add(s, 0x40), add(o, 5))
            }
            function localType(s, idx) -> t {
                if iszero(lt(idx, mload(add(s, 0x1a0)))) { fail() }
                let np := mload(add(s, 0x180))
                switch lt(idx, np)
                case 1 { t := shr(248, calldataload(add(mload(add(s, 0x1c0)), idx))) }
                default { t := shr(248, mload(add(mload(add(s, 0x160)), sub(idx, np)))) }
            }

            let s := st
            mstore(add(s, 0x60), 0) // th
            mstore(add(s, 0xc0), 0) // cd
            mstore(add(s, 0x120), 0) // maxTh
            pushCtrl(s, 0, mload(add(s, 0x280)), 0)

            for { } mload(add(s, 0xc0)) { } {
                let op := 0
                {
                    let p := mload(s)
                    if iszero(lt(p, mload(add(s, 0x20)))) { fail() }
                    op := shr(248, calldataload(p))
                    mstore(s, add(p, 1))
                }
                if lt(op, 0x25) {
                    if gt(op, 0x1f) {
                        switch op
                        case 0x20 {
                            let idx := ru32(s)
                            let t := localType(s, idx)
                            {
                                let th := mload(add(s, 0x60))
                                mstore8(add(mload(add(s, 0x80)), th), t)
                                th := add(th, 1)
                                mstore(add(s, 0x60), th)
                                if gt(th, mload(add(s, 0x120))) { mstore(add(s, 0x120), th) }
                            }
                            let o := mload(add(s, 0x40))
                            mstore(o, or(shl(248, 0x20), shl(216, shl(5, idx))))
                            mstore(add(s, 0x40), add(o, 5))
                        }
                        case 0x21 {
                            let idx := ru32(s)
                            pop(popT(s, localType(s, idx)))
                            emit5(s, op, shl(5, idx))
                        }
                        case 0x22 {
                            let idx := ru32(s)
                            let t := localType(s, idx)
                            pop(popT(s, t))
                            pushT(s, t)
                            emit5(s, op, shl(5, idx))
                        }
                        case 0x23 {
                            let idx := ru32(s)
                            let g := mload(add(s, 0x200))
                            if iszero(lt(idx, mload(g))) { fail() }
                            pushT(s, and(mload(add(g, shl(5, add(idx, 1)))), 0xff))
                            emit5(s, op, shl(5, idx))
                        }
                        case 0x24 {
                            let idx := ru32(s)
                            let g := mload(add(s, 0x200))
                            if iszero(lt(idx, mload(g))) { fail() }
                            let gw := mload(add(g, shl(5, add(idx, 1))))
                            if iszero(shr(8, gw)) { fail() }
                            pop(popT(s, and(gw, 0xff)))
                            emit5(s, op, shl(5, idx))
                        }
                        default { fail() }
                        continue
                    }
                }
                if eq(op, 0x41) {
                    let v := rs32(s)
                    {
                        let th := mload(add(s, 0x60))
                        mstore8(add(mload(add(s, 0x80)), th), 0x7f)
                        th := add(th, 1)
                        mstore(add(s, 0x60), th)
                        if gt(th, mload(add(s, 0x120))) { mstore(add(s, 0x120), th) }
                    }
                    let o := mload(add(s, 0x40))
                    mstore(o, or(shl(248, 0x41), shl(216, v)))
                    mstore(add(s, 0x40), add(o, 5))
                    continue
                }
                if lt(op, 0x20) {
                    switch op
                    case 0x0b {
                        let cd := mload(add(s, 0xc0))
                        let fa := add(mload(add(s, 0xa0)), shl(5, sub(cd, 1)))
                        let fw := mload(fa)
                        let kind := and(fw, 0xff)
                        let res := and(shr(8, fw), 0xff)
                        if res { pop(popT(s, res)) }
                        if iszero(eq(mload(add(s, 0x60)), mload(add(s, 0xe0)))) { fail() }
                        if eq(kind, 4) {
                            if res { fail() }
                            write4(add(mload(add(s, 0x140)), and(shr(88, fw), 0xffffffff)), rel(s))
                        }
                        let endRel := rel(s)
                        if iszero(kind) {
                            let o := mload(add(s, 0x40))
                            mstore(o, or(shl(248, 0x0f), shl(240, iszero(iszero(res)))))
                            mstore(add(s, 0x40), add(o, 2))
                        }
                        patchList(s, and(shr(56, fw), 0xffffffff), endRel)
                        cd := sub(cd, 1)
                        mstore(add(s, 0xc0), cd)
                        if cd {
                            let pw := mload(add(mload(add(s, 0xa0)), shl(5, sub(cd, 1))))
                            mstore(add(s, 0xe0), and(shr(16, pw), 0xffffffff))
                            mstore(add(s, 0x100), and(shr(48, pw), 0xff))
                            if res { pushT(s, res) }
                        }
                    }
                    case 0x1a {
                        let th := mload(add(s, 0x60))
                        switch eq(th, mload(add(s, 0xe0)))
                        case 0 { mstore(add(s, 0x60), sub(th, 1)) }
                        default { if iszero(mload(add(s, 0x100))) { fail() } }
                        let o := mload(add(s, 0x40))
                        mstore8(o, 0x1a)
                        mstore(add(s, 0x40), add(o, 1))
                    }
                    case 0x0d {
                        countControl(s)
                        let depth := ru32(s)
                        pop(popT(s, 0x7f))
                        let fa := label(s, depth)
                        let th := mload(add(s, 0x60))
                        let o := mload(add(s, 0x40))
                        let target, drop, arity := branch(s, fa, th, add(rel(s), 1))
                        mstore(o, or(or(shl(248, 0x0d), shl(216, target)), or(shl(184, drop), shl(176, arity))))
                        mstore(add(s, 0x40), add(o, 10))
                        let t := labelType(mload(fa))
                        if t {
                            pop(popT(s, t))
                            pushT(s, t)
                        }
                    }
                    case 0x04 {
                        countControl(s)
                        let bt := blocktype(s)
                        pop(popT(s, 0x7f))
                        let fieldRel := add(rel(s), 1)
                        emit5(s, 0x04, 0)
                        pushCtrl(s, 4, bt, fieldRel)
                    }
                    case 0x02 {
                        countControl(s)
                        let bt := blocktype(s)
                        pushCtrl(s, 2, bt, 0)
                    }
                    case 0x10 {
                        let f := ru32(s)
                        let funcs := mload(add(s, 0x1e0))
                        if iszero(lt(f, mload(funcs))) { fail() }
                        let t := mload(add(funcs, shl(5, add(f, 1))))
                        let np := and(shr(8, t), 0xffffffff)
                        let pp := shr(64, t)
                        for { let i := np } i { i := sub(i, 1) } {
                            pop(popT(s, shr(248, calldataload(add(pp, sub(i, 1))))))
                        }
                        if and(t, 0xff) { pushT(s, and(t, 0xff)) }
                        emit5(s, 0x10, f)
                        let ne := mload(add(s, 0x260))
                        mstore(add(mload(add(s, 0x240)), shl(2, ne)), shl(224, f))
                        mstore(add(s, 0x260), add(ne, 1))
                    }
                    case 0x03 {
                        countControl(s)
                        let bt := blocktype(s)
                        pushCtrl(s, 3, bt, rel(s))
                    }
                    case 0x0c {
                        countControl(s)
                        let depth := ru32(s)
                        let fa := label(s, depth)
                        let th := mload(add(s, 0x60))
                        let o := mload(add(s, 0x40))
                        let target, drop, arity := branch(s, fa, th, add(rel(s), 1))
                        mstore(o, or(or(shl(248, 0x0c), shl(216, target)), or(shl(184, drop), shl(176, arity))))
                        mstore(add(s, 0x40), add(o, 10))
                        let t := labelType(mload(fa))
                        if t { pop(popT(s, t)) }
                        setUnreachable(s)
                    }
                    case 0x05 {
                        let fa := add(mload(add(s, 0xa0)), shl(5, sub(mload(add(s, 0xc0)), 1)))
                        let fw := mload(fa)
                        if iszero(eq(and(fw, 0xff), 4)) { fail() }
                        let res := and(shr(8, fw), 0xff)
                        if res { pop(popT(s, res)) }
                        if iszero(eq(mload(add(s, 0x60)), mload(add(s, 0xe0)))) { fail() }
                        // then-branch falls through to the end: a jump joining the patch list
                        let head := and(shr(56, fw), 0xffffffff)
                        let fieldRel := add(rel(s), 1)
                        emit5(s, 0x05, head)
                        write4(add(mload(add(s, 0x140)), and(shr(88, fw), 0xffffffff)), rel(s))
                        fw := and(fw, not(or(0xff, or(shl(48, 0xff), shl(56, 0xffffffff)))))
                        fw := or(fw, or(5, shl(56, fieldRel)))
                        mstore(fa, fw)
                        mstore(add(s, 0x100), 0)
                    }
                    case 0x0f {
                        let res := mload(add(s, 0x280))
                        if res { pop(popT(s, res)) }
                        let o := mload(add(s, 0x40))
                        mstore(o, or(shl(248, 0x0f), shl(240, iszero(iszero(res)))))
                        mstore(add(s, 0x40), add(o, 2))
                        setUnreachable(s)
                    }
                    case 0x1b {
                        pop(popT(s, 0x7f))
                        let t1 := popT(s, 0)
                        let t2 := popT(s, t1)
                        switch t1
                        case 0 { pushT(s, t2) }
                        default { pushT(s, t1) }
                        emit1(s, 0x1b)
                    }
                    case 0x0e {
                        countControl(s)
                        // One pass: every label must have the arity of the first (so all equal
                        // the default's, the reference's rule); the index is popped first.
                        let e := 0
                        {
                            let count := ru32(s)
                            if gt(count, sub(mload(add(s, 0x20)), mload(s))) { fail() }
                            pop(popT(s, 0x7f))
                            let o := mload(add(s, 0x40))
                            mstore(o, or(shl(248, 0x0e), shl(216, count)))
                            e := add(o, 5)
                            mstore(add(s, 0x2e0), add(count, 1))
                        }
                        let th := mload(add(s, 0x60))
                        let arity := 2
                        let t := 0
                        let last := mload(add(s, 0xc0))
                        let cs := mload(add(s, 0xa0))
                        for { let i := mload(add(s, 0x2e0)) } i { i := sub(i, 1) } {
                            let fa := ru32(s)
                            if iszero(lt(fa, last)) { fail() }
                            fa := add(cs, shl(5, sub(sub(last, 1), fa)))
                            let fw := mload(fa)
                            t := mul(and(shr(8, fw), 0xff), iszero(eq(and(fw, 0xff), 3)))
                            let a := iszero(iszero(t))
                            switch arity
                            case 2 { arity := a }
                            default { if iszero(eq(a, arity)) { fail() } }
                            if t { pushT(s, popT(s, t)) }
                            let dr := add(and(shr(16, fw), 0xffffffff), a)
                            switch gt(th, dr)
                            case 1 { dr := shl(5, sub(th, dr)) }
                            default { dr := 0 }
                            let tg := and(shr(88, fw), 0xffffffff)
                            if iszero(eq(and(fw, 0xff), 3)) {
                                tg := and(shr(56, fw), 0xffffffff)
                                mstore(fa, or(and(fw, not(shl(56, 0xffffffff))), shl(56, sub(e, mload(add(s, 0x140))))))
                            }
                            mstore(e, or(or(shl(224, tg), shl(192, dr)), shl(184, a)))
                            e := add(e, 9)
                        }
                        mstore(add(s, 0x40), e)
                        if t { pop(popT(s, t)) }
                        setUnreachable(s)
                    }
                    case 0x00 {
                        emit1(s, 0x00)
                        setUnreachable(s)
                    }
                    case 0x01 { }
                    default { fail() }
                    continue
                }
                // numeric
                if and(gt(op, 0x44), lt(op, 0xc5)) {
                    let a := 0 // operand type
                    let r := 0 // result type
                    let bin := 0
                    switch lt(op, 0x67)
                    case 1 {
                        if gt(op, 0x5a) { fail() }
                        a := 0x7f
                        if gt(op, 0x4f) { a := 0x7e }
                        r := 0x7f
                        bin := iszero(or(eq(op, 0x45), eq(op, 0x50)))
                    }
                    default {
                        switch lt(op, 0x8b)
                        case 1 {
                            a := 0x7f
                            if gt(op, 0x78) { a := 0x7e }
                            r := a
                            bin := iszero(or(lt(op, 0x6a), and(gt(op, 0x78), lt(op, 0x7c))))
                        }
                        default {
                            switch op
                            case 0xa7 { a := 0x7e r := 0x7f }
                            case 0xac { a := 0x7f r := 0x7e }
                            case 0xad { a := 0x7f r := 0x7e }
                            case 0xc0 { a := 0x7f r := 0x7f }
                            case 0xc1 { a := 0x7f r := 0x7f }
                            case 0xc2 { a := 0x7e r := 0x7e }
                            case 0xc3 { a := 0x7e r := 0x7e }
                            case 0xc4 { a := 0x7e r := 0x7e }
                            default { fail() }
                        }
                    }
                    {
                        let th := mload(add(s, 0x60))
                        switch lt(sub(th, mload(add(s, 0xe0))), add(1, bin))
                        case 0 {
                            // fast path: the operands are above the frame's height
                            let ts := mload(add(s, 0x80))
                            let t := byte(0, mload(add(ts, sub(th, 1))))
                            if t { if iszero(eq(t, a)) { fail() } }
                            if bin {
                                th := sub(th, 1)
                                t := byte(0, mload(add(ts, sub(th, 1))))
                                if t { if iszero(eq(t, a)) { fail() } }
                                mstore(add(s, 0x60), th)
                            }
                            mstore8(add(ts, sub(th, 1)), r)
                        }
                        default {
                            if bin { pop(popT(s, a)) }
                            pop(popT(s, a))
                            pushT(s, r)
                        }
                    }
                    {
                        let o := mload(add(s, 0x40))
                        mstore8(o, op)
                        mstore(add(s, 0x40), add(o, 1))
                    }
                    continue
                }
                // loads and stores: info byte = log2(width) | i64 << 2 | store << 3 | invalid << 4
                if and(gt(op, 0x27), lt(op, 0x3f)) {
                    let info := byte(sub(op, 0x28), 0x02071010000001010404050506060a0f101008090c0d0e000000000000000000)
                    let align := ru32(s)
                    let offset := ru32(s)
                    if and(info, 0x10) { fail() }
                    if iszero(mload(add(s, 0x220))) { fail() }
                    if gt(align, and(info, 3)) { fail() }
                    let t := 0x7f
                    if and(info, 4) { t := 0x7e }
                    switch and(info, 8)
                    case 0 {
                        pop(popT(s, 0x7f))
                        pushT(s, t)
                    }
                    default {
                        pop(popT(s, t))
                        pop(popT(s, 0x7f))
                    }
                    emit5(s, op, offset)
                    continue
                }
                switch op
                case 0x42 {
                    let v := rs64(s)
                    pushT(s, 0x7e)
                    let o := mload(add(s, 0x40))
                    mstore(o, or(shl(248, 0x42), shl(184, v)))
                    mstore(add(s, 0x40), add(o, 9))
                }
                case 0x3f {
                    let reserved := rb(s)
                    if iszero(mload(add(s, 0x220))) { fail() }
                    if reserved { fail() }
                    pushT(s, 0x7f)
                    emit1(s, op)
                }
                default { fail() }
            }
        }
    }
}
