"""How sure are we? Seed noise and parameter uncertainty, separated.

A comparison with ``--posterior K`` runs every policy on K parameter sets
drawn from the calibration's posterior, S seeds each (the same draws and
seeds in every policy). For an outcome (or a policy's effect: the paired
difference from the reference, run by run), with ``N = K * S`` runs:

* within-draw variance ``w``: the seed-to-seed variance, pooled over draws;
* parameter variance ``b``: how much the outcome itself varies across the
  posterior: the variance of the K draw means less the part seed noise
  explains (``w / S``), floored at 0 (a one-way random-effects ANOVA);
* the interval **from seeds alone**: ``mean +- t(N-K) * sqrt(w / N)``, what
  the comparison would report if the parameters were known;
* the interval **from seeds plus parameters**: ``mean +- t(K-1) * sqrt(b + w / N)``:
  where the outcome under the true parameters lies, given the posterior;
* the **share of the variance due to parameters**: ``b / (b + w / N)``;
* the **probability of beating the reference by at least 1 pp** (shares
  only, in the direction that is better): ``P(effect >= 1 pp)`` under the
  Student-t distribution (K-1 degrees of freedom) of the second interval.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from experiments import summary as S

MARGIN = 0.01  # "beats the reference by at least 1 percentage point"
COLUMNS = ["mean", "ci_low_seeds", "ci_high_seeds", "ci_low", "ci_high", "param_share", "n_draws", "n_seeds"]


def decompose(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Mean, seeds-only and seeds-plus-parameters intervals of ``value`` per group.

    Args:
        frame: One row per run with ``draw``, ``seed``, ``value`` and the ``by`` columns.
        by: Grouping columns.

    Returns:
        ``by`` plus `COLUMNS` (``n_seeds``: seeds per draw).
    """
    per_draw = (frame.dropna(subset=["value"]).groupby([*by, "draw"], sort=False, observed=True)["value"]
                .agg(["mean", "var", "count"]).reset_index())
    g = per_draw.groupby(by, sort=False, observed=True)
    out = g.agg(mean=("mean", "mean"), between=("mean", "var"), within=("var", "mean"),
                n_draws=("draw", "nunique"), n_seeds=("count", "mean")).reset_index()
    k, s = out["n_draws"].to_numpy(float), out["n_seeds"].to_numpy(float)
    n = k * s
    within = out["within"].fillna(0.0).to_numpy()
    between = np.maximum(0.0, out["between"].fillna(0.0).to_numpy() - within / s)
    seed_var, total_var = within / n, between + within / n
    from scipy import stats  # here, not at the top: the command line starts without it

    with np.errstate(invalid="ignore", divide="ignore"):
        t_seeds = stats.t.ppf(0.5 + S.CONFIDENCE / 2, np.maximum(n - k, 1))
        t_total = stats.t.ppf(0.5 + S.CONFIDENCE / 2, np.maximum(k - 1, 1))
        out["param_share"] = np.where(total_var > 0, between / total_var, 0.0)
    half_seeds, half_total = t_seeds * np.sqrt(seed_var), t_total * np.sqrt(total_var)
    mean = out["mean"].to_numpy()
    out["ci_low_seeds"], out["ci_high_seeds"] = mean - half_seeds, mean + half_seeds
    out["ci_low"], out["ci_high"] = mean - half_total, mean + half_total
    out["sd_total"] = np.sqrt(total_var)
    return out[[*by, *COLUMNS, "sd_total"]]


def level_uncertainty(model_table: pd.DataFrame, metrics: Iterable[str],
                      months: Iterable[int] | None = None) -> pd.DataFrame:
    """Each policy's outcomes with both intervals, per metric and month."""
    table = model_table if months is None else model_table[model_table["month"].isin(list(months))]
    long = table.melt(id_vars=["policy", "draw", "seed", "month", "year"], value_vars=list(metrics),
                      var_name="metric", value_name="value")
    out = decompose(long, ["policy", "metric", "month", "year"]).drop(columns="sd_total")
    return S.clip_to_range(out)


def effect_uncertainty(model_table: pd.DataFrame, metrics: Iterable[str], reference: str,
                       months: Iterable[int] | None = None) -> pd.DataFrame:
    """Each policy's effect (minus ``reference``, run by run) with both intervals and P(beats by 1 pp).

    Returns:
        ``policy, metric, month, year`` plus `COLUMNS` and ``p_beats`` (NaN
        where the metric is not a share with a better direction).
    """
    table = model_table if months is None else model_table[model_table["month"].isin(list(months))]
    long = S.long_model_table(table, metrics).merge(table[["policy", "seed", "month", "draw"]],
                                                  on=["policy", "seed", "month"])
    other = S.minus_reference(long, ["draw", "seed", "metric", "month"], reference)
    out = decompose(other, ["policy", "metric", "month", "year"])
    if out.empty:  # nothing to compare with the reference
        return out.drop(columns="sd_total").assign(p_beats=pd.Series(dtype=float))
    from scipy import stats

    better = out["metric"].map(lambda m: S.REPORT_METRICS[m].better if S.REPORT_METRICS[m].is_share else 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (better * out["mean"] - MARGIN) / out["sd_total"]
        # The Student-t CDF with K-1 degrees of freedom, as the seeds-plus-parameters interval uses.
        p = np.where(out["sd_total"] > 0, stats.t.cdf(z, np.maximum(out["n_draws"].to_numpy(float) - 1, 1)),
                     (better * out["mean"] >= MARGIN).astype(float))
    out["p_beats"] = np.where(better != 0, p, np.nan)
    return out.drop(columns="sd_total")
