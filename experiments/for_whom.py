"""For whom: outcomes per group of newcomers, at every horizon, with intervals and paired differences.

A *grouping* is a name of `model.outcomes.GROUPINGS` (gender, education, age on
arrival, household, municipality) or a crossing of several ("gender,education":
groups like "women, high"). For each run, `per_run_by_group` takes every
per-newcomer measure's mean among the permit holders (18-64) of each group at
every whole calendar year of the run and every whole year since the permit (as
CBS reports); the comparison's workers do this, so that the parent holds no
newcomer rows. `summarise_by_group` then gives the mean across runs with its
95% interval (across seeds; with runs on posterior draws, from seeds and
parameters) and the paired difference from a reference policy, run by run.
`by_group` does both for any newcomer table (its example); `most_and_least_helped` and
`group_gaps` read the result for the reports. Pure functions from DataFrames to tidy
DataFrames, like `experiments.summary`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from experiments.summary import (
    NEWCOMER_MEASURES,
    REPORT_METRICS,
    check_newcomer_metrics,
    per_newcomer_values,
    permit_adults,
    summarise_runs,
    years_since_permit,
)
from model.outcomes import GROUPINGS, unknown_grouping_message

BY_GROUP_KEYS = ["grouping", "group", "metric", "horizon_kind", "horizon"]
PER_RUN_BY_GROUP_COLUMNS = ["policy", "seed", *BY_GROUP_KEYS, "value", "n_newcomers"]
BY_GROUP_COLUMNS = ["policy", *BY_GROUP_KEYS, "value", "ci_low", "ci_high", "difference", "diff_ci_low",
                    "diff_ci_high", "n_runs", "n_newcomers", "interval"]
"""The columns of ``by_group.csv``: see `summarise_by_group`."""

GROUP_SEPARATOR = ", "  # the group of a crossing: "women, high"
NO_GROUP = "(none)"  # a group whose name is empty in the table (the municipality of someone not yet housed)
MIN_GROUP_NEWCOMERS = 5  # "helped most/least" and gaps leave out groups with fewer permit holders per run


def parse_groupings(by: str | Iterable[str | Iterable[str]] | None) -> tuple[tuple[str, ...], ...]:
    """Groupings as tuples of `GROUPINGS` names: each tuple is one grouping, several names a crossing.

    A string is one grouping, its comma-separated names crossed (``"gender,education"``
    gives groups like "women, high"); a list holds several groupings
    (``["gender", "age_group"]``: by gender, and separately by age group).

    Raises:
        ValueError: Naming an unknown grouping and the valid ones (`unknown_grouping_message`).
    """
    if by is None:
        return ()
    items = [by] if isinstance(by, str) else list(by)
    groupings = []
    for item in items:
        names = [n.strip() for n in item.split(",")] if isinstance(item, str) else [str(n).strip() for n in item]
        names = [n for n in names if n]
        if not names:
            raise ValueError(unknown_grouping_message(str(item)))
        for name in names:
            if name not in GROUPINGS:
                raise ValueError(unknown_grouping_message(name))
        groupings.append(tuple(dict.fromkeys(names)))
    return tuple(dict.fromkeys(groupings))


def grouping_name(grouping: tuple[str, ...]) -> str:
    """The ``grouping`` column's value: ``("gender", "education")`` -> ``"gender,education"``."""
    return ",".join(grouping)


def grouping_title(grouping: tuple[str, ...] | str, words=str) -> str:
    """In plain words: ``"gender,age_group"`` -> ``"gender × age on arrival"`` (each label through ``words``)."""
    names = grouping.split(",") if isinstance(grouping, str) else grouping
    return " × ".join(words(GROUPINGS[n].label) for n in names)


def group_codes(table, grouping: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group as a code into the group names (`group_labels`, without building a string per row)."""
    codes, names = np.zeros(len(table), np.int64), np.array([""], dtype=object)
    for i, name in enumerate(grouping):
        column = GROUPINGS[name].column
        mine, values = pd.factorize(np.asarray(table[column]))
        groups = GROUPINGS[name].groups({column: np.asarray(values)})  # named once per distinct value
        groups = np.where(groups == "", NO_GROUP, groups).astype(object)
        names = (names[:, None] + (GROUP_SEPARATOR if i else "") + groups[None, :]).ravel()
        codes = codes * len(groups) + mine
    return codes, names


def group_labels(table: pd.DataFrame, grouping: tuple[str, ...]) -> np.ndarray:
    """The group of each row: one grouping's group name, or a crossing's names joined ("women, 25-34")."""
    codes, names = group_codes(table, grouping)
    return names[codes]


def group_order(grouping: tuple[str, ...] | str, groups: Iterable[str]) -> list[str]:
    """Groups in their natural order: by the first grouping's order, then the second's (men before women,
    education none to high, age young to old); a missing name last."""
    grouping = tuple(grouping.split(",")) if isinstance(grouping, str) else grouping
    groups = list(dict.fromkeys(str(g) for g in groups))
    parts = {g: g.split(GROUP_SEPARATOR, len(grouping) - 1) for g in groups}
    if any(len(p) != len(grouping) for p in parts.values()):
        return sorted(groups)
    ranks = []
    for i, name in enumerate(grouping):
        present = [p[i] for p in parts.values()]
        order = [g for g in GROUPINGS[name].ordered(present) if g != NO_GROUP] + [NO_GROUP]
        ranks.append({g: r for r, g in enumerate(order)})
    return sorted(groups, key=lambda g: tuple(rank[part] for rank, part in zip(ranks, parts[g], strict=True)))


def _cell_means(values: np.ndarray, metrics: list[str],
                keys: dict[str, tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """Mean of each measure (a column of ``values``) per combination of keys, in long form, with numpy.

    ``keys`` maps a name to (codes, uniques): each row's code into the key's values
    (the workers run this for every run, grouping and horizon kind).
    """
    sizes = [max(len(unique), 1) for _, unique in keys.values()]
    flat = np.ravel_multi_index([codes for codes, _ in keys.values()], sizes)
    cells, inverse = np.unique(flat, return_inverse=True)
    k, m = len(cells), len(metrics)
    present = ~np.isnan(values)
    sums = np.zeros((k, m))
    counts = np.zeros((k, m))
    for j in range(m):
        sums[:, j] = np.bincount(inverse, np.where(present[:, j], values[:, j], 0.0), k)
        counts[:, j] = np.bincount(inverse, present[:, j], k)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    positions = np.unravel_index(cells, sizes)
    out = {name: np.tile(unique[position], m)
           for (name, (_, unique)), position in zip(keys.items(), positions, strict=True)}
    out["metric"] = np.repeat(np.array(metrics, dtype=object), k)
    out["value"] = means.ravel(order="F")
    out["n_newcomers"] = np.tile(np.bincount(inverse, minlength=k), m)
    return pd.DataFrame(out)


def per_run_by_group(newcomers: pd.DataFrame, groupings, metrics: Iterable[str],
                     year_months: Iterable[int] | None = None) -> pd.DataFrame:
    """Each run's outcomes per group, at every whole calendar year and every whole year since the permit.

    Permit holders aged 18-64, as every share. The calendar horizons are the
    snapshots at whole years of the run (month 12, 24, ...) and each run's last
    snapshot; the years since the permit are read from the whole-year snapshots
    (each newcomer at most once per year since the permit; from the last snapshot
    only in a run shorter than a year), rounded as `years_since_permit`.

    Args:
        newcomers: Newcomer snapshots of one or more runs (``policy`` and ``seed``
            columns, the grouping columns; `newcomer_summary_columns()` suffice).
        groupings: One or more groupings (see `parse_groupings`).
        metrics: Per-newcomer metrics (`NEWCOMER_MEASURES`).
        year_months: Only these months as calendar horizons (default: all of the above).

    Returns:
        `PER_RUN_BY_GROUP_COLUMNS`; ``value`` is the share (or mean) among the
        ``n_newcomers`` permit holders of the group in that run.
    """
    metrics = check_newcomer_metrics(metrics)
    groupings = parse_groupings(groupings)
    run = newcomers.groupby(["policy", "seed"], observed=True, sort=False).ngroup().to_numpy()
    first_rows = np.unique(run, return_index=True)[1]  # each run's first row: its policy and seed
    month_all = newcomers["month"].to_numpy()
    n_runs = run.max() + 1 if len(run) else 0
    last = np.full(n_runs, -1)
    np.maximum.at(last, run, month_all)
    whole_all = month_all % 12 == 0
    has_whole = np.bincount(run, whole_all, n_runs) > 0
    keep = permit_adults(newcomers).to_numpy()
    sel = newcomers[keep]
    month, whole, run = month_all[keep], whole_all[keep], run[keep]
    is_last = month == last[run]
    at_year = whole | is_last
    if year_months is not None:
        at_year &= np.isin(month, list(year_months))
    at_permit = whole | (is_last & ~has_whole[run])
    values = per_newcomer_values(sel, metrics).to_numpy(float)
    permit_years = years_since_permit(sel["months_since_permit"]).to_numpy(float, na_value=np.nan)
    horizons = {"year": (at_year, month / 12), "years_since_permit": (at_permit & ~np.isnan(permit_years),
                                                                       permit_years)}
    runs = np.arange(n_runs)
    parts = []
    for grouping in groupings:
        codes, names = group_codes(sel, grouping)
        for kind, (rows, horizon) in horizons.items():
            if not rows.any():
                continue
            when, horizon_values = pd.factorize(horizon[rows])
            part = _cell_means(values[rows], metrics, {"run": (run[rows], runs), "group": (codes[rows], names),
                                                       "horizon": (when, np.asarray(horizon_values))})
            parts.append(part.assign(grouping=grouping_name(grouping), horizon_kind=kind))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("value", "horizon") else object)
                             for c in PER_RUN_BY_GROUP_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    for key in ("policy", "seed"):
        out[key] = newcomers[key].to_numpy()[first_rows][out["run"].to_numpy()]
    return out[PER_RUN_BY_GROUP_COLUMNS]


def summarise_by_group(per_run: pd.DataFrame, reference: str | None = None) -> pd.DataFrame:
    """Across runs, per policy, grouping, group, metric and horizon: `BY_GROUP_COLUMNS`.

    As `experiments.summary.summarise_runs` gives them (the difference columns dropped without a
    ``reference``); ``n_newcomers`` is the mean number of permit holders in the group per run.
    """
    out = summarise_runs(per_run, BY_GROUP_KEYS, reference)
    for column in BY_GROUP_COLUMNS:
        if column not in out.columns:
            out[column] = np.nan
    return out[BY_GROUP_COLUMNS] if reference is not None else out[BY_GROUP_COLUMNS].drop(
        columns=["difference", "diff_ci_low", "diff_ci_high"])


def by_group(newcomers: pd.DataFrame, groupings, metrics: str | Iterable[str] | None = None,
             reference: str | None = None) -> pd.DataFrame:
    """Outcomes per group of newcomers, at every horizon: who a policy works for.

    Args:
        newcomers: Newcomer snapshots of one or more runs, e.g. ``newcomers.parquet``
            of a comparison or a run (a ``draw`` column, if there is one, marks
            posterior draws: see `mean_interval`).
        groupings: ``"gender"``, a crossing ``"gender,education"``, or several
            (``["gender", "age_group"]``); names from `model.outcomes.GROUPINGS`.
        metrics: Per-newcomer metrics (default: all of `NEWCOMER_MEASURES`).
        reference: A policy in the table: add the paired difference from it.

    Returns:
        `BY_GROUP_COLUMNS` (without the difference columns when ``reference`` is None).

    Example:
        >>> by_group(result.newcomers, "gender,age_group", "share_employed",
        ...          reference="baseline_2013")                       # doctest: +SKIP
    """
    metrics = list(NEWCOMER_MEASURES) if metrics is None else metrics
    per_run = per_run_by_group(newcomers, groupings, metrics)
    if "draw" in newcomers.columns:
        draws = newcomers.drop_duplicates(["policy", "seed"]).set_index(["policy", "seed"])["draw"]
        per_run["draw"] = draws.reindex(pd.MultiIndex.from_frame(per_run[["policy", "seed"]])).to_numpy()
    if reference is not None and reference not in set(per_run["policy"]):
        raise ValueError(f"reference policy {reference!r} is not in the table")
    return sort_by_group(summarise_by_group(per_run, reference), groupings)


def sort_by_group(table: pd.DataFrame, groupings=None, policies: Iterable[str] | None = None) -> pd.DataFrame:
    """By-group rows in a readable order: policy (as given, else as found), grouping (as given, else
    as found), group (`group_order`), metric (the registry's order), horizon kind, horizon."""
    def rank(values: Iterable) -> dict:
        return {v: i for i, v in enumerate(dict.fromkeys(values))}

    policy_rank = rank([*(policies or []), *table["policy"]])
    grouping_rank = rank([*(grouping_name(g) for g in parse_groupings(groupings)), *table["grouping"]])
    ranks = {"_p": table["policy"].map(policy_rank), "_g": table["grouping"].map(grouping_rank),
             "_m": table["metric"].map(rank([*REPORT_METRICS, *table["metric"]]))}
    keys = ["_p", "_g", "_m", "horizon_kind", "horizon"]
    if "group" in table.columns:
        group_rank = {}
        for name, g in table.groupby("grouping", sort=False):
            group_rank.update({(name, group): i for i, group in enumerate(group_order(name, g["group"]))})
        ranks["_r"] = [group_rank[key] for key in zip(table["grouping"], table["group"], strict=True)]
        keys.insert(2, "_r")
    return (table.assign(**ranks).sort_values(keys, kind="stable").drop(columns=list(ranks))
            .reset_index(drop=True))


def at_horizon(table: pd.DataFrame, horizon_kind: str, horizon: float) -> pd.DataFrame:
    """The rows of a by-group table at one horizon."""
    return table[(table["horizon_kind"] == horizon_kind) & np.isclose(table["horizon"].astype(float), horizon)]


def most_and_least_helped(summary: pd.DataFrame, horizon_kind: str, horizon: float, metrics: Iterable[str],
                          min_newcomers: float = MIN_GROUP_NEWCOMERS) -> pd.DataFrame:
    """For each policy, grouping and metric: the group it helps most and the group it helps least.

    "Helps" is the paired difference from the reference in the metric's better direction (more
    employment, less isolation; for a metric without one, more), read from ``summary``
    (`summarise_by_group` with a reference) at the horizon; groups with fewer than
    ``min_newcomers`` permit holders per run are left out (and with fewer than two groups left,
    the policy and metric).

    Returns:
        ``policy, grouping, metric, most_group, most_difference, most_ci_low,
        most_ci_high, least_group, least_difference, least_ci_low, least_ci_high``.
    """
    at = at_horizon(summary, horizon_kind, horizon)
    at = at[at["metric"].isin(list(metrics)) & at["difference"].notna() & (at["n_newcomers"] >= min_newcomers)]
    rows = []
    for (policy, grouping, metric), g in at.groupby(["policy", "grouping", "metric"], sort=False):
        if len(g) < 2:  # one group large enough: nothing to tell apart
            continue
        better = REPORT_METRICS[metric].better or 1
        helped = better * g["difference"]
        row = {"policy": policy, "grouping": grouping, "metric": metric}
        for which, index in (("most", helped.idxmax()), ("least", helped.idxmin())):
            r = g.loc[index]
            row.update({f"{which}_group": r["group"], f"{which}_difference": r["difference"],
                        f"{which}_ci_low": r["diff_ci_low"], f"{which}_ci_high": r["diff_ci_high"]})
        rows.append(row)
    columns = ["policy", "grouping", "metric", *(f"{w}_{c}" for w in ("most", "least")
                                                 for c in ("group", "difference", "ci_low", "ci_high"))]
    return pd.DataFrame(rows, columns=columns)


GAP_KEYS = ["grouping", "metric", "horizon_kind", "horizon", "high_group", "low_group"]


def group_gaps(per_run: pd.DataFrame, summary: pd.DataFrame, reference: str, metrics: Iterable[str],
               horizon_kind: str, horizon: float, min_newcomers: float = MIN_GROUP_NEWCOMERS) -> pd.DataFrame:
    """The largest gap between groups under the reference, and how each policy changes it.

    For each grouping and metric, the two groups are those with the highest and
    the lowest value under ``reference`` at the horizon (among groups of at least
    ``min_newcomers`` permit holders per run). In every run the gap is the high
    group's value minus the low group's; its change under a policy is taken run
    by run (same seed and draw) like every difference: negative narrows the gap.

    ``per_run`` is `per_run_by_group` of every run (with ``draw`` for a posterior), ``summary``
    its `summarise_by_group`.

    Returns:
        ``policy, grouping, metric, horizon_kind, horizon, high_group, low_group,
        value`` (the gap) ``, ci_low, ci_high, difference`` (its change from the
        reference) ``, diff_ci_low, diff_ci_high, n_runs, interval``.
    """
    ref = at_horizon(summary, horizon_kind, horizon)
    ref = ref[(ref["policy"] == reference) & ref["metric"].isin(list(metrics)) & (ref["n_newcomers"] >= min_newcomers)]
    runs = at_horizon(per_run, horizon_kind, horizon)
    pair = ["policy", "seed", *(["draw"] if "draw" in per_run.columns else [])]
    gaps = []
    for (grouping, metric), g in ref.groupby(["grouping", "metric"], sort=False):
        high, low = g.loc[g["value"].idxmax(), "group"], g.loc[g["value"].idxmin(), "group"]
        if high == low:
            continue
        mine = runs[(runs["grouping"] == grouping) & (runs["metric"] == metric) & runs["group"].isin([high, low])]
        wide = mine.set_index([*pair, "group"])["value"].unstack("group").dropna()
        if high not in wide.columns or low not in wide.columns:
            continue
        gap = (wide[high] - wide[low]).rename("value").reset_index()
        gaps.append(gap.assign(grouping=grouping, metric=metric, horizon_kind=horizon_kind, horizon=horizon,
                               high_group=high, low_group=low))
    if not gaps:
        return pd.DataFrame(columns=["policy", *GAP_KEYS, "value", "ci_low", "ci_high", "difference",
                                     "diff_ci_low", "diff_ci_high", "n_runs", "interval"])
    return summarise_runs(pd.concat(gaps, ignore_index=True), GAP_KEYS, reference, clip=False)


def as_written(table: pd.DataFrame, column: str = "horizon") -> pd.DataFrame:
    """A table for a CSV file: ``column`` (a by-group table's horizons, a summary's years) as whole
    numbers when they all are (1, not 1.0)."""
    values = table[column].astype(float)
    if len(values) and (values == values.round()).all():
        return table.assign(**{column: values.astype(int)})
    return table
