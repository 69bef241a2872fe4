"""Bar charts drawn at build time as inline SVG: no chart library, no CDN, readable without JavaScript."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr


def bar_chart(title: str, rows: list[tuple[str, int]], *, label_width: int = 190, width: int = 640) -> str:
    """Horizontal bars, one row per (label, value); labels are escaped, sizes are deterministic."""
    row_h, top = 22, 30
    height = top + row_h * max(len(rows), 1) + 10
    peak = max((v for _, v in rows), default=1) or 1
    bar_space = width - label_width - 50
    parts = [
        f'<svg class="pkb-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f"aria-label={quoteattr(title)}>",
        f'<text x="0" y="18" class="pkb-chart-title">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(rows):
        y = top + i * row_h
        w = max(1, round(bar_space * value / peak))
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" class="pkb-chart-label">{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{w}" height="{row_h - 6}" rx="2" class="pkb-chart-bar"/>'
            f'<text x="{label_width + w + 5}" y="{y + 15}" class="pkb-chart-value">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
