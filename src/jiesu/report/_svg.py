"""Inline SVG charts for the monthly report: bars, lines and a choropleth map, with no dependencies."""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jiesu.report._data import MapArea

# A colour-blind-safe sequential ramp (light to dark blue) and a categorical palette.
RAMP = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
NO_DATA = "#dddddd"


def _open(kind: str, width: int, height: int, label: str = "") -> str:
    aria = f' aria-label="{escape(label)}"' if label else ""
    return (
        f'<svg class="chart {kind}" role="img"{aria} viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
    )


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    reference: float | None = None,
    reference_label: str = "",
    unit: str = "",
    width: int = 640,
    max_value: float | None = None,
) -> str:
    """Horizontal bars, one per label, with an optional reference line (e.g. the district average).

    ``None`` values are drawn as an empty row marked "not rated" (未评价).
    """
    row, left, right = 22, 180, 60
    height = row * len(labels) + 30
    known = [v for v in values if v is not None]
    top = max_value if max_value is not None else max([*known, reference or 0.0, 1e-9])
    span = width - left - right
    parts = [_open("bar", width, height)]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 10 + i * row
        parts.append(
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" class="lbl">{escape(label)}</text>'
        )
        if value is None:
            parts.append(f'<text x="{left + 4}" y="{y + 14}" class="muted">未评价 not rated</text>')
            continue
        w = max(0.0, span * value / top)
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {_fmt(value)}{unit}</title></rect>"
        )
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 14}" class="val">{_fmt(value)}</text>')
    if reference is not None:
        x = left + span * reference / top
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 18}" class="ref"/>'
            f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle" class="muted">'
            f"{escape(reference_label)} {_fmt(reference)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    width: int = 640,
    height: int = 240,
) -> str:
    """Lines over periods, one per named series; gaps where a value is ``None``."""
    left, right, top, bottom = 40, 150, 12, 28
    values = [v for _, vs in series for v in vs if v is not None]
    low = min(values, default=0.0)
    high = max(values, default=1.0)
    if math.isclose(low, high):
        low, high = low - 1, high + 1
    span_x = width - left - right
    span_y = height - top - bottom
    step = span_x / max(1, len(periods) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top + span_y * (1 - (v - low) / (high - low))

    parts = [
        _open("line", width, height),
        f'<line x1="{left}" y1="{top + span_y}" x2="{left + span_x}" y2="{top + span_y}" class="axis"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" class="muted">{_fmt(high)}</text>',
        f'<text x="{left - 4}" y="{top + span_y}" text-anchor="end" class="muted">{_fmt(low)}</text>',
    ]
    for i, period in enumerate(periods):
        x = left + i * step
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" class="muted">{escape(period)}</text>'
        )
    for k, (name, vs) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        runs: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(vs):
            if v is None:
                runs.append([])
            else:
                runs[-1].append(xy(i, v))
        for run in runs:
            if run:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
                parts.extend(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in run
                )
        ly = top + 14 * k + 6
        parts.append(
            f'<rect x="{width - right + 10}" y="{ly - 8}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{width - right + 24}" y="{ly + 1}" class="lbl">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _classes(values: Sequence[float]) -> list[float]:
    """Quantile class breaks for the colour ramp."""
    ordered = sorted(values)
    n = len(RAMP)
    picks = {ordered[min(len(ordered) - 1, (len(ordered) * k) // n)] for k in range(1, n)}
    return sorted(picks - {ordered[0]})


def choropleth(
    areas: Sequence[MapArea],
    values: dict[str, float | None],
    *,
    title: str,
    unit: str = "",
    width: int = 460,
) -> str:
    """A map of areas coloured by value in quantile classes, with a legend; no-data areas grey."""
    xs = [x for a in areas for ring in a.rings for x, _ in ring]
    ys = [y for a in areas for ring in a.rings for _, y in ring]
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    # Equirectangular with the mid-latitude's scale, good enough for a district.
    kx = math.cos(math.radians((min_y + max_y) / 2))
    scale = (width - 20) / max((max_x - min_x) * kx, 1e-12)
    height = int((max_y - min_y) * scale) + 60
    known = [v for v in values.values() if v is not None]
    breaks = _classes(known) if known else []

    def shade(cls: int) -> str:
        # Spread the classes over the whole ramp, so the top class is always the darkest.
        return RAMP[round(cls * (len(RAMP) - 1) / max(1, len(breaks)))]

    def colour(v: float | None) -> str:
        if v is None:
            return NO_DATA
        return shade(sum(v >= b for b in breaks))

    parts = [_open("map", width, height, title)]
    for area in areas:
        path = " ".join(
            "M"
            + " L".join(
                f"{10 + (x - min_x) * kx * scale:.1f},{10 + (max_y - y) * scale:.1f}"
                for x, y in ring
            )
            + " Z"
            for ring in area.rings
        )
        value = values.get(area.code)
        shown = "无数据 no data" if value is None else f"{_fmt(value)}{unit}"
        parts.append(
            f'<path d="{path}" fill="{colour(value)}" fill-rule="evenodd" class="area">'
            f"<title>{escape(area.name)}: {escape(shown)}</title></path>"
        )
    ly = height - 38
    edges = [min(known, default=0.0), *breaks]
    for k, low in enumerate(edges):
        x = 10 + k * 70
        parts.append(
            f'<rect x="{x}" y="{ly}" width="14" height="14" fill="{shade(k)}" '
            f'stroke="#999"/><text x="{x + 18}" y="{ly + 12}" class="muted">≥{_fmt(low)}</text>'
        )
    parts.append(
        f'<text x="10" y="{height - 6}" class="muted">{escape(title)}{escape(unit and " (" + unit + ")")}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
