"""The SVG helpers: round scales, gaps where a figure is withheld, every text escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from bot.report.svg import Series, bar_chart, column_chart, line_chart, ticks

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ET.Element:
    """The chart as XML: it must be well formed (our own output, nothing untrusted)."""
    return ET.fromstring(svg)  # noqa: S314


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [
        (0, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (134, [0, 50, 100, 150]),
        (1000, [0, 500, 1000]),
        (0.4, [0, 1]),
    ],
)
def test_scales_step_by_round_numbers(maximum: float, expected: list[float]) -> None:
    assert ticks(maximum) == expected


def test_a_withheld_point_breaks_the_line() -> None:
    svg = line_chart(
        title="t",
        labels=["a", "b", "c", "d"],
        series=[Series("kita", (6, None, 7, 8), "#000")],
    )
    root = parsed(svg)
    [path] = root.iter(f"{SVG}path")
    moves = re.findall(r"[ML]", path.get("d", ""))
    assert moves == ["M", "M", "L"]
    assert len(list(root.iter(f"{SVG}circle"))) == 3


def test_columns_and_bars_are_drawn_to_scale() -> None:
    svg = column_chart(title="t", labels=["1", "2"], series=[Series("joins", (5, 10), "#000")])
    heights = [float(rect.get("height", 0)) for rect in parsed(svg).iter(f"{SVG}rect")]
    assert heights[-1] == pytest.approx(2 * heights[-2])
    bars = bar_chart(title="t", labels=["x", "y"], series=[Series("s", (1, 4), "#000")])
    widths = [float(rect.get("width", 0)) for rect in parsed(bars).iter(f"{SVG}rect")]
    assert widths[1] == pytest.approx(4 * widths[0])


def test_texts_are_escaped_and_long_labels_cut() -> None:
    svg = bar_chart(
        title="<b>&",
        labels=["<script>alert(1)</script> a label far longer than the room it has"],
        series=[Series("a & b", (1,), "#000")],
    )
    parsed(svg)  # well formed: nothing came through unescaped
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; a label far longer than the room it has" in svg
    assert "…" in svg
