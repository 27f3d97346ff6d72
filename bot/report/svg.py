"""Three small chart shapes drawn as inline SVG text: lines over days, columns per day,
and horizontal bars per item.

Why not a chart library: the report must be one file that makes no request and reads,
prints and zooms without JavaScript. A library either runs in the browser (a script to
inline and keep up to date) or brings its own stylesheet, fonts or scripts into every
SVG; these charts need none of that, and a hundred lines drawing rectangles and paths
are easier to keep exact (every mark carries its figure in a <title> tooltip)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

Format = Callable[[float], str]
WIDTH = 720
LEGEND = 22  # the legend's row above a chart
LABEL_CHARS = 26  # longer item labels are cut; their <title> keeps them whole


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # None: not drawn (no figure, or a group too small)
    colour: str


def plain(value: float) -> str:
    return f"{value:g}"


def ticks(maximum: float, *, count: int = 4) -> list[float]:
    """Whole round steps from 0 up to at least `maximum` (1, 2 or 5 times a power of ten):
    the charts with an axis count relays and messages."""
    if maximum <= 0:
        return [0.0, 1.0]
    step = 10 ** math.floor(math.log10(maximum / count))
    for factor in (1, 2, 5, 10):
        if maximum / (step * factor) <= count:
            step *= factor
            break
    step = max(step, 1)
    return [step * index for index in range(math.ceil(maximum / step - 1e-9) + 1)]


def _text(x: float, y: float, content: str, *, anchor: str = "start", css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{escape(content)}</text>'


def _frame(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _legend(series: Sequence[Series], left: float) -> list[str]:
    marks, x = [], left
    for item in series:
        marks.append(f'<rect x="{x:.1f}" y="4" width="12" height="12" fill="{item.colour}"/>')
        marks.append(_text(x + 16, 14, item.name))
        x += 28 + 7 * len(item.name)
    return marks


# Charts with a value axis (lines, columns): the legend above the plot, the axis's
# figures left of it and one label per category (day) below it.
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BELOW = 56, WIDTH - 16, LEGEND + 12, 28
PLOT_ROOM = PLOT_RIGHT - PLOT_LEFT


@dataclass(frozen=True)
class _Axis:
    """The value axis of a chart `height` tall, from 0 up to the scale's last step."""

    height: int
    scale: list[float]

    @property
    def tall(self) -> float:
        return self.height - PLOT_TOP - PLOT_BELOW

    def size(self, value: float) -> float:
        return value / self.scale[-1] * self.tall

    def y(self, value: float) -> float:
        return PLOT_TOP + self.tall - self.size(value)


def _axis(
    series: Sequence[Series],
    labels: Sequence[str],
    height: int,
    fmt: Format,
    x: Callable[[int], float],
) -> tuple[_Axis, list[str]]:
    """The axis for these series, with the legend, the grid lines and the labels, one in
    as many as keeps them apart; `x` places the label of each index."""
    axis = _Axis(height, ticks(_maximum(series)))
    marks = _legend(series, PLOT_LEFT)
    for value in axis.scale:
        y = axis.y(value)
        marks.append(
            f'<line x1="{PLOT_LEFT}" x2="{PLOT_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        marks.append(_text(PLOT_LEFT - 6, y + 4, fmt(value), anchor="end", css="tick"))
    every = _every(len(labels), PLOT_ROOM)
    marks += [
        _text(x(index), height - 8, label, anchor="middle", css="tick")
        for index, label in enumerate(labels)
        if index % every == 0
    ]
    return axis, marks


def _every(count: int, room: float, each: float = 64) -> int:
    """Label one category in this many, so that labels do not overlap."""
    return max(1, math.ceil(count * each / room)) if count else 1


def _maximum(series: Sequence[Series]) -> float:
    return max((v for item in series for v in item.values if v is not None), default=0.0)


def line_chart(
    *, title: str, labels: Sequence[str], series: Sequence[Series], fmt: Format = plain
) -> str:
    """One line per series over the labels (days); a None breaks the line."""
    step = PLOT_ROOM / max(len(labels) - 1, 1)

    def x(index: int) -> float:
        return PLOT_LEFT + (index * step if len(labels) > 1 else PLOT_ROOM / 2)

    axis, body = _axis(series, labels, 260, fmt, x)
    lines, dots = [], []
    for item in series:
        path, pen_down = [], False
        for index, value in enumerate(item.values):
            if value is None:
                pen_down = False
                continue
            cx, cy = x(index), axis.y(value)
            path.append(f"{'L' if pen_down else 'M'}{cx:.1f},{cy:.1f}")
            pen_down = True
            tip = escape(f"{labels[index]} · {item.name}: {fmt(value)}")
            dots.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.5" fill="{item.colour}">'
                f"<title>{tip}</title></circle>"
            )
        if path:
            lines.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{item.colour}" stroke-width="2"/>'
            )
    body += lines + dots
    return _frame(WIDTH, axis.height, title, body)


def column_chart(
    *, title: str, labels: Sequence[str], series: Sequence[Series], fmt: Format = plain
) -> str:
    """Side-by-side columns per label (day), one per series."""
    band = PLOT_ROOM / max(len(labels), 1)
    bar = band * 0.8 / max(len(series), 1)
    axis, body = _axis(series, labels, 240, fmt, lambda index: PLOT_LEFT + (index + 0.5) * band)
    for index, label in enumerate(labels):
        start = PLOT_LEFT + index * band + band * 0.1
        for number, item in enumerate(series):
            value = item.values[index]
            if value is None:
                continue
            size = axis.size(value)
            body.append(
                f'<rect x="{start + number * bar:.1f}" y="{axis.y(value):.1f}" '
                f'width="{bar:.1f}" height="{size:.1f}" fill="{item.colour}">'
                f"<title>{escape(f'{label} · {item.name}: {fmt(value)}')}</title></rect>"
            )
    return _frame(WIDTH, axis.height, title, body)


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Format = plain,
    maximum: float | None = None,
    notes: Sequence[str] = (),
) -> str:
    """Horizontal bars, one row per label and one bar per series; a note at the row's end."""
    left, right, bar, gap = 200, 140 if notes else 60, 12, 10
    width = WIDTH
    top = LEGEND + 8 if len(series) > 1 else 8
    row = bar * len(series) + gap
    height = top + row * len(labels) + 8
    room = width - left - right
    biggest = maximum if maximum is not None else max(_maximum(series), 1e-9)
    body = _legend(series, left) if len(series) > 1 else []
    for index, label in enumerate(labels):
        y0 = top + index * row
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        body.append(
            f"<g><title>{escape(label)}</title>"
            f"{_text(left - 8, y0 + row / 2, short, anchor='end')}</g>"
        )
        for number, item in enumerate(series):
            value = item.values[index]
            if value is None:
                continue
            y = y0 + number * bar
            size = max(value / biggest * room, 0)
            body.append(
                f'<rect x="{left}" y="{y:.1f}" width="{size:.1f}" height="{bar - 2}" '
                f'fill="{item.colour}"><title>{escape(f"{label} · {item.name}: {fmt(value)}")}'
                "</title></rect>"
            )
            body.append(_text(left + size + 4, y + bar - 3, fmt(value), css="tick"))
        if index < len(notes):
            body.append(_text(width - 4, y0 + row / 2, notes[index], anchor="end", css="note"))
    return _frame(width, height, title, body)
