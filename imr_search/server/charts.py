"""Server-rendered SVG charts (no JavaScript): the monthly histogram of decisions with the
overturn rate drawn over it. Markup is built here and every text in it escaped."""

from __future__ import annotations

from html import escape

from imr_search.analysis.crosstab import Cell
from imr_search.words import count

WIDTH, HEIGHT = 720, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 44, 44, 16, 36


def month_histogram(cells: list[Cell], *, title: str = "Decisions per month") -> str:
    """Bars: items decided per month (left axis); line: the month's overturn rate (right
    axis, 0-100%). Each bar carries a <title> with its exact figures (a tooltip, and what a
    screen reader reads)."""
    if not cells:
        return ""
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    top = max(c.items for c in cells) or 1
    step = plot_w / len(cells)
    bar_w = max(1.0, step * 0.8)
    parts = [
        f'<svg class="histogram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' role="img" aria-labelledby="histogram-title">',
        f'<title id="histogram-title">{escape(title)}</title>',
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{PAD_LEFT + plot_w}" '
        f'y2="{PAD_TOP + plot_h}" class="axis"/>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 10}" text-anchor="end" class="tick">{top}</text>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + plot_h}" text-anchor="end" class="tick">0</text>',
        f'<text x="{PAD_LEFT + plot_w + 6}" y="{PAD_TOP + 10}" class="tick rate">100%</text>',
        f'<text x="{PAD_LEFT + plot_w + 6}" y="{PAD_TOP + plot_h}" class="tick rate">0%</text>',
    ]
    points: list[str] = []
    label_every = max(1, len(cells) // 12)
    for i, c in enumerate(cells):
        x = PAD_LEFT + i * step + (step - bar_w) / 2
        h = plot_h * c.items / top
        y = PAD_TOP + plot_h - h
        rate = "no items" if c.rate is None else f"{c.rate:.0%} overturned"
        tip = f"{c.row}: {count(c.items, 'item')}, {c.overturned} overturned ({rate})"
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}"'
            f' data-month="{escape(c.row)}" data-items="{c.items}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        if c.rate is not None:
            cx = PAD_LEFT + i * step + step / 2
            points.append(f"{cx:.1f},{PAD_TOP + plot_h * (1 - c.rate):.1f}")
        if i % label_every == 0:
            parts.append(
                f'<text class="tick" x="{PAD_LEFT + i * step + step / 2:.1f}" '
                f'y="{HEIGHT - PAD_BOTTOM + 14}" text-anchor="middle">{escape(c.row)}</text>'
            )
    if len(points) > 1:
        parts.append(f'<polyline class="rate-line" fill="none" points="{" ".join(points)}"/>')
    if len(points) == 1:
        px, py = points[0].split(",")
        parts.append(f'<circle class="rate-line" cx="{px}" cy="{py}" r="3"/>')
    parts.append("</svg>")
    return "".join(parts)
