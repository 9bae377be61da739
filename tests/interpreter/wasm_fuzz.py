"""A seeded generator of random profile-v1 agents (WAT) for differential tests.

Programs mix integer arithmetic of every kind, nested blocks/loops/ifs with br, br_if and
br_table, memory traffic of every width (in and out of bounds), globals, calls through an
acyclic helper chain, memory.grow/size, occasional unreachable, and loops long enough to run
out of fuel. Everything generated type-checks, so wat2wasm and the profile accept it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import wasmtime

TYPES = ("i32", "i64")
BINOPS = ("add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor",
          "shl", "shr_s", "shr_u", "rotl", "rotr")  # fmt: skip
RELOPS = ("eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u")
UNOPS = {"i32": ("clz", "ctz", "popcnt", "extend8_s", "extend16_s"),
         "i64": ("clz", "ctz", "popcnt", "extend8_s", "extend16_s", "extend32_s")}  # fmt: skip
LOADS = {"i32": ("load", "load8_s", "load8_u", "load16_s", "load16_u"),
         "i64": ("load", "load8_s", "load8_u", "load16_s", "load16_u", "load32_s", "load32_u")}  # fmt: skip
STORES = {"i32": ("store", "store8", "store16"), "i64": ("store", "store8", "store16", "store32")}
INTERESTING = (0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64, 255, 256, 0x7FFF, 0x8000, 0xFFFF,
               0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000,
               0xFFFFFFFFFFFFFFFF, 65535, 65536, 131071, 131072)  # fmt: skip


@dataclass
class Func:
    name: str
    params: list[str]
    result: str | None
    locals: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Case:
    """One generated agent with observations and a fuel budget per decision."""

    wat: str
    code: bytes
    observations: tuple[bytes, ...]
    fuel: int


class _Gen:
    def __init__(self, rng: random.Random, abi: int) -> None:
        self.rng = rng
        self.abi = abi
        self.funcs: list[Func] = []
        self.globals: list[tuple[str, bool]] = []
        self.depth_labels: list[str | None] = []
        self.fn: Func | None = None
        self.index = 0
        self.has_memory = abi == 1 or rng.random() < 0.8
        self.budget = 0

    # ---------------------------------------------------------------- values
    def const(self, t: str) -> str:
        r = self.rng
        bits = 32 if t == "i32" else 64
        v = r.choice(INTERESTING) if r.random() < 0.5 else r.getrandbits(r.choice((4, 8, 16, bits)))
        v &= (1 << bits) - 1
        if v >= 1 << (bits - 1) and r.random() < 0.5:
            v -= 1 << bits
        return f"({t}.const {v})"

    def locals_of(self, t: str) -> list[int]:
        assert self.fn is not None
        all_locals = self.fn.params + self.fn.locals
        return [i for i, lt in enumerate(all_locals) if lt == t]

    def addr(self) -> str:
        r = self.rng
        if r.random() < 0.85:
            return f"(i32.and {self.expr('i32', 1)} (i32.const {r.choice((0xFF, 0xFFF, 0xFFFF, 0x1FFFF))}))"
        return self.expr("i32", 1)

    def expr(self, t: str, depth: int) -> str:
        r = self.rng
        self.budget -= 1
        if depth <= 0 or self.budget <= 0:
            locs = self.locals_of(t)
            if locs and r.random() < 0.6:
                return f"(local.get {r.choice(locs)})"
            return self.const(t)
        d = depth - 1
        choice = r.random()
        other = r.choice(TYPES)
        if choice < 0.25:
            return f"({t}.{r.choice(BINOPS)} {self.expr(t, d)} {self.expr(t, d)})"
        if choice < 0.32:
            return f"({t}.{r.choice(UNOPS[t])} {self.expr(t, d)})"
        if choice < 0.40:
            if t == "i32":
                if r.random() < 0.3:
                    return f"({other}.eqz {self.expr(other, d)})"
                return f"({other}.{r.choice(RELOPS)} {self.expr(other, d)} {self.expr(other, d)})"
            return f"(i64.extend_i32_{r.choice('su')} {self.expr('i32', d)})"
        if choice < 0.45:
            if t == "i32":
                return f"(i32.wrap_i64 {self.expr('i64', d)})"
            return f"(i64.{r.choice(BINOPS[:3])} {self.expr(t, d)} {self.expr(t, d)})"
        if choice < 0.52 and self.has_memory:
            return f"({t}.{r.choice(LOADS[t])} offset={r.choice((0, 0, 1, 4, 100, 65530))} {self.addr()})"
        if choice < 0.57:
            return f"(select {self.expr(t, d)} {self.expr(t, d)} {self.expr('i32', d)})"
        if choice < 0.63:
            return (f"(if (result {t}) {self.expr('i32', d)} (then {self.body_value(t, d)})"
                    f" (else {self.body_value(t, d)}))")  # fmt: skip
        if choice < 0.70:
            self.depth_labels.append(t)
            inner = (f"(block (result {t}) {self.stmts(d, 2)} (drop (br_if 0 {self.expr(t, d)} "
                     f"{self.expr('i32', d)})) {self.stmts(d, 1)} {self.expr(t, d)})")  # fmt: skip
            self.depth_labels.pop()
            return inner
        if choice < 0.78:
            callees = [f for f in self.funcs if f.result == t]
            if callees:
                f = r.choice(callees)
                args = " ".join(self.expr(p, d) for p in f.params)
                return f"(call ${f.name} {args})"
        if choice < 0.82:
            locs = self.locals_of(t)
            if locs:
                return f"(local.tee {r.choice(locs)} {self.expr(t, d)})"
        if choice < 0.86:
            gl = [i for i, (gt, _) in enumerate(self.globals) if gt == t]
            if gl:
                return f"(global.get {r.choice(gl)})"
        if choice < 0.89 and self.has_memory and t == "i32":
            return "(memory.size)"
        if choice < 0.92:
            return self.br_table_value(t, d)
        if choice < 0.95 and self.fn is not None:
            return self.break_with_value(t, d)
        return f"({t}.{r.choice(('add', 'xor', 'mul'))} {self.expr(t, d)} {self.const(t)})"

    def body_value(self, t: str, depth: int) -> str:
        return f"{self.stmts(depth, 1)} {self.expr(t, depth)}"

    def br_table_value(self, t: str, depth: int) -> str:
        r = self.rng
        n = r.randint(1, 4)
        # n nested blocks with result t; br_table picks one of them
        inner = f"(br_table {' '.join(str(r.randint(0, n - 1)) for _ in range(r.randint(0, 5)))} {r.randint(0, n - 1)} {self.expr(t, depth)} {self.expr('i32', depth)})"
        for _ in range(n):
            inner = f"(block (result {t}) {inner})"
        return inner

    # ---------------------------------------------------------------- statements
    def stmts(self, depth: int, count: int) -> str:
        return " ".join(self.stmt(depth) for _ in range(self.rng.randint(0, count)))

    def stmt(self, depth: int) -> str:
        r = self.rng
        self.budget -= 1
        d = max(depth - 1, 0)
        choice = r.random()
        t = r.choice(TYPES)
        if choice < 0.25:
            locs = self.locals_of(t)
            if locs:
                return f"(local.set {r.choice(locs)} {self.expr(t, d)})"
        if choice < 0.40 and self.has_memory:
            return f"({t}.{r.choice(STORES[t])} offset={r.choice((0, 0, 2, 8, 65535))} {self.addr()} {self.expr(t, d)})"
        if choice < 0.48:
            gl = [i for i, (gt, mut) in enumerate(self.globals) if gt == t and mut]
            if gl:
                return f"(global.set {r.choice(gl)} {self.expr(t, d)})"
        if choice < 0.58 and depth > 0:
            return f"(if {self.expr('i32', d)} (then {self.stmts(d, 2)}) (else {self.stmts(d, 2)}))"
        if choice < 0.70 and depth > 0:
            return self.loop(d)
        if choice < 0.74:
            return f"(drop {self.expr(t, d)})"
        if choice < 0.76 and r.random() < 0.3:
            return f"(if {self.expr('i32', d)} (then unreachable))"
        if choice < 0.82 and depth > 0:
            return f"(block {self.stmts(d, 2)} (br_if 0 {self.expr('i32', d)}) {self.stmts(d, 2)})"
        if choice < 0.84 and depth > 0:
            return self.switch_loop(d)
        if (
            choice < 0.86
            and self.fn is not None
            and self.fn.result is not None
            and r.random() < 0.3
        ):
            return f"(if {self.expr('i32', d)} (then (return {self.expr(self.fn.result, d)})))"
        return f"(drop {self.expr(t, d)})"

    def switch_loop(self, depth: int) -> str:
        """A loop around a br_table over void blocks, the loop itself and the exit."""
        r = self.rng
        assert self.fn is not None
        counter = len(self.fn.params) + len(self.fn.locals)
        self.fn.locals.append("i32")
        targets = " ".join(str(r.randint(0, 3)) for _ in range(r.randint(0, 6)))
        return (
            f"(local.set {counter} (i32.const 0)) (block (loop (block (block "
            f"(br_table {targets} {r.randint(0, 3)} {self.expr('i32', depth)})) {self.stmts(depth, 2)})"
            f" {self.stmts(depth, 2)} (local.set {counter} (i32.add (local.get {counter}) (i32.const 1)))"
            f" (br_if 0 (i32.lt_u (local.get {counter}) (i32.const {r.choice((3, 20, 300))})))))"
        )

    def break_with_value(self, t: str, depth: int) -> str:
        """A value computed in a loop that leaves through br_if to the enclosing block."""
        assert self.fn is not None
        counter = len(self.fn.params) + len(self.fn.locals)
        self.fn.locals.append("i32")
        limit = self.rng.choice((1, 4, 30))
        return (
            f"(block (result {t}) (local.set {counter} (i32.const 0)) (loop "
            f"(drop (br_if 1 {self.expr(t, depth)} (i32.ge_u (local.get {counter}) (i32.const {limit}))))"
            f" {self.stmts(depth, 2)} (local.set {counter} (i32.add (local.get {counter}) (i32.const 1))) (br 0))"
            f" {self.expr(t, depth)})"
        )

    def loop(self, depth: int) -> str:
        r = self.rng
        assert self.fn is not None
        counter = len(self.fn.params) + len(self.fn.locals)
        self.fn.locals.append("i32")
        limit = r.choice((1, 2, 5, 10, 50, 400, 5000)) if r.random() < 0.9 else 0x7FFFFFFF
        body = self.stmts(depth, 3)
        return (f"(local.set {counter} (i32.const 0)) (block (loop "
                f"(br_if 1 (i32.ge_u (local.get {counter}) (i32.const {limit}))) {body} "
                f"(local.set {counter} (i32.add (local.get {counter}) (i32.const 1))) (br 0)))")  # fmt: skip

    # ---------------------------------------------------------------- functions
    def function(self, f: Func, export: str | None, depth: int) -> str:
        self.fn = f
        r = self.rng
        f.locals.extend(r.choice(TYPES) for _ in range(r.randint(0, 3)))
        self.budget = r.randint(10, 60)
        body = self.stmts(depth, 4)
        tail = f" {self.expr(f.result, depth)}" if f.result else ""
        params = " ".join(f"(param {p})" for p in f.params)
        result = f"(result {f.result})" if f.result else ""
        exp = f'(export "{export}")' if export else ""
        local_decl = " ".join(f"(local {lt})" for lt in f.locals)
        self.fn = None
        return f"(func ${f.name} {exp} {params} {result} {local_decl} {body}{tail})"

    def module(self) -> str:
        r = self.rng
        parts: list[str] = []
        if self.has_memory:
            lo = r.choice((1, 1, 2)) if self.abi == 1 else r.choice((0, 1, 1, 2))
            hi = r.choice(("", " 2", f" {max(lo, 1)}")) if lo <= 2 else ""
            exp = '(export "memory") ' if self.abi == 1 else ""
            parts.append(f"(memory {exp}{lo}{hi})")
            if lo > 0 and r.random() < 0.7:
                data = bytes(r.getrandbits(8) for _ in range(r.randint(1, 24)))
                text = "".join(f"\\{b:02x}" for b in data)
                parts.append(f'(data (i32.const {r.randint(0, 200)}) "{text}")')
        for _ in range(r.randint(0, 3)):
            t = r.choice(TYPES)
            mut = r.random() < 0.7
            self.globals.append((t, mut))
            parts.append(f"(global {'(mut ' + t + ')' if mut else t} {self.const(t)})")
        helpers: list[str] = []
        for i in range(r.randint(0, 3)):
            f = Func(
                f"h{i}", [r.choice(TYPES) for _ in range(r.randint(0, 3))], r.choice((*TYPES, None))
            )
            helpers.append(self.function(f, None, 2))
            self.funcs.append(f)
        parts.extend(helpers)
        if self.abi == 1:
            ptr = r.choice((0, 16, 1000, 65000, 65530, 131060))
            parts.append(f'(func $obs_ptr (export "obs_ptr") (result i32) (i32.const {ptr}))')
            decide = Func("decide", ["i32"], "i64")
        else:
            decide = Func("decide", ["i64"], "i64")
        parts.append(self.function(decide, "decide", 3))
        return "(module " + " ".join(parts) + ")"


def generate(seed: int) -> Case:
    """The case for ``seed``: a valid agent, 1-3 observations and a fuel budget."""
    r = random.Random(seed)
    abi = 1 if r.random() < 0.4 else 0
    wat = _Gen(r, abi).module()
    code = bytes(wasmtime.wat2wasm(wat))
    if abi == 0:
        observations = tuple(
            r.getrandbits(64).to_bytes(8, "big")
            if r.random() < 0.7
            else r.choice(INTERESTING).to_bytes(8, "big")
            for _ in range(r.randint(1, 3))
        )
    else:
        observations = tuple(
            bytes(r.getrandbits(8) for _ in range(r.choice((0, 1, 8, 16, 40))))
            for _ in range(r.randint(1, 3))
        )
    fuel = r.choice((0, 1, 3, 10, 50, 200, 1000, 3000, 10000, 20000))
    return Case(wat, code, observations, fuel)


def mutate(code: bytes, rng: random.Random) -> bytes:
    """A random byte-level mutation of ``code`` (flip, set, insert, delete, truncate)."""
    data = bytearray(code)
    for _ in range(rng.randint(1, 3)):
        kind = rng.random()
        pos = rng.randrange(len(data)) if data else 0
        if kind < 0.4 and data:
            data[pos] ^= 1 << rng.randrange(8)
        elif kind < 0.7 and data:
            data[pos] = rng.choice(
                (0x00, 0x01, 0x0B, 0x40, 0x41, 0x7F, 0x7E, 0x80, 0xFF, rng.getrandbits(8))
            )
        elif kind < 0.85:
            data.insert(pos, rng.getrandbits(8))
        elif kind < 0.95 and data:
            del data[pos]
        else:
            del data[rng.randrange(8, max(len(data), 9)) :]
    return bytes(data)


@dataclass(frozen=True)
class Outcome3:
    """(outcome, value, fuel_used) of one decision, as both sides report it."""

    outcome: int
    value: int
    fuel_used: int


class Batch:
    """The WasmBatch test harness deployed next to the interpreter: many cases per eth_call."""

    def __init__(self, url: str) -> None:
        from web3 import Web3

        from node.onchain import Deployer, OnchainInterpreter, build_artifacts

        self.interpreter = OnchainInterpreter.deploy(url)
        artifacts = build_artifacts(with_test_harness=True)
        w3 = self.interpreter.w3
        address = Deployer(url).deploy(artifacts["WasmBatch"], self.interpreter.address)
        self.contract = w3.eth.contract(
            address=Web3.to_checksum_address(address), abi=artifacts["WasmBatch"].abi
        )

    def decide_many(
        self, cases: list[tuple[bytes, bytes, int]]
    ) -> list[tuple[Outcome3, int] | None]:
        """Per case (code, observation, fuel): (result, gas) or None when the call reverted."""
        out: list[tuple[Outcome3, int] | None] = []
        for chunk in _chunks(cases, 16):
            codes, observations, fuels = zip(*chunk, strict=True)
            words = self.contract.functions.decideMany(
                list(codes), list(observations), list(fuels)
            ).call({"gas": 1_000_000_000})
            for word in words:
                if not word >> 255:
                    out.append(None)
                    continue
                value = (word >> 8) & (2**64 - 1)
                value = value - 2**64 if value >= 2**63 else value
                result = Outcome3(word & 0xFF, value, (word >> 72) & (2**64 - 1))
                out.append((result, (word >> 136) & (2**64 - 1)))
        return out

    def inspect_many(self, codes: list[bytes]) -> list[tuple[bool, int] | None]:
        """Per module: (valid, abiVersion) or None when the call reverted."""
        out: list[tuple[bool, int] | None] = []
        for chunk in _chunks(codes, 32):
            words = self.contract.functions.inspectMany(list(chunk)).call({"gas": 1_000_000_000})
            out.extend((bool((w >> 8) & 1), w & 0xFF) if w >> 255 else None for w in words)
        return out


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def sandbox(code: bytes, observation: bytes, fuel: int) -> Outcome3:
    """The off-chain sandbox's answer (node.wasm), the reference the contract must match."""
    from node.wasm import AgentProgram

    decision = AgentProgram.load(code).decide(observation, fuel)
    return Outcome3(int(decision.outcome), decision.value, decision.fuel_used)
