"""LLM providers for tier-2 agents: one ``complete(system, prompt) -> str`` interface.

``mock`` is deterministic and offline (tests and reproducible traces). ``openai`` and
``anthropic`` use the vendors' SDKs, installed with the optional extra ``nets-node[llm]`` and
imported only when such a provider is built; they read OPENAI_API_KEY / ANTHROPIC_API_KEY.
Real model outputs are not reproducible, so their traces are validated, not replayed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import deque
from pathlib import Path
from typing import IO, Any, Protocol

MAX_RECORDING_BYTES = 64 << 20
KEY_ENV = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
DEFAULT_MODELS = {"mock": "mock-1", "openai": "gpt-4o-mini", "anthropic": "claude-3-5-haiku-latest"}
MAX_TOKENS = 16


class LlmError(RuntimeError):
    """A provider that cannot be built (SDK not installed, key not set) or a failed call."""


class LlmProvider(Protocol):
    name: str
    model: str

    def complete(self, system: str, prompt: str) -> str: ...


def _field(prompt: str, key: str) -> int | None:
    match = re.search(rf"\b{key}=(\d+)\b", prompt)
    return int(match.group(1)) if match else None


class MockProvider:
    """A deterministic stand-in that reads the numbers in the prompt, like a careful model.

    It accepts an offer no worse than a target that concedes from a 30% margin towards the
    limit as rounds pass, otherwise counters halfway, and walks away after round 8. A hash of
    the prompt picks a small per-decision margin, so agents do not all behave identically.
    """

    name = "mock"

    def __init__(self, model: str = "mock-1") -> None:
        self.model = model
        self.calls = 0

    def complete(self, system: str, prompt: str) -> str:
        self.calls += 1
        limit, offer, rnd = (
            _field(prompt, "limit"),
            _field(prompt, "offer"),
            _field(prompt, "round"),
        )
        last = _field(prompt, "last")
        if limit is None or offer is None or rnd is None:
            return "WALK"
        selling = "sell" in system.lower()
        jitter = hashlib.sha256(prompt.encode()).digest()[0] % 5
        margin = max(0, 30 - 5 * rnd - jitter)
        target = limit * (100 + margin) // 100 if selling else limit * (100 - margin) // 100
        if (offer >= target) if selling else (offer <= target):
            return "ACCEPT"
        if rnd >= 8:
            return "WALK"
        mine = last if last is not None else target
        counter = (mine + offer) // 2
        counter = max(counter, limit) if selling else min(counter, limit)
        return f"COUNTER {counter}"


class OpenAIProvider:
    name = "openai"

    def __init__(self, model: str) -> None:
        try:
            from openai import OpenAI  # type: ignore[import-not-found]
        except ImportError:
            raise LlmError("the openai provider needs the optional extra: nets-node[llm]") from None
        self.model = model
        self._client: Any = OpenAI()

    def complete(self, system: str, prompt: str) -> str:
        resp = self._client.chat.completions.create(
            model=self.model,
            max_tokens=MAX_TOKENS,
            temperature=0,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": prompt}],
        )
        return str(resp.choices[0].message.content or "")


class AnthropicProvider:
    name = "anthropic"

    def __init__(self, model: str) -> None:
        try:
            import anthropic  # type: ignore[import-not-found]
        except ImportError:
            raise LlmError(
                "the anthropic provider needs the optional extra: nets-node[llm]"
            ) from None
        self.model = model
        self._client: Any = anthropic.Anthropic()

    def complete(self, system: str, prompt: str) -> str:
        msg = self._client.messages.create(
            model=self.model,
            max_tokens=MAX_TOKENS,
            temperature=0,
            system=system,
            messages=[{"role": "user", "content": prompt}],
        )
        return "".join(getattr(block, "text", "") for block in msg.content)


def call_key(system: str, prompt: str) -> str:
    """What a recorded answer is filed under: sha256 of the system text and the prompt."""
    return hashlib.sha256(f"{system}\n{prompt}".encode()).hexdigest()


class RecordingProvider:
    """Passes calls to ``inner`` and appends each answer to a JSONL file (``{"key",
    "answer"}`` per line), so a run with a real model can be replayed exactly."""

    def __init__(self, inner: LlmProvider, path: Path) -> None:
        self.name = inner.name
        self.model = inner.model
        self._inner = inner
        try:
            self._out: IO[str] = path.open("w", encoding="utf-8")
        except OSError as exc:
            raise LlmError(f"cannot write LLM recording {path}: {exc.strerror or exc}") from None

    def complete(self, system: str, prompt: str) -> str:
        answer = self._inner.complete(system, prompt)
        self._out.write(json.dumps({"key": call_key(system, prompt), "answer": answer}) + "\n")
        self._out.flush()
        return answer


class ReplayProvider:
    """Answers from a recording, in recorded order per (system, prompt): the same decisions,
    so the same trace, with no model and no key. A call the recording lacks is an error
    (the agent falls back to its negotiation layer, visibly, in the trace)."""

    name = "replay"

    def __init__(self, path: Path, model: str = "") -> None:
        self.model = model
        self._answers: dict[str, deque[str]] = {}
        try:
            if path.stat().st_size > MAX_RECORDING_BYTES:
                raise LlmError(f"LLM recording {path} is larger than 64 MiB")
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise LlmError(f"cannot read LLM recording {path}: {exc}") from None
        for number, line in enumerate(lines, 1):
            try:
                item = json.loads(line)
            except ValueError:
                item = None
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("key"), str)
                or not isinstance(item.get("answer"), str)
            ):
                raise LlmError(f"LLM recording {path} line {number}: not a {{key, answer}} object")
            self._answers.setdefault(item["key"], deque()).append(item["answer"])

    def complete(self, system: str, prompt: str) -> str:
        queue = self._answers.get(call_key(system, prompt))
        if not queue:
            raise LlmError("no recorded answer for this call")
        return queue.popleft()


def missing_key(provider: str) -> str | None:
    """Why ``provider`` cannot run here (no API key), or None."""
    env = KEY_ENV.get(provider)
    if env and not os.environ.get(env):
        return f"the {provider} provider needs {env} set"
    return None


def make_provider(provider: str, model: str = "") -> LlmProvider:
    model = model or DEFAULT_MODELS.get(provider, "")
    if provider == "mock":
        return MockProvider(model)
    problem = missing_key(provider)
    if problem:
        raise LlmError(problem)
    if provider == "openai":
        return OpenAIProvider(model)
    if provider == "anthropic":
        return AnthropicProvider(model)
    raise LlmError(f"unknown LLM provider {provider!r} (allowed: mock, openai, anthropic)")


def parse_decision(text: str) -> tuple[str, int | None] | None:
    """``ACCEPT`` | ``WALK`` | ``COUNTER <int>`` (case-insensitive, first line), else None."""
    line = text.strip().splitlines()[0].strip().upper() if text.strip() else ""
    if line in ("ACCEPT", "WALK"):
        return line.lower(), None
    match = re.fullmatch(r"COUNTER\s+(\d{1,9})", line)
    if match:
        return "counter", int(match.group(1))
    return None
