"""`nets agent new`: a working agent project from the templates shipped in node/agents/templates.

A project is the language's entry source (ABI glue plus the system's example strategy
`choose`), the generated observation accessors, `nets-agent.toml`, a README and a test that
builds the agent and plays one match.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from node.agents.build import ASC_FLAGS, C_FLAGS, MANIFEST, RUST_FLAGS, SOURCES, SYSTEMS
from node.agents.headers import HEADER_FILES, LANGS, accessors, markdown_table

TEMPLATES = Path(__file__).resolve().parent / "templates"
GLUE = {
    "rust": ("lib_v{abi}.rs", "rs"),
    "c": ("agent_v{abi}.c", "c"),
    "assemblyscript": ("index_v{abi}.ts", "ts"),
    "wat": ("agent_v{abi}.wat", "wat"),
}
COMPILERS = {
    "rust": "Debian's rustc with libstd-rust-dev-wasm32: `rustc " + shlex.join(RUST_FLAGS) + "`",
    "c": "Debian's clang and wasm-ld (lld): `clang " + shlex.join(C_FLAGS) + "`",
    "assemblyscript": "the assemblyscript npm package pinned by nets: `asc " + shlex.join(ASC_FLAGS)
    + "`",
    "wat": "none: `nets agent build` assembles the text with wasmtime's wat2wasm",
}  # fmt: skip


class ScaffoldError(Exception):
    """The project cannot be created; str() is the one-line reason."""


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def render(name: str, lang: str, system: str, abi: int) -> dict[str, str]:
    """Relative path -> text of every file of a new project."""
    if not (name.isascii() and name.isidentifier()):
        raise ScaffoldError(f"NAME: {name!r} must be an ASCII identifier (letters, digits, _)")
    if lang not in LANGS or system not in SYSTEMS or abi not in (0, 1):
        raise ScaffoldError(f"no template for {lang}/{system}/v{abi}")
    glue_name, ext = GLUE[lang]
    glue = (TEMPLATES / lang / glue_name.format(abi=abi)).read_text()
    strategy = (TEMPLATES / lang / "strategy" / f"{system}.{ext}").read_text().rstrip("\n")
    header_file = HEADER_FILES[lang]
    values = {
        "name": name,
        "lang": lang,
        "system": system,
        "abi": str(abi),
        "source": SOURCES[lang],
        "header": f"`{header_file}`" if header_file else "pasted at the top of `agent.wat`",
        "compiler": COMPILERS[lang],
        "fields": markdown_table(system, abi),
        "obs_t": "i64" if abi == 0 else "i32",
    }
    values["strategy"] = _fill(strategy, values)
    values["accessors"] = accessors(lang, system, abi).rstrip("\n") if lang == "wat" else ""
    files = {
        SOURCES[lang]: _fill(glue, values),
        MANIFEST: f'name = "{name}"\nlang = "{lang}"\nsystem = "{system}"\nabi = {abi}\n',
        "README.md": _fill((TEMPLATES / "README.md").read_text(), values),
        "test_agent.py": _fill((TEMPLATES / "test_agent.py.tmpl").read_text(), values),
        ".gitignore": "build/\ntarget/\n",
    }
    if header_file is not None:
        files[header_file] = accessors(lang, system, abi)
    if lang == "rust":
        files["Cargo.toml"] = _fill((TEMPLATES / "rust" / "Cargo.toml").read_text(), values)
        files[".cargo/config.toml"] = (TEMPLATES / "rust" / "dot_cargo" / "config.toml").read_text()
    return files


def create(directory: Path, name: str, lang: str, system: str, abi: int) -> list[Path]:
    """Write a new project into ``directory`` (which must not exist or be empty)."""
    files = render(name, lang, system, abi)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ScaffoldError(f"{directory}: already exists and is not an empty folder")
    written = []
    for relative, text in files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
