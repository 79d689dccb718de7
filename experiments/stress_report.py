"""Summarising a stress test: queues, outcomes by arrival cohort, effects kept, and the report.

Everything in the report is computed from the runs: which policy keeps most of
its effect under the stressed inflow, and why (which of its levers meets a
queue, and how long that queue is).

Longer than 400 lines because the verdict's reasons (the course hours kept, the queues each lever
meets, what breaks first) read the same summary tables as the report: split apart, each would
re-derive them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments import for_whom as G
from experiments import summary as S
from experiments.comparison.formatting import format_ci, format_value, md_table
from experiments.store import atomic_write, write_text
from experiments.stress import (
    CHECK_MONTHS,
    COHORT_MONTHS,
    COHORTS,
    MONTHS_PER_YEAR,
    STEADY,
    STRESSED,
    StressRun,
    StressSettings,
)
from experiments.summary import mean_ci
from model import POLICIES
from model.queues import QUEUES

#: The queues that can break (a capacity runs out), in `what_breaks_first`: queue -> the capacity, in words.
BREAKING = {"decisions_overdue": "IND decisions (applications overdue)",
            "emergency_reception": "reception (people in emergency locations)",
            "houses_overdue": "houses (permit holders ready to move without one)",
            "plan_waiting": "caseworkers (waiting list for a plan)",
            "course_waiting": "course places (waiting list)",
            "startpunt_unserved": "startpunten (visitors not served)"}
OUTCOMES = {"employed": "employed", "a2_plus": "Dutch A2+", "on_welfare": "on welfare", "isolated": "isolated",
            "wellbeing": "wellbeing", "course_hours": "course hours so far", "housed": "housed"}
HEADLINE = "employed"
PERCENT = 100.0
#: Which queue each lever meets, and how to say it (for the "why").
LEVER_QUEUES = {
    "personal_plan": ("plan_waiting", "on the waiting list for a personal plan"),
    "language_from_arrival": ("emergency_reception", "in emergency locations (no azc lessons or activities there)"),
    "azc_activities": ("emergency_reception", "in emergency locations (no azc lessons or activities there)"),
    "municipal_direction": ("course_waiting", "waiting for a course place"),
    "startpunten_per_municipality": ("startpunt_unserved", "visiting a crowded startpunt without being served"),
}


@dataclass
class StressSummary:
    """The tables and the verdict of a stress test."""

    settings: StressSettings
    queues: pd.DataFrame
    cohorts: pd.DataFrame
    waits: pd.DataFrame
    effects: pd.DataFrame
    cost: pd.DataFrame
    kept: pd.DataFrame
    verdict: str
    breaks: pd.DataFrame | None = None
    by_group: pd.DataFrame | None = None


def cohort_of(arrival_month: pd.Series, peak: tuple[int, int]) -> pd.Series:
    """'before', 'during' or 'after' the peak for each arrival month (None outside the three)."""
    start, end = peak
    cohort = np.select([(arrival_month >= start - COHORT_MONTHS) & (arrival_month < start),
                        (arrival_month >= start) & (arrival_month <= end),
                        (arrival_month > end) & (arrival_month <= end + COHORT_MONTHS)],
                       list(COHORTS), default="")
    return pd.Series(cohort, index=arrival_month.index).replace("", None)


def per_run_cohort_outcomes(run: StressRun, peak: tuple[int, int]) -> pd.DataFrame:
    """One run's mean outcomes per cohort and years since permit (long: outcome, value)."""
    table = run.outcomes.assign(cohort=cohort_of(run.outcomes["arrival_month"], peak)).dropna(subset=["cohort"])
    table["years_since_permit"] = table["months_since_permit"] // MONTHS_PER_YEAR
    means = table.groupby(["cohort", "years_since_permit"])[list(OUTCOMES)].mean().reset_index()
    long = means.melt(["cohort", "years_since_permit"], var_name="outcome", value_name="value")
    return long.assign(policy=run.policy, inflow=run.scenario, seed=run.seed)


BY_GROUP_KEYS = ["inflow", "cohort", "grouping", "group", "outcome", "years_since_permit"]


def per_run_by_group(run: StressRun, peak: tuple[int, int], groupings) -> pd.DataFrame:
    """One run's mean outcomes per cohort, group and years since permit (long: outcome, value, n_newcomers)."""
    table = run.outcomes.assign(cohort=cohort_of(run.outcomes["arrival_month"], peak)).dropna(subset=["cohort"])
    years = (table["months_since_permit"] // MONTHS_PER_YEAR).to_numpy()
    parts = []
    for grouping in G.parse_groupings(groupings):
        frame = table[list(OUTCOMES)].astype(float).assign(
            cohort=table["cohort"].to_numpy(), group=G.group_labels(table, grouping), years_since_permit=years)
        g = frame.groupby(["cohort", "group", "years_since_permit"], sort=True)
        means = g[list(OUTCOMES)].mean().join(g.size().rename("n_newcomers")).reset_index()
        parts.append(means.melt(["cohort", "group", "years_since_permit", "n_newcomers"], list(OUTCOMES),
                                var_name="outcome", value_name="value").assign(grouping=G.grouping_name(grouping)))
    return pd.concat(parts, ignore_index=True).assign(policy=run.policy, inflow=run.scenario, seed=run.seed)


def summarise_by_group(settings: StressSettings, runs: list[StressRun]) -> pd.DataFrame:
    """For whom: each policy's outcomes per group, cohort, inflow and years since the permit (mean and 95% CI
    over seeds) and its effect (minus the baseline under the same inflow, paired by seed)."""
    per_run = pd.concat([per_run_by_group(r, settings.peak, settings.by) for r in runs], ignore_index=True)
    out = S.summarise_runs(per_run, BY_GROUP_KEYS, settings.reference, clip=False)
    bounded = out["outcome"] != "course_hours"  # shares and wellbeing stay within 0-1, hours above 0
    out["ci_low"] = out["ci_low"].clip(lower=0.0)
    out.loc[bounded, "ci_high"] = out.loc[bounded, "ci_high"].clip(upper=1.0)
    group_rank = {(name, group): i for name, g in out.groupby("grouping", sort=False)
                  for i, group in enumerate(G.group_order(name, g["group"]))}
    ranks = {"_p": out["policy"].map({p: i for i, p in enumerate(settings.policies)}),
             "_o": out["outcome"].map({o: i for i, o in enumerate(OUTCOMES)}),
             "_c": out["cohort"].map({c: i for i, c in enumerate(COHORTS)}),
             "_g": [group_rank[key] for key in zip(out["grouping"], out["group"], strict=True)]}
    order = ["_p", "grouping", "_o", "_c", "_g", "years_since_permit", "inflow"]
    return out.assign(**ranks).sort_values(order, kind="stable").drop(columns=list(ranks)).reset_index(drop=True)


def summarise_stress(settings: StressSettings, runs: list[StressRun]) -> StressSummary:
    """Every table of the report, and the verdict."""
    queues = pd.concat([r.queues.assign(policy=r.policy, inflow=r.scenario, seed=r.seed) for r in runs])
    queues = queues.groupby(["policy", "inflow", "month"], sort=False)[list(QUEUES)].mean().reset_index()
    per_run = pd.concat([per_run_cohort_outcomes(r, settings.peak) for r in runs], ignore_index=True)
    cohorts = mean_ci(per_run, ["policy", "inflow", "cohort", "years_since_permit", "outcome"])
    waits = pd.concat([r.waits.assign(policy=r.policy, inflow=r.scenario, seed=r.seed,
                                      cohort=cohort_of(r.waits["arrival_month"], settings.peak)) for r in runs])
    waits = waits.dropna(subset=["cohort"]).groupby(["policy", "inflow", "seed", "cohort"])[
        ["decision_wait", "house_wait"]].mean().reset_index()
    waits = waits.melt(["policy", "inflow", "seed", "cohort"], var_name="wait", value_name="months")
    waits = mean_ci(waits, ["policy", "inflow", "cohort", "wait"], "months")
    waits = _in_order(waits, settings)
    cohorts = _in_order(cohorts, settings)
    cost = pd.DataFrame([{"policy": r.policy, "inflow": r.scenario, "seed": r.seed,
                          "cost_per_person_eur": r.public_cost_eur / max(r.persons_arrived, 1.0)} for r in runs])
    cost = mean_ci(cost, ["policy", "inflow"], "cost_per_person_eur")
    effects = paired_effects(per_run, settings.reference)
    kept = effect_kept(effects)
    summary = StressSummary(settings, queues, cohorts, waits, effects, cost, kept, "")
    summary.breaks = what_breaks_first(summary)
    if settings.by:
        summary.by_group = summarise_by_group(settings, runs)
    summary.verdict = verdict(summary) + "\n" + breaks_in_words(summary.breaks)
    return summary


def _in_order(table: pd.DataFrame, settings: StressSettings) -> pd.DataFrame:
    """Rows by policy as chosen, then cohort before, during, after (stable otherwise)."""
    key = {"policy": {p: i for i, p in enumerate(settings.policies)}, "cohort": {c: i for i, c in enumerate(COHORTS)}}
    return table.sort_values(["policy", "cohort"], key=lambda col: col.map(key[col.name]), kind="stable",
                             ignore_index=True)


def paired_effects(per_run: pd.DataFrame, reference: str = "baseline_2013") -> pd.DataFrame:
    """Each policy minus the reference, paired by seed, on the peak cohort: mean and 95% CI."""
    peak = per_run[per_run["cohort"] == "during"]
    keys = ["inflow", "seed", "years_since_permit", "outcome"]
    base = peak[peak["policy"] == reference].set_index(keys)["value"]
    diff = peak[peak["policy"] != reference].copy()
    diff["value"] = diff["value"].to_numpy() - base.reindex(pd.MultiIndex.from_frame(diff[keys])).to_numpy()
    return mean_ci(diff, ["policy", "inflow", "years_since_permit", "outcome"])


def effect_kept(effects: pd.DataFrame) -> pd.DataFrame:
    """Each policy's effect on employment 3 years after the permit (peak cohort), steady and stressed."""
    sel = effects[(effects["outcome"] == HEADLINE) & (effects["years_since_permit"] == CHECK_MONTHS[0] // 12)]
    wide = sel.pivot(index="policy", columns="inflow", values="mean").reindex(columns=[STEADY, STRESSED])
    wide["lost"] = wide[STEADY] - wide[STRESSED]
    wide["kept"] = np.where(wide[STEADY] > 0, wide[STRESSED] / wide[STEADY], np.nan)
    order = [p for p in POLICIES if p in wide.index]
    return wide.reindex(order).reset_index()


def first_year(summary: StressSummary, policy: str) -> str:
    """How the peak cohorts' first-year course hours after the permit changed under stress, policy vs baseline.

    A policy whose courses do not wait for a house, a caseworker or a place
    keeps its people learning while the baseline's wait.
    """
    c = summary.cohorts
    sel = c[(c["cohort"] == "during") & (c["years_since_permit"] == 1)
            & (c["outcome"] == "course_hours")].set_index(["policy", "inflow"])["mean"]

    def change(who: str) -> tuple[float, str]:
        steady, stressed = sel.get((who, STEADY), np.nan), sel.get((who, STRESSED), np.nan)
        drop = stressed / steady - 1.0 if steady > 0 else np.nan
        return drop, f"{steady:.0f} to {stressed:.0f} hours, {drop:+.0%}"

    reference = summary.settings.reference
    mine, mine_words = change(policy)
    base, base_words = change(reference)
    if not mine > base:  # a larger drop (or no data)
        return (f"its peak cohorts lost more of their course hours in the first year after the permit "
                f"({mine_words}) than {reference}'s ({base_words}); the difference lies in what follows")
    return (f"its peak cohorts kept more of their course hours in the first year after the permit "
            f"({mine_words}) than {reference}'s ({base_words}), whose course waits for a house and a "
            "search of their own")


def exposure(summary: StressSummary, policy: str) -> dict[str, str]:
    """The queues the policy's levers met under the stressed inflow: queue -> in words, largest first."""
    levers = POLICIES[policy]
    queues = summary.queues[(summary.queues["policy"] == policy) & (summary.queues["inflow"] == STRESSED)]
    met = {}
    for lever, (queue, text) in LEVER_QUEUES.items():
        peak = float(queues[queue].max()) if len(queues) else 0.0
        if levers.get(lever) and peak >= 1 and queue not in met:
            met[queue] = (peak, f"{peak:,.0f} people {text}")
    return {q: words for q, (_, words) in sorted(met.items(), key=lambda item: -item[1][0])}


def verdict(summary: StressSummary) -> str:
    """Which policy loses least of its effect under the stressed inflow, and why (computed)."""
    kept = summary.kept.dropna(subset=[STEADY, STRESSED])
    kept = kept[kept[STEADY] > 0].sort_values(["lost", "policy"])
    if kept.empty:
        return "No policy had a positive effect on employment 3 years after the permit under the steady inflow."
    best, worst = kept.iloc[0], kept.iloc[-1]
    inflow = summary.settings.inflow
    reference = summary.settings.reference
    base = summary.cohorts
    emp = base[(base["policy"] == reference) & (base["outcome"] == HEADLINE) & (base["cohort"] == "during")
               & (base["years_since_permit"] == CHECK_MONTHS[0] // 12)].set_index("inflow")["mean"]
    lines = [f"Peak cohorts under {reference}: employed 3 years after the permit "
             f"{emp.get(STEADY, np.nan):.0%} with the steady inflow, {emp.get(STRESSED, np.nan):.0%} "
             f"with the {inflow}."]
    if best["lost"] < 0:
        how = "gains" + (" most" if len(kept) > 1 else "") + " under the peak: its effect on the peak cohorts grew"
    elif len(kept) > 1:
        how = "loses least of its effect on the peak cohorts"
    else:
        how = "loses part of its effect on the peak cohorts" if best["lost"] > 0 else "keeps its effect"
    lines.append(f"{best['policy']} {how}: {_pp(best[STEADY])} steady, "
                 f"{_pp(best[STRESSED])} under the {inflow} (it keeps {best['kept']:.0%}).")
    lines.append("Why: " + first_year(summary, best["policy"]) + ".")
    met_best = exposure(summary, best["policy"])
    met = "; ".join(met_best.values()) if met_best else "none (none of its levers needs a capacity that ran out)"
    if worst["policy"] != best["policy"]:
        only_worst = [words for queue, words in exposure(summary, worst["policy"]).items() if queue not in met_best]
        if only_worst:
            met += f"; {worst['policy']}'s levers also met " + "; ".join(only_worst)
    lines.append(f"Queues its levers met at their worst month: {met}.")
    if worst["policy"] == best["policy"]:
        return "\n".join(lines)
    lines.append(f"{worst['policy']} loses most: {_pp(worst[STEADY])} steady, {_pp(worst[STRESSED])} under "
                 f"the {inflow} (it keeps {worst['kept']:.0%}).")
    lines.append(f"Effects are measured against {reference} under the same inflow, which itself lost "
                 f"{PERCENT * (emp.get(STEADY, np.nan) - emp.get(STRESSED, np.nan)):.1f} pp: a policy keeps its "
                 "effect when it shields its people from the queues that set the baseline back.")
    return "\n".join(lines)


def readme_block(summary: StressSummary, args, image: Path) -> str:
    """The README's Peaks section: the command that made it, the verdict, waits, and the queues figure."""
    st = summary.settings
    reference = st.reference
    command = " ".join(["nieuwkomers stress", f"--inflow {st.inflow}", f"--seeds {len(st.seeds)}",
                        *([f"--reference {st.reference}"] if st.reference != "baseline_2013" else []),
                        f"--years {st.months / MONTHS_PER_YEAR:g}", *(f"--set {a}" for a in args.set),
                        "--out results/stress --readme README.md"])
    waits = summary.waits[(summary.waits["policy"] == reference) & (summary.waits["cohort"] == "during")]
    wait = waits.set_index(["wait", "inflow"])["mean"]
    emergency = summary.queues[(summary.queues["policy"] == reference)].groupby("inflow")["emergency_reception"].max()
    return "\n".join([
        "## Peaks", "",
        f"`nieuwkomers stress` runs the policies under a steady inflow and under a {st.inflow} with the same "
        f"seeds ({len(st.seeds)}; {st.params.get('persons_per_newcomer', 1):g} persons per newcomer agent; "
        f"peak months {st.peak[0]}-{st.peak[1]}). With the default capacities (`docs/ODD.md`, 7.1a), under "
        f"{reference} the peak cohorts waited {wait.get(('decision_wait', STRESSED), np.nan):.1f} months for a "
        f"decision (steady: {wait.get(('decision_wait', STEADY), np.nan):.1f}) and "
        f"{wait.get(('house_wait', STRESSED), np.nan):.1f} months for a house "
        f"(steady: {wait.get(('house_wait', STEADY), np.nan):.1f}); at the worst month "
        f"{emergency.get(STRESSED, 0):,.0f} people were in emergency reception "
        f"(steady: {emergency.get(STEADY, 0):,.0f}).", "",
        *[f"- {line}" for line in summary.verdict.splitlines()], "",
        f"![Queues over time, steady (dotted) and {st.inflow} (solid)]({image.as_posix()})", "",
        f"Generated, not typed: `{command}`; the full report (outcomes 3 and 5 years after the permit by "
        "arrival cohort, effects, public cost) is `results/stress/summary.md`.",
    ])


def what_breaks_first(summary: StressSummary) -> pd.DataFrame:
    """Per queue, under the stressed inflow: when it first grows beyond its longest in steady times, how long
    it stays beyond that, and its worst month (the baseline's runs; the plan waiting list from the first
    chosen policy with plans). Rows in the order the queues break.
    """
    with_plans = [p for p in summary.settings.policies if POLICIES[p].get("personal_plan")]
    reference = summary.settings.reference
    rows = []
    for queue in BREAKING:
        policy = with_plans[0] if queue == "plan_waiting" and with_plans else reference
        mine = summary.queues[summary.queues["policy"] == policy]
        stressed = mine[mine["inflow"] == STRESSED]
        steady_worst = float(mine.loc[mine["inflow"] == STEADY, queue].max())
        beyond = stressed[stressed[queue] > max(steady_worst, 1.0)]
        rows.append({"queue": queue, "capacity": BREAKING[queue], "what": QUEUES[queue], "policy": policy,
                     "first_month": beyond["month"].min() if len(beyond) else np.nan,
                     "months_beyond_steady": len(beyond), "worst_persons": float(stressed[queue].max()),
                     "worst_month": stressed.loc[stressed[queue].idxmax(), "month"] if len(beyond) else np.nan})
    return pd.DataFrame(rows).sort_values(["first_month", "worst_persons"], ascending=[True, False],
                                          na_position="last", ignore_index=True)


def breaks_in_words(breaks: pd.DataFrame) -> str:
    """One line: which capacities run out, in order, and from which month."""
    broken = breaks.dropna(subset=["first_month"])
    if broken.empty:
        return "Nothing breaks: no queue grows beyond its steady level."
    return "What breaks first: " + "; then ".join(
        f"{row.capacity} from month {row.first_month:.0f} (worst {row.worst_persons:,.0f} in month "
        f"{row.worst_month:.0f})" for row in broken.itertuples()) + "."


def _pp(share: float) -> str:
    return f"{PERCENT * share:+.1f} pp"


def write_report(summary: StressSummary, folder: Path) -> None:
    """Write the CSVs, figures and summary.md into ``folder``."""
    from viz.peaks_figures import cohort_outcomes_figure, queues_figure

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("queues", "cohorts", "waits", "effects", "cost", "breaks"):
        getattr(summary, name).to_csv(folder / f"{name}.csv", index=False)
    if summary.by_group is not None:
        summary.by_group.to_csv(folder / "by_group.csv", index=False)
    figures = folder / "figures"
    figures.mkdir(exist_ok=True)
    drawn = {"queues.png": queues_figure(summary.queues, summary.settings.peak),
             "cohorts.png": cohort_outcomes_figure(summary.cohorts, HEADLINE, CHECK_MONTHS[0] // 12)}
    for name, fig in drawn.items():
        atomic_write(figures / name, lambda tmp, fig=fig: fig.savefig(tmp, format="png", dpi=110))
    write_text(report_markdown(summary), folder / "summary.md")


def report_markdown(summary: StressSummary) -> str:
    """The report: settings, verdict, waits, queues at their worst, cohorts, effects, cost."""
    st = summary.settings
    reference = st.reference
    lines = [f"# Stress test: steady inflow vs {st.inflow}", "",
             f"Policies: {', '.join(st.policies)}; effects against {reference}; {len(st.seeds)} seeds (the same under both inflows); "
             f"{st.months} months; peak months {st.peak[0]} to {st.peak[1]}; "
             f"{st.params.get('persons_per_newcomer', 1):g} persons per newcomer agent.", "",
             "## Verdict", "", *[f"- {line}" for line in summary.verdict.splitlines()], "",
             "## Waiting (months, mean over seeds, by arrival cohort)", "",
             _table(summary.waits.pivot_table(index=["policy", "cohort"], columns=["wait", "inflow"],
                                              values="mean", sort=False).round(1)), "",
             "## What breaks first", "",
             f"When each queue first grows beyond its longest under the steady inflow (the surge begins in month "
             f"{st.peak[0]}), how many months it stays beyond it, and its worst month; {reference}'s runs "
             "(the plan waiting list: the first policy with plans).", "",
             _table(summary.breaks.drop(columns=["queue", "what"]).set_index("capacity")), "",
             "## Queues at their worst month (persons, mean over seeds)", "",
             _table(summary.queues.groupby(["policy", "inflow"], sort=False)[list(QUEUES)[1:]].max().round(0)), "",
             "![queues](figures/queues.png)", "",
             "## Outcomes 3 and 5 years after the permit, by arrival cohort", ""]
    for years in (m // MONTHS_PER_YEAR for m in CHECK_MONTHS):
        sel = summary.cohorts[(summary.cohorts["years_since_permit"] == years)
                              & (summary.cohorts["outcome"] == HEADLINE)]
        lines += [f"Share employed, {years} years after the permit:", "",
                  _table(sel.pivot_table(index="policy", columns=["cohort", "inflow"], values="mean",
                                         sort=False).round(3)), ""]
    lines += ["![cohorts](figures/cohorts.png)", "",
              "## Effect on the peak cohort's employment at 3 years (policy minus baseline, paired by seed)", "",
              _table(summary.kept.set_index("policy").round(3)), "",
              "## Public cost per person who arrived (EUR)", "",
              _table(summary.cost.pivot_table(index="policy", columns="inflow", values="mean",
                                              sort=False).round(0)), ""]
    if summary.by_group is not None:
        lines += for_whom_section(summary)
    lines += ["Tables: queues.csv, cohorts.csv, waits.csv, effects.csv, cost.csv, breaks.csv"
              + (", by_group.csv." if summary.by_group is not None else "."), ""]
    return "\n".join(lines)


def for_whom_section(summary: StressSummary) -> list[str]:
    """The peak cohorts' employment 3 years after the permit per group, steady and stressed, and each
    policy's effect there (paired by seed, 95% CI)."""
    years, inflow = CHECK_MONTHS[0] // MONTHS_PER_YEAR, summary.settings.inflow
    reference = summary.settings.reference
    share = S.REPORT_METRICS["share_employed"]
    t = summary.by_group
    sel = t[(t["cohort"] == "during") & (t["outcome"] == HEADLINE) & (t["years_since_permit"] == years)]
    lines = ["## For whom: the peak cohorts", "",
             f"Share employed {years} years after the permit among the peak cohorts, per group: level (mean over "
             f"seeds) under each inflow, and each policy's effect (minus {reference} under the same inflow, "
             "paired by seed, 95% CI). Every outcome, cohort and year: by_group.csv.", ""]
    for grouping in summary.settings.by:
        mine = sel[sel["grouping"] == G.grouping_name(grouping)].set_index(["policy", "group", "inflow"])
        pairs = dict.fromkeys((policy, group) for policy, group, _ in mine.index)
        rows = [[f"`{policy}`", group, *_levels_and_effects(mine, policy, group, share, reference)]
                for policy, group in pairs]
        header = ["policy", "group", "steady", inflow, "effect, steady", f"effect, {inflow}"]
        lines += [f"### By {G.grouping_title(grouping)}", "", md_table(header, rows, "llrrrr"), ""]
    return lines


def _levels_and_effects(mine: pd.DataFrame, policy: str, group: str, metric, reference: str) -> list[str]:
    """One group's level steady and stressed, then the policy's effect steady and stressed (none for the baseline)."""
    cells = [format_value(metric, mine["value"].get((policy, group, inflow))) for inflow in (STEADY, STRESSED)]
    for inflow in (STEADY, STRESSED):
        row = mine.loc[(policy, group, inflow)] if (policy, group, inflow) in mine.index else None
        effect = None if row is None or policy == reference else pd.Series(
            {"mean": row["difference"], "ci_low": row["diff_ci_low"], "ci_high": row["diff_ci_high"]})
        cells.append("" if effect is None else format_ci(metric, effect, difference=True))
    return cells


def _table(frame: pd.DataFrame) -> str:
    """A DataFrame (its index included) as a Markdown table."""
    if not len(frame):
        return "(none)"
    frame = frame.copy()
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [" ".join(str(c) for c in col) for col in frame.columns]
    frame = frame.reset_index() if frame.index.name or isinstance(frame.index, pd.MultiIndex) else frame
    header = [str(c) for c in frame.columns]
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    return md_table(header, rows)


def _cell(value) -> str:
    if isinstance(value, float):
        return "" if np.isnan(value) else f"{value:,.3f}".rstrip("0").rstrip(".")
    return str(value)
