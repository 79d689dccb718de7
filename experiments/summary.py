"""Summaries across seeds: means with 95% confidence intervals, paired differences,
outcomes by years since permit and by subgroup.

Pure functions from DataFrames to tidy DataFrames, no input or output: the
compare command (`experiments.compare`) runs the models and writes what these
return. Every confidence interval is a Student-t interval of the mean across
seeds (each seed is one independent run); a difference between policies is
taken per seed first (common random numbers: seed ``i`` is the same population
in every policy) and then summarised the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from model import KEY_METRICS, METRICS
from model.outcomes import NEWCOMER_MEASURES, Metric
from model.population import EDUCATION_NAMES

REFERENCE_POLICY = "baseline_2013"
CONFIDENCE = 0.95

# --- metrics derived for the report -------------------------------------------------

# Model-wide totals that only make sense per person: reported divided by n_newcomers.
PER_NEWCOMER_TOTALS: tuple[str, ...] = ("public_cost_eur", "fiscal_return_eur")


def per_newcomer_name(name: str) -> str:
    """``public_cost_eur`` -> ``public_cost_per_newcomer_eur``."""
    return name.removesuffix("_eur") + "_per_newcomer_eur"


def _per_newcomer(metric: Metric) -> Metric:
    return Metric(per_newcomer_name(metric.name), f"{metric.label}, per newcomer", metric.unit,
                  metric.key, metric.better)


NET_COST = Metric("net_public_cost_per_newcomer_eur",
                  "Net public cost (cost minus taxes and premiums), cumulative, per newcomer",
                  "EUR", False, -1)

REPORT_METRICS: dict[str, Metric] = {
    **METRICS,
    **{m.name: m for m in (_per_newcomer(METRICS[n]) for n in PER_NEWCOMER_TOTALS)},
    NET_COST.name: NET_COST,
}
"""The model's metrics plus the per-newcomer costs derived from them."""

REPORT_KEY_METRICS: tuple[str, ...] = tuple(
    per_newcomer_name(n) if n in PER_NEWCOMER_TOTALS else n for n in KEY_METRICS
)
"""The headline outcomes, with totals replaced by their per-newcomer version."""


def add_per_newcomer(model_table: pd.DataFrame, n_newcomers: int) -> pd.DataFrame:
    """The model table with the per-newcomer cost columns added."""
    out = model_table.copy()
    for name in PER_NEWCOMER_TOTALS:
        out[per_newcomer_name(name)] = out[name] / n_newcomers
    out[NET_COST.name] = (out["public_cost_eur"] - out["fiscal_return_eur"]) / n_newcomers
    return out


# --- the same outcomes, one newcomer at a time ------------------------------------


assert set(NEWCOMER_MEASURES) <= set(METRICS), set(NEWCOMER_MEASURES) - set(METRICS)

NEWCOMER_KEY_METRICS: tuple[str, ...] = tuple(n for n in KEY_METRICS if n in NEWCOMER_MEASURES)


def permit_adults(newcomers: pd.DataFrame) -> pd.Series:
    """Rows in the metrics' denominator: holding a permit and aged 18-64."""
    return (newcomers["status"] == "permit") & (newcomers["age"] >= 18) & (newcomers["age"] < 65)


def years_since_permit(months_since_permit: pd.Series) -> pd.Series:
    """Whole years since the permit, rounded (so year 5 is 4.5 to 5.5 years after it)."""
    return np.floor(months_since_permit / 12 + 0.5).astype("Int64")


# --- means and confidence intervals -----------------------------------------------


def mean_ci(frame: pd.DataFrame, by: list[str], value: str = "value") -> pd.DataFrame:
    """Mean of ``value`` per group with a 95% Student-t confidence interval.

    Each row of ``frame`` is one seed's value. Missing values (an outcome that is
    undefined in a run, e.g. a share of nobody) are left out and not counted.
    With a single seed the interval is missing.

    Returns:
        ``by`` columns plus ``mean, ci_low, ci_high, n_seeds``.
    """
    g = frame.groupby(by, sort=False, observed=True)[value]
    out = g.agg(["mean", "std", "count"]).reset_index()
    n = out["count"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.5 + CONFIDENCE / 2, np.maximum(n - 1, 1)) * out["std"].to_numpy() / np.sqrt(n)
    half = np.where(n > 1, half, np.nan)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    out = out.rename(columns={"count": "n_seeds"}).drop(columns="std")
    return out[[*by, "mean", "ci_low", "ci_high", "n_seeds"]]


_RANGES = {"share": (0.0, 1.0), "0-1": (0.0, 1.0), "score 0-5": (0.0, 5.0), "count": (0.0, None),
           "ties": (0.0, None), "EUR >= 0": (0.0, None)}
_SIGNED = {NET_COST.name}  # money that can be negative


def clip_to_range(summary: pd.DataFrame, metrics: dict[str, Metric] | None = None) -> pd.DataFrame:
    """Confidence limits clipped to what a metric can be (a share stays within 0-100%).

    The Student-t interval is symmetric and, with few seeds or a share near 0
    or 1, can reach past the possible range; the mean always stays inside.
    """
    metrics = metrics or REPORT_METRICS
    out = summary.copy()
    units = out["metric"].map(lambda name: "EUR >= 0" if metrics[name].unit == "EUR" and name not in _SIGNED
                              else metrics[name].unit)
    for unit, (low, high) in _RANGES.items():
        rows = units == unit
        out.loc[rows, "ci_low"] = out.loc[rows, "ci_low"].clip(lower=low)
        if high is not None:
            out.loc[rows, "ci_high"] = out.loc[rows, "ci_high"].clip(upper=high)
    return out


def long_model_table(model_table: pd.DataFrame, metrics: Iterable[str]) -> pd.DataFrame:
    """One row per policy, seed, month and metric (column ``value``)."""
    return model_table.melt(id_vars=["policy", "seed", "month", "year"], value_vars=list(metrics),
                            var_name="metric", value_name="value")


def summarise_over_time(model_table: pd.DataFrame, metrics: Iterable[str],
                        months: Iterable[int] | None = None) -> pd.DataFrame:
    """Mean and 95% CI across seeds per policy, metric and month.

    Args:
        model_table: Model tables of many runs (with per-newcomer columns if asked for).
        metrics: Metric columns to summarise.
        months: Only these months (default: every month).

    Returns:
        ``policy, metric, month, year, mean, ci_low, ci_high, n_seeds``.
    """
    table = model_table if months is None else model_table[model_table["month"].isin(list(months))]
    long = long_model_table(table, metrics)
    return clip_to_range(mean_ci(long, ["policy", "metric", "month", "year"]))


def paired(per_run: pd.DataFrame, keys: list[str], reference: str) -> pd.DataFrame:
    """Each policy minus ``reference`` seed by seed, then mean and 95% CI across seeds.

    Args:
        per_run: One row per policy, seed and ``keys`` with a ``value`` column.
        keys: What identifies a value within a run (e.g. metric and month).
        reference: The policy subtracted.

    Returns:
        ``policy, *keys, mean, ci_low, ci_high, n_seeds`` for every other policy.
    """
    ref = per_run[per_run["policy"] == reference][["seed", *keys, "value"]].rename(columns={"value": "ref"})
    other = per_run[per_run["policy"] != reference].merge(ref, on=["seed", *keys], how="inner")
    other["value"] = other["value"] - other["ref"]
    return mean_ci(other, ["policy", *keys])


def paired_differences(model_table: pd.DataFrame, metrics: Iterable[str], reference: str,
                       months: Iterable[int] | None = None) -> pd.DataFrame:
    """Each policy minus ``reference``, seed by seed, summarised across seeds.

    Returns:
        ``policy, metric, month, year, mean, ci_low, ci_high, n_seeds`` for every
        policy other than the reference.
    """
    table = model_table if months is None else model_table[model_table["month"].isin(list(months))]
    return paired(long_model_table(table, metrics), ["metric", "month", "year"], reference)


# --- by years since permit and by subgroup (from newcomer snapshots) ---------------


def _measures(table: pd.DataFrame, metrics: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({m: NEWCOMER_MEASURES[m](table).astype(float) for m in metrics},
                        index=table.index)


def check_newcomer_metrics(metrics: Iterable[str]) -> list[str]:
    """The metrics as a list, or ValueError naming one without a per-newcomer measure."""
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    for m in metrics:
        if m not in NEWCOMER_MEASURES:
            raise ValueError(f"metric {m!r} has no per-newcomer value; choose one of: "
                             f"{', '.join(NEWCOMER_MEASURES)}")
    return metrics


def per_run_by_years_since_permit(newcomers: pd.DataFrame, metrics: Iterable[str]) -> pd.DataFrame:
    """Each run's outcome among permit holders (18-64), by whole years since the permit.

    Returns:
        ``policy, seed, years_since_permit, metric, value, n_newcomers`` where
        ``value`` is the share (or mean) among the ``n_newcomers`` permit holders
        of that run who were that many years past their permit at a snapshot.
    """
    metrics = check_newcomer_metrics(metrics)
    sel = newcomers[permit_adults(newcomers)]
    return _means_per_run(sel, metrics, years_since_permit=years_since_permit(sel["months_since_permit"]))


def _means_per_run(sel: pd.DataFrame, metrics: list[str], **groups: pd.Series) -> pd.DataFrame:
    """Mean of each per-newcomer measure in ``sel`` per policy, seed and ``groups``, in long form."""
    frame = _measures(sel, metrics)
    frame["policy"], frame["seed"] = sel["policy"], sel["seed"]
    for name, values in groups.items():
        frame[name] = values
    keys = ["policy", "seed", *groups]
    g = frame.groupby(keys, sort=True, observed=True)
    means = g[metrics].mean()
    # In long form, metric after metric (what DataFrame.melt gives, without its overhead).
    k = len(means)
    repeat = np.tile(np.arange(k), len(metrics))
    out = {key: means.index.get_level_values(key).take(repeat) for key in keys}
    out["metric"] = np.repeat(np.array(metrics, dtype=object), k)
    out["value"] = means.to_numpy().ravel(order="F")
    out["n_newcomers"] = np.tile(g.size().to_numpy(), len(metrics))
    return pd.DataFrame(out)


def summarise_by_years_since_permit(per_run: pd.DataFrame, reference: str | None = None) -> pd.DataFrame:
    """Across seeds: ``policy, metric, years_since_permit, mean, ci_low, ci_high, n_seeds, n_newcomers``.

    ``n_newcomers`` is the mean number of permit holders per seed behind each
    value. With a ``reference`` policy, ``diff_mean, diff_ci_low, diff_ci_high``
    hold the paired difference from it (empty for the reference itself).
    """
    keys = ["policy", "metric", "years_since_permit"]
    out = clip_to_range(mean_ci(per_run, keys))
    n = per_run.groupby(keys, sort=False, observed=True)["n_newcomers"].mean().rename("n_newcomers")
    out = out.merge(n.reset_index(), on=keys, how="left")
    if reference is not None:
        diff = paired(per_run, keys[1:], reference).drop(columns="n_seeds")
        diff = diff.rename(columns={"mean": "diff_mean", "ci_low": "diff_ci_low", "ci_high": "diff_ci_high"})
        out = out.merge(diff, on=keys, how="left")
    return out


def by_years_since_permit(newcomers: pd.DataFrame, metric: str | Iterable[str]) -> pd.DataFrame:
    """An outcome by years since the permit, the way CBS reports it.

    Args:
        newcomers: Newcomer snapshots of one or more runs (with ``policy`` and
            ``seed`` columns), e.g. ``newcomers.parquet`` of a comparison.
        metric: A metric name (or several) that is an average over permit
            holders, e.g. ``"share_employed"`` (see `NEWCOMER_MEASURES`).

    Returns:
        One row per policy, metric and whole year since permit (rounded):
        ``policy, metric, years_since_permit, mean, ci_low, ci_high, n_seeds,
        n_newcomers``; mean and 95% CI across seeds.
    """
    return summarise_by_years_since_permit(per_run_by_years_since_permit(newcomers, metric))


SUBGROUPS = ("education", "gender", "municipality")


def subgroup_of(newcomers: pd.DataFrame, by: str) -> pd.Series:
    """The subgroup each newcomer belongs to.

    ``gender`` splits women by care duties (the study stresses women with care
    duties): "men", "women without care duties", "women with care duties".
    """
    if by == "gender":
        female, care = newcomers["gender"] == "female", newcomers["care_duties"].astype(bool)
        return pd.Series(np.where(~female, "men", np.where(care, "women with care duties",
                                                                 "women without care duties")),
                         index=newcomers.index)
    if by in ("education", "municipality"):
        return newcomers[by].astype(str)
    raise ValueError(f"--by {by!r} is not allowed; choose one of: {', '.join(SUBGROUPS)}")


def subgroup_order(by: str, groups: Iterable[str]) -> list[str]:
    """Groups in a natural order (education low to high, men then women)."""
    groups = list(dict.fromkeys(groups))
    if by == "education":
        return [g for g in EDUCATION_NAMES if g in groups]
    if by == "gender":
        order = ["men", "women without care duties", "women with care duties"]
        return [g for g in order if g in groups]
    return sorted(groups)


def per_run_by_subgroup(newcomers: pd.DataFrame, by: str, metrics: Iterable[str]) -> pd.DataFrame:
    """Each run's outcomes among permit holders (18-64) at its last snapshot, per subgroup.

    Returns:
        ``policy, seed, month, group, metric, value, n_newcomers``.
    """
    metrics = check_newcomer_metrics(metrics)
    last = newcomers.groupby(["policy", "seed"], observed=True)["month"].transform("max")
    sel = newcomers[permit_adults(newcomers) & (newcomers["month"] == last)]
    return _means_per_run(sel, metrics, month=sel["month"], group=subgroup_of(sel, by))


def summarise_by_subgroup(per_run: pd.DataFrame) -> pd.DataFrame:
    """Across seeds: ``policy, metric, group, mean, ci_low, ci_high, n_seeds, n_newcomers``."""
    keys = ["policy", "metric", "group"]
    out = clip_to_range(mean_ci(per_run, keys))
    n = per_run.groupby(keys, sort=False, observed=True)["n_newcomers"].mean().rename("n_newcomers")
    return out.merge(n.reset_index(), on=keys, how="left")


def by_subgroup(newcomers: pd.DataFrame, by: str, metric: str | Iterable[str]) -> pd.DataFrame:
    """Outcomes per subgroup (``education``, ``gender`` or ``municipality``) at the last snapshot."""
    return summarise_by_subgroup(per_run_by_subgroup(newcomers, by, metric))
