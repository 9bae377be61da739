"""The HTML report as a reader sees it: rendered in a real headless Chromium (charts and
tables present and sized, round ticks, captions clear of labels, no empty or one-bar chart,
the whole 1280 px screen used, nothing fetched), plus the tick rule itself."""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from node.sim import engine, scenario
from node.sim.report import collect, render
from node.sim.report.svg import nice_ticks
from node.sim.validators import load_trace, run_suite
from tests.browser import SCREEN_WIDTH, Tab

MANTISSAS = (1.0, 2.0, 2.5, 5.0)


def is_round(step: float) -> bool:
    exponent = math.floor(math.log10(step))
    return any(math.isclose(step, m * 10.0**exponent) for m in MANTISSAS)


@given(st.floats(min_value=0.01, max_value=1e12), st.integers(min_value=2, max_value=12))
def test_ticks_are_round_and_cover_the_top(top: float, count: int) -> None:
    ticks = nice_ticks(top, count, integer=False)
    step = ticks[1] - ticks[0]
    assert ticks[0] == 0
    assert ticks[-1] >= top * (1 - 1e-9)
    assert ticks[-2] < top  # no tick interval wholly above the data
    assert is_round(step), step
    assert len(ticks) - 1 <= 2.5 * count


@given(st.integers(min_value=1, max_value=10**9))
def test_count_ticks_are_whole_numbers(top: int) -> None:
    ticks = nice_ticks(top)
    assert all(t == int(t) for t in ticks)
    assert ticks[-1] >= top


def test_known_ticks() -> None:
    assert nice_ticks(20.5) == [0, 5, 10, 15, 20, 25]
    assert nice_ticks(1022) == [0, 250, 500, 750, 1000, 1250]
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(0) == [0, 1]


def write_report(tmp_path: Path, name: str, suite: str | None = None) -> Path:
    trace = tmp_path / f"{name}.jsonl"
    engine.run(scenario.load(name), trace)
    verdicts = run_suite(load_trace(trace), suite) if suite else None
    out = tmp_path / f"{name}.html"
    out.write_text(render(collect(trace), verdicts, suite), encoding="utf-8")
    return out


def boxes(tab: Tab, selector: str) -> list[dict[str, float]]:
    found: Any = tab.page.eval_on_selector_all(
        selector,
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {x: r.x, y: r.y, w: r.width, h: r.height, text: e.textContent}; })",
    )
    return found


def test_report_in_chromium(tab: Tab, tmp_path: Path) -> None:
    report = write_report(tmp_path, "private_commerce", "private_commerce")
    page = tab.open(report)
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000

    assert tab.requests == [report.resolve().as_uri()]  # self-contained: nothing else fetched
    body = boxes(tab, "body")[0]
    assert body["w"] >= SCREEN_WIDTH - 100  # the page uses the screen, not a 780 px column
    charts = boxes(tab, "figure svg")
    assert len(charts) == 4  # messages, latency, agents, drops
    for chart in charts:
        assert chart["w"] >= 1100
        assert chart["h"] >= 250
    tables = boxes(tab, "table")
    assert len(tables) >= 4
    assert all(t["w"] > 100 and t["h"] > 40 for t in tables)
    assert "0x" in page.inner_text("#metrics")
    assert "trace Merkle root" in page.inner_text("#metrics")
    assert " %" in page.inner_text("#metrics")

    x_ticks = [t["text"] for t in boxes(tab, "#messages text.xl")]
    assert len(x_ticks) >= 3
    assert x_ticks[0] == "0"
    for figure in page.query_selector_all("figure svg"):
        texts = [t.text_content() or "" for t in figure.query_selector_all("text.yl")]
        labels = [float(text.replace(",", "")) for text in texts]
        steps = {b - a for a, b in itertools.pairwise(labels)}
        assert labels[0] == 0
        assert len(steps) == 1, labels
        assert is_round(steps.pop()), labels

    for figure in page.query_selector_all("figure"):
        caption = figure.query_selector("figcaption")
        assert caption is not None
        caption_top = caption.bounding_box()
        assert caption_top is not None
        for text in figure.query_selector_all("svg text"):
            box = text.bounding_box()
            assert box is not None
            assert box["y"] + box["height"] <= caption_top["y"] + 0.5, text.text_content()


def test_report_without_drops_or_spread_draws_no_empty_chart(tab: Tab, tmp_path: Path) -> None:
    page = tab.open(write_report(tmp_path, "pingpong"))
    page.screenshot(path=str(tmp_path / "pingpong.png"), full_page=True)
    assert page.query_selector_all("#faults svg") == []
    assert "no drops" in page.inner_text("#faults")
    assert page.query_selector_all("#latency svg") == []  # one latency: a sentence, not a bar
    assert "every delivery" in page.inner_text("#latency")
    assert len(page.query_selector_all("figure svg")) == 2


@pytest.mark.parametrize(
    ("latencies", "bars"), [({3: 5, 4: 1}, 2), ({10: 1, 12: 3}, 3), ({0: 1, 200: 1}, 34)]
)
def test_latency_bins_span_the_observed_range(
    tmp_path: Path, latencies: dict[int, int], bars: int
) -> None:
    trace = tmp_path / "t.jsonl"
    engine.run(scenario.load("pingpong"), trace)
    data = collect(trace)
    data.latency = latencies
    html = render(data)
    latency = html.split('<section id="latency">', 1)[1].split("</section>", 1)[0]
    assert latency.count("<rect") == bars
