"""Charts over time: language, employment, isolation, welfare, wellbeing, exam and fines, and the queues.

Each chart is drawn as SVG from the model's DataCollector, with its title,
unit and the years on the horizontal axis; every label and unit comes from
the metric registry (`model.METRICS`). In compare mode a chart shows the
chosen policy (solid) and `baseline_2013` (dashed), with the difference
(policy minus baseline) in a strip below.

Why not Mesa's plot components: its Altair charts need Vega from a CDN (an
offline page cannot load it), and its matplotlib charts take ~0.1 s each
to redraw, so six of them would blow the app's 0.3 s budget for a step.
SVG is drawn by the browser itself, costs about a millisecond here, and
leaves the lines inspectable in tests.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np
import solara

from model import METRICS
from model.queues import QUEUES

SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
HORIZON_YEARS = 10
WIDTH, HEIGHT, DIFF_HEIGHT = 300, 180, 96
LEFT, RIGHT, TOP, BOTTOM = 40, 40, 40, 30
UNIT_TEXT = {
    "share": "% of permit holders aged 18-64",
    "0-1": "scale 0 (worst) to 1 (best)",
    "EUR": "euro",
}


@dataclass(frozen=True)
class ChartSpec:
    """One chart: a title and the metrics it shows (all in the same unit)."""

    key: str
    title: str
    metrics: tuple[str, ...]


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("language", "Language: Dutch level", ("share_a2_plus", "share_b1_plus")),
    ChartSpec("employment", "Employment",
              ("share_employed", "share_fulltime", "share_job_matches_education")),
    ChartSpec("isolation", "Isolation", ("share_isolated",)),
    ChartSpec("welfare", "Welfare", ("share_on_welfare",)),
    ChartSpec("wellbeing", "Wellbeing", ("mean_wellbeing",)),
    ChartSpec("exam", "Exam passed and fines", ("share_exam_passed", "share_fined")),
)


#: The queues the app draws (persons), one line each: reception, housing, programmes.
QUEUE_LINES = ("waiting_for_decision", "emergency_reception", "waiting_for_house", "plan_waiting", "course_waiting")
QUEUE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
PERSONS_TICK = 1000  # queues are labelled in thousands of persons


def series(model, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Years and values of one metric so far (NaN where it is undefined)."""
    data = model.datacollector.model_vars
    years = np.asarray(data["month"], dtype=float) / 12.0
    values = np.asarray(data[metric], dtype=float)
    return years, values


def _scale(unit: str) -> float:
    return 100.0 if unit == "share" else 1.0


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at or above value."""
    if not value > 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _y_range(unit: str, values: list[np.ndarray]) -> tuple[float, float]:
    if unit == "share":
        return 0.0, 100.0
    if unit == "0-1":
        return 0.0, 1.0
    finite = np.concatenate([v[np.isfinite(v)] for v in values] + [np.zeros(1)])
    return 0.0, _nice_ceiling(float(finite.max()))


def _fmt(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value:.0f}%"
    if unit == "EUR":
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"


def _path(years: np.ndarray, values: np.ndarray, x, y) -> str:
    """An SVG path through the finite points; NaN breaks the line."""
    parts, pen_down = [], False
    for year, value in zip(years.tolist(), values.tolist(), strict=True):
        if math.isfinite(value):
            parts.append(f"{'L' if pen_down else 'M'}{x(year):.1f},{y(value):.1f}")
            pen_down = True
        else:
            pen_down = False
    return "".join(parts)


def _last(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite[-1]) if len(finite) else None


def _frame(width: int, height: int, x_max: float, lo: float, hi: float, ticks: list[float], fmt, grid_zero: bool):
    """Axes, grid and tick labels; returns the SVG and the x, y mappings."""
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM

    def x(year: float) -> float:
        return LEFT + year / x_max * plot_w

    def y(value: float) -> float:
        return TOP + (1 - (value - lo) / (hi - lo)) * plot_h

    parts = []
    for t in ticks:
        stroke = "#999" if (grid_zero and t == 0) else "#e4e4e4"
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="{stroke}"/>'
                     f'<text x="{LEFT - 4}" y="{y(t) + 3.5:.1f}" text-anchor="end">{html.escape(fmt(t))}</text>')
    for year in range(0, int(x_max) + 1, 2):
        parts.append(f'<line x1="{x(year):.1f}" x2="{x(year):.1f}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 4}" '
                     f'stroke="#999"/><text x="{x(year):.1f}" y="{TOP + plot_h + 15}" text-anchor="middle">'
                     f'{year}</text>')
    parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#999"/>')
    parts.append(f'<text x="{LEFT + plot_w}" y="{height - 3}" text-anchor="end" fill="#666">years since the start'
                 f'</text>')
    return "".join(parts), x, y


def _end_labels(labels: list[list]) -> str:
    """Value labels at the lines' ends, nudged apart so that they do not overlap."""
    labels = sorted(labels)
    for above, below in zip(labels, labels[1:], strict=False):
        below[0] = max(below[0], above[0] + 11)
    return "".join(f'<text x="{x:.1f}" y="{y:.1f}" fill="{colour}" font-weight="bold">{html.escape(text)}</text>'
                   for y, x, colour, text in labels)


def chart_svg(spec: ChartSpec, model, baseline=None) -> str:
    """One chart as SVG: the chosen policy (solid), the baseline (dashed) if given, and a difference strip."""
    unit = METRICS[spec.metrics[0]].unit
    scale = _scale(unit)
    runs = [("policy", model)] + ([("baseline", baseline)] if baseline is not None else [])
    data = {(run, m): series(source, m) for run, source in runs for m in spec.metrics}
    data = {k: (years, values * scale) for k, (years, values) in data.items()}
    x_max = max(HORIZON_YEARS, math.ceil(max(float(y[-1]) for y, _ in data.values())))
    lo, hi = _y_range(unit, [v for _, v in data.values()])
    ticks = [lo + (hi - lo) * i / 4 for i in range(5)]
    frame, x, y = _frame(WIDTH, HEIGHT, x_max, lo, hi, ticks, lambda t: _fmt(t, unit), False)
    lines, labels = [], []
    for k, metric in enumerate(spec.metrics):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        for run, _ in runs:
            years, values = data[(run, metric)]
            dash = ' stroke-dasharray="5,3" stroke-opacity="0.8"' if run == "baseline" else ""
            lines.append(f'<path class="nk-line" data-metric="{metric}" data-run="{run}" '
                         f'd="{_path(years, values, x, y)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            last = _last(values)
            if run == "policy" and last is not None:
                labels.append([y(last) + 3.5, x(years[-1]) + 4, colour, _fmt(last, unit)])
    title = (f'<text x="4" y="14" font-size="13" font-weight="bold" fill="#222">{html.escape(spec.title)}</text>'
             f'<text x="4" y="29" fill="#666">{html.escape(UNIT_TEXT.get(unit, unit))}</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" class="nk-chart" data-chart="{spec.key}" width="{WIDTH}" '
           f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="10">'
           f'{title}{frame}{"".join(lines)}{_end_labels(labels)}</svg>')
    if baseline is not None:
        svg += difference_svg(spec, data, x_max, unit)
    return svg


def difference_svg(spec: ChartSpec, data: dict, x_max: float, unit: str) -> str:
    """The difference policy minus baseline of each metric, in (percentage) points."""
    diffs = {}
    for metric in spec.metrics:
        years, policy = data[("policy", metric)]
        _, base = data[("baseline", metric)]
        n = min(len(policy), len(base))
        diffs[metric] = (years[:n], policy[:n] - base[:n])
    finite = np.concatenate([d[np.isfinite(d)] for _, d in diffs.values()] + [np.zeros(1)])
    top = _nice_ceiling(float(np.abs(finite).max()) or 1.0)
    points = "pp" if unit == "share" else "points"
    frame, x, y = _frame(WIDTH, DIFF_HEIGHT, x_max, -top, top, [-top, 0.0, top],
                         lambda t: f"{t:+g}" if t else "0", True)
    lines = []
    for k, metric in enumerate(spec.metrics):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        years, diff = diffs[metric]
        lines.append(f'<path class="nk-line" data-metric="{metric}" data-run="difference" '
                     f'd="{_path(years, diff, x, y)}" fill="none" stroke="{colour}" stroke-width="1.6"/>')
    unit_words = "percentage points" if points == "pp" else "points"
    head = (f'<text x="4" y="14" font-weight="bold" fill="#222">Difference: policy minus baseline_2013</text>'
            f'<text x="4" y="27" fill="#666">in {unit_words} (the legend says which is better)</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="nk-diff" data-chart="{spec.key}" width="{WIDTH}" '
            f'height="{DIFF_HEIGHT}" viewBox="0 0 {WIDTH} {DIFF_HEIGHT}" font-family="sans-serif" font-size="10">'
            f'{head}{frame}{"".join(lines)}</svg>')


def difference_now(metric: str, model, baseline) -> str:
    """This month's difference policy minus baseline in words, e.g. "+5.2 pp, better"."""
    m = METRICS[metric]
    policy, base = _last(series(model, metric)[1]), _last(series(baseline, metric)[1])
    if policy is None or base is None:
        return "no difference yet"
    diff = (policy - base) * _scale(m.unit)
    number = f"{diff:+.1f} pp" if m.unit == "share" else f"{diff:+.2f}"
    judged = m.better * diff
    verdict = "" if m.better == 0 else ", better" if judged > 0 else ", worse" if judged < 0 else ", the same"
    return f"now {number}{verdict}"


def legend_html(spec: ChartSpec, model=None, baseline=None) -> str:
    """The chart's legend: one entry per metric, and in compare mode the line styles and the difference now."""
    compare = baseline is not None
    items = []
    for k, metric in enumerate(spec.metrics):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        now = f" ({difference_now(metric, model, baseline)})" if compare else ""
        items.append(f'<span class="nk-legend-item"><svg width="18" height="8"><line x1="0" y1="4" x2="18" y2="4" '
                     f'stroke="{colour}" stroke-width="3"/></svg>{html.escape(METRICS[metric].label + now)}</span>')
    if compare:
        items.append('<span class="nk-legend-item"><svg width="18" height="8"><line x1="0" y1="4" x2="18" y2="4" '
                     'stroke="#555" stroke-width="2"/></svg>policy</span>'
                     '<span class="nk-legend-item"><svg width="18" height="8"><line x1="0" y1="4" x2="18" y2="4" '
                     'stroke="#555" stroke-width="2" stroke-dasharray="5,3"/></svg>baseline_2013</span>')
    return f'<div class="nk-legend nk-chart-legend">{"".join(items)}</div>'


def queue_series(model, queue: str) -> tuple[np.ndarray, np.ndarray]:
    """Years and persons in one queue so far (`model.queue_table` without building a DataFrame)."""
    rows = model.queues
    return (np.array([r["month"] for r in rows], dtype=float) / 12.0,
            np.array([r[queue] for r in rows], dtype=float))


def queue_chart_svg(model, baseline=None) -> str:
    """The queues over time as SVG: the chosen policy (solid) and the baseline (dashed) if given."""
    runs = [("policy", model)] + ([("baseline", baseline)] if baseline is not None else [])
    data = {(run, q): queue_series(source, q) for run, source in runs for q in QUEUE_LINES}
    x_max = max(HORIZON_YEARS, math.ceil(max(float(y[-1]) for y, _ in data.values())))
    hi = _nice_ceiling(max(float(v.max()) for _, v in data.values()) / PERSONS_TICK) * PERSONS_TICK
    ticks = [hi * i / 4 for i in range(5)]
    frame, x, y = _frame(WIDTH, HEIGHT, x_max, 0.0, hi, ticks, lambda t: f"{t / PERSONS_TICK:g}k", False)
    lines = []
    for (run, queue), (years, values) in data.items():
        colour = QUEUE_COLOURS[QUEUE_LINES.index(queue)]
        dash = ' stroke-dasharray="5,3" stroke-opacity="0.8"' if run == "baseline" else ""
        lines.append(f'<path class="nk-queue" data-queue="{queue}" data-queue-run="{run}" '
                     f'd="{_path(years, values, x, y)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
    title = ('<text x="4" y="14" font-size="13" font-weight="bold" fill="#222">Queues: reception, housing, '
             'programmes</text><text x="4" y="29" fill="#666">persons (k = thousand)</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="nk-chart nk-queues" data-chart="queues" '
            f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" '
            f'font-size="10">{title}{frame}{"".join(lines)}</svg>')


def queue_legend_html(model) -> str:
    """The queue chart's legend, with each queue's size this month."""
    now = model.queues[-1]
    items = [f'<span class="nk-legend-item"><svg width="18" height="8"><line x1="0" y1="4" x2="18" y2="4" '
             f'stroke="{QUEUE_COLOURS[k]}" stroke-width="3"/></svg>{html.escape(QUEUES[q])}: {now[q]:,.0f}</span>'
             for k, q in enumerate(QUEUE_LINES)]
    return f'<div class="nk-legend nk-chart-legend">{"".join(items)}</div>'


@solara.component
def Charts(model, baseline, month: int):
    """Every chart, side by side.

    Args:
        model: The chosen policy's model.
        baseline: The baseline model in compare mode, else None.
        month: The current month (re-renders the charts every step).
    """
    blocks = "".join(f'<div class="nk-chart-block">{chart_svg(spec, model, baseline)}'
                     f'{legend_html(spec, model, baseline)}</div>' for spec in CHARTS)
    blocks += f'<div class="nk-chart-block">{queue_chart_svg(model, baseline)}{queue_legend_html(model)}</div>'
    solara.HTML(tag="div", unsafe_innerHTML=f'<div class="nk-charts" data-month="{month}">{blocks}</div>')
