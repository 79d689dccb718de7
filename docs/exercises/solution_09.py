"""Solution of exercise 9 ("Peaks"), generated from the sheet's own `nieuwkomers stress` commands.

Imported by ``generate_solutions.py``, which passes its formatting helpers;
kept in its own file because it runs `experiments.stress`, which no other
sheet uses. Quick mode runs the same commands in the small world, with the
persons per agent scaled so that the steady inflow stands for as many people
(the capacities then bind as at full size).
"""

from __future__ import annotations

import shlex
from pathlib import Path

import numpy as np

from experiments.cli import build_parser
from experiments.executors import open_backend
from experiments.inputs import parse_overrides, split_list
from experiments.stress_report import BREAKING, StressSummary, summarise_stress
from experiments.stress_runs import STRESS_WORLD, make_stress_settings, run_stress
from model.inflow import read_series
from viz.peaks_figures import cohort_outcomes_figure, queues_figure

SHEET = "09-peaks"
#: The sheet's commands, verbatim (tests/test_exercises.py checks that each is still in the sheet).
COMMANDS = {
    "surge": "nieuwkomers stress --policies baseline_2013,early_language,two_track,startpunten --seeds 10 "
             "--out results/ex9-surge",
    "unlimited": "nieuwkomers stress --policies baseline_2013,two_track --seeds 10 "
                 "--set decisions_per_month=1000000 --set reception_places=1000000 --set "
                 "housing_delivery_per_month=1000000 --set plan_caseworkers=100000 --set course_places=1000000 "
                 "--out results/ex9-unlimited",
    "series": "nieuwkomers stress --inflow series --policies baseline_2013,two_track --seeds 10 "
              "--out results/ex9-series",
}
QUICK_SEEDS = 2
BASE = "baseline_2013"
QUEUE_WORDS = {q: BREAKING[q] for q in ("decisions_overdue", "emergency_reception", "houses_overdue",
                                        "plan_waiting", "course_waiting")}
COHORTS = ("before", "during", "after")


def stress_summary(runs, key: str) -> StressSummary:
    """Run one of the sheet's commands (at the setup's size) and summarise it like the command does."""
    args = build_parser().parse_args(shlex.split(COMMANDS[key])[1:])
    overrides = parse_overrides(args.set)
    seeds = args.seeds
    if runs.setup.params:  # quick: the small world, standing for as many people a year as the stress world
        n = runs.setup.params["n_newcomers"]
        scale = STRESS_WORLD["persons_per_newcomer"] * STRESS_WORLD["n_newcomers"] / n
        overrides = {**runs.setup.params, "persons_per_newcomer": scale, **overrides}
        seeds = min(seeds, QUICK_SEEDS)
    settings = make_stress_settings(split_list(args.policies, "--policies"), seeds, args.years, args.inflow,
                                    overrides)
    n_runs = len(settings.policies) * 2 * len(settings.seeds)
    with open_backend(runs.workers, jobs=n_runs) as backend:
        results = runs.timed(f"ex9 stress {key} ({n_runs} runs)", run_stress, settings, backend, progress=False)
    return summarise_stress(settings, results)


def cohort_value(summary: StressSummary, policy: str, inflow: str, cohort: str, years: int,
                 outcome: str = "employed") -> tuple[float, float, float]:
    """Mean and 95% CI of an outcome for a cohort ``years`` after the permit."""
    c = summary.cohorts
    row = c[(c["policy"] == policy) & (c["inflow"] == inflow) & (c["cohort"] == cohort)
            & (c["years_since_permit"] == years) & (c["outcome"] == outcome)]
    if row.empty:
        return float("nan"), float("nan"), float("nan")
    return float(row["mean"].iloc[0]), float(row["ci_low"].iloc[0]), float(row["ci_high"].iloc[0])


def wait(summary: StressSummary, what: str, inflow: str, cohort: str, policy: str = BASE) -> float:
    """Mean months waiting for a decision or a house, by cohort."""
    w = summary.waits
    row = w[(w["policy"] == policy) & (w["wait"] == what) & (w["inflow"] == inflow) & (w["cohort"] == cohort)]
    return float(row["mean"].iloc[0]) if len(row) else float("nan")


def first_binding(summary: StressSummary) -> dict[str, dict]:
    """Per queue of `QUEUE_WORDS`: the month it first grows beyond its steady level, for how long, and its worst."""
    breaks = summary.breaks.set_index("queue")
    return {q: {"first_month": None if np.isnan(breaks.loc[q, "first_month"]) else int(breaks.loc[q, "first_month"]),
                "months_long": int(breaks.loc[q, "months_beyond_steady"]), "worst": float(breaks.loc[q, "worst_persons"]),
                "worst_month": None if np.isnan(breaks.loc[q, "worst_month"]) else int(breaks.loc[q, "worst_month"])}
            for q in QUEUE_WORDS}


def exercise_9(runs, main, out: Path, doc_class, header, md_table, pct, pp, interval):
    """Write solution 9 from the sheet's three stress commands."""
    doc = doc_class(SHEET, "9 — Peaks: what breaks first when three times as many come?", runs.setup, out)
    seeds = QUICK_SEEDS if runs.setup.params else 10
    world = ", ".join(f"{k}={v:g}" for k, v in STRESS_WORLD.items())
    header(doc, f"{SHEET}.md", f"the sheet's three `nieuwkomers stress` commands ({seeds} seeds each, steady "
                               f"and stressed inflow; the stress world: {world}, a continuous inflow)")
    surge, unlimited, series = (stress_summary(runs, key) for key in COMMANDS)
    st = surge.settings
    waits = {c: {w: {i: wait(surge, w, i, c) for i in ("steady", "stressed")} for w in ("decision_wait", "house_wait")}
             for c in COHORTS}
    doc.keep("waits_baseline", waits)
    binding = doc.keep("queues", first_binding(surge))
    order = sorted((q for q in binding if binding[q]["first_month"] is not None),
                   key=lambda q: (binding[q]["first_month"], -binding[q]["worst"]))
    first = order[0] if order else None
    longest = max(order, key=lambda q: binding[q]["months_long"]) if order else None
    employment = {p: {c: {i: cohort_value(surge, p, i, c, y)[0] for i in ("steady", "stressed")}
                      for c in COHORTS for y in (3,)} for p in st.policies}
    doc.keep("employment_3y", employment)
    b = employment[BASE]
    kept = surge.kept.set_index("policy")
    doc.keep("effects", kept.to_dict(orient="index"))
    best = kept["lost"].idxmin() if kept["lost"].notna().any() else None
    unl = {i: cohort_value(unlimited, BASE, i, "during", 3) for i in ("steady", "stressed")}
    bind = {i: cohort_value(surge, BASE, i, "during", 3) for i in ("steady", "stressed")}
    doc.keep("unlimited_peak_3y", {i: list(v) for i, v in unl.items()})
    overlap = not (unl["stressed"][2] < unl["steady"][1] or unl["stressed"][1] > unl["steady"][2])
    house = waits["during"]["house_wait"]
    doc.add("## Predict first",
            f"**1. The wait and what fills first.** Under `{BASE}` the peak cohort waited "
            f"{house['stressed']:.1f} months for a house ({house['steady']:.1f} in steady times) and "
            f"{waits['during']['decision_wait']['stressed']:.1f} months for a decision "
            f"({waits['during']['decision_wait']['steady']:.1f}); the cohort after the peak waited "
            f"{waits['after']['house_wait']['stressed']:.1f} months for a house. "
            + (f"The first queue to grow beyond anything seen in steady times is {QUEUE_WORDS[first]}, in month "
               f"{binding[first]['first_month']} "
               f"(the surge starts in month {st.peak[0]}); the order: "
               + ", ".join(f"{QUEUE_WORDS[q].split(' (')[0]} (month {binding[q]['first_month']})" for q in order)
               + "." if first else "No queue formed at this size."),
            f"**2. Employment three years after the permit** (`{BASE}`): the peak cohort "
            f"{pct(b['during']['steady'])} steady, {pct(b['during']['stressed'])} under the surge; the cohort "
            f"after the peak {pct(b['after']['steady'])} and {pct(b['after']['stressed'])}; the cohort before "
            f"{pct(b['before']['steady'])} and {pct(b['before']['stressed'])}. "
            + ("The cohort after the peak is hit hardest: it arrives into the backlog the peak left."
               if b["after"]["stressed"] - b["after"]["steady"] < b["during"]["stressed"] - b["during"]["steady"]
               else "The peak cohort itself is hit hardest."),
            "**3. Which policy keeps its effect.** " + (
                f"`{best}` loses least ({pp(kept.loc[best, 'steady'])} steady, "
                f"{pp(kept.loc[best, 'stressed'])} under the surge). The report explains: "
                + " ".join(line.removeprefix("Why: ") for line in surge.verdict.splitlines()[2:4]) if best else "No policy had a positive effect here."),
            f"**4. Unlimited capacity.** The peak cohort's employment at three years: "
            f"{pct(unl['steady'][0])} {interval(unl['steady'][1], unl['steady'][2], pct)} steady, "
            f"{pct(unl['stressed'][0])} {interval(unl['stressed'][1], unl['stressed'][2], pct)} under the surge: "
            + ("the intervals overlap: without queues the surge changes nothing per person."
               if overlap else "the intervals do not overlap: something besides the capacities differs "
                               "(more newcomers compete for the same vacancies and residents).")
            + f" With the default capacities: {pct(bind['steady'][0])} and {pct(bind['stressed'][0])}.")
    rows = [[c, f"{waits[c]['decision_wait']['steady']:.1f}", f"{waits[c]['decision_wait']['stressed']:.1f}",
             f"{waits[c]['house_wait']['steady']:.1f}", f"{waits[c]['house_wait']['stressed']:.1f}"] for c in COHORTS]
    doc.add("## Waiting, by arrival cohort",
            f"Months, `{BASE}`, mean over seeds; cohorts: the 12 months before the surge, the surge "
            f"(months {st.peak[0]}–{st.peak[1]}), the 12 months after.",
            md_table(["cohort", "decision, steady", "decision, surge", "house, steady", "house, surge"], rows))
    rows = [[QUEUE_WORDS[q], "–" if v["first_month"] is None else str(v["first_month"]), f"{v['worst']:,.0f}",
             "–" if v["worst_month"] is None else str(v["worst_month"])] for q, v in binding.items()]
    doc.add("## The queues under the surge",
            "First month: when the queue first grows beyond its longest in steady times.", md_table(["queue", "first month", "at worst (persons)", "worst month"],
                                                     rows))
    doc.figure(queues_figure(surge.queues, st.peak), "queues", "Queues over time, steady (dotted) and surge (solid)")
    rows = [[f"`{p}`"] + [pct(employment[p][c][i]) for c in COHORTS for i in ("steady", "stressed")]
            for p in st.policies]
    doc.add("## Employment three years after the permit, by cohort",
            md_table(["policy", *[f"{c}, {i}" for c in COHORTS for i in ("steady", "surge")]], rows))
    doc.figure(cohort_outcomes_figure(surge.cohorts, "employed", 3), "cohorts",
               "Employed three years after the permit, by arrival cohort, steady and surge")
    rows = [[f"`{p}`", pp(r["steady"]), pp(r["stressed"]), pp(r["lost"]),
             "–" if not np.isfinite(r["kept"]) else f"{r['kept']:.0%}"] for p, r in kept.iterrows()]
    doc.add("## Effects kept under the surge",
            "The peak cohort's employment three years after the permit, policy minus `baseline_2013` under the "
            "same inflow, paired by seed.", md_table(["policy", "steady", "surge", "lost", "kept"], rows))
    months, _ = read_series(series.settings.params.get("arrival_series", "nl"))
    start, end = series.settings.peak
    series_peak = f"{months[start - 1]} to {months[end - 1]}" if end <= len(months) else f"months {start}–{end}"
    worst = series.queues[series.queues["policy"] == BASE].groupby("inflow")["emergency_reception"].max()
    doc.keep("series", {"peak": [start, end], "emergency_worst": worst.to_dict()})
    doc.add("## The real series (step 3)",
            f"The report's peak is {series_peak}: the twelve months with most requests that can still be followed "
            f"five years after a permit within the run. At the worst month {worst.get('stressed', 0):,.0f} people "
            f"were in emergency locations (steady twin: {worst.get('steady', 0):,.0f}). The verdict: "
            + " ".join(series.verdict.splitlines()[:2]))
    doc.add("## Questions to discuss: notes for the instructor",
            f"1. **Which capacity first.** Here {QUEUE_WORDS[first] if first else 'none'} runs out first and "
            f"{QUEUE_WORDS[longest] if longest else 'none'} stays short longest "
            f"({binding[longest]['months_long'] if longest else 0} months beyond its steady level): a queue "
            "upstream passes the surge on, later, to the one downstream. The model leaves out the cost of places "
            "and houses and the time to build them: a capacity set with `--set` appears at once.",
            "2. **Who gets a plan first.** The model serves the longest waiting first; serving those it helps "
            "most (the highly educated, say) would raise the average effect and widen gaps. Neither is neutral.",
            "3. **After the peak.** The cohort after the peak arrives when the IND's backlog and the housing "
            "queue are longest, and its reception places are taken by permit holders who cannot move on.",
            "4. **Even spreading.** Spread evenly, the 2015 autumn surge is a plateau: the monthly peak, and so "
            "the worst queue, is lower than it was. The annual totals are right; the month-to-month shape is not "
            "(model/data/README.md).")
    return doc
