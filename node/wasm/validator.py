"""Agent profile v1 acceptance: one pass over the binary, opcode by opcode, with type checking.

`parse_module` returns a `Module` ready for the reference interpreter or raises `Invalid`
with a one-line reason. It never raises anything else for any input bytes. The rules are
docs/protocol/sandbox.md section 1; the on-chain interpreter mirrors them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from node.wasm.binary import Malformed, Reader
from node.wasm.limits import (
    MAX_CALL_DEPTH,
    MAX_CONTROL,
    MAX_FUNCTIONS,
    MAX_LOCALS,
    MAX_MODULE_BYTES,
    MAX_PAGES,
    MAX_PROGRAM_BYTES,
    PAGE_SIZE,
)
from node.wasm.opcodes import (
    CONTROL_NAMES,
    I32,
    I64,
    MEMORY,
    NUMERIC,
    VALTYPE_NAMES,
    rejected_name,
)
from node.wasm.program_size import program_size

MAGIC = b"\x00asm\x01\x00\x00\x00"
SECTION_NAMES = {
    1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global", 7: "export",
    8: "start", 9: "element", 10: "code", 11: "data", 12: "data count", 13: "tag",
}  # fmt: skip
ALLOWED_SECTIONS = frozenset({1, 3, 5, 6, 7, 10, 11})
UNKNOWN = 0
CONTROL_COUNTED = frozenset({0x02, 0x03, 0x04, 0x0C, 0x0D, 0x0E})
"""Operand type of the polymorphic stack in unreachable code."""

Instr = tuple[int, int, int, int]
"""(opcode, a, b, c); see `_compile_body` for what a, b, c mean per opcode."""


class Invalid(Exception):
    """The module is outside agent profile v1; str(self) is the one-line reason."""


@dataclass(frozen=True, slots=True)
class FuncType:
    params: tuple[int, ...]
    results: tuple[int, ...]

    def __str__(self) -> str:
        p = " ".join(VALTYPE_NAMES[t] for t in self.params)
        r = " ".join(VALTYPE_NAMES[t] for t in self.results)
        return f"[{p}] -> [{r}]"


@dataclass(slots=True)
class Function:
    """A validated body. ``locals`` lists params then declared locals; ``code`` is compiled."""

    type: FuncType
    locals: tuple[int, ...] = ()
    code: list[Instr] = field(default_factory=list)
    tables: list[tuple[tuple[int, int, int], ...]] = field(default_factory=list)
    calls: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Global:
    valtype: int
    mutable: bool
    init: int
    """Initial value as an unsigned bit pattern of the type's width."""


@dataclass(frozen=True, slots=True)
class Memory:
    min_pages: int
    """The memory's size for the whole decision (memory.grow is outside the profile)."""


@dataclass(frozen=True, slots=True)
class Module:
    types: tuple[FuncType, ...]
    functions: tuple[Function, ...]
    memory: Memory | None
    globals: tuple[Global, ...]
    exports: dict[str, tuple[int, int]]
    """name -> (kind, index); kinds 0 func, 2 memory, 3 global."""
    data: tuple[tuple[int, bytes], ...]
    abi: int
    decide: int
    obs_ptr: int | None


def validate_profile(code: bytes | bytearray) -> str | None:
    """None if ``code`` is inside agent profile v1, else the one-line reason."""
    try:
        parse_module(code)
    except Invalid as exc:
        return str(exc)
    return None


def parse_module(code: bytes | bytearray) -> Module:
    """Parse and validate; raises Invalid (and nothing else) for any bytes."""
    try:
        return _Parser(bytes(code)).parse()
    except Invalid:
        raise
    except Malformed as exc:
        raise Invalid(f"malformed module: {exc}") from None
    except RecursionError:  # pragma: no cover - the parser is iterative
        raise Invalid("malformed module: nesting too deep") from None


def _valtype(byte: int, where: str) -> int:
    if byte in (I32, I64):
        return byte
    if byte in (0x7D, 0x7C):
        raise Invalid(f"float type {VALTYPE_NAMES[byte]} in {where}")
    if byte == 0x7B:
        raise Invalid(f"SIMD type v128 in {where}")
    if byte in (0x70, 0x6F) or 0x63 <= byte <= 0x6E:
        raise Invalid(f"reference type 0x{byte:02x} in {where}")
    raise Invalid(f"malformed module: invalid value type 0x{byte:02x} in {where}")


class _Parser:
    def __init__(self, code: bytes) -> None:
        self.code = code
        self.types: list[FuncType] = []
        self.func_types: list[FuncType] = []
        self.functions: list[Function] = []
        self.memory: Memory | None = None
        self.globals: list[Global] = []
        self.exports: dict[str, tuple[int, int]] = {}
        self.data: list[tuple[int, bytes]] = []
        self.control_count = 0

    def parse(self) -> Module:
        if len(self.code) > MAX_MODULE_BYTES:
            raise Invalid(f"module is {len(self.code)} bytes, limit {MAX_MODULE_BYTES}")
        if self.code[:8] != MAGIC:
            if self.code[:4] != MAGIC[:4]:
                raise Invalid("malformed module: missing \\0asm magic")
            raise Invalid("malformed module: unsupported version (need 1)")
        reader = Reader(self.code, 8)
        last_id = 0
        while not reader.at_end():
            section_id = reader.byte()
            size = reader.u32()
            start = reader.pos
            if size > reader.end - start:
                raise Invalid(f"malformed module: section at byte {start} runs past the end")
            body = Reader(self.code, start, start + size)
            if section_id == 0:
                body.name()  # custom section: a valid UTF-8 name, contents ignored
            elif section_id not in ALLOWED_SECTIONS:
                name = SECTION_NAMES.get(section_id)
                if name is None:
                    raise Invalid(f"malformed module: unknown section id {section_id}")
                raise Invalid(f"{name} section not allowed")
            else:
                if section_id <= last_id:
                    raise Invalid(
                        f"malformed module: {SECTION_NAMES[section_id]} section out of order"
                    )
                last_id = section_id
                self._section(section_id, body)
                if not body.at_end():
                    raise Invalid(
                        f"malformed module: {SECTION_NAMES[section_id]} section has trailing bytes"
                    )
            reader.pos = start + size
        if len(self.func_types) != len(self.functions):
            raise Invalid("malformed module: function and code section counts differ")
        size = program_size(self.functions, self.globals, self.data)
        if size > MAX_PROGRAM_BYTES:
            raise Invalid(
                f"compiled program is {size} bytes, limit {MAX_PROGRAM_BYTES} "
                "(the one-step proof carries it)"
            )
        self._check_call_graph()
        abi, decide, obs_ptr = self._detect_abi()
        return Module(
            types=tuple(self.types),
            functions=tuple(self.functions),
            memory=self.memory,
            globals=tuple(self.globals),
            exports=self.exports,
            data=tuple(self.data),
            abi=abi,
            decide=decide,
            obs_ptr=obs_ptr,
        )

    def _section(self, section_id: int, r: Reader) -> None:
        if section_id == 1:
            self._types(r)
        elif section_id == 3:
            self._function_section(r)
        elif section_id == 5:
            self._memory_section(r)
        elif section_id == 6:
            self._global_section(r)
        elif section_id == 7:
            self._export_section(r)
        elif section_id == 10:
            self._code_section(r)
        else:
            self._data_section(r)

    def _types(self, r: Reader) -> None:
        for index in range(r.u32()):
            form = r.byte()
            if form != 0x60:
                raise Invalid(f"malformed module: type {index} is not a function type")
            where = f"type {index}"
            params = tuple(_valtype(r.byte(), where) for _ in range(r.u32()))
            n_results = r.u32()
            results = tuple(_valtype(r.byte(), where) for _ in range(min(n_results, 2)))
            if n_results > 1:
                raise Invalid(f"multi-value result in type {index}")
            self.types.append(FuncType(params, results))

    def _function_section(self, r: Reader) -> None:
        count = r.u32()
        if count > MAX_FUNCTIONS:
            raise Invalid(f"{count} functions, limit {MAX_FUNCTIONS}")
        for _ in range(count):
            index = r.u32()
            if index >= len(self.types):
                raise Invalid(f"malformed module: unknown type {index}")
            self.func_types.append(self.types[index])

    def _memory_section(self, r: Reader) -> None:
        count = r.u32()
        if count > 1:
            raise Invalid("more than one memory")
        if count == 0:
            return
        flags = r.byte()
        if flags not in (0x00, 0x01):
            raise Invalid(f"memory limits flag 0x{flags:02x} not allowed (shared/64-bit/page size)")
        minimum = r.u32()
        maximum = r.u32() if flags == 0x01 else None
        if minimum > MAX_PAGES:
            raise Invalid(f"memory initial size {minimum} pages, limit {MAX_PAGES}")
        if maximum is not None:
            if maximum > MAX_PAGES:
                raise Invalid(f"memory maximum size {maximum} pages, limit {MAX_PAGES}")
            if minimum > maximum:
                raise Invalid("memory initial size exceeds its maximum")
        self.memory = Memory(minimum)

    def _const_expr(self, r: Reader, valtype: int, where: str) -> int:
        opcode = r.byte()
        if opcode == 0x41 and valtype == I32:
            value = r.s32() & 0xFFFFFFFF
        elif opcode == 0x42 and valtype == I64:
            value = r.s64() & 0xFFFFFFFFFFFFFFFF
        else:
            raise Invalid(f"{where}: initializer must be a single {VALTYPE_NAMES[valtype]}.const")
        if r.byte() != 0x0B:
            raise Invalid(f"{where}: initializer must be a single {VALTYPE_NAMES[valtype]}.const")
        return value

    def _global_section(self, r: Reader) -> None:
        for index in range(r.u32()):
            where = f"global {index}"
            valtype = _valtype(r.byte(), where)
            mut = r.byte()
            if mut not in (0, 1):
                raise Invalid(f"malformed module: {where} has invalid mutability")
            self.globals.append(Global(valtype, mut == 1, self._const_expr(r, valtype, where)))

    def _export_section(self, r: Reader) -> None:
        for _ in range(r.u32()):
            name = r.name()
            kind = r.byte()
            index = r.u32()
            if name in self.exports:
                raise Invalid(f"duplicate export {name!r}")
            if kind == 0x00:
                if index >= len(self.func_types):
                    raise Invalid(f"export {name!r}: unknown function {index}")
            elif kind == 0x02:
                if self.memory is None or index != 0:
                    raise Invalid(f"export {name!r}: unknown memory {index}")
            elif kind == 0x03:
                if index >= len(self.globals):
                    raise Invalid(f"export {name!r}: unknown global {index}")
            elif kind == 0x01:
                raise Invalid(f"export {name!r}: tables not allowed")
            else:
                raise Invalid(f"malformed module: export {name!r} has invalid kind {kind}")
            self.exports[name] = (kind, index)

    def _data_section(self, r: Reader) -> None:
        for index in range(r.u32()):
            flags = r.u32()
            if flags == 1:
                raise Invalid(f"passive data segment {index} not allowed (bulk memory)")
            if flags != 0:
                raise Invalid(f"data segment {index} flag {flags} not allowed")
            if self.memory is None:
                raise Invalid(f"data segment {index} without a memory")
            offset = self._const_expr(r, I32, f"data segment {index}")
            payload = r.bytes(r.u32())
            if offset + len(payload) > self.memory.min_pages * PAGE_SIZE:
                raise Invalid(f"data segment {index} does not fit in the initial memory")
            self.data.append((offset, payload))

    def _code_section(self, r: Reader) -> None:
        count = r.u32()
        if count != len(self.func_types):
            raise Invalid("malformed module: function and code section counts differ")
        for index in range(count):
            size = r.u32()
            start = r.pos
            if size > r.end - start:
                raise Invalid(f"malformed module: body of function {index} runs past the end")
            body = Reader(r.data, start, start + size)
            self.functions.append(_compile_body(self, index, body))
            r.pos = start + size

    def _check_call_graph(self) -> None:
        """Acyclic, longest path <= MAX_CALL_DEPTH functions (Kahn's algorithm, no recursion)."""
        n = len(self.functions)
        callers_left = [0] * n  # out-degree: callees not yet finished
        callers_of: list[list[int]] = [[] for _ in range(n)]
        for f, function in enumerate(self.functions):
            callers_left[f] = len(function.calls)
            for g in function.calls:
                callers_of[g].append(f)
        depth = [1] * n
        ready = [f for f in range(n) if callers_left[f] == 0]
        done = 0
        while ready:
            g = ready.pop()
            done += 1
            for f in callers_of[g]:
                depth[f] = max(depth[f], depth[g] + 1)
                callers_left[f] -= 1
                if callers_left[f] == 0:
                    ready.append(f)
        if done != n:
            cyclic = min(f for f in range(n) if callers_left[f] > 0)
            raise Invalid(f"recursion: function {cyclic} is on a call cycle")
        deepest = max(depth, default=0)
        if deepest > MAX_CALL_DEPTH:
            raise Invalid(f"call depth {deepest} exceeds {MAX_CALL_DEPTH}")

    def _detect_abi(self) -> tuple[int, int, int | None]:
        decide = self.exports.get("decide")
        if decide is None or decide[0] != 0x00:
            raise Invalid("no ABI: missing function export 'decide'")
        decide_type = self.func_types[decide[1]]
        if decide_type == FuncType((I64,), (I64,)):
            return 0, decide[1], None
        if decide_type != FuncType((I32,), (I64,)):
            raise Invalid(
                f"no ABI: decide has type {decide_type}, need [i64] -> [i64] or [i32] -> [i64]"
            )
        obs_ptr = self.exports.get("obs_ptr")
        if obs_ptr is None or obs_ptr[0] != 0x00:
            raise Invalid("ABI v1: missing function export 'obs_ptr'")
        if self.func_types[obs_ptr[1]] != FuncType((), (I32,)):
            raise Invalid(
                f"ABI v1: obs_ptr has type {self.func_types[obs_ptr[1]]}, need [] -> [i32]"
            )
        memory = self.exports.get("memory")
        if memory is None or memory[0] != 0x02:
            raise Invalid("ABI v1: missing memory export 'memory'")
        return 1, decide[1], obs_ptr[1]


@dataclass(slots=True)
class _Ctrl:
    opcode: int
    results: tuple[int, ...]
    height: int
    unreachable: bool = False
    start_pc: int = 0
    else_pc: int = -1
    patches: list[tuple[list[int], int]] = field(default_factory=list)

    def label_types(self) -> tuple[int, ...]:
        return () if self.opcode == 0x03 else self.results


def _block_type(r: Reader, where: str) -> tuple[int, ...]:
    byte = r.byte()
    if byte == 0x40:
        return ()
    if byte in (I32, I64):
        return (byte,)
    if byte in (0x7D, 0x7C, 0x7B) or byte in (0x70, 0x6F) or 0x63 <= byte <= 0x6E:
        _valtype(byte, where)
    raise Invalid(f"multi-value block type in {where}")


def _compile_body(parser: _Parser, index: int, r: Reader) -> Function:
    """Validate one body and compile it for the interpreter.

    Compiled forms: br/br_if (op, target_pc, height, arity); br_table (op, table_index, 0, 0);
    if (op, pc when false, 0, 0); else (op, end_pc, 0, 0); return (op, 0, 0, arity);
    call/local/global (op, index, 0, 0); loads/stores (op, offset, 0, 0); consts (op, bits, 0, 0).
    """
    where = f"function {index}"
    ftype = parser.func_types[index]
    local_types = list(ftype.params)
    if len(local_types) > MAX_LOCALS:  # params count too, also without any local group
        raise Invalid(f"{where} has more than {MAX_LOCALS} locals")
    for _ in range(r.u32()):
        count = r.u32()
        valtype = _valtype(r.byte(), where)
        if len(local_types) + count > MAX_LOCALS:
            raise Invalid(f"{where} has more than {MAX_LOCALS} locals")
        local_types.extend([valtype] * count)
    function = Function(ftype, tuple(local_types))
    code: list[list[int]] = []
    tables: list[list[list[int]]] = []
    vals: list[int] = []
    ctrls: list[_Ctrl] = [_Ctrl(0x02, ftype.results, 0)]
    memory = parser.memory
    n_globals = len(parser.globals)

    def fail(message: str) -> Invalid:
        return Invalid(f"{message} in {where}")

    def pop(expect: int = UNKNOWN) -> int:
        frame = ctrls[-1]
        if len(vals) == frame.height:
            if frame.unreachable:
                return expect
            raise fail("type mismatch: operand stack underflow")
        actual = vals.pop()
        if expect != UNKNOWN and actual != UNKNOWN and actual != expect:
            raise fail(
                f"type mismatch: expected {VALTYPE_NAMES[expect]}, got {VALTYPE_NAMES[actual]}"
            )
        return actual

    def pop_all(types: tuple[int, ...]) -> None:
        for t in reversed(types):
            pop(t)

    def set_unreachable() -> None:
        del vals[ctrls[-1].height :]
        ctrls[-1].unreachable = True

    def label(depth: int) -> _Ctrl:
        if depth >= len(ctrls):
            raise fail(f"unknown label {depth}")
        return ctrls[-1 - depth]

    def branch_to(frame: _Ctrl, instr: list[int], slot: int) -> None:
        """Fill target, height, arity of a branch instr at ``slot`` (patched for blocks)."""
        instr[slot + 1] = frame.height
        instr[slot + 2] = len(frame.label_types())
        if frame.opcode == 0x03:
            instr[slot] = frame.start_pc + 1
        else:
            frame.patches.append((instr, slot))

    def need_memory(name: str) -> None:
        if memory is None:
            raise fail(f"{name} without a memory")

    while True:
        if not ctrls:
            break
        if r.at_end():
            raise fail("malformed module: body ends before its final end")
        pc = len(code)
        opcode = r.byte()
        if opcode in CONTROL_COUNTED:
            parser.control_count += 1
            if parser.control_count > MAX_CONTROL:
                raise Invalid(
                    f"more than {MAX_CONTROL} block/loop/if/br/br_if/br_table instructions"
                )
        if opcode in NUMERIC:
            spec = NUMERIC[opcode]
            pop_all(spec.params)
            if spec.result is not None:
                vals.append(spec.result)
            code.append([opcode, 0, 0, 0])
        elif opcode in MEMORY:
            access = MEMORY[opcode]
            align = r.u32()
            offset = r.u32()
            need_memory(access.name)
            if (1 << min(align, 32)) > access.width:
                raise fail(f"alignment of {access.name} larger than natural")
            if access.store:
                pop(access.valtype)
                pop(I32)
            else:
                pop(I32)
                vals.append(access.valtype)
            code.append([opcode, offset, 0, 0])
        elif opcode not in CONTROL_NAMES:
            raise fail(rejected_name(opcode))
        elif opcode in (0x41, 0x42):
            value = r.s32() & 0xFFFFFFFF if opcode == 0x41 else r.s64() & 0xFFFFFFFFFFFFFFFF
            vals.append(I32 if opcode == 0x41 else I64)
            code.append([opcode, value, 0, 0])
        elif opcode in (0x20, 0x21, 0x22):
            local = r.u32()
            if local >= len(local_types):
                raise fail(f"unknown local {local}")
            t = local_types[local]
            if opcode == 0x20:
                vals.append(t)
            else:
                pop(t)
                if opcode == 0x22:
                    vals.append(t)
            code.append([opcode, local, 0, 0])
        elif opcode in (0x23, 0x24):
            g = r.u32()
            if g >= n_globals:
                raise fail(f"unknown global {g}")
            t = parser.globals[g].valtype
            if opcode == 0x23:
                vals.append(t)
            else:
                if not parser.globals[g].mutable:
                    raise fail(f"global.set of immutable global {g}")
                pop(t)
            code.append([opcode, g, 0, 0])
        elif opcode in (0x02, 0x03, 0x04):
            results = _block_type(r, where)
            if opcode == 0x04:
                pop(I32)
            ctrls.append(_Ctrl(opcode, results, len(vals), start_pc=pc))
            code.append([opcode, 0, 0, 0])
        elif opcode == 0x05:
            frame = ctrls[-1]
            if frame.opcode != 0x04 or frame.else_pc >= 0:
                raise fail("else without a matching if")
            pop_all(frame.results)
            if len(vals) != frame.height:
                raise fail("type mismatch: values remaining at else")
            frame.else_pc = pc
            frame.unreachable = False
            code[frame.start_pc][1] = pc + 1
            code.append([opcode, 0, 0, 0])
        elif opcode == 0x0B:
            frame = ctrls[-1]
            pop_all(frame.results)
            if len(vals) != frame.height:
                raise fail("type mismatch: values remaining at end of block")
            if frame.opcode == 0x04 and frame.else_pc < 0:
                if frame.results:
                    raise fail("type mismatch: if with a result needs an else")
                code[frame.start_pc][1] = pc
            if frame.opcode == 0x04 and frame.else_pc >= 0:
                code[frame.else_pc][1] = pc
            for instr, slot in frame.patches:
                instr[slot] = pc
            ctrls.pop()
            vals.extend(frame.results)
            code.append([opcode, 0, 0, 0])
        elif opcode in (0x0C, 0x0D):
            depth = r.u32()
            if opcode == 0x0D:
                pop(I32)
            frame = label(depth)
            types = frame.label_types()
            pop_all(types)
            instr = [opcode, 0, 0, 0]
            branch_to(frame, instr, 1)
            code.append(instr)
            if opcode == 0x0C:
                set_unreachable()
            else:
                vals.extend(types)
        elif opcode == 0x0E:
            count = r.u32()
            if count > r.end - r.pos:
                raise fail("malformed module: br_table longer than the body")
            depths = [r.u32() for _ in range(count)]
            default = r.u32()
            pop(I32)
            arity = len(label(default).label_types())
            entries: list[list[int]] = []
            for depth in [*depths, default]:
                frame = label(depth)
                types = frame.label_types()
                if len(types) != arity:
                    raise fail("type mismatch: br_table targets differ in arity")
                popped = [pop(t) for t in reversed(types)]
                vals.extend(reversed(popped))
                entry = [0, 0, 0]
                branch_to(frame, entry, 0)
                entries.append(entry)
            pop_all(label(default).label_types())
            tables.append(entries)
            code.append([opcode, len(tables) - 1, 0, 0])
            set_unreachable()
        elif opcode == 0x0F:
            pop_all(ftype.results)
            code.append([opcode, 0, 0, len(ftype.results)])
            set_unreachable()
        elif opcode == 0x10:
            callee = r.u32()
            if callee >= len(parser.func_types):
                raise fail(f"unknown function {callee}")
            ctype = parser.func_types[callee]
            pop_all(ctype.params)
            vals.extend(ctype.results)
            function.calls.add(callee)
            code.append([opcode, callee, 0, 0])
        elif opcode == 0x00:
            code.append([opcode, 0, 0, 0])
            set_unreachable()
        elif opcode == 0x01:
            code.append([opcode, 0, 0, 0])
        elif opcode == 0x1A:
            pop()
            code.append([opcode, 0, 0, 0])
        elif opcode == 0x1B:
            pop(I32)
            t1 = pop()
            t2 = pop(t1)
            vals.append(t1 if t1 != UNKNOWN else t2)
            code.append([opcode, 0, 0, 0])
        else:  # 0x3F memory.size
            reserved = r.byte()
            need_memory("memory.size")
            if reserved != 0x00:
                raise fail("memory.size: reserved byte must be 0x00")
            vals.append(I32)
            code.append([opcode, 0, 0, 0])
    if not r.at_end():
        raise fail("malformed module: bytes after the final end")
    function.code = [(i[0], i[1], i[2], i[3]) for i in code]
    function.tables = [tuple((e[0], e[1], e[2]) for e in entries) for entries in tables]
    return function
