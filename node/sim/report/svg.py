"""Small inline SVG charts: no scripts, no external resources, every label escaped.

Each chart is a <figure> whose caption is HTML below the drawing, so a caption can never
overlap tick or bar labels. Axes are ticked at round values (1, 2, 2.5 or 5 times a power of
ten); the drawing is sized for the report's 1200 px column, so its text is drawn near 1:1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 1200, 300
PAD_L, PAD_R, PAD_T, PAD_B = 64, 16, 28, 30
BAR_LABEL_SPACE = 64  # extra room below a bar chart for its rotated labels
COLORS = ("#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c")
STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_ticks(top: float, count: int = 5, *, integer: bool = True) -> list[float]:
    """Ticks from 0 to at least ``top`` at a round step, about ``count`` intervals."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in STEPS if m * magnitude >= raw * (1 - 1e-9))
    if integer:
        step = max(1.0, round(step))
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _label(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.4g}"


def _figure(svg_body: str, height: int, title: str, caption: str, y_top: float) -> str:
    plot_h = HEIGHT - PAD_T - PAD_B
    ticks = nice_ticks(y_top)
    top = ticks[-1]
    grid = "".join(
        f'<line x1="{PAD_L}" x2="{WIDTH - PAD_R}" y1="{_y(v, top, plot_h):.1f}" '
        f'y2="{_y(v, top, plot_h):.1f}" class="grid"/>'
        f'<text x="{PAD_L - 6}" y="{_y(v, top, plot_h) + 4:.1f}" class="yl">{_label(v)}</text>'
        for v in ticks
    )
    return (
        f'<figure><svg viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-label="{escape(title)}">{grid}{svg_body}</svg>'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


def _y(value: float, top: float, plot_h: float) -> float:
    return PAD_T + plot_h - (plot_h * value / top if top > 0 else 0.0)


def _legend(names: Sequence[str]) -> str:
    return "".join(
        f'<text x="{PAD_L + 8 + 130 * i}" y="{PAD_T - 10}" fill="{COLORS[i % len(COLORS)]}" '
        f'class="lg">{escape(name)}</text>'
        for i, name in enumerate(names)
    )


def line_chart(
    series: Sequence[tuple[str, Sequence[int]]],
    x_step: int,
    title: str,
    caption: str,
    markers: Sequence[tuple[float, str]] = (),
) -> str:
    """Polylines sharing one y scale, point j at x = j * ``x_step``; x ticks at round values;
    ``markers`` are vertical lines at x values."""
    n = max((len(v) for _, v in series), default=0)
    y_top = nice_ticks(max((max(v, default=0) for _, v in series), default=0))[-1]
    plot_w, plot_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    x_max = max(n - 1, 1) * x_step

    def px(x: float) -> float:
        return PAD_L + plot_w * x / x_max

    body = []
    for i, (_, values) in enumerate(series):
        pts = " ".join(
            f"{px(j * x_step):.1f},{_y(v, y_top, plot_h):.1f}" for j, v in enumerate(values)
        )
        color = COLORS[i % len(COLORS)]
        body.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{pts}"/>')
    base = PAD_T + plot_h
    for x in nice_ticks(x_max, 10):
        if x > x_max:
            break
        body.append(
            f'<line x1="{px(x):.1f}" x2="{px(x):.1f}" y1="{base}" y2="{base + 4}" class="axis"/>'
            f'<text x="{px(x):.1f}" y="{base + 18}" class="xl">{_label(x)}</text>'
        )
    for x, label in markers:
        body.append(
            f'<line x1="{px(x):.1f}" x2="{px(x):.1f}" y1="{PAD_T}" y2="{base}" class="mk"/>'
            f'<text x="{px(x) + 3:.1f}" y="{PAD_T + 12}" class="lg">{escape(label)}</text>'
        )
    body.append(_legend([name for name, _ in series]))
    return _figure("".join(body), HEIGHT, title, caption, y_top)


def bar_chart(
    bars: Sequence[tuple[str, Sequence[int]]], names: Sequence[str], title: str, caption: str
) -> str:
    """Grouped bars: one group per label, one bar per value name."""
    y_top = nice_ticks(max((max(v, default=0) for _, v in bars), default=0))[-1]
    plot_w, plot_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    group = plot_w / max(len(bars), 1)
    width = max(group * 0.8 / max(len(names), 1), 1.0)
    base = PAD_T + plot_h
    body = []
    for g, (label, values) in enumerate(bars):
        for k, v in enumerate(values):
            top = _y(v, y_top, plot_h)
            x = PAD_L + g * group + group * 0.1 + k * width
            body.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" '
                f'height="{base - top:.1f}" fill="{COLORS[k % len(COLORS)]}">'
                f"<title>{escape(label)} {escape(names[k])}: {v}</title></rect>"
            )
        if len(bars) <= 60:
            cx, cy = PAD_L + g * group + group / 2, base + 12
            body.append(
                f'<text x="{cx:.1f}" y="{cy}" class="bl" transform="rotate(-35 {cx:.1f} {cy})">'
                f"{escape(label[:14])}</text>"
            )
    body.append(_legend(names))
    return _figure("".join(body), HEIGHT + BAR_LABEL_SPACE, title, caption, y_top)


def spread_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[tuple[float, float, float] | None]]],
    title: str,
    caption: str,
) -> str:
    """Per category on x, each series' mean as a point joined by a line, with a min..max
    whisker (the spread across seeds); None where a series has no value. Non-negative y."""
    values = [v for _, points in series for p in points if p is not None for v in p]
    y_top = nice_ticks(max(max(values, default=0.0), 0.0))[-1]
    plot_w, plot_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    step = plot_w / max(len(labels), 1)
    body = []
    legend_x = PAD_L + 8.0
    for i, (name, points) in enumerate(series):
        color = COLORS[i % len(COLORS)]
        offset = (i - (len(series) - 1) / 2) * min(6.0, step / (2 * max(len(series), 1)))
        coords: list[str] = []
        for j, point in enumerate(points):
            if point is None:
                continue
            mean, lo, hi = (max(v, 0.0) for v in point)
            x = PAD_L + step * (j + 0.5) + offset
            y_mean, y_lo, y_hi = (_y(v, y_top, plot_h) for v in (mean, lo, hi))
            coords.append(f"{x:.1f},{y_mean:.1f}")
            body.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y_lo:.1f}" y2="{y_hi:.1f}" '
                f'stroke="{color}" stroke-width="1"/>'
                f'<circle cx="{x:.1f}" cy="{y_mean:.1f}" r="3" fill="{color}">'
                f"<title>{escape(name)} {escape(labels[j])}: mean {mean:.4g}, "
                f"min {lo:.4g}, max {hi:.4g}</title></circle>"
            )
        if len(coords) > 1:
            body.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="1.5" '
                f'points="{" ".join(coords)}"/>'
            )
        body.append(
            f'<text x="{legend_x:.0f}" y="{PAD_T - 10}" fill="{color}" class="lg">'
            f"{escape(name[:48])}</text>"
        )
        legend_x += 7.5 * len(name[:48]) + 20
    base = PAD_T + plot_h
    for j, label in enumerate(labels[:60]):
        cx, cy = PAD_L + step * (j + 0.5), base + 12
        body.append(
            f'<text x="{cx:.1f}" y="{cy}" class="bl" transform="rotate(-35 {cx:.1f} {cy})">'
            f"{escape(label[:14])}</text>"
        )
    return _figure("".join(body), HEIGHT + BAR_LABEL_SPACE, title, caption, y_top)
