"""How to fix a module the profile refuses, in the words of the language it was written in.

The validator's one-line reason says what is wrong with the wasm; an agent owner needs the
compiler flag or source change that avoids it. `fix_for` maps the reason's kind to that fix.
"""

from __future__ import annotations

MEMORY_FLAGS = {
    "rust": "-C link-arg=--initial-memory=131072 -C link-arg=--max-memory=131072 "
    "-C link-arg=-zstack-size=32768",
    "c": "-Wl,--initial-memory=131072 -Wl,--max-memory=131072 -Wl,-zstack-size=32768",
    "assemblyscript": "--initialMemory 2 --maximumMemory 2",
}

FIXES: dict[str, dict[str, str]] = {
    "memory": {
        "rust": f"link with {MEMORY_FLAGS['rust']} (rustc's default is 16 pages and a 1 MiB "
        "stack; `nets agent build` adds these) and keep statics under 96 KiB",
        "c": f"link with {MEMORY_FLAGS['c']} (`nets agent build` adds these) and keep static "
        "arrays under 96 KiB",
        "assemblyscript": f"compile with {MEMORY_FLAGS['assemblyscript']} (`nets agent build` "
        "adds these) and keep memory.data() and static arrays under 128 KiB",
        "wat": "declare at most 2 pages: (memory 1) or (memory 2), with data that fits in them",
    },
    "grow": {
        "rust": "remove the allocator: no `alloc`, Vec, Box or String; use fixed-size arrays "
        "(the memory is fixed at 2 pages)",
        "c": "do not call malloc or __builtin_wasm_memory_grow; use static arrays (the memory "
        "is fixed at 2 pages)",
        "assemblyscript": "allocate nothing at run time (no `new`, Array, string concatenation): "
        "use memory.data(n) with load<T>/store<T>, and build with --runtime stub",
        "wat": "remove memory.grow and declare the pages you need (at most 2) up front",
    },
    "recursion": {
        "rust": "rewrite the recursive function as a loop with an explicit stack in a fixed "
        "array; avoid core::fmt ({:?}, format_args!) and keep panic=abort",
        "c": "rewrite the recursive function as a loop with an explicit stack in a static array",
        "assemblyscript": "rewrite the recursive function as a loop with an explicit stack in "
        "memory.data()",
        "wat": "rewrite the call cycle as a loop; call chains may be at most 64 functions deep",
    },
    "float": {
        "rust": "use integer types only: no f32/f64, no `as f64`, no float literals (scale to "
        "fixed point with i32/i64)",
        "c": "use integer types only: no float/double or math.h (scale to fixed point)",
        "assemblyscript": "use i32/i64/u8 types only: `number` and f64 are floats in "
        "AssemblyScript, and so are Math.* results",
        "wat": "use only i32/i64 instructions and types",
    },
    "imports": {
        "rust": "use #![no_std] with a #[panic_handler] and no extern functions (std and "
        "wasm-bindgen import from the host)",
        "c": "call no libc function: -nostdlib, and write memset/memcpy yourself if clang emits "
        "calls to them (struct copies, zeroing loops)",
        "assemblyscript": "build with --use abort= and call no console/trace/Date/Math.random "
        "(each is a host import)",
        "wat": "remove the (import ...) entries: an agent gets nothing from the host",
    },
    "indirect": {
        "rust": "avoid what can panic with a message (slice[i] bounds checks, unwrap, "
        "arithmetic overflow checks): core::fmt calls through a function table; use .get(i), "
        "wrapping_* and match, and no trait objects (dyn) or function pointers",
        "c": "avoid function pointers and tables of them (use a switch), and export with "
        "-Wl,--export=NAME rather than __attribute__((export_name)), which makes Debian "
        "clang 14's wasm-ld add a table",
        "assemblyscript": "avoid function values and closures; call functions directly",
        "wat": "remove the table and call_indirect; call functions directly",
    },
    "start": {
        "rust": "remove the start function: initialise statics with constants",
        "c": "remove constructors (__attribute__((constructor))): initialise with constants",
        "assemblyscript": "allocate nothing at run time (no `new`, Array, string building: the "
        "stub runtime then sets up its heap in a start function; use memory.data(n) with "
        "load<T>/store<T>) and give top-level variables constant initialisers",
        "wat": "remove (start ...): decide runs on a fresh instance every time",
    },
    "bulk": {
        "rust": "the Debian rustc does not emit bulk memory by default: remove "
        "-C target-feature=+bulk-memory",
        "c": "remove -mbulk-memory (memcpy/memset must be plain loops)",
        "assemblyscript": "build with --disable bulk-memory (`nets agent build` adds it)",
        "wat": "replace memory.copy/memory.fill and passive data with loops and active data",
    },
    "size": {
        "rust": "drop the debug info the standard library brings (-C strip=debuginfo, which "
        "`nets agent build` adds), optimise for size (-C opt-level=z) and avoid core::fmt",
        "c": "optimise for size: -Oz",
        "assemblyscript": "optimise for size: -O3z (--shrinkLevel 2)",
        "wat": "make the module smaller (64 KiB, 1,024 functions, 2,048 branches at most)",
    },
    "abi": {
        "rust": 'export `#[no_mangle] pub extern "C" fn decide(input: i64) -> i64` (v0), or '
        "decide(len: i32) -> i64 with obs_ptr() -> i32 (v1; cdylib exports the memory)",
        "c": 'define __attribute__((export_name("decide"))) int64_t decide(int64_t) (v0), '
        "or decide(int32_t) with obs_ptr() (v1)",
        "assemblyscript": "export function decide(input: i64): i64 (v0), or decide(len: i32): "
        "i64 with obs_ptr(): usize (v1) from the entry file",
        "wat": "export decide as (param i64) (result i64), or (param i32) (result i64) with "
        "obs_ptr and the memory for v1",
    },
}

KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("grow", ("memory.grow",)),
    ("bulk", ("bulk memory", "data count section", "memory.copy", "memory.fill", "0xfc")),
    ("memory", ("memory initial size", "memory maximum size", "exceeds its maximum",
                "does not fit in the initial memory")),
    ("recursion", ("recursion", "call depth")),
    ("float", ("float",)),
    ("imports", ("import section",)),
    ("indirect", ("table section", "element section", "call_indirect", "tables not allowed")),
    ("start", ("start section",)),
    ("size", ("module is", "functions, limit", "block/loop/if", "compiled program")),
    ("abi", ("no ABI", "ABI v1")),
)  # fmt: skip


def kind_of(reason: str) -> str | None:
    """The kind of a validator reason, or None when there is no specific advice."""
    for kind, needles in KINDS:
        if any(needle in reason for needle in needles):
            return kind
    return None


def fix_for(reason: str, lang: str) -> str | None:
    """The flag or source change that avoids ``reason`` in ``lang``, if one is known."""
    kind = kind_of(reason)
    return None if kind is None else FIXES[kind][lang]
