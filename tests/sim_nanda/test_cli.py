"""The commands Nanda Town users type, on files in its schema: run, --ticks, output.report,
the duration note, LLM brains (mock, recorded and replayed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from node.cli import main
from tests.sim_nanda.conftest import FILES


def nets(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def copy(name: str, tmp_path: Path, **replace: str) -> Path:
    text = (FILES / f"{name}.yaml").read_text()
    text = text.replace("./traces/", f"{tmp_path}/traces/")
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def test_output_report_is_written(tmp_path: Path) -> None:
    report = tmp_path / "reports" / "auction.html"
    path = copy("auction", tmp_path)
    path.write_text(path.read_text() + f"  report: {report}\n")
    code, _out, err = nets("run", str(path))
    assert code == 0, err
    html = report.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "highest_bid_wins" in html


def test_output_report_naming_the_trace_is_refused(tmp_path: Path) -> None:
    path = copy("auction", tmp_path)
    path.write_text(path.read_text() + f"  report: {tmp_path}/traces/auction.jsonl\n")
    code, _, err = nets("run", str(path))
    assert code == 2
    assert "output.report" in err


def test_duration_note_is_printed_once_when_nanda_town_would_stop_early(tmp_path: Path) -> None:
    path = copy("marketplace", tmp_path)
    code, _, err = nets("run", str(path), "--ticks", "400")
    assert code == 0
    assert err.count("note: duration 'ticks: 400'") == 1
    assert "would have stopped" in err
    code, _out, err = nets("run", str(path))  # "ticks: 5000": Nanda Town would not stop early
    assert code == 0
    assert "note:" not in err


def test_ticks_sets_the_horizon(tmp_path: Path) -> None:
    path = copy("marketplace", tmp_path)
    code, out, _ = nets("run", str(path), "--no-trace", "--json")
    assert code == 0
    assert json.loads(out)["end_time"] > 20
    code, out, _ = nets("run", str(path), "--no-trace", "--ticks", "20", "--json")
    assert code == 0
    assert 0 < json.loads(out)["end_time"] <= 20
    code, _, err = nets("run", str(path), "--ticks", "0")
    assert code == 2
    assert "--ticks" in err


def test_llm_brain_needs_a_key_for_a_real_provider(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    path = copy("shell_marketplace", tmp_path)
    code, _, err = nets(
        "run",
        str(path),
        "--set",
        "agents.llm_model=claude-x",
        "--set",
        "agents.llm_provider=anthropic",
    )
    assert code == 2
    assert "agents.llm_provider" in err
    assert "ANTHROPIC_API_KEY" in err


def test_recorded_answers_replay_to_the_same_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Record the mock's answers, then replay them under a real provider's name with no key:
    the same decisions, the same trace bytes."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    path = copy("shell_marketplace", tmp_path)
    rec = tmp_path / "answers.jsonl"
    code, _, err = nets(
        "run", str(path), "-o", str(tmp_path / "a.jsonl"), "--set", f"task.config.record={rec}"
    )
    assert code == 0, err
    assert rec.read_text().count('"answer"') > 0
    code, _, err = nets(
        "run",
        str(path),
        "-o",
        str(tmp_path / "b.jsonl"),
        "--set",
        "agents.llm_model=gpt-4o",
        "--set",
        f"task.config.replay={rec}",
    )
    assert code == 0, err
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_a_replay_missing_answers_falls_back_visibly(tmp_path: Path) -> None:
    path = copy("shell_marketplace", tmp_path)
    rec = tmp_path / "empty.jsonl"
    rec.write_text("")
    code, _, err = nets(
        "run", str(path), "-o", str(tmp_path / "c.jsonl"), "--set", f"task.config.replay={rec}"
    )
    assert code == 0, err
    assert '"decision":"invalid"' in (tmp_path / "c.jsonl").read_text()


@pytest.mark.parametrize("bad", ["not json\n", '{"key": 1, "answer": "ACCEPT"}\n'])
def test_a_malformed_recording_is_bad_input(tmp_path: Path, bad: str) -> None:
    path = copy("shell_marketplace", tmp_path)
    rec = tmp_path / "bad.jsonl"
    rec.write_text(bad)
    code, _, err = nets("run", str(path), "--no-trace", "--set", f"task.config.replay={rec}")
    assert code == 2
    assert "line 1" in err


def test_init_scaffolds_a_file_that_runs(tmp_path: Path) -> None:
    code, out, err = nets("init", "shop", "-d", str(tmp_path / "sc"))
    assert code == 0, err
    path = tmp_path / "sc" / "shop.yaml"
    assert "created" in out
    text = path.read_text()
    path.write_text(text.replace("./traces/", f"{tmp_path}/traces/"))
    code, _, err = nets("run", str(path), "--no-trace")
    assert code == 0, err
    code, _, err = nets("init", "shop", "-d", str(tmp_path / "sc"))
    assert code == 2
    assert "already exists" in err
    code, _, err = nets("init", "../evil", "-d", str(tmp_path))
    assert code == 2


def test_report_m_prints_the_named_metrics(tmp_path: Path) -> None:
    path = copy("marketplace", tmp_path)
    trace = tmp_path / "m.jsonl"
    assert nets("run", str(path), "-o", str(trace))[0] == 0
    code, out, err = nets(
        "report", str(trace), "-o", str(tmp_path / "r.html"), "-m", "deal_rate,unique_pairs"
    )
    assert code == 0, err
    assert "deal_rate" in out
    assert "unique_pairs" in out
    code, _, err = nets("report", str(trace), "-o", str(tmp_path / "r.html"), "-m", "nope")
    assert code == 2
    assert "unknown trace metric" in err
