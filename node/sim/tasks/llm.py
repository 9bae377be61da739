"""LLM providers for tier-2 agents: one ``complete(system, prompt) -> str`` interface.

``mock`` is deterministic and offline (tests and reproducible traces). ``openai`` and
``anthropic`` use the vendors' SDKs, installed with the optional extra ``nets-node[llm]`` and
imported only when such a provider is built; they read OPENAI_API_KEY / ANTHROPIC_API_KEY.
Real model outputs are not reproducible, so their traces are validated, not replayed.
"""

from __future__ import annotations

import hashlib
import os
import re
from typing import Any, Protocol

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
