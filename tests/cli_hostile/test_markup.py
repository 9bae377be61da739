"""Text from files, traces, paths and URLs is printed as it is: rich markup in it (an unmatched
closing tag crashed with MarkupError, a colour tag restyled the output) is not interpreted."""

from __future__ import annotations

from pathlib import Path

from tests.cli_hostile.conftest import REPO, Nets

TAG = "[/bold]"  # unmatched closing tag: MarkupError
NAME = "[red]x"  # a file name cannot hold the slash; a colour tag would vanish from the output


def shown(nets: Nets, *args: str, code: int = 0) -> str:
    outcome = nets(*args)
    assert outcome.code == code, outcome.stderr
    assert "Traceback" not in outcome.stderr
    return outcome.stdout + outcome.stderr


def test_league_show_description(nets: Nets, workdir: Path) -> None:
    text = (REPO / "scenarios" / "leagues" / "snake.yaml").read_text()
    league = workdir / "evil.yaml"
    league.write_text(text.replace("description: ", f'description: "{TAG} [red]x" #', 1))
    assert f"{TAG} [red]x" in shown(nets, "league", "show", str(league))


def test_league_validate_path(nets: Nets, workdir: Path) -> None:
    league = workdir / f"{NAME}.yaml"
    league.write_text((REPO / "scenarios" / "leagues" / "snake.yaml").read_text())
    assert NAME in shown(nets, "league", "validate", str(league))


def test_inspect_trace_fields(nets: Nets, workdir: Path) -> None:
    trace = workdir / "evil.jsonl"
    trace.write_text(
        f'{{"kind":"run","format":"nets-sim/1","name":"{TAG}","seed":1,"task":"t","agents":1}}\n'
        f'{{"t":1,"kind":"drop","agent":"{TAG}a","reason":"{TAG}r"}}\n'
    )
    (workdir / "evil.jsonl.root").write_text(f"{TAG}\n")
    out = shown(nets, "inspect", str(trace))
    assert f"{TAG} seed 1" in out
    assert f"MISMATCH ({TAG})" in out


def test_run_and_report_and_verify_paths(nets: Nets, workdir: Path) -> None:
    trace = f"{NAME}.jsonl"
    assert trace in shown(nets, "run", "pingpong", "--set", "task.config.rounds=1", "-o", trace)
    assert f"{NAME}.html" in shown(nets, "report", trace, "-o", f"{NAME}.html")
    (workdir / f"{trace}.root").write_text(f"{TAG}\n")
    assert f"stored root  {TAG}" in shown(nets, "sim", "verify", trace, code=1)


def test_validate_title_path(nets: Nets, workdir: Path) -> None:
    trace = f"{NAME}.jsonl"
    assert nets("run", "voting", "-o", trace).code == 0
    assert f"validators on {NAME}.jsonl" in shown(nets, "validate", trace)


def test_doctor_database_url(nets: Nets) -> None:
    out = shown(nets, "doctor", "--db", f"sqlite:///no-such-dir/{TAG}.db", code=1)
    assert f"{TAG}.db" in out
