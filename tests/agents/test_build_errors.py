"""Refusals say how to fix them: real sources that break a profile rule, built with
`nets agent build`, give one line naming the rule and the flag or source change for their
language; a missing compiler is one line naming the Debian package."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from adapters.toolchain import PROJECT_ROOT
from node.agents import toolchains
from node.agents.build import BuildError, build
from node.agents.hints import FIXES, KINDS, fix_for, kind_of
from node.agents.toolchains import ToolchainMissing, toolchain
from node.cli import main
from node.wasm import AgentProgram, load_agent_file
from tests.agents.conftest import need_toolchain

HOSTILE = PROJECT_ROOT / "scenarios" / "agents" / "hostile"
RUST_HEAD = "#![no_std]\n#[panic_handler]\nfn p(_: &core::panic::PanicInfo) -> ! { loop {} }\n"
# (file name, source, what the reason says, what the fix says)
CASES = {
    "c": [
        ("floats.c", "long long decide(long long x) { double d = (double)x * 0.5; "
         "return (long long)d; }", "float", "no float/double"),
        ("recursion.c", "__attribute__((noinline)) long long f(long long n) { return n < 2 ? n "
         ": f(n - 1) * n + f(n - 2); }\nlong long decide(long long x) { return f(x & 15); }",
         "recursion", "loop with an explicit stack"),
        ("imports.c", "extern long long host(long long);\nlong long decide(long long x) "
         "{ return host(x); }", "undefined symbol: host", "no libc function"),
    ],
    "rust": [
        ("floats.rs", RUST_HEAD + "#[no_mangle]\npub extern \"C\" fn decide(x: i64) -> i64 { "
         "((x as f64) / 3.0) as i64 }", "float", "no f32/f64"),
        ("imports.rs", RUST_HEAD + "extern \"C\" { fn host(x: i64) -> i64; }\n#[no_mangle]\n"
         "pub extern \"C\" fn decide(x: i64) -> i64 { unsafe { host(x) } }", "import",
         "#![no_std]"),
        ("panics.rs", RUST_HEAD + "static T: [i64; 4] = [1, 2, 3, 4];\n#[no_mangle]\n"
         "pub extern \"C\" fn decide(x: i64) -> i64 { T[x as usize] }", "table",
         ".get(i)"),
    ],
    "assemblyscript": [
        ("alloc.ts", "export function decide(x: i64): i64 { const a = new Array<i64>(<i32>(x & "
         "7) + 1); a[0] = x; return a[0]; }", "start section", "memory.data"),
        ("grow.ts", "export function decide(x: i64): i64 { return <i64>memory.grow(<i32>x); }",
         "memory.grow", "allocate nothing at run time"),
        ("floats.ts", "export function decide(x: i64): i64 { const f: f64 = <f64>x * 0.5; "
         "return <i64>f; }", "float", "`number` and f64 are floats"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("lang", sorted(CASES))
def test_refusals_name_the_fix_in_the_agents_language(tmp_path: Path, lang: str) -> None:
    need_toolchain(lang)
    for number, (file_name, source, reason_says, fix_says) in enumerate(CASES[lang]):
        path = tmp_path / file_name
        path.write_text(source + "\n")
        if number == 0:  # through the CLI: exit 2 and the same one line
            result = CliRunner().invoke(main, ["agent", "build", str(path)])
            assert result.exit_code == 2
            message = result.output.strip()
        else:
            with pytest.raises(BuildError) as refused:
                build(path)
            message = str(refused.value)
        assert reason_says in message, message
        assert "fix:" in message, message
        assert fix_says in message.split("fix:", 1)[1], message
        assert "\n" not in message


def test_every_profile_refusal_of_the_hostile_agents_has_a_fix_in_every_language() -> None:
    hinted = 0
    for path in sorted(HOSTILE.glob("*.wat")):
        reason = AgentProgram.load(load_agent_file(path)).invalid_reason
        if reason is None or kind_of(reason) is None:
            continue
        hinted += 1
        for lang in ("rust", "c", "assemblyscript", "wat"):
            assert fix_for(reason, lang), (path.name, lang)
    assert hinted >= 6  # memory bomb/hog, floats, imports, call_indirect, start, recursion
    assert {kind for kind, _ in KINDS} == set(FIXES)
    assert all(set(fixes) == {"rust", "c", "assemblyscript", "wat"} for fixes in FIXES.values())


def test_a_missing_compiler_is_one_line_naming_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("NETS_CLANG", "clang")
    monkeypatch.delenv("NETS_RUSTC", raising=False)
    monkeypatch.setattr(toolchains, "DEBIAN_RUSTC", tmp_path / "rustc")
    with pytest.raises(ToolchainMissing, match="Debian packages rustc libstd-rust-dev-wasm32"):
        toolchain("rust")
    with pytest.raises(ToolchainMissing, match="Debian packages clang lld"):
        toolchain("c")
    source = tmp_path / "agent.c"
    source.write_text("long long decide(long long x) { return x; }\n")
    result = CliRunner().invoke(main, ["agent", "build", str(source)])
    assert result.exit_code == 2
    assert "clang lld" in result.output
    checks = {check.name: check for check in toolchains.language_checks()}
    assert not checks["agent language c"].ok
    assert not checks["agent language c"].required
    assert checks["agent language wat"].ok


@pytest.mark.parametrize(
    ("manifest", "says"),
    [
        ('name = "a"\nlang = ["c"]\n', "lang must be one of"),
        ('name = "a"\nlang = "c"\nsystem = {x = 1}\n', "system must be one of"),
        ('name = "a"\nlang = "wat"\nabi = true\n', "abi must be 0 or 1"),
        ('name = "../x"\nlang = "c"\n', "ASCII identifier"),
        ("name = [\n", "nets-agent.toml"),
    ],
)
def test_hostile_manifests_are_one_line_refusals(tmp_path: Path, manifest: str, says: str) -> None:
    (tmp_path / "nets-agent.toml").write_text(manifest)
    result = CliRunner().invoke(main, ["agent", "build", str(tmp_path)])
    assert result.exit_code == 2
    assert says in result.output
    assert "Traceback" not in result.output


def test_a_cargo_project_without_outside_crates_builds_and_one_with_them_is_refused(
    tmp_path: Path,
) -> None:
    need_toolchain("rust")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lib.rs").write_text(
        RUST_HEAD + '#[no_mangle]\npub extern "C" fn decide(x: i64) -> i64 { x.wrapping_add(1) }\n'
    )
    cargo = '[package]\nname = "my-agent"\nversion = "0.1.0"\n\n[lib]\ncrate-type = ["cdylib"]\n'
    (tmp_path / "Cargo.toml").write_text(cargo)
    built = build(tmp_path)
    assert built.wasm == tmp_path / "build" / "my_agent.wasm"
    assert built.program.decide((41).to_bytes(8, "big"), 100).value == 42
    (tmp_path / "Cargo.toml").write_text(cargo + '\n[dependencies]\nlibm = "0.2"\n')
    with pytest.raises(BuildError, match="outside crates are not supported"):
        build(tmp_path)
