#!/usr/bin/env python3
"""Draw the sample vault's ITIL 4 service value chain diagram as an SVG file.

Pure standard library, deterministic: running it twice writes byte-identical output.

    python3 scripts/draw_sample_diagram.py [OUTPUT]

OUTPUT defaults to notes/attachments/value-chain.svg next to this script's repository.
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

WIDTH = 780
HEIGHT = 430
BOX_W = 210
BOX_H = 64

# name -> (x, y, fill colour) of the box's top-left corner.
ACTIVITIES: dict[str, tuple[int, int, str]] = {
    "Engage": (30, 100, "#dbeafe"),
    "Plan": (285, 100, "#e0e7ff"),
    "Design and transition": (540, 100, "#fef3c7"),
    "Obtain or build": (540, 260, "#fde68a"),
    "Deliver and support": (285, 260, "#dcfce7"),
    "Improve": (30, 260, "#fce7f3"),
}

# The main flow of a new-service value stream, drawn as solid arrows.
MAIN_FLOW: list[tuple[str, str]] = [
    ("Engage", "Plan"),
    ("Plan", "Design and transition"),
    ("Design and transition", "Obtain or build"),
    ("Obtain or build", "Deliver and support"),
    ("Deliver and support", "Improve"),
]

# Feedback, drawn dashed, with a label.
FEEDBACK: list[tuple[str, str, str]] = [
    ("Improve", "Engage", "improvement initiatives"),
]


def centre(name: str) -> tuple[float, float]:
    x, y, _ = ACTIVITIES[name]
    return x + BOX_W / 2, y + BOX_H / 2


def edge_points(src: str, dst: str) -> tuple[float, float, float, float]:
    """Start and end of an arrow between two boxes on the same row or column."""
    sx, sy = centre(src)
    dx, dy = centre(dst)
    half_w, half_h = BOX_W / 2, BOX_H / 2
    if sy == dy:  # same row
        sign = 1 if dx > sx else -1
        return sx + sign * half_w, sy, dx - sign * (half_w + 4), dy
    sign = 1 if dy > sy else -1  # same column
    return sx, sy + sign * half_h, dx, dy - sign * (half_h + 4)


def fmt(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def line(x1: float, y1: float, x2: float, y2: float, extra: str = "") -> str:
    return (
        f'  <line x1="{fmt(x1)}" y1="{fmt(y1)}" x2="{fmt(x2)}" y2="{fmt(y2)}" '
        f'stroke="#334155" stroke-width="2" marker-end="url(#arrow)"{extra}/>'
    )


def text(x: float, y: float, content: str, size: int = 15, weight: str = "normal") -> str:
    return (
        f'  <text x="{fmt(x)}" y="{fmt(y)}" font-size="{size}" font-weight="{weight}" '
        f'text-anchor="middle" dominant-baseline="middle">{escape(content)}</text>'
    )


def render() -> str:
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Helvetica, Arial, sans-serif" '
        'role="img" aria-labelledby="title">',
        '  <title id="title">ITIL 4 service value chain: six activities and the main flow'
        "</title>",
        "  <defs>",
        '    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse">',
        '      <path d="M 0 0 L 10 5 L 0 10 z" fill="#334155"/>',
        "    </marker>",
        "  </defs>",
        f'  <rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        text(WIDTH / 2, 28, "ITIL 4 service value chain", size=20, weight="bold"),
    ]

    # Demand enters through engage; value leaves through deliver and support.
    ex, ey, _ = ACTIVITIES["Engage"]
    out.append(text(ex + BOX_W / 2, 58, "demand and opportunities", size=13))
    out.append(line(ex + BOX_W / 2, 68, ex + BOX_W / 2, ey - 4))
    dx, dy, _ = ACTIVITIES["Deliver and support"]
    out.append(line(dx + BOX_W / 2, dy + BOX_H, dx + BOX_W / 2, dy + BOX_H + 48))
    out.append(text(dx + BOX_W / 2, dy + BOX_H + 64, "products and services: value", size=13))

    for name, (x, y, fill) in ACTIVITIES.items():
        out.append(
            f'  <rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="10" ry="10" '
            f'fill="{fill}" stroke="#1e293b" stroke-width="2"/>'
        )
        out.append(text(x + BOX_W / 2, y + BOX_H / 2, name, size=15, weight="bold"))

    for src, dst in MAIN_FLOW:
        out.append(line(*edge_points(src, dst)))

    for src, dst, label in FEEDBACK:
        x1, y1, x2, y2 = edge_points(src, dst)
        out.append(line(x1, y1, x2, y2, extra=' stroke-dasharray="6 4"'))
        # Label beside the vertical arrow, in the gap between the two rows.
        mx, my = x1 + 10, (y1 + y2) / 2
        out.append(
            f'  <text x="{fmt(mx)}" y="{fmt(my)}" font-size="12" font-style="italic" '
            f'text-anchor="start" dominant-baseline="middle">{escape(label)}</text>'
        )

    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    repo = Path(__file__).resolve().parent.parent
    target = Path(argv[1]) if len(argv) > 1 else repo / "notes" / "attachments" / "value-chain.svg"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(render())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
