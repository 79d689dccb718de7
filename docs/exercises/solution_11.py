"""Solution of exercise 11 ("Spend the money"), generated from the sheet's own `nieuwkomers design` command.

Imported by ``generate_solutions.py``, which passes its formatting helpers;
kept in its own file because it runs `experiments.design`, which no other sheet
uses. Quick mode runs the same command in the small world with at most two
sampled packages, draws, seeds and finalists (seconds, not for teaching).
"""

from __future__ import annotations

import shlex
from pathlib import Path

import matplotlib.ticker
from matplotlib.figure import Figure

from experiments.cli import build_parser
from experiments.design import design
from experiments.designing.discovery import sentences
from experiments.inputs import parse_overrides, split_list
from model import POLICIES

SHEET = "11-spend-the-money"
#: The sheet's command, verbatim (tests/test_exercises.py checks that it is still in the sheet).
COMMANDS = {
    "design": "nieuwkomers design --budget 60000 --years 5 --samples 16 --draws 4 --seeds 2 --final-draws 8 "
              "--final-seeds 2 --finalists 6 --out results/ex11-design",
}
QUICK = {"samples": 1, "draws": 2, "seeds": 2, "final_draws": 2, "final_seeds": 2, "finalists": 1}
WORK = "share_employed@5"
AIMS = {"share_employed": "work", "share_a2_plus": "Dutch (A2 or higher)", "share_isolated": "contact (fewest isolated)"}


def run_design(runs):
    """The sheet's command through the Python API (the same runs), shrunk in quick mode."""
    args = build_parser().parse_args(shlex.split(COMMANDS["design"])[1:])
    sizes = {k: getattr(args, k) for k in QUICK}
    if runs.setup.params:
        sizes = {k: min(v, QUICK[k]) for k, v in sizes.items()}
    params = {**runs.setup.params, **parse_overrides(args.set)}
    n = sizes["samples"] + len(POLICIES)
    return runs.timed(f"ex11 design ({n} packages x {sizes['draws'] * sizes['seeds']} runs)", design,
                      budget=args.budget, objectives=split_list(args.objectives, "--objectives"),
                      levers=split_list(args.levers, "--levers"), years=args.years, params=params,
                      sample_seed=args.sample_seed, workers=runs.workers, **sizes)


def screen_and_fresh(result) -> dict[str, dict[str, float]]:
    """Per finalist: its employment effect on the screen's runs and on the fresh runs."""
    table = result.table[result.table["measure"] == WORK]
    wide = table.pivot_table(index="package", columns="stage", values="mean")
    wide = wide.dropna().loc[[p for p in result.pareto["package"] if p in wide.dropna().index]]
    return {p: {"screen": float(r["screen"]), "fresh": float(r["re-evaluation"])} for p, r in wide.iterrows()}


def cost_effect_figure(result) -> Figure:
    """Net cost against the employment effect: every package on the screen, the front as re-evaluated."""
    table = result.table
    fig = Figure(figsize=(8.5, 4.8), layout="constrained")
    ax = fig.subplots()
    for stage, source, style in (("screen", "sample", dict(c="0.65", s=18, label="sampled package (screen)")),
                                 ("screen", "preset", dict(c="tab:blue", s=34, marker="s",
                                                           label="policy (screen)")),
                                 ("re-evaluation", None, dict(c="tab:red", s=70, marker="*",
                                                              label="front (fresh runs)"))):
        rows = table[(table["stage"] == stage) & ((table["source"] == source) if source else
                                                  table["package"].isin(result.pareto.loc[
                                                      result.pareto["on_front"], "package"]))]
        cost = rows[rows["measure"] == "net_cost"].set_index("package")["mean"]
        effect = rows[rows["measure"] == WORK].set_index("package")["mean"].reindex(cost.index)
        ax.scatter(cost / 1000, effect, **style)
        if source == "preset":
            for name in cost.index:
                ax.annotate(name, (cost[name] / 1000, effect[name]), fontsize=7, xytext=(3, 3),
                            textcoords="offset points")
    ax.axvline(result.budget / 1000, color="k", ls="--", lw=0.9, label="budget")
    ax.axhline(0, color="0.5", lw=0.6)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{100 * v:+.0f} pp"))
    ax.set_xlabel(f"net public cost per newcomer over {result.years:g} years (thousand EUR)")
    ax.set_ylabel("employed at year 5, difference from baseline_2013")
    ax.set_title("Which package, for what money", loc="left")
    ax.legend(frameon=True, fontsize=8)
    return fig


def exercise_11(runs, main, out: Path, doc_class, header, md_table, pct, pp, eur):
    """Write solution 11 from the sheet's design command."""
    doc = doc_class(SHEET, "11 — Spend the money: which package, for what budget?", runs.setup, out)
    result = run_design(runs)
    screen, fresh = result.stages
    header(doc, f"{SHEET}.md", f"the sheet's `nieuwkomers design` command ({len(result.packages)} packages on "
                               f"{len(screen.draws)} posterior draws x {screen.seeds_per_draw} seeds, the front "
                               f"again on {len(fresh.draws)} fresh draws x {fresh.seeds_per_draw} fresh seeds)")
    s_table = result.table[result.table["stage"] == "screen"]
    cost = s_table[s_table["measure"] == "net_cost"].set_index("package")["mean"]
    presets = [p for p in POLICIES if p in cost.index]
    over = doc.keep("over_budget", [p for p in presets if cost[p] > result.budget])
    doc.keep("preset_cost", {p: float(cost[p]) for p in presets})
    front = result.pareto[result.pareto["on_front"]]
    doc.keep("front", list(front["package"]))
    objectives = result.objectives
    best = doc.keep("best_by_objective", {o.name: (str(front.loc[front[f"{o.name} mean"].mul(o.better).idxmax(),
                                                                  "package"]) if len(front) else "")
                                          for o in objectives})
    shift = doc.keep("screen_and_fresh", screen_and_fresh(result))
    front_shift = {p: v for p, v in shift.items() if p in set(front["package"]) and p != "baseline_2013"}
    smaller = sum(v["fresh"] < v["screen"] for v in front_shift.values())
    top = max(front_shift, key=lambda p: front_shift[p]["screen"]) if front_shift else None
    doc.keep("p_better", {r["package"]: float(r[f"{WORK} p_better"]) for _, r in front.iterrows()})
    doc.keep("prim", [] if result.prim is None else sentences(result.prim))
    fails = ({r["package"]: int(r["failures"]) for _, r in result.prim.drop_duplicates("package").iterrows()}
             if result.prim is not None and not result.prim.empty else {})
    doc.keep("failures", fails)
    one_best = len({b for b in best.values() if b}) == 1
    doc.add("## Predict first",
            f"**1. What fits.** Over {result.years:g} years the policies cost "
            + ", ".join(f"`{p}` {eur(cost[p])}" for p in sorted(presets, key=lambda p: cost[p]))
            + f" per newcomer (net, on the screen's runs). Over the budget of {eur(result.budget)}: "
            + (", ".join(f"`{p}`" for p in over) if over else "none")
            + (". `all_proposals`, everything at once, does not fit: its measures add up faster than the taxes "
               "and welfare savings they bring." if "all_proposals" in over else
               ". `all_proposals` fits: its extra work pays back much of what its measures cost."),
            "**2. One best package, or a choice?** The front holds "
            + (f"{len(front)} packages. " if len(front) != 1 else "one package. ")
            + " ".join(f"Best for {AIMS.get(o.metric, o.words())}: `{best[o.name]}`." for o in objectives
                       if best[o.name])
            + (" The same package is best on every objective here: no trade-off among the effects, only "
               "against the cost." if one_best else
               " Different packages are best on different objectives: choosing one means weighing work, Dutch "
               "and contact (and the cost) against each other."),
            "**3. Screen against fresh runs.** "
            + (f"Of the {len(front_shift)} front packages besides the baseline, {smaller} had a smaller employment "
               f"effect on the fresh runs than on the screen; the one that looked best on the screen, `{top}`, "
               f"went from {pp(front_shift[top]['screen'])} to {pp(front_shift[top]['fresh'])}. The screen "
               "picks packages partly for their luck on its own runs; fresh draws and seeds do not repeat that "
               "luck (the winner's curse)." if top else "No package besides the baseline is on the front."),
            "**4. Every draw?** "
            + (" ".join(f"`{p}` beats the baseline on employment by at least 1 pp in "
                        f"{front.set_index('package').loc[p, f'{WORK} p_better']:.0%} of the fresh draws."
                        for p in front["package"] if p != "baseline_2013")
               or "No package besides the baseline is on the front.")
            + " Where it fails, see below.")
    rows = [[f"`{r['package']}`", r["description"], eur(r["net_cost_mean"]),
             *(pp(r[f"{o.name} mean"]) for o in objectives), f"{r[f'{WORK} p_better']:.0%}"]
            for _, r in front.iterrows()]
    doc.add("## The front on fresh runs",
            "Mean over the fresh draws and seeds; effects are differences from `baseline_2013` on the same draw "
            "and seed (for isolation, lower is better).",
            md_table(["package", "what it changes", "net cost", *(o.name for o in objectives), "P(work +1 pp)"],
                     rows))
    doc.figure(cost_effect_figure(result), "front",
               "Net cost against the employment effect: policies, sampled packages and the front")
    rows = [[f"`{p}`", pp(v["screen"]), pp(v["fresh"]), pp(v["fresh"] - v["screen"])] for p, v in shift.items()]
    doc.add("## Screen and fresh runs (step 2)",
            "The finalists' employment effect at year 5 on the screen's runs and on the fresh ones.",
            md_table(["package", "screen", "fresh", "change"], rows))
    doc.add("## When does the choice fail? (step 3)",
            "\n".join(doc.numbers["prim"]) if doc.numbers["prim"] else "No package besides the baseline is on "
            "the front, so there is nothing to explain.",
            f"With {len(fresh.draws)} fresh draws a box rests on very few scenarios: read it as a question to "
            "ask of the data (is this parameter really that low?), not as an answer.")
    doc.add("## Questions to discuss: notes for the instructor",
            "1. **Which package.** There is no right answer: a front package is one nobody can improve on "
            "every count at once. Ask students to name their weights (how many points of Dutch is one point "
            "of work worth?) and to check that their pick is on the front.",
            "2. **Why fresh runs.** Picking the best of many noisy estimates picks the lucky ones too. On "
            "fresh draws and seeds the luck averages out, and the effect shrinks towards its true size. A "
            "ministry reading the screen's numbers would promise too much.",
            "3. **A low parameter.** Both: if the box is where the posterior says the world probably is, "
            "pick a package that does not fail there; if it is a corner, measuring that parameter (a pilot, "
            "an evaluation) is cheaper than buying insurance against it.",
            "4. **What the model leaves out.** Hiring and training staff, the time to set a measure up, "
            "political cost, and who pays: the cost here is the whole public purse; `compare --intake` splits "
            "it by payer.")
    return doc
