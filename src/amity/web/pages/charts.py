"""Server-rendered SVG charts for the Review page: no script, no request to any other site.

Each function returns the markup of one inline ``<svg>`` (a :class:`markupsafe.Markup`, so
templates insert it as is); every label that comes from the user's data is escaped here.
Colours come from classes styled in ``static/network.css`` (the CSP forbids inline styles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 480
LABEL_WIDTH = 150
VALUE_WIDTH = 50
ROW_HEIGHT = 34
BAR_HEIGHT = 12
TOP = 8
LABEL_CHARS = 19


@dataclass(frozen=True)
class Row:
    """One compared measure: this period against the previous one (None: unknown)."""

    label: str
    current: float | None
    previous: float | None


def _label(text: str) -> str:
    flat = " ".join(str(text).split())
    if len(flat) > LABEL_CHARS:
        flat = flat[: LABEL_CHARS - 1] + "…"
    return escape(flat, quote=True)


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "%":
        return f"{value:.0f}%"
    shown = f"{value:.1f}" if value != int(value) else f"{int(value)}"
    return f"{shown}{unit}"


def _bar(x: float, y: float, width: float, css: str, title: str) -> str:
    return (
        f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{max(width, 0.0):.1f}" '
        f'height="{BAR_HEIGHT}" rx="2"><title>{escape(title, quote=True)}</title></rect>'
    )


def compared_bars(
    rows: Sequence[Row],
    *,
    title: str,
    unit: str = "",
    scale_max: float | None = None,
    empty: str = "Nothing in either period",
) -> Markup:
    """Horizontal bars, two per row: this period (solid) and the previous one (pale)."""
    known = [v for r in rows for v in (r.current, r.previous) if v is not None]
    top = scale_max if scale_max is not None else max(known, default=0.0)
    height = TOP * 2 + max(len(rows), 1) * ROW_HEIGHT + 18
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title, quote=True)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    if not rows or top <= 0:
        parts.append(
            f'<text class="chart-empty" x="{WIDTH / 2}" y="{height / 2}" '
            f'text-anchor="middle">{escape(empty)}</text>'
        )
    else:
        for i, row in enumerate(rows):
            y = TOP + i * ROW_HEIGHT
            label = _label(row.label)
            parts.append(f'<text class="chart-label" x="0" y="{y + BAR_HEIGHT + 2}">{label}</text>')
            for offset, value, css, period in (
                (0, row.current, "bar-current", "this period"),
                (BAR_HEIGHT + 2, row.previous, "bar-previous", "previous period"),
            ):
                width = 0.0 if value is None else span * min(value / top, 1.0)
                text = f"{row.label}, {period}: {_number(value, unit)}"
                parts.append(_bar(LABEL_WIDTH, y + offset, width, css, text))
                parts.append(
                    f'<text class="chart-value {css}-text" x="{LABEL_WIDTH + width + 4:.1f}" '
                    f'y="{y + offset + BAR_HEIGHT - 2}">{_number(value, unit)}</text>'
                )
    legend_y = height - 6
    parts.append(
        f'<rect class="bar-current" x="{LABEL_WIDTH}" y="{legend_y - 9}" width="10" '
        f'height="10"/><text class="chart-legend" x="{LABEL_WIDTH + 14}" '
        f'y="{legend_y}">this period</text>'
    )
    parts.append(
        f'<rect class="bar-previous" x="{LABEL_WIDTH + 110}" y="{legend_y - 9}" '
        f'width="10" height="10"/><text class="chart-legend" x="{LABEL_WIDTH + 124}" '
        f'y="{legend_y}">previous period</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every label and title is escaped above


def shares_as_percent(rows: Sequence[Row]) -> list[Row]:
    """Shares 0-1 as percentages."""
    return [
        Row(
            r.label,
            None if r.current is None else r.current * 100,
            None if r.previous is None else r.previous * 100,
        )
        for r in rows
    ]


__all__ = ["Row", "compared_bars", "shares_as_percent"]
