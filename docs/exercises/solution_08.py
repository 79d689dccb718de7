"""Solution of exercise 8 ("How sure are we?"), generated from runs like the others.

Imported by ``generate_solutions.py``; kept in its own file because it reads
the posterior and the comparison's uncertainty table, which no other sheet uses.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments import summary as S
from experiments.compare import ComparisonResult
from model.parameters import PARAMS
from model.posterior import read_posterior

POLICIES = ["baseline_2013", "early_language", "two_track", "startpunten"]
METRICS = ["share_employed", "share_a2_plus", "share_isolated"]
YEAR = 5
DRAWS = {"full": 10, "quick": 2}  # the sheet's --posterior 10 (quick: a small check)
SEEDS_PER_DRAW = 2
SURE = 0.9  # "we are sure of the direction" when P(>= 1 pp better) reaches this


def exercise_8(runs, main: ComparisonResult, out: Path, doc_class, header, md_table, pct, pp, interval):
    """Write solution 8: the sheet's two comparisons (the first is the main one's year 5)."""
    setup = runs.setup
    doc = doc_class("08-how-sure", "8 — How sure are we? Seeds, and the model's own numbers", setup, out)
    k = DRAWS.get(setup.name, 3)
    header(doc, "08-how-sure.md",
           f"the comparison of all policies (seeds only, {setup.compare_seeds} seeds) and a comparison of "
           f"{len(POLICIES)} policies on {k} posterior draws × {SEEDS_PER_DRAW} seeds, {YEAR} years")
    result = runs.timed(f"ex8 compare --posterior {k} ({len(POLICIES)} x {k * SEEDS_PER_DRAW} runs)",
                        runs.compare, POLICIES, SEEDS_PER_DRAW, years=YEAR, metrics=METRICS, posterior=k)
    seeds_only = main.differences.set_index(["policy", "metric", "year"])
    u = result.uncertainty.assign(year=result.uncertainty["month"] / 12).set_index(["policy", "metric", "year"])
    rows, table = [], {}
    for policy in POLICIES[1:]:
        for metric in METRICS:
            m = S.REPORT_METRICS[metric]
            s = seeds_only.loc[(policy, metric, float(YEAR))]
            r = u.loc[(policy, metric, float(YEAR))]
            table[f"{policy}|{metric}"] = {
                "seeds_mean": s["mean"], "seeds_low": s["ci_low"], "seeds_high": s["ci_high"],
                "mean": r["mean"], "within_low": r["ci_low_seeds"], "within_high": r["ci_high_seeds"],
                "low": r["ci_low"], "high": r["ci_high"], "param_share": r["param_share"], "p_beats": r["p_beats"]}
            rows.append([f"`{policy}`", m.label, f"{pp(s['mean'])} {interval(s['ci_low'], s['ci_high'], pp)}",
                         f"{pp(r['mean'])} {interval(r['ci_low'], r['ci_high'], pp)}",
                         f"{r['param_share']:.0%}", f"{r['p_beats']:.0%}"])
    doc.keep("effects_year5", table)
    width = {key: (v["high"] - v["low"]) / max(v["seeds_high"] - v["seeds_low"], 1e-9) for key, v in table.items()}
    doc.keep("widening", width)
    tt = table["two_track|share_employed"]
    employment = [table[f"{p}|share_employed"]["param_share"] for p in POLICIES[1:]]
    language = [table[f"{p}|share_a2_plus"]["param_share"] for p in POLICIES[1:]]
    most = max(POLICIES[1:], key=lambda p: table[f"{p}|share_employed"]["high"] - table[f"{p}|share_employed"]["low"])
    survive = [f"`{p}` on {S.REPORT_METRICS[mm].label}" for p in POLICIES[1:] for mm in METRICS
               if table[f"{p}|{mm}"]["p_beats"] >= SURE]
    doc.add("## Predict first",
            f"**1. Two tracks, employment at year {YEAR}.** Seeds alone ({setup.compare_seeds} seeds): "
            f"{pp(tt['seeds_mean'])} {interval(tt['seeds_low'], tt['seeds_high'], pp)}. With the posterior "
            f"({k} draws × {SEEDS_PER_DRAW} seeds): {pp(tt['mean'])} {interval(tt['low'], tt['high'], pp)}, "
            f"{width['two_track|share_employed']:.1f} times as wide; {tt['param_share']:.0%} of its variance comes "
            "from the parameters.",
            f"**2. Employment or language.** The parameters' share of the uncertainty averages "
            f"{np.mean(employment):.0%} for employment effects and {np.mean(language):.0%} for effects on A2 or "
            "better. " + ("Language effects are the sturdier ones: courses act on language directly, while jobs "
                          "depend on hiring, know-how and scarring, which the targets pin down less."
                          if np.mean(language) < np.mean(employment) else
                          "Employment effects are the sturdier ones here: the CBS trajectory pins hiring down "
                          "well, while learning rates are fitted to fewer targets."),
            f"**3. Most dependent on the calibrated numbers** (widest interval for employment): `{most}`.",
            "**4. More seeds** shrink only the seed part (`w / N`); the parameter part (`b`) stays whatever "
            "the number of seeds: it is how much the effect itself differs across parameter sets that all fit "
            "the record. Only better measurements (narrower targets, or new ones) shrink it.")
    doc.add(f"## The effects at year {YEAR}",
            f"Seeds only: {setup.compare_seeds} seeds. Seeds + parameters: {k} posterior draws × "
            f"{SEEDS_PER_DRAW} seeds.",
            md_table(["policy", "outcome", "seeds only", "seeds + parameters", "from parameters",
                      "P(≥ 1 pp better)"],
                     rows, "llrrrr"))
    doc.figure(widths_figure(table), "intervals", "Each effect's interval from seeds alone and with the parameters")
    posterior = read_posterior()
    narrow = ""
    if posterior is not None:
        spans = []
        for name in posterior.names:
            p = PARAMS[name]
            prior = (p.prior.high - p.prior.low) if p.prior else np.nan
            spans.append((posterior.quantile(name, 0.95) - posterior.quantile(name, 0.05)) / prior / 0.9)
        order = np.argsort(spans)
        narrow = ", ".join(f"`{posterior.names[i]}`" for i in order[:4])
        doc.keep("narrowed_most", [posterior.names[i] for i in order[:4]])
    doc.add("## Questions to discuss: notes for the instructor",
            "1. **Survives seeds, not parameters.** Say the direction is likely but the size is not known; do "
            "not promise a number of jobs. Conclusions that survive both here (P(≥ 1 pp better) ≥ "
            f"{SURE:.0%}): " + (", ".join(survive) if survive else "none") + ".",
            "2. **Which measurement.** The parameters the targets narrowed most are "
            + (narrow or "listed in docs/calibration.md")
            + "; the effects of plans and startpunten act through parameters fitted to one or two evaluations "
            "each (plan brokerage, startpunt guidance), so a Dutch evaluation of either would narrow them most.",
            "3. **More seeds** average out chance, not ignorance: see answer 4 above.",
            "4. **Not in the posterior**: uncertainty about the model's structure (a missing mechanism, like "
            "employer discrimination in exercise 7), about the priors (centred on the hand calibration), "
            "about whether the 2014 cohort and foreign evaluations carry over to today's newcomers, and the "
            "approximation of ABC itself (few generations, a band distance).")
    return doc


def widths_figure(table: dict) -> Figure:
    """Error bars per effect: seeds only (thin) and seeds plus parameters (thick)."""
    frame = pd.DataFrame([{"effect": key.replace("|share_", "\n"), **v} for key, v in table.items()])
    fig = Figure(figsize=(7, 0.45 * len(frame) + 1))
    ax = fig.subplots()
    y = np.arange(len(frame))
    ax.errorbar(100 * frame["mean"], y + 0.15, xerr=[100 * (frame["mean"] - frame["low"]),
                                                      100 * (frame["high"] - frame["mean"])],
                fmt="o", lw=4, alpha=0.6, label="seeds + parameters")
    ax.errorbar(100 * frame["seeds_mean"], y - 0.15, xerr=[100 * (frame["seeds_mean"] - frame["seeds_low"]),
                                                            100 * (frame["seeds_high"] - frame["seeds_mean"])],
                fmt="o", lw=1.5, color="black", label="seeds only")
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(y, frame["effect"], fontsize=8)
    ax.set_xlabel("difference from baseline_2013 at year 5 (percentage points)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
