"""The comparison's tables (`ComparisonResult`) from the runs' small tables: means, paired
differences, by years since permit, by group (for whom), and with a posterior the two kinds of uncertainty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from experiments import for_whom as G
from experiments import summary as S
from experiments import uncertainty as U
from experiments.comparison.settings import (
    FOR_WHOM_METRICS,
    FOR_WHOM_PERMIT_YEARS,
    MIN_COVERAGE,
    MIN_PERMIT_SHARE,
    ComparisonSettings,
)
from model.welfare import PAYERS

if TYPE_CHECKING:
    from experiments.comparison.running import RunOutput


@dataclass
class ComparisonResult:
    """The tables of a comparison.

    Attributes:
        settings: What was run.
        model: Model tables of every run (one row per policy, seed and month),
            with the per-newcomer cost columns added.
        summary: ``policy, metric, year, mean, ci_low, ci_high, n_seeds`` per whole year.
        differences: The same for each policy minus the reference, paired by seed.
        over_time: Like ``summary`` but monthly, for the report's metrics (figures).
        by_permit: ``policy, metric, years_since_permit, mean, ci_low, ci_high,
            n_seeds, n_newcomers``.
        by_group: For whom, per grouping (gender and those of ``--by``):
            `experiments.for_whom.summarise_by_group`.
        gaps: The gaps between groups at the ``for_whom`` horizon: `experiments.for_whom.group_gaps`.
        for_whom: The horizon the report's "For whom" reads: (horizon_kind, horizon).
        uncertainty: With a posterior: each effect per whole year with both intervals and
            P(beats by 1 pp) (`experiments.uncertainty.effect_uncertainty`).
        by_payer: Net public cost per newcomer per payer and whole year (`by_payer`).
        newcomers: Newcomer snapshots of every run (only from `compare`, not the CLI).
        same_population: True if, for every seed, every policy started from the
            same newcomers (checked on their fingerprints at the first snapshot).
        seconds: Wall time of the runs; run_seconds, run_cpu_seconds: per-run wall
            and CPU times (they differ when other processes compete for the cores).
    """

    settings: ComparisonSettings
    model: pd.DataFrame
    summary: pd.DataFrame
    differences: pd.DataFrame
    over_time: pd.DataFrame
    by_permit: pd.DataFrame
    by_group: pd.DataFrame | None = None
    gaps: pd.DataFrame | None = None
    for_whom: tuple[str, float] = ("year", 0.0)
    uncertainty: pd.DataFrame | None = None
    by_payer: pd.DataFrame | None = None
    newcomers: pd.DataFrame | None = None
    same_population: bool = True
    seconds: float = 0.0
    run_seconds: list[float] = field(default_factory=list)
    run_cpu_seconds: list[float] = field(default_factory=list)


def summarise(settings: ComparisonSettings, outputs: list[RunOutput]) -> ComparisonResult:
    """The comparison's tables from the runs' small tables."""
    model = pd.concat([o.model for o in outputs], ignore_index=True)
    model = S.add_per_newcomer(model, settings.n_newcomers)
    all_metrics = list(S.REPORT_METRICS)
    year_months = settings.year_months()
    summary = S.summarise_over_time(model, all_metrics, year_months)
    summary["year"] = summary["month"] / 12
    differences = S.paired_differences(model, all_metrics, settings.reference, year_months)
    shown = list(dict.fromkeys([*settings.metrics, *S.REPORT_KEY_METRICS, S.NET_COST.name]))
    over_time = _from_enough_permits(S.summarise_over_time(model, shown), model, settings)
    per_run_permit = pd.concat([o.by_permit for o in outputs], ignore_index=True)
    by_permit = S.summarise_by_years_since_permit(per_run_permit, settings.reference)
    if settings.draws:
        by_permit = _permit_with_parameters(by_permit, per_run_permit, settings)
    per_run_groups = pd.concat([o.by_group for o in outputs], ignore_index=True)
    if settings.draws:
        per_run_groups["draw"] = per_run_groups["seed"].map(settings.draw_of)
    by_group = G.summarise_by_group(per_run_groups, settings.reference)
    for_whom = for_whom_horizon(by_permit, settings)
    gaps = G.group_gaps(per_run_groups, by_group, settings.reference, FOR_WHOM_METRICS, *for_whom)
    cols = ["policy", "metric", "year", "mean", "ci_low", "ci_high", "n_seeds"]
    uncertainty = None
    if settings.draws:
        uncertainty = U.effect_uncertainty(model, all_metrics, settings.reference, year_months)
        differences = _with_wider_interval(differences, uncertainty)
        summary = _with_wider_interval(summary, U.level_uncertainty(model, all_metrics, year_months))
        over_time = _with_wider_interval(over_time, U.level_uncertainty(model, shown))
    fingerprints = pd.DataFrame([(o.seed, o.population) for o in outputs], columns=["seed", "population"])
    same_population = bool((fingerprints.groupby("seed")["population"].nunique() == 1).all())
    return ComparisonResult(
        same_population=same_population,
        settings=settings,
        model=model,
        summary=_in_order(summary, settings)[cols],
        differences=_in_order(differences, settings)[cols],
        over_time=_in_order(over_time, settings),
        by_permit=_in_order(by_permit, settings),
        by_group=G.sort_by_group(by_group, settings.groupings, settings.policies),
        gaps=G.sort_by_group(gaps, settings.groupings, settings.policies),
        for_whom=for_whom,
        uncertainty=_in_order(uncertainty, settings) if uncertainty is not None else None,
        by_payer=by_payer(outputs, settings),
    )


TOTAL = "total"  # the payers' sum in `by_payer`: the net public cost


def by_payer(outputs: list[RunOutput], settings: ComparisonSettings) -> pd.DataFrame:
    """Net public cost per newcomer, cumulative, per payer and whole year, with the paired difference
    from the reference (intervals from seeds, or seeds and parameters with a posterior)."""
    wide = pd.concat([o.costs for o in outputs], ignore_index=True)
    wide = wide[wide["month"].isin(settings.year_months())]
    payers = list(PAYERS)
    wide[payers] = wide[payers] / settings.n_newcomers
    wide[TOTAL] = wide[payers].sum(axis=1)
    long = wide.melt(id_vars=["policy", "seed", "month"], value_vars=[*payers, TOTAL], var_name="payer",
                     value_name="value")
    long["year"] = long["month"] / 12
    long = long.drop(columns="month")
    if settings.draws:
        long["draw"] = long["seed"].map(settings.draw_of)
    out = S.summarise_runs(long, ["payer", "year"], settings.reference, clip=False)
    rank = {p: i for i, p in enumerate(settings.policies)}
    payer_rank = {p: i for i, p in enumerate([*payers, TOTAL])}
    return (out.assign(_p=out["policy"].map(rank), _q=out["payer"].map(payer_rank))
            .sort_values(["_p", "year", "_q"], kind="stable").drop(columns=["_p", "_q"]).reset_index(drop=True))


def _permit_with_parameters(by_permit: pd.DataFrame, per_run: pd.DataFrame, settings: ComparisonSettings) -> pd.DataFrame:
    """The by-years-since-permit table with its intervals (level and difference) from seeds and parameters."""
    keys = ["policy", "metric", "years_since_permit"]
    runs = per_run.assign(draw=per_run["seed"].map(settings.draw_of))
    wide = S.summarise_runs(runs, keys[1:], settings.reference)
    wide = wide[[*keys, "ci_low", "ci_high", "diff_ci_low", "diff_ci_high"]]
    out = by_permit.drop(columns=["ci_low", "ci_high", "diff_ci_low", "diff_ci_high"]).merge(wide, on=keys, how="left")
    return out[list(by_permit.columns)]


def _with_wider_interval(table: pd.DataFrame, wider: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its interval replaced by the seeds-plus-parameters one of ``wider``."""
    keys = ["policy", "metric", "month"]
    if "month" not in table.columns:
        table = table.assign(month=(table["year"] * 12).round().astype(int))
    merged = table.drop(columns=["ci_low", "ci_high"]).merge(
        wider[[*keys, "ci_low", "ci_high"]], on=keys, how="left")
    return merged[[*table.columns]]


def _from_enough_permits(over_time: pd.DataFrame, model: pd.DataFrame, settings: ComparisonSettings) -> pd.DataFrame:
    """Drop the first months, when averages over permit holders rest on a handful of people."""
    permits = (model["n_awaiting_housing"] + model["n_housed"]).groupby(model["month"]).mean()
    early = set(permits.index[permits < MIN_PERMIT_SHARE * settings.n_newcomers])
    per_permit_holder = over_time["metric"].isin(list(S.NEWCOMER_MEASURES))
    return over_time[~(per_permit_holder & over_time["month"].isin(early))]


def _in_order(df: pd.DataFrame, settings: ComparisonSettings) -> pd.DataFrame:
    """Rows in policy order, then metric order, then time."""
    policy_rank = {p: i for i, p in enumerate(settings.policies)}
    metric_rank = {m: i for i, m in enumerate(S.REPORT_METRICS)}
    keys = [c for c in ("month", "years_since_permit", "group") if c in df.columns]
    return (df.assign(_p=df["policy"].map(policy_rank), _m=df["metric"].map(metric_rank))
            .sort_values(["_p", "_m", *keys], kind="stable").drop(columns=["_p", "_m"])
            .reset_index(drop=True))


def for_whom_horizon(by_permit: pd.DataFrame, settings: ComparisonSettings) -> tuple[str, float]:
    """Where "For whom" reads: 5 years after the permit if enough newcomers get there within the
    horizon (as in the report's years-since-permit table), else the last year of the run."""
    shown = permit_years_shown(by_permit)
    if FOR_WHOM_PERMIT_YEARS in set(shown["years_since_permit"].dropna().astype(int)):
        return "years_since_permit", float(FOR_WHOM_PERMIT_YEARS)
    return "year", settings.last_year


def horizon_words(horizon_kind: str, horizon: float, lang: str = "en") -> str:
    """``("years_since_permit", 5)`` -> "5 years after the permit"; ``("year", 10)`` -> "in year 10 of the run"."""
    from experiments.comparison.formatting import text

    if horizon_kind == "years_since_permit":
        key = "{n} year after the permit" if horizon == 1 else "{n} years after the permit"
        return text(key, lang, n=f"{horizon:g}")
    return text("in year {n} of the run", lang, n=f"{horizon:g}")


def permit_years_shown(by_permit: pd.DataFrame) -> pd.DataFrame:
    """Years-since-permit bins that hold at least half the largest bin's permit holders."""
    size = by_permit.groupby("years_since_permit")["n_newcomers"].mean()
    keep = size.index[size >= MIN_COVERAGE * size.max()]
    return by_permit[by_permit["years_since_permit"].isin(keep)]


