"""Charts drawn on the server as SVG, in the DSFR look, with no JavaScript.

Each chart is an `<svg role="img">` with a `<title>` and a `<desc>` (read by screen readers) and scales to its
container through its viewBox (no horizontal overflow on a phone). Colours are DSFR tokens set by classes in
`jalon/static/jalon/jalon.css` (the CSP forbids inline styles). The page shows each chart's data table next to
it: the chart is a picture of the table, never the only way to read the figures.

An empty series gives a short message instead of a chart; a series of zeros draws flat bars: nothing here ever
divides by zero."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


Point = tuple[str, float | None]  # (label, value); None: no value for that label (nothing to divide)
EMPTY_MESSAGE = "Aucune valeur à représenter pour cette période."

_ids = count(1)


def _id(prefix: str) -> str:
    # Unique within a page so that aria-labelledby points at this chart's own title.
    return f"{prefix}-{next(_ids)}"


def _join(parts) -> SafeString:
    """Concatenates markup built by format_html (already escaped)."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _plain(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    empty: bool

    def __str__(self) -> str:
        return self.svg

    def __html__(self) -> str:
        return self.svg


def _empty(message: str = EMPTY_MESSAGE) -> Chart:
    return Chart(format_html('<p class="fr-text--sm jalon-chart__empty">{}</p>', message), True)


def _frame(width: float, height: float, title: str, description: str, body: str, css: str) -> SafeString:
    title_id, desc_id = _id("chart-title"), _id("chart-desc")
    return format_html(
        '<svg class="jalon-chart {}" viewBox="0 0 {} {}" role="img" aria-labelledby="{} {}" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}</svg>',
        css,
        _plain(width),
        _plain(height),
        title_id,
        desc_id,
        title_id,
        title,
        desc_id,
        description,
        body,
    )


def _scale(values: Sequence[float], extra: Sequence[float] = ()) -> float:
    """The top of the axis: the largest value (or reference), 1 when everything is zero or negative."""
    top = max([*values, *extra, 0.0])
    return top if top > 0 else 1.0


def sparkline(
    points: Sequence[Point], *, title: str, description: str, width: float = 120, height: float = 32
) -> Chart:
    """A small line without axes, for a trend next to a figure; its last point is marked."""
    known = [(i, v) for i, (_, v) in enumerate(points) if v is not None]
    if not known:
        return _empty()
    low, high = min(v for _, v in known), max(v for _, v in known)
    span = high - low or 1.0  # a flat series is drawn as a flat line, in the middle
    step = width / (len(points) - 1) if len(points) > 1 else 0.0
    pad = 3.0

    def xy(i: int, value: float) -> tuple[float, float]:
        y = height / 2 if high == low else pad + (high - value) / span * (height - 2 * pad)
        return (round(i * step if len(points) > 1 else width / 2, 2), round(y, 2))

    coords = [xy(i, v) for i, v in known]
    line = " ".join(f"{x:g},{y:g}" for x, y in coords)
    last_x, last_y = coords[-1]
    body = format_html(
        '<polyline class="jalon-chart__line" points="{}" fill="none"/>'
        '<circle class="jalon-chart__dot" cx="{}" cy="{}" r="2.5"/>',
        line,
        _plain(last_x),
        _plain(last_y),
    )
    return Chart(_frame(width, height, title, description, body, "jalon-chart--sparkline"), False)


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    description: str,
    formatter: Callable[[float | None], str] = _plain,
    target: float | None = None,
    width: float = 640,
    height: float = 240,
) -> Chart:
    """A line over periods with its axis (0 to the largest value) and, when given, the target as a dashed line."""
    known = [(i, v) for i, (_, v) in enumerate(points) if v is not None]
    if not known:
        return _empty()
    left, right, top, bottom = 64.0, 16.0, 16.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    high = _scale([v for _, v in known], [target] if target is not None else [])
    step = plot_w / (len(points) - 1) if len(points) > 1 else 0.0

    def x_of(i: int) -> float:
        return round(left + (i * step if len(points) > 1 else plot_w / 2), 2)

    def y_of(value: float) -> float:
        return round(top + plot_h - max(value, 0.0) / high * plot_h, 2)

    parts = [
        format_html(
            '<line class="jalon-chart__axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            _plain(left),
            _plain(top + plot_h),
            _plain(width - right),
            _plain(top + plot_h),
        ),
        format_html(
            '<text class="jalon-chart__tick" x="{}" y="{}" text-anchor="end">{}</text>'
            '<text class="jalon-chart__tick" x="{}" y="{}" text-anchor="end">{}</text>',
            _plain(left - 6),
            _plain(top + 4),
            formatter(high),
            _plain(left - 6),
            _plain(top + plot_h),
            formatter(0.0),
        ),
    ]
    if target is not None:
        parts.append(
            format_html(
                '<line class="jalon-chart__target" x1="{}" y1="{}" x2="{}" y2="{}"/>',
                _plain(left),
                _plain(y_of(target)),
                _plain(width - right),
                _plain(y_of(target)),
            )
        )
    coords = [(x_of(i), y_of(v)) for i, v in known]
    parts.append(
        format_html(
            '<polyline class="jalon-chart__line" points="{}" fill="none"/>',
            " ".join(f"{x:g},{y:g}" for x, y in coords),
        )
    )
    parts += [
        format_html('<circle class="jalon-chart__dot" cx="{}" cy="{}" r="3"/>', _plain(x), _plain(y))
        for x, y in coords
    ]
    # The first and last labels only: the table lists every period.
    for i in {0, len(points) - 1}:
        parts.append(
            format_html(
                '<text class="jalon-chart__tick" x="{}" y="{}" text-anchor="{}">{}</text>',
                _plain(x_of(i)),
                _plain(height - 14),
                "start" if i == 0 else "end",
                points[i][0],
            )
        )
    return Chart(_frame(width, height, title, description, _join(parts), "jalon-chart--line"), False)


def bar_chart(
    points: Sequence[Point],
    *,
    title: str,
    description: str,
    formatter: Callable[[float | None], str] = _plain,
    width: float = 640,
    height: float = 240,
) -> Chart:
    """Vertical bars from a zero baseline, heights proportional to the values; a missing value has no bar."""
    if not points or all(v is None for _, v in points):
        return _empty()
    top, bottom = 20.0, 28.0
    plot_h = height - top - bottom
    slot = width / len(points)
    bar_w = slot * 0.7
    high = _scale([v for _, v in points if v is not None])
    bars = []
    for i, (label, value) in enumerate(points):
        x = i * slot + (slot - bar_w) / 2
        if value is not None:
            bar_h = round(max(value, 0.0) / high * plot_h, 2)
            bars.append(
                format_html(
                    '<rect class="jalon-chart__bar" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{} : {}</title></rect>",
                    _plain(round(x, 2)),
                    _plain(round(top + plot_h - bar_h, 2)),
                    _plain(round(bar_w, 2)),
                    _plain(bar_h),
                    label,
                    formatter(value),
                )
            )
        bars.append(
            format_html(
                '<text class="jalon-chart__tick" x="{}" y="{}" text-anchor="middle">{}</text>',
                _plain(round(i * slot + slot / 2, 2)),
                _plain(height - 10),
                label,
            )
        )
    baseline = format_html(
        '<line class="jalon-chart__axis" x1="0" y1="{}" x2="{}" y2="{}"/>',
        _plain(top + plot_h),
        _plain(width),
        _plain(top + plot_h),
    )
    return Chart(_frame(width, height, title, description, baseline + _join(bars), "jalon-chart--bar"), False)


def hbar_chart(
    points: Sequence[Point],
    *,
    title: str,
    description: str,
    formatter: Callable[[float | None], str] = _plain,
    reference: float | None = None,
    reference_label: str = "",
    width: float = 640,
    row_height: float = 28,
) -> Chart:
    """Horizontal bars, one per territory (labels on the left, values at the bar's end), with an optional
    reference (the Département's value, a target) drawn as a dashed vertical line."""
    if not points or all(v is None for _, v in points):
        return _empty()
    label_w, value_w = 200.0, 72.0
    plot_w = width - label_w - value_w
    top = 8.0
    height = top + row_height * len(points) + (22.0 if reference is not None else 8.0)
    high = _scale([v for _, v in points if v is not None], [reference] if reference is not None else [])
    rows = []
    for i, (label, value) in enumerate(points):
        y = top + i * row_height
        bar_w = round(max(value or 0.0, 0.0) / high * plot_w, 2)
        rows.append(
            format_html(
                '<text class="jalon-chart__label" x="{}" y="{}" text-anchor="end">{}</text>',
                _plain(label_w - 8),
                _plain(round(y + row_height * 0.62, 2)),
                label if len(label) <= 28 else label[:27] + "…",
            )
        )
        if value is not None:
            rows.append(
                format_html(
                    '<rect class="jalon-chart__bar" x="{}" y="{}" width="{}" height="{}"/>',
                    _plain(label_w),
                    _plain(round(y + row_height * 0.15, 2)),
                    _plain(bar_w),
                    _plain(round(row_height * 0.7, 2)),
                )
            )
        rows.append(
            format_html(
                '<text class="jalon-chart__value" x="{}" y="{}">{}</text>',
                _plain(round(label_w + bar_w + 6, 2)),
                _plain(round(y + row_height * 0.62, 2)),
                formatter(value),
            )
        )
    if reference is not None:
        x = round(label_w + max(reference, 0.0) / high * plot_w, 2)
        rows.append(
            format_html(
                '<line class="jalon-chart__target" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="jalon-chart__tick" x="{}" y="{}" text-anchor="middle">{}</text>',
                _plain(x),
                _plain(top),
                _plain(x),
                _plain(height - 18),
                _plain(x),
                _plain(height - 4),
                f"{reference_label} {formatter(reference)}".strip(),
            )
        )
    return Chart(_frame(width, height, title, description, _join(rows), "jalon-chart--hbar"), False)


__all__ = ["Chart", "bar_chart", "hbar_chart", "line_chart", "sparkline"]
