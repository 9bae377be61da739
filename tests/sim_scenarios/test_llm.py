"""Tier-2 LLM agents: mock determinism, hostile answers fall back, vendor SDK adapters."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from node.cli import main
from node.sim import engine, scenario
from node.sim.tasks import llm, llm_marketplace
from node.sim.validators import validate_file


def test_mock_is_deterministic_and_respects_limits() -> None:
    mock = llm.MockProvider()
    prompt = "item negotiation b/0: limit=100 offer=140 round=0"
    assert mock.complete("You buy an item.", prompt) == mock.complete("You buy an item.", prompt)
    assert mock.complete("You buy an item.", "limit=100 offer=50 round=0") == "ACCEPT"
    answer = llm.parse_decision(mock.complete("You buy an item.", prompt))
    assert answer is not None
    assert answer[0] == "counter"
    assert answer[1] is not None
    assert answer[1] <= 100
    assert mock.complete("You sell an item.", "limit=100 offer=60 round=9") == "WALK"
    assert mock.complete("You sell an item.", "nothing useful") == "WALK"


@given(st.text(max_size=300))
def test_parse_decision_never_crashes(text: str) -> None:
    got = llm.parse_decision(text)
    assert got is None or got[0] in ("accept", "walk", "counter")


class _Scripted:
    """A provider answering from a fixed list: garbage, absurd counters, exceptions."""

    name = "scripted"
    model = "s"

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.n = 0

    def complete(self, system: str, prompt: str) -> str:
        self.n += 1
        answer = self.answers[self.n % len(self.answers)]
        if answer == "raise":
            raise TimeoutError("provider down")
        return answer


def test_hostile_answers_fall_back_and_validators_still_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scripted = _Scripted(["COUNTER 999999", "ACCEPT", "lol", "raise", "COUNTER 1", "WALK"])
    monkeypatch.setattr(llm_marketplace, "make_provider", lambda provider, model: scripted)
    trace = tmp_path / "hostile.jsonl"
    result = engine.run(scenario.load("llm_marketplace"), trace)
    assert scripted.n > 0
    assert result.metrics["deals"]
    report = validate_file(trace)
    assert report.passed, report.verdicts
    text = trace.read_text()
    assert '"decision":"invalid"' in text


def test_missing_api_key_is_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    result = CliRunner().invoke(
        main, ["run", "llm_marketplace", "--no-trace", "--set", "task.config.provider=anthropic"]
    )
    assert result.exit_code == 2
    assert "ANTHROPIC_API_KEY" in result.output


def test_vendor_adapters_send_the_expected_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    class _Completions:
        def create(self, **kw: Any) -> Any:
            seen["openai"] = kw
            msg = types.SimpleNamespace(content="ACCEPT")
            return types.SimpleNamespace(choices=[types.SimpleNamespace(message=msg)])

    class _OpenAI:
        def __init__(self) -> None:
            self.chat = types.SimpleNamespace(completions=_Completions())

    class _Messages:
        def create(self, **kw: Any) -> Any:
            seen["anthropic"] = kw
            return types.SimpleNamespace(content=[types.SimpleNamespace(text="WALK")])

    class _Anthropic:
        def __init__(self) -> None:
            self.messages = _Messages()

    monkeypatch.setitem(sys.modules, "openai", types.SimpleNamespace(OpenAI=_OpenAI))
    monkeypatch.setitem(sys.modules, "anthropic", types.SimpleNamespace(Anthropic=_Anthropic))
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test")
    assert llm.make_provider("openai").complete("sys", "p") == "ACCEPT"
    assert llm.make_provider("anthropic", "m").complete("sys", "p") == "WALK"
    assert seen["openai"]["messages"][0] == {"role": "system", "content": "sys"}
    assert seen["openai"]["model"] == llm.DEFAULT_MODELS["openai"]
    assert seen["anthropic"]["system"] == "sys"
    assert seen["anthropic"]["model"] == "m"
    with pytest.raises(llm.LlmError):
        llm.make_provider("other")
