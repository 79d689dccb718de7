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
from experiments.comparison.formatting import format_ci, format_value, md_table, number, text
from experiments.store import atomic_write, write_text
from experiments.stress_runs import (
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


def first_year(summary: StressSummary, policy: str, lang: str = "en") -> str:
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
        return drop, text("{steady} to {stressed} hours, {drop}", lang, steady=number(steady, ".0f", lang),
                          stressed=number(stressed, ".0f", lang), drop=number(drop, "+.0%", lang))

    reference = summary.settings.reference
    mine, mine_words = change(policy)
    base, base_words = change(reference)
    key = "first_year_lost" if not mine > base else "first_year_kept"  # a larger drop (or no data), or a smaller
    return text(key, lang, mine=mine_words, reference=reference, base=base_words)


def exposure(summary: StressSummary, policy: str, lang: str = "en") -> dict[str, str]:
    """The queues the policy's levers met under the stressed inflow: queue -> in words, largest first."""
    levers = POLICIES[policy]
    queues = summary.queues[(summary.queues["policy"] == policy) & (summary.queues["inflow"] == STRESSED)]
    met = {}
    for lever, (queue, where) in LEVER_QUEUES.items():
        peak = float(queues[queue].max()) if len(queues) else 0.0
        if levers.get(lever) and peak >= 1 and queue not in met:
            met[queue] = (peak, text("{n} people {where}", lang, n=number(peak, ",.0f", lang), where=text(where, lang)))
    return {q: words for q, (_, words) in sorted(met.items(), key=lambda item: -item[1][0])}


def verdict(summary: StressSummary, lang: str = "en") -> str:
    """Which policy loses least of its effect under the stressed inflow, and why (computed), in ``lang``."""
    kept = summary.kept.dropna(subset=[STEADY, STRESSED])
    kept = kept[kept[STEADY] > 0].sort_values(["lost", "policy"])
    if kept.empty:
        return text("No policy had a positive effect on employment 3 years after the permit under the steady inflow.",
                    lang)
    best, worst = kept.iloc[0], kept.iloc[-1]
    inflow = text(summary.settings.inflow, lang)
    reference = summary.settings.reference
    base = summary.cohorts
    emp = base[(base["policy"] == reference) & (base["outcome"] == HEADLINE) & (base["cohort"] == "during")
               & (base["years_since_permit"] == CHECK_MONTHS[0] // 12)].set_index("inflow")["mean"]
    lines = [text("Peak cohorts under {reference}: employed 3 years after the permit {steady} with the steady inflow, "
                  "{stressed} with the {inflow}.", lang, reference=reference,
                  steady=number(emp.get(STEADY, np.nan), ".0%", lang),
                  stressed=number(emp.get(STRESSED, np.nan), ".0%", lang), inflow=inflow)]
    if best["lost"] < 0:
        how = ("gains most under the peak: its effect on the peak cohorts grew" if len(kept) > 1
               else "gains under the peak: its effect on the peak cohorts grew")
    elif len(kept) > 1:
        how = "loses least of its effect on the peak cohorts"
    else:
        how = "loses part of its effect on the peak cohorts" if best["lost"] > 0 else "keeps its effect"
    lines.append(text("{policy} {how}: {steady} steady, {stressed} under the {inflow} (it keeps {kept}).", lang,
                      policy=best["policy"], how=text(how, lang), steady=_pp(best[STEADY], lang),
                      stressed=_pp(best[STRESSED], lang), inflow=inflow, kept=number(best["kept"], ".0%", lang)))
    lines.append(text("Why: ", lang) + first_year(summary, best["policy"], lang) + ".")
    met_best = exposure(summary, best["policy"], lang)
    met = "; ".join(met_best.values()) if met_best else text(
        "none (none of its levers needs a capacity that ran out)", lang)
    if worst["policy"] != best["policy"]:
        only_worst = [words for queue, words in exposure(summary, worst["policy"], lang).items()
                      if queue not in met_best]
        if only_worst:
            met += text("; {policy}'s levers also met ", lang, policy=worst["policy"]) + "; ".join(only_worst)
    lines.append(text("Queues its levers met at their worst month: {met}.", lang, met=met))
    if worst["policy"] == best["policy"]:
        return "\n".join(lines)
    lines.append(text("{policy} loses most: {steady} steady, {stressed} under the {inflow} (it keeps {kept}).", lang,
                      policy=worst["policy"], steady=_pp(worst[STEADY], lang), stressed=_pp(worst[STRESSED], lang),
                      inflow=inflow, kept=number(worst["kept"], ".0%", lang)))
    lines.append(text("verdict_reference", lang, reference=reference,
                      lost=number(PERCENT * (emp.get(STEADY, np.nan) - emp.get(STRESSED, np.nan)), ".1f", lang)))
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


def breaks_in_words(breaks: pd.DataFrame, lang: str = "en") -> str:
    """One line: which capacities run out, in order, and from which month."""
    broken = breaks.dropna(subset=["first_month"])
    if broken.empty:
        return text("Nothing breaks: no queue grows beyond its steady level.", lang)
    return text("What breaks first: ", lang) + text("; then ", lang).join(
        text("{capacity} from month {first} (worst {worst} in month {month})", lang, capacity=text(row.capacity, lang),
             first=f"{row.first_month:.0f}", worst=number(row.worst_persons, ",.0f", lang),
             month=f"{row.worst_month:.0f}") for row in broken.itertuples()) + "."


def _pp(share: float, lang: str = "en") -> str:
    return number(PERCENT * share, "+.1f", lang) + " pp"


def write_report(summary: StressSummary, folder: Path, lang: str = "en") -> None:
    """Write the CSVs, figures and summary.md into ``folder``; summary.md and the figures in ``lang``."""
    from experiments.comparison.figures import translate_figure
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
        translate_figure(fig, lang)
        atomic_write(figures / name, lambda tmp, fig=fig: fig.savefig(tmp, format="png", dpi=110))
    write_text(report_markdown(summary, lang), folder / "summary.md")


def report_markdown(summary: StressSummary, lang: str = "en") -> str:
    """The report: settings, verdict, waits, queues at their worst, cohorts, effects, cost (in ``lang``)."""
    st = summary.settings
    reference = st.reference
    inflow = text(st.inflow, lang)
    said = summary.verdict if lang == "en" else verdict(summary, lang) + "\n" + breaks_in_words(summary.breaks, lang)
    lines = [f"# {text('Stress test: steady inflow vs {inflow}', lang, inflow=inflow)}", "",
             text("stress_settings", lang, policies=", ".join(st.policies), reference=reference, seeds=len(st.seeds),
                  months=st.months, first=st.peak[0], last=st.peak[1],
                  persons=number(st.params.get("persons_per_newcomer", 1), "g", lang)), "",
             f"## {text('Verdict', lang)}", "", *[f"- {line}" for line in said.splitlines()], "",
             f"## {text('Waiting (months, mean over seeds, by arrival cohort)', lang)}", "",
             _table(summary.waits.pivot_table(index=["policy", "cohort"], columns=["wait", "inflow"],
                                              values="mean", sort=False).round(1), lang), "",
             f"## {text('What breaks first', lang)}", "",
             text("breaks_intro", lang, first=st.peak[0], reference=reference), "",
             _table(summary.breaks.drop(columns=["queue", "what"]).set_index("capacity"), lang), "",
             f"## {text('Queues at their worst month (persons, mean over seeds)', lang)}", "",
             _table(summary.queues.groupby(["policy", "inflow"], sort=False)[list(QUEUES)[1:]].max().round(0), lang),
             "", "![queues](figures/queues.png)", "",
             f"## {text('Outcomes 3 and 5 years after the permit, by arrival cohort', lang)}", ""]
    for years in (m // MONTHS_PER_YEAR for m in CHECK_MONTHS):
        sel = summary.cohorts[(summary.cohorts["years_since_permit"] == years)
                              & (summary.cohorts["outcome"] == HEADLINE)]
        lines += [text("Share employed, {years} years after the permit:", lang, years=years), "",
                  _table(sel.pivot_table(index="policy", columns=["cohort", "inflow"], values="mean",
                                         sort=False).round(3), lang), ""]
    lines += ["![cohorts](figures/cohorts.png)", "",
              f"## {text('Effect on the peak cohort' + chr(39) + 's employment at 3 years (policy minus baseline, paired by seed)', lang)}",
              "", _table(summary.kept.set_index("policy").round(3), lang), "",
              f"## {text('Public cost per person who arrived (EUR)', lang)}", "",
              _table(summary.cost.pivot_table(index="policy", columns="inflow", values="mean",
                                              sort=False).round(0), lang), ""]
    if summary.by_group is not None:
        lines += for_whom_section(summary, lang)
    lines += [text("Tables: ", lang) + "queues.csv, cohorts.csv, waits.csv, effects.csv, cost.csv, breaks.csv"
              + (", by_group.csv." if summary.by_group is not None else "."), ""]
    return "\n".join(lines)


def for_whom_section(summary: StressSummary, lang: str = "en") -> list[str]:
    """The peak cohorts' employment 3 years after the permit per group, steady and stressed, and each
    policy's effect there (paired by seed, 95% CI)."""
    years, inflow = CHECK_MONTHS[0] // MONTHS_PER_YEAR, text(summary.settings.inflow, lang)
    reference = summary.settings.reference
    share = S.REPORT_METRICS["share_employed"]
    t = summary.by_group
    sel = t[(t["cohort"] == "during") & (t["outcome"] == HEADLINE) & (t["years_since_permit"] == years)]
    lines = [f"## {text('For whom: the peak cohorts', lang)}", "",
             text("stress_for_whom_intro", lang, years=years, reference=reference), ""]
    for grouping in summary.settings.by:
        mine = sel[sel["grouping"] == G.grouping_name(grouping)].set_index(["policy", "group", "inflow"])
        pairs = dict.fromkeys((policy, group) for policy, group, _ in mine.index)
        rows = [[f"`{policy}`", text(group, lang), *_levels_and_effects(mine, policy, group, share, reference, lang)]
                for policy, group in pairs]
        header = [text(h, lang) for h in ("policy", "group", "steady")] + [
            inflow, text("effect, steady", lang), text("effect, {inflow}", lang, inflow=inflow)]
        title = G.grouping_title(grouping, lambda w: text(w, lang))
        lines += [f"### {text('By {title}', lang, title=title)}", "", md_table(header, rows, "llrrrr"), ""]
    return lines


def _levels_and_effects(mine: pd.DataFrame, policy: str, group: str, metric, reference: str,
                        lang: str = "en") -> list[str]:
    """One group's level steady and stressed, then the policy's effect steady and stressed (none for the baseline)."""
    cells = [format_value(metric, mine["value"].get((policy, group, inflow)), lang=lang) for inflow in (STEADY, STRESSED)]
    for inflow in (STEADY, STRESSED):
        row = mine.loc[(policy, group, inflow)] if (policy, group, inflow) in mine.index else None
        effect = None if row is None or policy == reference else pd.Series(
            {"mean": row["difference"], "ci_low": row["diff_ci_low"], "ci_high": row["diff_ci_high"]})
        cells.append("" if effect is None else format_ci(metric, effect, difference=True, lang=lang))
    return cells


def _table(frame: pd.DataFrame, lang: str = "en") -> str:
    """A DataFrame (its index included) as a Markdown table; column names and words in ``lang``."""
    if not len(frame):
        return text("(none)", lang)
    frame = frame.copy()
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [" ".join(text(str(c), lang) for c in col) for col in frame.columns]
    frame = frame.reset_index() if frame.index.name or isinstance(frame.index, pd.MultiIndex) else frame
    header = [text(str(c), lang) for c in frame.columns]
    rows = [[_cell(v, lang) for v in row] for row in frame.itertuples(index=False)]
    return md_table(header, rows)


def _cell(value, lang: str = "en") -> str:
    if isinstance(value, float):
        return "" if np.isnan(value) else number(value, ",.3f", "en").rstrip("0").rstrip(".").translate(
            _MARKS[lang])
    return text(str(value), lang) if lang != "en" and str(value) not in POLICIES else str(value)


_MARKS = {"en": str.maketrans("", ""), "nl": str.maketrans(",.", ".,")}
