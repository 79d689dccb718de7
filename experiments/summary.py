"""Summaries across seeds: means with 95% confidence intervals, paired differences,
outcomes by years since permit.

Pure functions from DataFrames to tidy DataFrames, no input or output: the
compare command (`experiments.compare`) runs the models and writes what these
return. Every confidence interval is a Student-t interval of the mean across
seeds (each seed is one independent run); a difference between policies is
taken per seed first (common random numbers: seed ``i`` is the same population
in every policy) and then summarised the same way. `summarise_runs` (which the
for-whom tables of `experiments.for_whom` use) also takes runs on several
posterior draws into account: its intervals then include the parameters'
uncertainty (`mean_interval`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

from model import KEY_METRICS, METRICS
from model.outcomes import GROUPINGS, NEWCOMER_MEASURES, Metric, measure_columns
from model.parameters import DEFAULTS

REFERENCE_POLICY = "baseline_2013"
CONFIDENCE = 0.95

# --- metrics derived for the report -------------------------------------------------

# Model-wide totals that only make sense per person: reported divided by n_newcomers.
PER_NEWCOMER_TOTALS: tuple[str, ...] = ("public_cost_eur", "fiscal_return_eur")


def per_newcomer_name(name: str) -> str:
    """``public_cost_eur`` -> ``public_cost_per_newcomer_eur``."""
    return name.removesuffix("_eur") + "_per_newcomer_eur"


PER_NEWCOMER_LABELS = {"public_cost_eur": "Gross public cost (before taxes and premiums), cumulative, per newcomer"}
"""Labels that say more than the total's label with ", per newcomer" added."""


def _per_newcomer(metric: Metric) -> Metric:
    label = PER_NEWCOMER_LABELS.get(metric.name, f"{metric.label}, per newcomer")
    return Metric(per_newcomer_name(metric.name), label, metric.unit, metric.key, metric.better)


NET_COST = Metric("net_public_cost_per_newcomer_eur",
                  "Net public cost (cost minus taxes and premiums), cumulative, per newcomer",
                  "EUR", False, -1)

class _ReportMetrics(Mapping[str, Metric]):
    """The model's metrics (`model.METRICS`, with any registered since) plus the per-newcomer costs
    derived from them, made again only when the model's metrics change."""

    def __init__(self) -> None:
        self._made: tuple[tuple[str, ...], dict[str, Metric]] = ((), {})

    def _metrics(self) -> dict[str, Metric]:
        names = tuple(METRICS)
        if names != self._made[0]:
            per_newcomer = (_per_newcomer(METRICS[n]) for n in PER_NEWCOMER_TOTALS)
            self._made = names, {**METRICS, **{m.name: m for m in per_newcomer}, NET_COST.name: NET_COST}
        return self._made[1]

    def __getitem__(self, name: str) -> Metric:
        return self._metrics()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._metrics())

    def __len__(self) -> int:
        return len(self._metrics())


REPORT_METRICS: Mapping[str, Metric] = _ReportMetrics()
"""The model's metrics plus the per-newcomer costs derived from them."""

REPORT_KEY_METRICS: tuple[str, ...] = tuple(
    per_newcomer_name(n) if n in PER_NEWCOMER_TOTALS else n for n in KEY_METRICS
)
"""The headline outcomes, with totals replaced by their per-newcomer version."""


def cohort_size(params: dict) -> int:
    """The cohort of a run with these parameter overrides (``n_newcomers``, or its default): the per-newcomer divisor."""
    return int(params.get("n_newcomers", DEFAULTS["n_newcomers"]))


def add_per_newcomer(model_table: pd.DataFrame, n_newcomers: int) -> pd.DataFrame:
    """The model table with the per-newcomer cost columns added."""
    out = model_table.copy()
    for name in PER_NEWCOMER_TOTALS:
        out[per_newcomer_name(name)] = out[name] / n_newcomers
    out[NET_COST.name] = (out["public_cost_eur"] - out["fiscal_return_eur"]) / n_newcomers
    return out


# --- the same outcomes, one newcomer at a time ------------------------------------


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
    from scipy import stats  # here, not at the top: the command line starts without it

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
    """Mean and 95% CI across seeds of the model tables' ``metrics`` per policy, metric and month
    (``months``: only these): ``policy, metric, month, year, mean, ci_low, ci_high, n_seeds``."""
    table = model_table if months is None else model_table[model_table["month"].isin(list(months))]
    long = long_model_table(table, metrics)
    return clip_to_range(mean_ci(long, ["policy", "metric", "month", "year"]))


def minus_reference(per_run: pd.DataFrame, on: list[str], reference: str) -> pd.DataFrame:
    """The rows of every policy but ``reference``, ``value`` less the reference's on the same ``on`` columns."""
    ref = per_run[per_run["policy"] == reference][[*on, "value"]].rename(columns={"value": "ref"})
    other = per_run[per_run["policy"] != reference].merge(ref, on=on, how="inner")
    other["value"] = other["value"] - other["ref"]
    return other


def paired(per_run: pd.DataFrame, keys: list[str], reference: str) -> pd.DataFrame:
    """Each policy minus ``reference`` seed by seed, then mean and 95% CI across seeds.

    ``per_run`` has one ``value`` per policy, seed and ``keys`` (what identifies a value within a
    run, e.g. metric and month); returns ``policy, *keys, mean, ci_low, ci_high, n_seeds``.
    """
    return mean_ci(minus_reference(per_run, ["seed", *keys], reference), ["policy", *keys])


def paired_differences(model_table: pd.DataFrame, metrics: Iterable[str], reference: str,
                       months: Iterable[int] | None = None) -> pd.DataFrame:
    """`summarise_over_time` of each policy minus ``reference``, seed by seed (`paired`)."""
    table = model_table if months is None else model_table[model_table["month"].isin(list(months))]
    return paired(long_model_table(table, metrics), ["metric", "month", "year"], reference)


# --- by years since permit (from newcomer snapshots) -------------------------------


def per_newcomer_values(table: pd.DataFrame, metrics: Iterable[str]) -> pd.DataFrame:
    """Each row's value of each per-newcomer measure (`NEWCOMER_MEASURES`), as floats."""
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
    frame = per_newcomer_values(sel, metrics).assign(
        policy=sel["policy"], seed=sel["seed"], years_since_permit=years_since_permit(sel["months_since_permit"]))
    keys = ["policy", "seed", "years_since_permit"]
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


# --- what the workers read, and intervals that may hold the parameters' uncertainty -----

def newcomer_summary_columns() -> tuple[str, ...]:
    """Every newcomer-table column the summaries here read: whose run and when, who counts (status,
    age), the per-newcomer measures' inputs (`model.outcomes.measure_columns`) and every grouping's
    column. A worker can build just these."""
    return tuple(dict.fromkeys((
        "policy", "seed", "month", "status", "months_since_permit", "age", *measure_columns(),
        *(g.column for g in GROUPINGS.values()),
    )))

#: What an interval holds: seed noise, or also the calibrated parameters' uncertainty (`mean_interval`).
SEEDS_ONLY, SEEDS_AND_PARAMETERS = "seeds", "seeds and parameters"


def mean_interval(frame: pd.DataFrame, by: list[str], value: str = "value") -> pd.DataFrame:
    """Mean of ``value`` per group across runs, with its 95% interval and the runs behind it.

    Without a ``draw`` column (or with one draw): the Student-t interval across
    seeds (`mean_ci`). With runs on several posterior draws: the interval from
    seeds plus parameters (`experiments.uncertainty.decompose`), which holds the
    uncertainty of the calibrated parameters, computed over all draw × seed runs.

    Returns:
        ``by`` plus ``mean, ci_low, ci_high, n_runs, interval`` (``interval``:
        "seeds" or "seeds and parameters").
    """
    n_runs = frame.groupby(by, sort=False, observed=True)[value].count().rename("n_runs").reset_index()
    if "draw" in frame.columns and frame["draw"].nunique() > 1:
        from experiments.uncertainty import decompose  # it builds on this module

        out = decompose(frame.rename(columns={value: "value"}), by)[[*by, "mean", "ci_low", "ci_high"]]
        out["interval"] = SEEDS_AND_PARAMETERS
    else:
        out = mean_ci(frame, by, value).drop(columns="n_seeds")
        out["interval"] = SEEDS_ONLY
    out = out.merge(n_runs, on=by, how="left")
    return out[[*by, "mean", "ci_low", "ci_high", "n_runs", "interval"]]


def summarise_runs(per_run: pd.DataFrame, keys: list[str], reference: str | None = None,
                   clip: bool = True) -> pd.DataFrame:
    """Across runs: each policy's mean ``value`` per ``keys`` with its interval, and the paired difference.

    Args:
        per_run: One row per policy, seed (and ``draw`` with a posterior) and
            ``keys``, with ``value`` and ``n_newcomers``.
        keys: What identifies a value within a run (e.g. grouping, group, metric, horizon).
        reference: Subtract this policy run by run (same seed and same posterior draw)
            and summarise the differences; None: no difference columns.
        clip: Clip the level's interval to what a metric can be (needs a ``metric`` key).

    Returns:
        ``policy, *keys, value, ci_low, ci_high`` (``difference, diff_ci_low,
        diff_ci_high``: empty for the reference), ``n_runs, n_newcomers, interval``.
    """
    levels = mean_interval(per_run, ["policy", *keys]).rename(columns={"mean": "value"})
    if clip and "metric" in keys:
        levels = clip_to_range(levels)
    if "n_newcomers" in per_run.columns:
        n = per_run.groupby(["policy", *keys], sort=False, observed=True)["n_newcomers"].mean()
        levels = levels.merge(n.reset_index(), on=["policy", *keys], how="left")
    columns = ["policy", *keys, "value", "ci_low", "ci_high"]
    if reference is not None:
        pair = ["seed", *(["draw"] if "draw" in per_run.columns else []), *keys]
        diff = mean_interval(minus_reference(per_run, pair, reference), ["policy", *keys]).drop(
            columns=["n_runs", "interval"]).rename(
            columns={"mean": "difference", "ci_low": "diff_ci_low", "ci_high": "diff_ci_high"})
        levels = levels.merge(diff, on=["policy", *keys], how="left")
        columns += ["difference", "diff_ci_low", "diff_ci_high"]
    columns += ["n_runs", *(["n_newcomers"] if "n_newcomers" in levels.columns else []), "interval"]
    return levels[columns]


# --- what a run or a sweep says in the terminal ------------------------------------

RESULT_METRICS: dict[str, str] = {"share_employed": "employed", "share_a2_plus": "Dutch A2+",
                                  "share_isolated": "isolated", "share_on_welfare": "on bijstand",
                                  NET_COST.name: "net public cost per newcomer"}
"""The outcomes `run` and `sweep` print when they finish (the mission's three, welfare, the net cost), in short words."""


def run_result_line(model_table: pd.DataFrame, n_newcomers: int) -> str:
    """What a run came to at its last month, mean over its seeds, in one line.

    ``model_table``: one policy, one or more seeds; ``n_newcomers``: the cohort, for the net cost per newcomer.
    """
    from experiments.comparison.formatting import format_value

    table = add_per_newcomer(model_table, n_newcomers)
    last = table[table["month"] == table["month"].max()]
    seeds = last["seed"].nunique() if "seed" in last else 1
    parts = [f"{words} {format_value(REPORT_METRICS[m], last[m].mean())}" for m, words in RESULT_METRICS.items()
             if m in last]
    months = int(last["month"].iloc[0])
    when = f"{months // 12} years" if months % 12 == 0 else f"{months} months"
    return f"after {when} ({'mean of ' + str(seeds) + ' seeds' if seeds > 1 else '1 seed'}): " + "; ".join(parts)
