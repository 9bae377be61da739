"""Tiny inline SVG charts: no scripts, no external resources, every label escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 720, 240
PAD_L, PAD_R, PAD_T, PAD_B = 48, 12, 24, 44
COLORS = ("#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c")


def _scale(value: float, top: float, span: float) -> float:
    return span * value / top if top > 0 else 0.0


def _frame(body: str, top: float, x_label: str, title: str) -> str:
    plot_h = HEIGHT - PAD_T - PAD_B
    ticks = "".join(
        f'<line x1="{PAD_L}" x2="{WIDTH - PAD_R}" y1="{PAD_T + plot_h * (1 - f):.1f}" '
        f'y2="{PAD_T + plot_h * (1 - f):.1f}" class="grid"/>'
        f'<text x="{PAD_L - 4}" y="{PAD_T + plot_h * (1 - f) + 4:.1f}" class="yl">'
        f"{top * f:.4g}</text>"
        for f in (0.0, 0.5, 1.0)
    )
    return (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}">{ticks}{body}'
        f'<text x="{WIDTH - PAD_R}" y="{HEIGHT - 4}" class="xl">{escape(x_label)}</text></svg>'
    )


def line_chart(
    series: Sequence[tuple[str, Sequence[int]]],
    x_step: int,
    title: str,
    x_label: str = "virtual time (ticks)",
    markers: Sequence[tuple[float, str]] = (),
) -> str:
    """Polylines sharing one y scale; ``markers`` are vertical lines at x values (ticks)."""
    n = max((len(v) for _, v in series), default=0)
    top = max((max(v, default=0) for _, v in series), default=0) or 1
    plot_w, plot_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    x_max = max(n - 1, 1) * x_step
    body = []
    for i, (name, values) in enumerate(series):
        pts = " ".join(
            f"{PAD_L + plot_w * j / max(n - 1, 1):.1f},"
            f"{PAD_T + plot_h - _scale(v, top, plot_h):.1f}"
            for j, v in enumerate(values)
        )
        color = COLORS[i % len(COLORS)]
        body.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{pts}"/>')
        body.append(
            f'<text x="{PAD_L + 8 + 110 * i}" y="{PAD_T - 8}" fill="{color}" class="lg">'
            f"{escape(name)}</text>"
        )
    for x, label in markers:
        px = PAD_L + plot_w * (x / x_max if x_max else 0)
        body.append(
            f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{PAD_T}" y2="{PAD_T + plot_h}" class="mk"/>'
            f'<text x="{px + 3:.1f}" y="{PAD_T + plot_h - 4}" class="lg">{escape(label)}</text>'
        )
    return _frame("".join(body), top, f"{x_label} (0..{x_max:.4g})", title)


def bar_chart(
    bars: Sequence[tuple[str, Sequence[int]]], names: Sequence[str], title: str, x_label: str
) -> str:
    """Grouped bars: one group per label, one bar per value name."""
    top = max((max(v, default=0) for _, v in bars), default=0) or 1
    plot_w, plot_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    group = plot_w / max(len(bars), 1)
    width = max(group * 0.8 / max(len(names), 1), 1.0)
    body = []
    for g, (label, values) in enumerate(bars):
        for k, v in enumerate(values):
            h = _scale(v, top, plot_h)
            x = PAD_L + g * group + group * 0.1 + k * width
            body.append(
                f'<rect x="{x:.1f}" y="{PAD_T + plot_h - h:.1f}" width="{width:.1f}" '
                f'height="{h:.1f}" fill="{COLORS[k % len(COLORS)]}">'
                f"<title>{escape(label)} {escape(names[k])}: {v}</title></rect>"
            )
        if len(bars) <= 40:
            cx, cy = PAD_L + g * group + group / 2, HEIGHT - PAD_B + 10
            body.append(
                f'<text x="{cx:.1f}" y="{cy}" class="bl" transform="rotate(-35 {cx:.1f} {cy})">'
                f"{escape(label[:14])}</text>"
            )
    for k, name in enumerate(names):
        body.append(
            f'<text x="{PAD_L + 8 + 110 * k}" y="{PAD_T - 8}" fill="{COLORS[k % len(COLORS)]}" '
            f'class="lg">{escape(name)}</text>'
        )
    return _frame("".join(body), top, x_label, title)


def spread_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[tuple[float, float, float] | None]]],
    title: str,
    x_label: str,
) -> str:
    """Per category on x, each series' mean as a point joined by a line, with a min..max
    whisker (the spread across seeds); None where a series has no value. Non-negative y."""
    values = [v for _, points in series for p in points if p is not None for v in p]
    top = max(max(values, default=0.0), 0.0) or 1.0
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
            y_mean, y_lo, y_hi = (PAD_T + plot_h - _scale(v, top, plot_h) for v in (mean, lo, hi))
            coords.append(f"{x:.1f},{y_mean:.1f}")
            body.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y_lo:.1f}" y2="{y_hi:.1f}" '
                f'stroke="{color}" stroke-width="1"/>'
                f'<circle cx="{x:.1f}" cy="{y_mean:.1f}" r="2.5" fill="{color}">'
                f"<title>{escape(name)} {escape(labels[j])}: mean {mean:.4g}, "
                f"min {lo:.4g}, max {hi:.4g}</title></circle>"
            )
        if len(coords) > 1:
            body.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="1.2" '
                f'points="{" ".join(coords)}"/>'
            )
        body.append(
            f'<text x="{legend_x:.0f}" y="{PAD_T - 8}" fill="{color}" class="lg">'
            f"{escape(name[:40])}</text>"
        )
        legend_x += 7 * len(name[:40]) + 16
    for j, label in enumerate(labels[:40]):
        cx, cy = PAD_L + step * (j + 0.5), HEIGHT - PAD_B + 12
        body.append(
            f'<text x="{cx:.1f}" y="{cy}" class="bl" transform="rotate(-35 {cx:.1f} {cy})">'
            f"{escape(label[:14])}</text>"
        )
    return _frame("".join(body), top, x_label, title)
