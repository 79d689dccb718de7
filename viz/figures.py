"""Seaborn figures of a policy comparison.

Every function takes tidy summary DataFrames (as written by ``nieuwkomers
compare``: ``policy, metric, ..., mean, ci_low, ci_high``) and returns a
matplotlib `Figure`; it does not run models or write files. Each policy has one
colour in every figure (`POLICY_COLOURS`), the 2013 baseline is black. Labels
and units come from the metric registry (`model.METRICS`, or the report's
extension of it passed in as ``metrics``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from model import METRICS, POLICIES
from model.outcomes import Metric

_OKABE_ITO = {"black": "#1a1a1a", "blue": "#0173b2", "sky": "#56b4e9", "green": "#029e73",
              "purple": "#cc78bc", "vermillion": "#d55e00", "tan": "#ca9161", "orange": "#de8f05",
              "grey": "#949494", "yellow": "#ece133"}
_BY_POLICY = {"baseline_2013": "black", "early_language": "sky", "two_track": "blue",
              "startpunten": "green", "reduced_fines": "purple", "all_proposals": "vermillion",
              "wet_inburgering_2021": "tan"}
_SPARE = [c for c in _OKABE_ITO if c not in _BY_POLICY.values()]
POLICY_COLOURS: dict[str, str] = {
    name: _OKABE_ITO[_BY_POLICY.get(name) or _SPARE[i % len(_SPARE)]] for i, name in enumerate(POLICIES)
}
"""One colour per policy, the same in every figure (colour-blind safe, Okabe-Ito).

The 2013 baseline is near-black; early language is a lighter blue than the two-track
policy it is part of; the full package is the strongest colour."""

REFERENCE_POLICY = "baseline_2013"

_UNIT_AXIS = {
    "share": "% of permit holders aged 18–64",
    "EUR": "EUR",
    "score 0-5": "score (0 = A0 … 5 = C1)",
    "0-1": "0 (worst) – 1 (best)",
    "ties": "active ties",
    "count": "people",
}
_LABEL_BOX = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75}
_STYLE = {"axes.titlesize": 11, "axes.titleweight": "bold", "axes.labelsize": 10,
          "legend.fontsize": 9, "xtick.labelsize": 9, "ytick.labelsize": 9}


def unit_axis_label(metric: Metric) -> str:
    """Axis label for a metric's unit."""
    return _UNIT_AXIS.get(metric.unit, metric.unit)


def _eur(value: float, _pos=None, sign: bool = False) -> str:
    if abs(value) < 0.5:
        return "€0"
    return ("−" if value < 0 else "+" if sign else "") + f"€{abs(value):,.0f}"


def format_axis(ax, metric: Metric, axis: str = "y", difference: bool = False) -> None:
    """Percent for shares (percentage points for differences), euros for money.

    Levels of shares and money start at zero, so that a small gap does not look large.
    """
    target = ax.yaxis if axis == "y" else ax.xaxis
    if metric.is_share:
        if difference:
            target.set_major_formatter(FuncFormatter(lambda v, _p: f"{100 * v:+.0f} pp" if round(100 * v) else "0"))
        else:
            target.set_major_formatter(PercentFormatter(1.0, decimals=0))
    elif metric.unit == "EUR":
        target.set_major_formatter(FuncFormatter(lambda v, _p: _eur(v, sign=difference)))
    if not difference and axis == "y" and (metric.is_share or metric.unit == "EUR") and ax.has_data():
        low, high = ax.dataLim.y0, ax.dataLim.y1
        if low >= -1e-9:
            top = high * 1.05 if high > 1e-9 else (1.0 if metric.is_share else 100.0)
            ax.set_ylim(0, min(top, 1.02) if metric.is_share else top)


def _colour(policy: str):
    return POLICY_COLOURS.get(policy, (0.5, 0.5, 0.5))


def _ordered_policies(frame: pd.DataFrame) -> list[str]:
    present = list(dict.fromkeys(frame["policy"]))
    return [p for p in POLICIES if p in present] + [p for p in present if p not in POLICIES]


def _draw_lines(ax, data: pd.DataFrame, x: str, policies: list[str], markers: bool = False) -> None:
    for policy in policies:
        d = data[data["policy"] == policy].sort_values(x)
        if d.empty:
            continue
        colour = _colour(policy)
        ax.plot(d[x], d["mean"], color=colour, label=policy,
                lw=2.2 if policy == REFERENCE_POLICY else 1.7,
                marker="o" if markers else None, ms=3.5, zorder=3 if policy == REFERENCE_POLICY else 2)
        ax.fill_between(d[x], d["ci_low"], d["ci_high"], color=colour, alpha=0.15, lw=0)


def _year_axis(ax, last_year: float, label: str) -> None:
    ax.set_xlim(0, last_year)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=11))
    ax.set_xlabel(label)


def over_time(over_time: pd.DataFrame, metric: str, metrics: Mapping[str, Metric] = METRICS,
              n_seeds: int | None = None) -> Figure:
    """One outcome over the years, one line per policy with its 95% CI band.

    Args:
        over_time: ``policy, metric, year, mean, ci_low, ci_high`` (monthly rows).
        metric: The metric to show.
        metrics: The registry with its label and unit.
        n_seeds: Shown in the subtitle.
    """
    m = metrics[metric]
    data = over_time[over_time["metric"] == metric]
    with sns.axes_style("whitegrid"), sns.plotting_context("notebook", rc=_STYLE):
        fig = Figure(figsize=(8.5, 4.8), layout="constrained")
        ax = fig.add_subplot()
        _draw_lines(ax, data, "year", _ordered_policies(data))
        _year_axis(ax, float(data["year"].max()), "Years since the first newcomers arrived")
        format_axis(ax, m)
        ax.set_ylabel(unit_axis_label(m))
        ax.set_title(m.label, loc="left")
        seeds = f"{n_seeds} seeds, " if n_seeds else ""
        fig.suptitle(f"Mean over {seeds}bands: 95% confidence interval", x=0.99, ha="right",
                     fontsize=8, color="0.4")
        ax.legend(title="policy", loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return fig


def overview(over_time: pd.DataFrame, metric_names: Iterable[str],
             metrics: Mapping[str, Metric] = METRICS, ncols: int = 4) -> Figure:
    """Small multiples: every key outcome over the years, one panel each."""
    names = list(metric_names)
    nrows = int(np.ceil(len(names) / ncols))
    policies = _ordered_policies(over_time)
    with sns.axes_style("whitegrid"), sns.plotting_context("notebook", rc=_STYLE):
        fig = Figure(figsize=(4.0 * ncols, 2.9 * nrows + 0.8), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        last_year = float(over_time["year"].max())
        for i, (ax, name) in enumerate(zip(axes, names, strict=False)):
            m = metrics[name]
            _draw_lines(ax, over_time[over_time["metric"] == name], "year", policies)
            bottom = i + ncols >= len(names)
            _year_axis(ax, last_year, "years since the first arrivals" if bottom else "")
            format_axis(ax, m)
            ax.set_title(_wrap(m.label, 38), loc="left", fontsize=10)
            ax.set_ylabel("")
        for ax in axes[len(names):]:
            ax.set_visible(False)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 7), frameon=False)
        fig.suptitle(f"Key outcomes over {last_year:g} years by policy (mean and 95% CI across seeds)",
                     fontsize=13, fontweight="bold")
    return fig


def by_years_since_permit(by_permit: pd.DataFrame, metric_names: Iterable[str],
                          metrics: Mapping[str, Metric] = METRICS, ncols: int = 5) -> Figure:
    """Outcomes by whole years since the permit (as CBS reports them), one panel per outcome.

    Args:
        by_permit: ``policy, metric, years_since_permit, mean, ci_low, ci_high``.
        metric_names: Outcomes to show.
    """
    names = [n for n in metric_names if n in set(by_permit["metric"])]
    nrows = int(np.ceil(len(names) / ncols))
    policies = _ordered_policies(by_permit)
    with sns.axes_style("whitegrid"), sns.plotting_context("notebook", rc=_STYLE):
        fig = Figure(figsize=(3.6 * ncols, 3.0 * nrows + 0.9), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax, name in zip(axes, names, strict=False):
            m = metrics[name]
            _draw_lines(ax, by_permit[by_permit["metric"] == name], "years_since_permit", policies,
                        markers=True)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel("years since permit")
            format_axis(ax, m)
            ax.set_title(_wrap(m.label, 34), loc="left", fontsize=10)
        for ax in axes[len(names):]:
            ax.set_visible(False)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 7), frameon=False)
        fig.suptitle("Outcomes by years since the residence permit (permit holders aged 18–64; "
                     "mean and 95% CI across seeds)", fontsize=13, fontweight="bold")
    return fig


def cost_against_employment(differences: pd.DataFrame, year: float, employment: str, cost: str,
                            metrics: Mapping[str, Metric] = METRICS,
                            reference: str = REFERENCE_POLICY) -> Figure:
    """What each policy costs against the employment it gains, relative to the reference.

    Args:
        differences: Paired differences from the reference: ``policy, metric,
            year, mean, ci_low, ci_high``.
        year: The year to show (e.g. the horizon).
        employment: Metric on the x axis (a share).
        cost: Metric on the y axis (EUR per newcomer).
        reference: The policy at the origin.
    """
    d = differences[differences["year"] == year].set_index(["policy", "metric"])
    policies = [p for p in _ordered_policies(differences.reset_index()) if p != reference]
    mx, my = metrics[employment], metrics[cost]
    with sns.axes_style("whitegrid"), sns.plotting_context("notebook", rc=_STYLE):
        fig = Figure(figsize=(8.5, 6.0), layout="constrained")
        ax = fig.add_subplot()
        ax.axhline(0, color="0.3", lw=1)
        ax.axvline(0, color="0.3", lw=1)
        ax.plot([0], [0], "o", color=_colour(reference), ms=9, zorder=4)
        labels = [ax.annotate(reference, (0, 0), xytext=(7, -14), textcoords="offset points", fontsize=9,
                              color=_colour(reference))]
        for policy in policies:
            if (policy, employment) not in d.index or (policy, cost) not in d.index:
                continue
            x, y = d.loc[(policy, employment)], d.loc[(policy, cost)]
            colour = _colour(policy)
            ax.errorbar(x["mean"], y["mean"],
                        xerr=[[x["mean"] - x["ci_low"]], [x["ci_high"] - x["mean"]]],
                        yerr=[[y["mean"] - y["ci_low"]], [y["ci_high"] - y["mean"]]],
                        fmt="o", color=colour, ms=9, capsize=3, lw=1.5, zorder=3)
            labels.append(ax.annotate(policy, (x["mean"], y["mean"]), xytext=(7, 6),
                                      textcoords="offset points", fontsize=10, color=colour,
                                      fontweight="bold", bbox=_LABEL_BOX))
        format_axis(ax, mx, "x", difference=True)
        format_axis(ax, my, "y", difference=True)
        ax.margins(x=0.2, y=0.15)
        ax.set_xlabel(f"{mx.label}: difference from {reference}")
        ax.set_ylabel(f"{_wrap(my.label, 50)}:\ndifference from {reference}")
        ax.set_title(f"Cost against employment gained by year {year:g}", loc="left")
        ax.text(0.99, 0.02, "right and down: more work for less money", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=8, color="0.4")
        fig.suptitle("Mean paired difference across seeds; bars: 95% CI", x=0.99, ha="right",
                     fontsize=8, color="0.4")
        _separate_labels(fig, labels)
    return fig


def _separate_labels(fig: Figure, labels: list, step: float = 6.0, tries: int = 16) -> None:
    """Nudge point labels up or down, a little at a time, until none overlaps another."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # runs the layout, so that extents are final
    renderer = canvas.get_renderer()
    placed = []
    for label in labels:
        x0, y0 = label.xyann
        for i in range(tries):
            if not any(label.get_window_extent(renderer).overlaps(other) for other in placed):
                break
            label.xyann = (x0, y0 + step * (i // 2 + 1) * (-1 if i % 2 == 0 else 1))
        placed.append(label.get_window_extent(renderer))


def effects_by_group(by_group: pd.DataFrame, metric_names: Iterable[str], groups: list[str],
                     metrics: Mapping[str, Metric] = METRICS, title: str = "group", when: str = "",
                     reference: str = REFERENCE_POLICY, interval: str = "seeds") -> Figure:
    """For whom: each policy's effect in each group (difference from the reference, 95% interval bars).

    One panel per outcome; groups run down the side, each labelled with its level
    under the reference; each policy is a dot with its interval, in its colour.

    Args:
        by_group: Rows at one horizon: ``policy, group, metric, value, difference,
            diff_ci_low, diff_ci_high`` (the reference's rows give the levels).
        metric_names: Outcomes, one panel each.
        groups: Group names, top to bottom.
        metrics: The registry with labels and units.
        title: What the groups are, in words ("gender × age on arrival").
        when: The horizon, in words ("5 years after the permit").
        reference: The policy the effects are measured against.
        interval: What the intervals hold ("seeds", "seeds and parameters").
    """
    names = [n for n in metric_names if n in set(by_group["metric"])]
    policies = [p for p in _ordered_policies(by_group) if p != reference]
    n_groups, n_policies = len(groups), max(len(policies), 1)
    band = 0.8 / n_policies
    height = 1.6 + max(n_groups, 1) * max(0.45, 0.16 * n_policies)
    with sns.axes_style("whitegrid"), sns.plotting_context("notebook", rc=_STYLE):
        fig = Figure(figsize=(4.2 * max(len(names), 1) + 1.2, height), layout="constrained")
        axes = fig.subplots(1, max(len(names), 1), squeeze=False).ravel()
        y = np.arange(n_groups)
        for ax, name in zip(axes, names, strict=False):
            m = metrics[name]
            rows = by_group[by_group["metric"] == name].set_index(["policy", "group"])
            for i, policy in enumerate(policies):
                d = rows.reindex([(policy, g) for g in groups])
                mean = d["difference"].to_numpy(float)
                err = np.vstack([mean - d["diff_ci_low"].to_numpy(float), d["diff_ci_high"].to_numpy(float) - mean])
                ax.errorbar(mean, y - 0.4 + band * (i + 0.5), xerr=np.nan_to_num(np.abs(err)), fmt="o",
                            color=_colour(policy), label=policy, ms=4.5, capsize=2, lw=1.2)
            ax.axvline(0, color=_colour(reference), lw=1.2)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
            format_axis(ax, m, "x", difference=True)
            ax.set_title(_wrap(m.label, 36), loc="left", fontsize=10)
            ax.set_xlabel(f"difference from {reference}")
            ax.grid(axis="y", visible=False)
            levels = rows["value"] if len(rows) else pd.Series(dtype=float)
            labels = []
            for g in groups:
                level = levels.get((reference, g), np.nan)
                shown = "" if pd.isna(level) else (f"{100 * level:.0f}%" if m.is_share else f"{level:,.2f}")
                labels.append(f"{_wrap(g, 18)}\n({shown})" if shown else _wrap(g, 18))
            ax.set_yticks(y, labels)
            ax.set_ylim(n_groups - 0.5, -0.5)  # the first group on top
        if policies:
            handles, labels = axes[0].get_legend_handles_labels()
            fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 6), frameon=False)
        fig.suptitle(f"Effect of each policy by {title}{', ' + when if when else ''}\n"
                     f"(permit holders aged 18–64; under each group its level under {reference}; "
                     f"bars: 95% interval from {interval})", fontsize=12, fontweight="bold")
    return fig


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text
