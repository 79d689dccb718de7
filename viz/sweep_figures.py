"""Seaborn figures of a parameter sweep and of a sensitivity analysis.

Each function takes a DataFrame (as returned by ``experiments.sweep.load_sweep``
or written by ``nieuwkomers sensitivity``) and returns a matplotlib `Figure`;
nothing here runs models or writes files. Labels and units come from the
metric and parameter registries (`model.METRICS`, `model.PARAMS`).
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from model import METRICS, PARAMS

_STYLE = {"axes.titlesize": 11, "axes.titleweight": "bold", "axes.labelsize": 10,
          "legend.fontsize": 9, "xtick.labelsize": 9, "ytick.labelsize": 9}
_INDEX_NAMES = {
    "S1": "first order (S1)",
    "ST": "total (ST)",
    "mu_star": "mean |elementary effect| (μ*)",
    "sigma": "spread of effects (σ)",
}
MAX_LEVELS = 12  # a numeric parameter with more distinct values is binned (heatmap) or scattered (line)


def metric_label(metric: str) -> str:
    """Plain-language label of a metric, with its unit."""
    m = METRICS.get(metric)
    if m is None:
        return metric
    unit = {"share": "%", "EUR": "EUR"}.get(m.unit, m.unit)
    return f"{m.label} [{unit}]" if unit and unit != "count" else m.label


def parameter_label(name: str, width: int = 40) -> str:
    """A parameter's name and, below it, its plain-language label (wrapped to ``width``)."""
    p = PARAMS.get(name)
    if p is None:
        return name
    unit = f" ({p.unit})" if p.unit and p.unit not in p.label else ""
    return name + "\n" + "\n".join(textwrap.wrap(p.label + unit, width))


def years_text(year: float) -> str:
    """'1 year', '2.5 years'."""
    return f"{year:g} year" + ("" if year == 1 else "s")


def _value_formatter(metric: str):
    m = METRICS.get(metric)
    if m is not None and m.is_share:
        return PercentFormatter(1.0, decimals=0)
    if m is not None and m.unit == "EUR":
        return FuncFormatter(lambda v, _p: f"€{v / 1e6:.1f}M" if abs(v) >= 1e6 else f"€{v:,.0f}")
    return None


def _cell_text(metric: str, value: float) -> str:
    m = METRICS.get(metric)
    if np.isnan(value):
        return ""
    if m is not None and m.is_share:
        return f"{100 * value:.0f}%"
    if abs(value) >= 1e6:
        return f"{value / 1e6:.1f}M"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def _wide(df: pd.DataFrame, metric: str, year: float | None) -> tuple[pd.DataFrame, float]:
    """Rows of one metric at one year, with the metric's values in column ``value``."""
    if "metric" in df.columns:
        df = df[df["metric"] == metric]
    else:
        if metric not in df.columns:
            raise ValueError(f"metric {metric!r} is not in the sweep's columns")
        df = df.rename(columns={metric: "value"})
    if df.empty:
        raise ValueError(f"no rows for metric {metric!r}")
    if year is None:
        year = float(df["month"].max()) / 12
    df = df[df["month"] == int(round(12 * year))]
    if df.empty:
        raise ValueError(f"no rows for metric {metric!r} at year {year:g}")
    return df, year


def _is_fine_numeric(series: pd.Series) -> bool:
    return (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
            and series.nunique() > MAX_LEVELS)


def metric_over_parameters(
    df: pd.DataFrame,
    metric: str,
    x: str,
    y: str | None = None,
    year: float | None = None,
    kind: str | None = None,
) -> Figure:
    """A metric over one or two swept parameters.

    - One parameter (``kind="line"``): mean over replicates with a 95% CI band
      (a scatter of point means when a sample has many distinct values).
    - Two parameters, ``kind="line"``: one line per value of ``y``.
    - Two parameters, ``kind="heatmap"`` (the default for two): the mean in each
      cell; sampled (many-valued) parameters are binned.

    Args:
        df: A sweep as from ``load_sweep`` (tidy or wide).
        metric: Metric name.
        x: Swept parameter on the x axis.
        y: Second swept parameter (colour or heatmap rows).
        year: Year to show (default: the last stored).
        kind: "line" or "heatmap".

    Returns:
        The figure.
    """
    kind = kind or ("heatmap" if y else "line")
    if kind not in ("line", "heatmap"):
        raise ValueError(f"kind={kind!r} is not allowed: expected 'line' or 'heatmap'")
    if kind == "heatmap" and y is None:
        raise ValueError("a heatmap needs two parameters (x and y)")
    for name in (x, y):
        if name is not None and name not in df.columns:
            raise ValueError(f"{name!r} is not a column of the sweep (swept parameters only)")
    data, year = _wide(df, metric, year)
    title = f"{METRICS[metric].label if metric in METRICS else metric} after {years_text(year)}"
    pooled = [c for c in data.columns
              if (c in PARAMS or c == "policy") and c not in (x, y) and data[c].nunique() > 1]
    replicates = data.groupby("point_id")["value"].size()
    seeds = f"{replicates.min()}" + (f"–{replicates.max()}" if replicates.max() != replicates.min() else "")
    if kind == "heatmap":
        note = f"mean of {seeds} seeds per point"
    elif _is_fine_numeric(data[x]):
        note = f"dots: one point each, mean of {seeds} seeds"
    else:
        note = f"mean of {seeds} seeds per point; band/bars: 95% CI"
    if pooled:
        note += f"; pooled over {', '.join(pooled)}"
    note = "\n".join(textwrap.wrap(note, 95))
    with sns.axes_style("whitegrid"), sns.plotting_context("notebook", rc=_STYLE):
        fig = Figure(figsize=(7.5, 5.0) if kind == "line" else (8.0, 6.0), layout="constrained")
        ax = fig.subplots()
        if kind == "line":
            _line(ax, data, x, y)
            ax.set_ylabel(metric_label(metric))
            formatter = _value_formatter(metric)
            if formatter is not None:
                ax.yaxis.set_major_formatter(formatter)
        else:
            _heatmap(ax, data, metric, x, y)
        ax.set_xlabel(parameter_label(x))
        fig.suptitle(title, fontsize=11, fontweight="bold")
        ax.set_title(note, fontsize=9, color="0.3")
    return fig


def _line(ax, data: pd.DataFrame, x: str, y: str | None) -> None:
    hue_kwargs = {}
    if y is not None:
        hue_kwargs = {"hue": y, "palette": "viridis" if _is_fine_numeric(data[y]) else "colorblind"}
    if _is_fine_numeric(data[x]):
        means = data.groupby(["point_id", x, *([y] if y else [])], as_index=False)["value"].mean()
        sns.scatterplot(means, x=x, y="value", ax=ax, s=28, alpha=0.8, **hue_kwargs)
    elif pd.api.types.is_numeric_dtype(data[x]) and not pd.api.types.is_bool_dtype(data[x]):
        sns.lineplot(data, x=x, y="value", ax=ax, marker="o", errorbar=("se", 1.96), **hue_kwargs)
    else:
        sns.pointplot(data, x=x, y="value", ax=ax, errorbar=("se", 1.96), dodge=0.3 if y else False,
                      **hue_kwargs)
    if y is not None and ax.get_legend() is not None:
        sns.move_legend(ax, "best", title=y, title_fontsize=9, fontsize=9)


def _binned(series: pd.Series, n_bins: int) -> pd.Series:
    """A many-valued numeric column cut into ``n_bins`` equal-width bins labelled 'low–high'."""
    if not _is_fine_numeric(series):
        return series
    bins = pd.cut(series, n_bins)
    labels = [f"{b.left:.2g}–{b.right:.2g}" for b in bins.cat.categories]
    return bins.cat.rename_categories(labels)


def _heatmap(ax, data: pd.DataFrame, metric: str, x: str, y: str) -> None:
    # About two points per cell when both axes are sampled, never fewer than 3 or more than 8 bins.
    n_bins = int(np.clip(np.sqrt(data["point_id"].nunique() / 2), 3, 8))
    data = data.assign(**{x: _binned(data[x], n_bins), y: _binned(data[y], n_bins)})
    table = data.pivot_table(index=y, columns=x, values="value", aggfunc="mean", observed=False)
    table = table.sort_index(ascending=False)  # larger y at the top, like a chart
    m = METRICS.get(metric)
    cmap = "mako" if m is None or m.better >= 0 else "mako_r"
    annotate = table.size <= 120
    sns.heatmap(table, ax=ax, cmap=cmap, annot=table.map(lambda v: _cell_text(metric, v)) if annotate else False,
                fmt="", linewidths=0.5, cbar_kws={"label": metric_label(metric)})
    cbar = ax.collections[0].colorbar
    formatter = _value_formatter(metric)
    if formatter is not None:
        cbar.ax.yaxis.set_major_formatter(formatter)
    ax.set_ylabel(parameter_label(y))
    ax.tick_params(axis="x", labelrotation=0 if table.shape[1] <= 6 else 45)
    ax.tick_params(axis="y", labelrotation=0)


def sensitivity_bars(table: pd.DataFrame, title: str | None = None) -> Figure:
    """Sensitivity indices per parameter, with 95% confidence intervals.

    Args:
        table: As written by ``nieuwkomers sensitivity``: ``parameter``,
            ``index`` (S1, ST for Sobol; mu_star, sigma for Morris), ``value``,
            ``conf`` (half-width of the 95% CI; NaN where SALib gives none).
        title: Figure title.

    Returns:
        Horizontal bars, parameters sorted by their total (ST) or μ* index,
        largest at the top.
    """
    shown = [i for i in ("S1", "ST", "mu_star", "sigma") if i in set(table["index"])]
    data = table[table["index"].isin(shown)].copy()
    lead = "ST" if "ST" in shown else shown[0]
    order = (data[data["index"] == lead].sort_values("value", ascending=False)["parameter"].tolist())
    data["index"] = data["index"].map(_INDEX_NAMES)
    hue_order = [_INDEX_NAMES[i] for i in shown]
    labels = [parameter_label(p, width=34) for p in order]
    lines = sum(label.count("\n") + 1 for label in labels)
    height = 1.6 + 0.2 * lines + 0.3 * len(order) * len(shown)
    with sns.axes_style("whitegrid"), sns.plotting_context("notebook", rc=_STYLE):
        fig = Figure(figsize=(8.5, max(3.5, height)), layout="constrained")
        ax = fig.subplots()
        sns.barplot(data, y="parameter", x="value", hue="index", order=order, hue_order=hue_order,
                    orient="h", errorbar=None, palette="colorblind", ax=ax)
        for container, name in zip(ax.containers, hue_order, strict=False):
            rows = data[data["index"] == name].set_index("parameter").reindex(order)
            centres = [bar.get_y() + bar.get_height() / 2 for bar in container]
            conf = rows["conf"].to_numpy(dtype=float)
            if np.isfinite(conf).any():
                ax.errorbar(rows["value"].to_numpy(dtype=float), centres, xerr=np.nan_to_num(conf),
                            fmt="none", ecolor="0.15", elinewidth=1.2, capsize=3)
        ax.axvline(0, color="0.3", linewidth=0.8)
        ax.set_yticks(range(len(order)), labels)
        ax.set_ylabel("")
        ax.set_xlabel("index (whiskers: 95% confidence interval)")
        sns.move_legend(ax, "lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(hue_order),
                        title=None, frameon=False)
        if title:
            fig.suptitle(title, fontsize=11, fontweight="bold")
    return fig
