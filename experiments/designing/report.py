"""The design's report: ``summary.md`` in plain words, and its figures.

The front is told one package a line ("plan, early language, fine EUR 0: +9.0 pp
in work at EUR 41,000 per newcomer, better than the baseline in 94% of draws"),
with its pessimistic end (10th percentile over draws) and its regret; then how
the numbers were made, and what the screen's numbers are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from experiments.designing.discovery import sentences
from experiments.designing.front import MC_ERRORS
from experiments.designing.space import REFERENCE, Objective, Package
from experiments.summary import REPORT_METRICS

if TYPE_CHECKING:
    from experiments.designing.evaluate import Stage
    from experiments.designing.inflow import InflowSettings

#: A few words for the outcomes a front line names; others use the metric's label.
SHORT = {"share_employed": "in work", "share_fulltime": "full-time", "share_a2_plus": "at A2+",
         "share_b1_plus": "at B1+", "share_isolated": "isolated", "share_on_welfare": "on welfare",
         "share_exam_passed": "passed the exam", "mean_wellbeing": "wellbeing"}
FIGURE_DPI = 110


@dataclass
class DesignResult:
    """What a design found.

    Attributes:
        packages: Every package evaluated (presets first).
        objectives: What they were judged on.
        budget: The limit on the net public cost per newcomer (None: none).
        table: ``packages.csv``: every package, stage and measure.
        pareto: ``pareto.csv``: the finalists as re-evaluated, ``on_front`` marking the front.
        stages: The screen and the re-evaluation (draws and seeds).
        seconds: Wall time of the runs, per stage.
        mode: "screen" or "search".
        prim: ``prim.csv``: where in the posterior (and the inflow) each front package stops beating the
            reference (`experiments.designing.discovery`).
        reference: The preset every effect is paired with (``baseline_2013`` unless ``--reference``).
        inflow: ``inflow.csv``: the front and the reference under each inflow (None with ``--inflow steady``,
            or when no package but the reference is on the front).
        surge: The inflow runs' settings (None with ``--inflow steady``).
    """

    packages: list[Package]
    objectives: tuple[Objective, ...]
    budget: float | None
    years: float
    table: pd.DataFrame
    pareto: pd.DataFrame
    stages: tuple[Stage, Stage]
    seconds: dict = field(default_factory=dict)
    mode: str = "screen"
    prim: pd.DataFrame | None = None
    reference: str = REFERENCE
    inflow: pd.DataFrame | None = None
    surge: InflowSettings | None = None


def effect_words(metric: str, value: float) -> str:
    """``+9.0 pp in work`` (shares) or ``+0.05 wellbeing`` (other outcomes)."""
    m = REPORT_METRICS[metric]
    words = SHORT.get(metric, m.label.lower())
    return f"{100 * value:+.1f} pp {words}" if m.is_share else f"{value:+.3g} {words}"


def front_lines(result: DesignResult) -> list[str]:
    """One plain sentence per package on the front, cheapest first."""
    lines = []
    first = result.objectives[0]
    for _, row in result.pareto[result.pareto["on_front"]].iterrows():
        effects = ", ".join(effect_words(o.metric, row[f"{o.name} mean"]) for o in result.objectives)
        line = (f"- **{row['package']}** ({row['description']}): {effects} at EUR {row['net_cost_mean']:,.0f} "
                "per newcomer")
        if row["package"] != result.reference:
            line += (f", better than {reference_words(result)} ({SHORT.get(first.metric, first.metric)}) in "
                     f"{row[f'{first.name} p_better']:.0%} of draws")
        lines.append(line)
    return lines


def reference_words(result: DesignResult) -> str:
    """How the report names the reference: "the baseline" by default, else the preset's name."""
    return "the baseline" if result.reference == REFERENCE else result.reference


def surge_intro(result: DesignResult) -> str:
    """How the inflow runs were made, in one paragraph."""
    surge, fresh = result.surge, result.stages[1]
    first, last = surge.cohort
    both = "under a steady inflow and under " if len(surge.inflows) == 2 else "under "
    return (f"The front and {result.reference} ran again on the re-evaluation's {len(fresh.draws)} draws x "
            f"{fresh.seeds_per_draw} seeds, {both}{surge.words()} (the steady inflow standing for "
            f"{surge.persons_per_year:,.0f} persons a year, {surge.persons_per_newcomer:g} per agent, so that it "
            f"fits the capacities and the surge fills them). Each objective is read for the newcomers who arrive in "
            f"months {first}-{last}, its years after the surge begins"
            f"{', the same way under both inflows' if len(surge.inflows) == 2 else ''}:")


def surge_lines(result: DesignResult) -> list[str]:
    """One plain sentence per front package: its effect on the first objective under the steady inflow and the surge."""
    if result.inflow is None:
        return []
    o, ref = result.objectives[0], reference_words(result)
    stats = result.inflow[result.inflow["objective"] == o.name].set_index(["package", "inflow"])
    lines = []
    for name in dict.fromkeys(result.inflow["package"]):
        if name == result.reference or (name, "surge") not in stats.index:
            continue
        surge = stats.loc[(name, "surge")]
        if (name, "steady") in stats.index:
            steady = stats.loc[(name, "steady")]
            kept = (f" (keeps {surge['mean'] / steady['mean']:.0%} of its effect)"
                    if o.better * steady["mean"] > 0 else "")
            lines.append(f"- **{name}**: {effect_words(o.metric, steady['mean'])} under the steady inflow, "
                         f"{effect_words(o.metric, surge['mean'])} under the surge{kept}; better than {ref} in "
                         f"{steady['p_better']:.0%} and {surge['p_better']:.0%} of draws.")
        else:
            lines.append(f"- **{name}**: {effect_words(o.metric, surge['mean'])} under the surge, better than {ref} "
                         f"in {surge['p_better']:.0%} of draws.")
    return lines


def _surge_table(result: DesignResult) -> str:
    inflows = list(dict.fromkeys(result.inflow["inflow"]))
    heads = ["package", "objective", *(f"{i} mean" for i in inflows), *(f"better {i}" for i in inflows)]
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    stats = result.inflow.set_index(["package", "objective", "inflow"])
    for name in dict.fromkeys(result.inflow["package"]):
        if name == result.reference:
            continue
        for o in result.objectives:
            scale, fmt = (100, "{:+.1f}") if REPORT_METRICS[o.metric].is_share else (1, "{:+.3g}")
            rows = [stats.loc[(name, o.name, i)] for i in inflows]
            lines.append("| " + " | ".join([name, o.name, *(fmt.format(scale * r["mean"]) for r in rows),
                                               *(f"{r['p_better']:.0%}" for r in rows)]) + " |")
    return "\n".join(lines)


def prim_intro(result: DesignResult) -> str:
    """What a scenario is in the PRIM boxes."""
    both = result.inflow is not None and len(result.surge.inflows) == 2
    where = "" if result.inflow is None else " under each inflow" if both else " under the surge"
    return (f"Each fresh draw{where} is a scenario; a package fails in it when it does not beat "
            f"{reference_words(result)} on {result.objectives[0].name}"
            + (" (for the surge's cohort). PRIM over the posterior's parameters and the inflow (prim.csv; "
               f"`inflow` 1 is steady, {result.surge.factor:g} the surge):" if both
               else ". PRIM over the posterior's parameters (prim.csv):"))


def nothing_left(result: DesignResult) -> str:
    """Why the front is empty: every finalist cost more than the budget on the fresh runs."""
    over = result.pareto[result.pareto["rank"] == 0]
    names = ", ".join(f"{r['package']} (EUR {r['net_cost_mean']:,.0f})" for _, r in over.iterrows())
    return (f"- No package is left: on the fresh runs every finalist costs more than the budget ({names}). "
            "The screen's estimate of the cost was too low or too close to the limit; raise --budget or run more draws.")


def summary_markdown(result: DesignResult, figures: list[Path]) -> str:
    """The report."""
    screen, fresh = result.stages
    budget = f"EUR {result.budget:,.0f} per newcomer" if result.budget else "no limit"
    objectives = "; ".join(f"{o.words()} ({o.name})" for o in result.objectives)
    front = result.pareto[result.pareto["on_front"]]
    n_screen = result.table[result.table["stage"] == screen.name]["package"].nunique()
    how = ("the presets and a Latin hypercube sample of the searched levers" if result.mode == "screen"
           else "found by NSGA-II (optuna), the presets first; its study is in search-journal.log")
    parts = [
        "# Which package, for what money",
        "",
        f"Budget: {budget} (net public cost, cumulative over {result.years:g} years). Objectives, each the "
        f"difference from {result.reference} on the same posterior draw and seed: {objectives}.",
        "",
        "## The front",
        "",
        *(front_lines(result) or [nothing_left(result)]),
        "",
        f"These {len(front)} packages are the ones no other package beats on every objective and the cost, "
        "by more than the runs' noise, within the budget. The numbers above come from the re-evaluation on "
        f"{len(fresh.draws)} fresh posterior draws x {fresh.seeds_per_draw} fresh seeds, not from the screen "
        "that picked them.",
        "",
        "## The front in numbers",
        "",
        _front_table(result),
        "",
        "*mean*: expected effect over the posterior; *p10*: the 10th percentile over draws (a pessimist's "
        f"number); *better*: share of draws in which the package beats {reference_words(result)} by at least 1 percentage "
        "point; *regret*: how far it stays behind the best finalist in the same draw, on average.",
        "",
        *(["## Under a surge", "", surge_intro(result), "", *surge_lines(result), "", _surge_table(result), ""]
          if result.inflow is not None else []),
        "## When does the choice fail?",
        "",
        prim_intro(result),
        "",
        *(sentences(result.prim, reference_words(result)) if result.prim is not None and not result.prim.empty
          else [f"- No package other than {reference_words(result)} is on the front."]),
        "",
        "## How it was made",
        "",
        f"- {screen.name.capitalize()}: {n_screen} packages ({how}) "
        f"on {len(screen.draws)} posterior draws x {screen.seeds_per_draw} seeds: the draws and seeds of "
        f"`compare --posterior {len(screen.draws)} --seeds {screen.seeds_per_draw}`, so the presets' numbers "
        f"there are compare's (packages.csv, stage `{screen.name}`).",
        f"- Non-dominated sorting with a tolerance of {MC_ERRORS:g} Monte Carlo standard errors of each paired "
        "difference: smaller differences are ties.",
        f"- The front's packages (at most {len(result.pareto)}) re-evaluated on fresh draws and seeds "
        f"(seeds from {fresh.first_seed}): a search on fixed seeds overstates its winner.",
        "",
        *(f"![{p.stem}](figures/{p.name})" for p in figures),
        "",
    ]
    return "\n".join(parts)


def _front_table(result: DesignResult) -> str:
    heads = ["package", "net cost (EUR)"]
    for o in result.objectives:
        heads += [f"{o.name} mean", "p10", "better", "regret"]
    lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for _, row in result.pareto.iterrows():
        note = "" if row["on_front"] else " (over the budget)" if row["rank"] == 0 else " (off the front)"
        cells = [f"{row['package']}{note}", f"{row['net_cost_mean']:,.0f}"]
        for o in result.objectives:
            scale, fmt = (100, "{:+.1f}") if REPORT_METRICS[o.metric].is_share else (1, "{:+.3g}")
            cells += [fmt.format(scale * row[f"{o.name} mean"]), fmt.format(scale * row[f"{o.name} p10"]),
                      f"{row[f'{o.name} p_better']:.0%}", f"{scale * row[f'{o.name} regret']:.2g}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_figures(result: DesignResult, folder: Path) -> list[Path]:
    """Cost against each effect (presets marked, the front highlighted), and the front in parallel coordinates."""
    folder.mkdir(parents=True, exist_ok=True)
    return [_cost_vs_effect(result, folder / "cost_vs_effect.png"), _parallel(result, folder / "front_parallel.png")]


def _figure(figsize: tuple[float, float]):
    """A figure of its own (no pyplot: nothing global, and the command line starts without matplotlib)."""
    from matplotlib.figure import Figure

    return Figure(figsize=figsize)


def _cost_vs_effect(result: DesignResult, path: Path) -> Path:
    table = result.table
    screen = table[table["stage"] == "screen"]
    fresh = table[(table["stage"] == "re-evaluation") & table["package"].isin(
        result.pareto.loc[result.pareto["on_front"], "package"])]
    n = len(result.objectives)
    fig = _figure(figsize=(4.2 * n, 3.8))
    axes = fig.subplots(1, n, squeeze=False)
    for ax, o in zip(axes[0], result.objectives, strict=True):
        scale = 100 if REPORT_METRICS[o.metric].is_share else 1
        for frame, style in ((screen[screen["source"] == "sample"], dict(c="0.7", s=14, label="sampled (screen)")),
                             (screen[screen["source"] == "preset"], dict(c="tab:blue", s=30, marker="s",
                                                                         label="presets (screen)")),
                             (fresh, dict(c="tab:red", s=40, marker="*", label="front (re-evaluated)"))):
            cost = frame[frame["measure"] == "net_cost"].set_index("package")["mean"]
            effect = frame[frame["measure"] == o.name].set_index("package")["mean"].reindex(cost.index)
            ax.scatter(cost / 1000, scale * effect, **style)
            if style.get("marker") == "s":
                for name in cost.index:
                    ax.annotate(name, (cost[name] / 1000, scale * effect[name]), fontsize=6,
                                xytext=(2, 2), textcoords="offset points")
        if result.budget:
            ax.axvline(result.budget / 1000, color="k", ls="--", lw=0.8)
        ax.axhline(0, color="0.5", lw=0.5)
        ax.set_xlabel("net public cost per newcomer (k EUR)")
        ax.set_ylabel(f"{o.name} vs {reference_words(result).removeprefix('the ')} ({'pp' if scale == 100 else 'units'})")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=FIGURE_DPI)
    return path


def _parallel(result: DesignResult, path: Path) -> Path:
    front = result.pareto[result.pareto["on_front"]]
    columns = [f"{o.name} mean" for o in result.objectives] + ["net_cost_mean"]
    better = [o.better for o in result.objectives] + [-1]
    fig = _figure(figsize=(1.8 * len(columns) + 2, 4))
    ax = fig.subplots()
    for _, row in front.iterrows():
        ys = []
        for column, sign in zip(columns, better, strict=True):
            values = result.pareto[column] * sign
            span = values.max() - values.min()
            ys.append((row[column] * sign - values.min()) / span if span > 0 else 0.5)
        ax.plot(range(len(columns)), ys, marker="o", label=row["package"])
    ax.set_xticks(range(len(columns)), [c.removesuffix(" mean") for c in columns], rotation=15, fontsize=8)
    ax.set_ylabel("better (top) to worse, among the finalists")
    if front.empty:
        ax.set_title("no package left on the front", fontsize=9)
    else:
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1, 0.5))
    fig.tight_layout()
    fig.savefig(path, dpi=FIGURE_DPI)
    return path
