"""Charts over time: language, employment, isolation, welfare, wellbeing, the exam, and the queues.

Each chart is drawn as SVG from the model's DataCollector, with its title,
unit and the years on the horizontal axis; every label and unit comes from
the metric registry (`model.METRICS`), in the language chosen (`viz.texts`).
In compare mode a chart shows the chosen policy (solid) and the reference
(dashed: `baseline_2013` by default, or the 2021 law), with the difference
(policy minus reference) in a strip below. Every text is at least 12 px, to
be read on a projector.

Split by a grouping (gender, education, age on arrival, household,
municipality: `model.outcomes.GROUPINGS`), each chart shows its first measure
with one line per group, in the colours of `GROUP_COLOURS`, from the run's
`GroupHistory` (recorded every month, so each line starts at month 0). In
compare mode the baseline's groups are dashed in the same colours and the
strip shows each group's difference. The queues count persons, not outcomes
of newcomers: that chart is not split, and says so.

Longer than 400 lines: every chart of the app (outcomes, outcomes split by
group, the queues) is drawn here from the same small SVG primitives
(`_frame`, `_path`, `_chart`, `_difference_strip`); split over modules, those
private helpers would have to become a drawing API of their own.

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
from solara.alias import rv

from model import METRICS
from model.outcomes import NEWCOMER_MEASURES
from model.queues import QUEUES
from viz.live import BASELINE, SPLITS, GroupHistory, LiveRun
from viz.texts import STRINGS, group_name, metric_label, model_text, number, t

# Okabe-Ito colours (readable with colour-blindness): the measures of a chart, and the groups of a split.
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
GROUP_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
HORIZON_YEARS = 10
WIDTH, HEIGHT, DIFF_HEIGHT = 300, 196, 112
LEFT, RIGHT, TOP, BOTTOM = 40, 40, 44, 34
FONT_PX, TITLE_PX = 12, 14  # readable on a projector
DASHED = ' stroke-dasharray="5,3" stroke-opacity="0.8"'
SHORT_UNIT = {"share": "%", "0-1": "0-1"}  # a split chart's unit, after its measure's name


@dataclass(frozen=True)
class ChartSpec:
    """One chart: its key and the metrics it shows (all in the same unit); the first is shown per group."""

    key: str
    metrics: tuple[str, ...]

    @property
    def title(self) -> str:
        """The chart's title (``chart_<key>`` of `viz.texts.STRINGS`, else its first metric's label),
        in the chosen language."""
        key = f"chart_{self.key}"
        return t(key) if key in STRINGS else metric_label(self.metrics[0])

    @property
    def split_metric(self) -> str | None:
        """The measure drawn per group when the charts are split (None: this chart cannot be split)."""
        return next((m for m in self.metrics if m in NEWCOMER_MEASURES), None)


#: The app's layout: these charts first, in this order; any other chart a metric names follows.
CHART_ORDER = ("language", "employment", "isolation", "welfare", "wellbeing", "exam")


def charts() -> tuple[ChartSpec, ...]:
    """The app's outcome charts, from the metrics that name one (`model.metric.Metric.chart`, in the
    registry's order, registered metrics included).

    Raises:
        ValueError: If a chart would mix units.
    """
    shown: dict[str, list[str]] = {}
    for name, m in METRICS.items():
        if m.chart:
            shown.setdefault(m.chart, []).append(name)
    for key, names in shown.items():
        if len({METRICS[n].unit for n in names}) > 1:
            raise ValueError(f"chart {key!r} mixes units: {', '.join(f'{n} ({METRICS[n].unit})' for n in names)}")
    keys = [k for k in CHART_ORDER if k in shown] + [k for k in shown if k not in CHART_ORDER]
    return tuple(ChartSpec(key, tuple(shown[key])) for key in keys)


#: The queues the app draws (persons), one line each: reception, housing, programmes.
QUEUE_LINES = ("waiting_for_decision", "emergency_reception", "waiting_for_house", "plan_waiting", "course_waiting")
QUEUE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
PERSONS_TICK = 1000  # queues of ten thousand and more are labelled in thousands of persons


@dataclass(frozen=True)
class Line:
    """One line of a chart: its points (already scaled), its colour and style, and its data attributes."""

    years: np.ndarray
    values: np.ndarray
    colour: str
    attributes: str
    dashed: bool = False
    end_label: bool = False  # write the last value at the line's end


def series(model, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Years and values of one metric so far (NaN where it is undefined)."""
    data = model.datacollector.model_vars
    years = np.asarray(data["month"], dtype=float) / 12.0
    values = np.asarray(data[metric], dtype=float)
    return years, values


def _scale(unit: str) -> float:
    return 100.0 if unit == "share" else 1.0


def unit_text(unit: str) -> str:
    """A unit in words, in the chosen language."""
    key = f"unit_{unit}"
    return t(key) if key in STRINGS else unit


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
        return f"{number(value, '.0f')}%"
    if unit == "EUR":
        return number(value, ",.0f")
    return number(value, ".2f" if abs(value) < 10 else ".0f")


def _path(years: np.ndarray, values: np.ndarray, x, y) -> str:
    """An SVG path through the finite points; NaN breaks the line."""
    finite = np.isfinite(values)
    if not finite.any():
        return ""
    starts = finite & ~np.r_[False, finite[:-1]]
    commands = np.where(starts[finite], "M", "L").tolist()
    xs, ys = x(years[finite]).tolist(), y(values[finite]).tolist()
    return "".join(map("{}{:.1f},{:.1f}".format, commands, xs, ys))


def _last(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite[-1]) if len(finite) else None


def _frame(width: int, height: int, x_max: float, lo: float, hi: float, ticks: list[float], fmt, grid_zero: bool):
    """Axes, grid and tick labels; returns the SVG and the x, y mappings (scalars or arrays)."""
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM

    def x(year):
        return LEFT + year / x_max * plot_w

    def y(value):
        return TOP + (1 - (value - lo) / (hi - lo)) * plot_h

    parts = []
    for tick in ticks:
        stroke = "#999" if (grid_zero and tick == 0) else "#e4e4e4"
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="{stroke}"/><text x="{LEFT - 4}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                     f'{html.escape(fmt(tick))}</text>')
    for year in range(0, int(x_max) + 1, 2):
        parts.append(f'<line x1="{x(year):.1f}" x2="{x(year):.1f}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 4}" '
                     f'stroke="#999"/><text x="{x(year):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">'
                     f'{year}</text>')
    parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#999"/>')
    parts.append(f'<text x="{LEFT + plot_w}" y="{height - 2}" text-anchor="end" fill="#666">'
                 f'{html.escape(t("years_since_start"))}</text>')
    return "".join(parts), x, y


def _end_labels(labels: list[list]) -> str:
    """Value labels at the lines' ends, nudged apart so that they do not overlap."""
    labels = sorted(labels)
    for above, below in zip(labels, labels[1:], strict=False):
        below[0] = max(below[0], above[0] + FONT_PX + 1)
    return "".join(f'<text x="{x:.1f}" y="{y:.1f}" fill="{colour}" font-weight="bold">{html.escape(text)}</text>'
                   for y, x, colour, text in labels)


def _x_max(lines: list[Line]) -> float:
    return max(HORIZON_YEARS, math.ceil(max((float(line.years[-1]) for line in lines if len(line.years)),
                                            default=0.0)))


def _svg(css: str, key: str, height: int, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" data-chart="{key}" width="{WIDTH}" '
            f'height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="{FONT_PX}">'
            f'{body}</svg>')


def _head(title: str, subtitle: str) -> str:
    """A chart's title and, under it, its unit."""
    return (f'<text x="4" y="15" font-size="{TITLE_PX}" font-weight="bold" fill="#222">{html.escape(title)}</text>'
            f'<text x="4" y="32" fill="#666">{html.escape(subtitle)}</text>')


def _chart(key: str, title: str, subtitle: str, unit: str, lines: list[Line]) -> str:
    """A chart's SVG: title, unit, axes, the lines and the value at each labelled line's end."""
    x_max = _x_max(lines)
    lo, hi = _y_range(unit, [line.values for line in lines])
    ticks = [lo + (hi - lo) * i / 4 for i in range(5)]
    frame, x, y = _frame(WIDTH, HEIGHT, x_max, lo, hi, ticks, lambda v: _fmt(v, unit), False)
    paths, labels = [], []
    for line in lines:
        paths.append(f'<path class="nk-line" {line.attributes} d="{_path(line.years, line.values, x, y)}" '
                     f'fill="none" stroke="{line.colour}" stroke-width="2"{DASHED if line.dashed else ""}/>')
        last = _last(line.values)
        if line.end_label and last is not None:
            labels.append([y(last) + 4, x(line.years[-1]) + 4, line.colour, _fmt(last, unit)])
    head = _head(title, subtitle)
    return _svg("nk-chart", key, HEIGHT, f'{head}{frame}{"".join(paths)}{_end_labels(labels)}')


def _difference_strip(key: str, unit: str, lines: list[Line], x_max: float, reference: str) -> str:
    """The differences policy minus reference, in (percentage) points, on a scale symmetric around 0."""
    finite = np.concatenate([line.values[np.isfinite(line.values)] for line in lines] + [np.zeros(1)])
    top = _nice_ceiling(float(np.abs(finite).max()) or 1.0)
    frame, x, y = _frame(WIDTH, DIFF_HEIGHT, x_max, -top, top, [-top, 0.0, top],
                         lambda v: number(v, "+g") if v else "0", True)
    paths = [f'<path class="nk-line" {line.attributes} d="{_path(line.years, line.values, x, y)}" fill="none" '
             f'stroke="{line.colour}" stroke-width="1.6"/>' for line in lines]
    head = (f'<text x="4" y="15" font-weight="bold" fill="#222">'
            f'{html.escape(t("difference_head", reference=reference))}</text><text x="4" y="31" fill="#666">'
            f'{html.escape(t("difference_pp" if unit == "share" else "difference_points"))}</text>')
    return _svg("nk-diff", key, DIFF_HEIGHT, f'{head}{frame}{"".join(paths)}')


def _differences(pairs: list[tuple[tuple, tuple, str, str]]) -> list[Line]:
    """Lines of policy minus baseline: one per ((years, policy), (years, baseline), colour, attributes)."""
    lines = []
    for (years, policy), (_, base), colour, attributes in pairs:
        n = min(len(policy), len(base))
        lines.append(Line(years[:n], policy[:n] - base[:n], colour, attributes))
    return lines


def chart_svg(spec: ChartSpec, model, baseline=None) -> str:
    """One chart as SVG: the chosen policy (solid), the reference (dashed) if given, and a difference strip."""
    unit = METRICS[spec.metrics[0]].unit
    scale = _scale(unit)
    runs = [("policy", model)] + ([("baseline", baseline)] if baseline is not None else [])
    data = {}
    for run, source in runs:
        for metric in spec.metrics:
            years, values = series(source, metric)
            data[(run, metric)] = (years, values * scale)
    lines = [Line(*data[(run, metric)], SERIES_COLOURS[k % len(SERIES_COLOURS)],
                  f'data-metric="{metric}" data-run="{run}"', run == "baseline", run == "policy")
             for k, metric in enumerate(spec.metrics) for run, _ in runs]
    svg = _chart(spec.key, spec.title, unit_text(unit), unit, lines)
    if baseline is not None:
        pairs = [(data[("policy", m)], data[("baseline", m)], SERIES_COLOURS[k % len(SERIES_COLOURS)],
                  f'data-metric="{m}" data-run="difference"') for k, m in enumerate(spec.metrics)]
        svg += _difference_strip(spec.key, unit, _differences(pairs), _x_max(lines), baseline.policy)
    return svg


def group_colour(k: int) -> str:
    """The colour of a split's k-th group."""
    return GROUP_COLOURS[k % len(GROUP_COLOURS)]


def split_chart_svg(spec: ChartSpec, grouping: str, groups: GroupHistory,
                    baseline_groups: GroupHistory | None = None, reference: str = BASELINE) -> str:
    """One chart split by ``grouping``: its first measure, one line per group.

    Args:
        spec: The chart; its `ChartSpec.split_metric` is drawn.
        grouping: A name in `model.outcomes.GROUPINGS`.
        groups: The chosen policy's group history (solid lines).
        baseline_groups: The reference's in compare mode (dashed, same colours, and a difference strip per group).
        reference: The reference policy's name.
    """
    metric = spec.split_metric
    unit = METRICS[metric].unit
    scale = _scale(unit)
    runs = [("policy", groups)] + ([("baseline", baseline_groups)] if baseline_groups is not None else [])
    data = {}
    for run, history in runs:
        years, values = history.series(grouping, metric)
        for k, group in enumerate(history.groups[grouping]):
            data[(run, group)] = (years, values[:, k] * scale)
    names = groups.groups[grouping]
    quoted = {group: html.escape(group, quote=True) for group in names}
    lines = [Line(*data[(run, group)], group_colour(k),
                  f'data-metric="{metric}" data-run="{run}" data-group="{quoted[group]}"',
                  run == "baseline", run == "policy")
             for k, group in enumerate(names) for run, _ in runs if (run, group) in data]
    title = t("split_title", title=spec.title, grouping=t(f"split_{grouping}"))
    subtitle = t("split_measure", label=metric_label(metric), unit=SHORT_UNIT.get(unit, unit))
    svg = _chart(spec.key, title, subtitle, unit, lines)
    if baseline_groups is not None:
        pairs = [(data[("policy", g)], data[("baseline", g)], group_colour(k),
                  f'data-metric="{metric}" data-run="difference" data-group="{quoted[g]}"')
                 for k, g in enumerate(names) if ("baseline", g) in data]
        svg += _difference_strip(spec.key, unit, _differences(pairs), _x_max(lines), reference)
    return svg


def verdict(metric: str, policy: float | None, base: float | None) -> str:
    """A difference policy minus baseline in words, e.g. "now +5.2 pp, better"."""
    m = METRICS[metric]
    if policy is None or base is None:
        return t("no_difference_yet")
    diff = (policy - base) * _scale(m.unit)
    shown = f"{number(diff, '+.1f')} {t('pp')}" if m.unit == "share" else number(diff, "+.2f")
    judged = m.better * diff
    word = "" if m.better == 0 else "better" if judged > 0 else "worse" if judged < 0 else "the_same"
    return t("now", number=shown) + (f", {t(word)}" if word else "")


def difference_now(metric: str, model, baseline) -> str:
    """This month's difference policy minus baseline in words, e.g. "now +5.2 pp, better"."""
    return verdict(metric, _last(series(model, metric)[1]), _last(series(baseline, metric)[1]))


def _legend_item(colour: str, text: str, dashed: bool = False, width: int = 3) -> str:
    dash = ' stroke-dasharray="5,3"' if dashed else ""
    return (f'<span class="nk-legend-item"><svg width="18" height="8"><line x1="0" y1="4" x2="18" y2="4" '
            f'stroke="{colour}" stroke-width="{width}"{dash}/></svg>{html.escape(text)}</span>')


def _line_styles(policy: str, reference: str) -> str:
    """The legend's entries for the line styles in compare mode."""
    return _legend_item("#555", policy, width=2) + _legend_item("#555", reference, dashed=True, width=2)


def legend_html(spec: ChartSpec, model=None, baseline=None) -> str:
    """The chart's legend: one entry per metric, and in compare mode the line styles and the difference now."""
    compare = baseline is not None
    items = []
    for k, metric in enumerate(spec.metrics):
        now = f" ({difference_now(metric, model, baseline)})" if compare else ""
        items.append(_legend_item(SERIES_COLOURS[k % len(SERIES_COLOURS)], metric_label(metric) + now))
    if compare:
        items.append(_line_styles(t("legend_policy"), baseline.policy))
    return f'<div class="nk-legend nk-chart-legend">{"".join(items)}</div>'


def split_legend_html(spec: ChartSpec, grouping: str, groups: GroupHistory,
                      baseline_groups: GroupHistory | None = None, reference: str = BASELINE) -> str:
    """A split chart's legend: each group by name with how many it holds now, and in compare mode the difference."""
    metric = spec.split_metric
    counts = groups.now(grouping)
    _, values = groups.series(grouping, metric)
    base = baseline_groups.series(grouping, metric)[1] if baseline_groups is not None else None
    items = []
    for k, group in enumerate(groups.groups[grouping]):
        text = f"{group_name(group)} ({number(int(counts[k]), ',')})"
        if base is not None:
            text += f": {verdict(metric, _last(values[:, k]), _last(base[:, k]))}"
        items.append(_legend_item(group_colour(k), text))
    if base is not None:
        items.append(_line_styles(t("legend_policy"), reference))
    return f'<div class="nk-legend nk-chart-legend" data-split="{grouping}">{"".join(items)}</div>'


def queue_series(model, queue: str) -> tuple[np.ndarray, np.ndarray]:
    """Years and persons in one queue so far (`model.queue_table` without building a DataFrame)."""
    rows = model.queues
    return (np.array([r["month"] for r in rows], dtype=float) / 12.0,
            np.array([r[queue] for r in rows], dtype=float))


def _persons(value: float) -> str:
    """A queue's tick label: "7,500", "25k" (short enough for the axis at 12 px)."""
    return number(value / PERSONS_TICK, "g") + "k" if value >= 10 * PERSONS_TICK else number(value, ",.0f")


def queue_chart_svg(model, baseline=None) -> str:
    """The queues over time as SVG: the chosen policy (solid) and the baseline (dashed) if given."""
    runs = [("policy", model)] + ([("baseline", baseline)] if baseline is not None else [])
    data = {(run, q): queue_series(source, q) for run, source in runs for q in QUEUE_LINES}
    x_max = max(HORIZON_YEARS, math.ceil(max(float(y[-1]) for y, _ in data.values())))
    hi = _nice_ceiling(max(100.0, *(float(v.max()) for _, v in data.values())))  # 0, 25, 50, 75, 100 at least
    ticks = [hi * i / 4 for i in range(5)]
    frame, x, y = _frame(WIDTH, HEIGHT, x_max, 0.0, hi, ticks, _persons, False)
    lines = []
    for (run, queue), (years, values) in data.items():
        colour = QUEUE_COLOURS[QUEUE_LINES.index(queue)]
        lines.append(f'<path class="nk-queue" data-queue="{queue}" data-queue-run="{run}" '
                     f'd="{_path(years, values, x, y)}" fill="none" stroke="{colour}" stroke-width="2"'
                     f'{DASHED if run == "baseline" else ""}/>')
    return _svg("nk-chart nk-queues", "queues", HEIGHT,
                f'{_head(t("chart_queues"), t("unit_persons"))}{frame}{"".join(lines)}')


def queue_legend_html(model, split: str = "none") -> str:
    """The queue chart's legend, with each queue's size this month (and, when the others are split, why not this)."""
    now = model.queues[-1]
    items = [_legend_item(QUEUE_COLOURS[k], f"{model_text(QUEUES[q])}: {number(now[q], ',.0f')}")
             for k, q in enumerate(QUEUE_LINES)]
    if split != "none":
        items.append(f'<span class="nk-legend-item nk-not-split">{html.escape(t("not_split"))}</span>')
    return f'<div class="nk-legend nk-chart-legend">{"".join(items)}</div>'


def charts_html(live: LiveRun, split: str = "none") -> str:
    """Every chart with its legend, split by ``split`` (a name in `SPLITS`) or not."""
    blocks = []
    reference = live.settings.reference
    for spec in charts():
        if split != "none" and spec.split_metric is not None:
            svg = split_chart_svg(spec, split, live.groups, live.baseline_groups, reference)
            legend = split_legend_html(spec, split, live.groups, live.baseline_groups, reference)
        else:
            svg = chart_svg(spec, live.main, live.baseline)
            legend = legend_html(spec, live.main, live.baseline)
        blocks.append(f'<div class="nk-chart-block">{svg}{legend}</div>')
    blocks.append(f'<div class="nk-chart-block">{queue_chart_svg(live.main, live.baseline)}'
                  f'{queue_legend_html(live.main, split)}</div>')
    note = ""
    if split != "none":
        note = t("split_note") + (" " + t("split_compare_note", policy=live.settings.title, reference=reference)
                                  if live.baseline is not None else "")
        note = f'<div class="nk-caption nk-split-note">{html.escape(note)}</div>'
    return (f'<div class="nk-charts" data-month="{live.month}" data-split="{split}">{"".join(blocks)}</div>'
            f'{note}')


@solara.component
def SplitSelect(split: solara.Reactive[str]):
    """The "Split by" control: none, or one of the groupings."""
    items = [{"text": t(f"split_{name}"), "value": name} for name in SPLITS]
    rv.Select(v_model=split.value, on_v_model=lambda v: split.set(v if v in SPLITS else "none"), items=items,
              label=t("split_by"), class_="nk-split", dense=True, hide_details=True,
              style_="max-width: 280px; margin: 0 0 6px 0")


@solara.component
def Charts(live: LiveRun, month: int, split: solara.Reactive[str]):
    """Every chart, side by side, under the "Split by" control.

    Args:
        live: The run shown (its models and, for the split, its group histories).
        month: The current month (re-renders the charts every step).
        split: How the charts are split: "none" or a grouping's name.
    """
    SplitSelect(split)
    solara.HTML(tag="div", unsafe_innerHTML=charts_html(live, split.value))
