"""``design --readme README.md``: the README's generated block on which package, for what money.

Like ``compare --readme`` and ``stress --readme``: the block between
``<!-- design:start -->`` and ``<!-- design:end -->`` is rewritten with the
front in plain words (its re-evaluated numbers), how each fares under a surge,
when each front package stops beating the reference (PRIM over the posterior and
the inflow), the cost-against-effect figure (copied to
``docs/img/design_front.png`` beside the README) and the command that made it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.designing.discovery import sentences
from experiments.designing.report import (
    DesignResult,
    front_lines,
    nothing_left,
    prim_intro,
    reference_words,
    surge_intro,
    surge_lines,
)
from experiments.store import rewrite_readme_block

README_START, README_END = "<!-- design:start -->", "<!-- design:end -->"
README_IMAGE = Path("docs") / "img" / "design_front.png"
FIGURE = "cost_vs_effect.png"

#: The options a README's command repeats when they differ from the defaults, in this order.
_OPTIONS = ("mode", "budget", "objectives", "levers", "reference", "inflow", "samples", "draws", "seeds", "final_draws",
            "final_seeds", "finalists", "sample_seed", "years", "trials", "population")


def command(args: argparse.Namespace, defaults: argparse.Namespace) -> str:
    """The command that made the block: every option that differs from its default, then ``--set``."""
    words = ["nieuwkomers design"]
    for name in _OPTIONS:
        value = getattr(args, name, None)
        if value is None or value == getattr(defaults, name, None):
            continue
        if isinstance(value, list):
            value = ",".join(value)
        elif isinstance(value, float):
            value = f"{value:g}"
        words.append(f"--{name.replace('_', '-')} {value}")
    words += [f"--set {item}" for item in getattr(args, "set", [])]
    words += [f"--out {args.out}", "--readme README.md"]
    return " ".join(words)


def readme_block(result: DesignResult, run_command: str, out: str, image: Path = README_IMAGE) -> str:
    """The block's text (without its markers)."""
    screen, fresh = result.stages
    n_screen = result.table[result.table["stage"] == screen.name]["package"].nunique()
    budget = (f"within a budget of EUR {result.budget:,.0f} per newcomer (net public cost over {result.years:g} "
              "years)" if result.budget else f"with no limit on the cost (counted over {result.years:g} years)")
    objectives = "; ".join(o.words() for o in result.objectives)
    prim = (sentences(result.prim, reference_words(result)) if result.prim is not None and not result.prim.empty
            else [f"- No package other than {reference_words(result)} is on the front."])
    how = ("the presets and a Latin hypercube sample" if result.mode == "screen"
           else "found by NSGA-II, the presets first")
    return "\n".join([
        "## Which package, for what money", "",
        f"`nieuwkomers design` ran {n_screen} packages of levers ({how}) "
        f"on {len(screen.draws)} posterior draws x {screen.seeds_per_draw} seeds, kept those no other package "
        f"beats by more than the runs' noise {budget}, and re-evaluated them on {len(fresh.draws)} fresh draws x "
        f"{fresh.seeds_per_draw} fresh seeds. Objectives, each the difference from {result.reference} on the "
        f"same draw and seed: {objectives}. The front, on the fresh runs:", "",
        *(front_lines(result) or [nothing_left(result)]), "",
        *([f"Under a surge: {surge_intro(result)[0].lower()}{surge_intro(result)[1:]}", "", *surge_lines(result), ""]
          if result.inflow is not None else []),
        f"When does the choice fail? {prim_intro(result)}", "",
        *prim, "",
        f"![Net public cost against each effect: presets, sampled packages and the front]({image.as_posix()})", "",
        f"Generated, not typed: `{run_command}`; the full report (every package, the front's percentiles and "
        f"regret) is `{out}/summary.md`.",
    ])


def update_readme(readme: Path, result: DesignResult, out: Path, run_command: str, shown_out: str) -> Path:
    """Rewrite the README's design block and copy its figure beside it; returns the figure's path."""
    return rewrite_readme_block(readme, (README_START, README_END), readme_block(result, run_command, shown_out),
                                out / "figures" / FIGURE, README_IMAGE)
