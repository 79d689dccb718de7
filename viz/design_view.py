"""The app's "Design a package" view: a stored `nieuwkomers design` front, a budget, a click to load a package.

`nieuwkomers design --out DIR` writes ``pareto.csv`` (the front re-evaluated on
fresh runs, one package a row, every lever's value) and ``packages.csv``. This
view reads them (no model runs: a design takes minutes), lets the user pick a
budget, draws the packages within it (net public cost per newcomer against the
first objective's effect) and loads a clicked package's levers into the app's
settings with compare mode on against the design's reference, so that Reset
runs it beside that reference with the same seed.

On the page (`viz.app`) it opens on demand, reading the folder given to
``nieuwkomers app --design DIR`` (default ``results/design``). Course hours (``course_hours_per_month``,
``azc_course_hours_per_month``) are searched by `design` but are not levers of the
app; a package that changes them says so when it is loaded.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import solara
from matplotlib.figure import Figure

from model import LEVERS, POLICIES
from model.parameters import PARAMS, SEARCHABLE
from viz.live import Settings, policy_levers
from viz.texts import number, t

DEFAULT_FOLDER = Path("results") / "design"
FOLDER_VARIABLE = "NIEUWKOMERS_DESIGN"  # set by ``nieuwkomers app --design DIR``


def design_folder() -> Path:
    """The folder the app reads its design from: ``--design DIR``, else `DEFAULT_FOLDER`."""
    return Path(os.environ.get(FOLDER_VARIABLE) or DEFAULT_FOLDER)


@dataclass(frozen=True)
class StoredDesign:
    """A design's output as the view needs it.

    Attributes:
        folder: Where it was read from.
        pareto: ``pareto.csv``: the finalists on fresh runs (``on_front`` marks the front).
        objective: The first objective's name (the chart's vertical axis).
        reference: The preset every effect is measured against.
        budget: The design's own budget (None: none).
        objectives: Every objective's name.
        draws: The posterior draws of the final evaluation (None: not recorded).
    """

    folder: Path
    pareto: pd.DataFrame
    objective: str
    reference: str
    budget: float | None
    objectives: tuple[str, ...] = ()
    draws: int | None = None


def load_design(folder: Path | str = DEFAULT_FOLDER) -> StoredDesign | None:
    """A design's ``pareto.csv`` and ``design.json`` from ``folder``; None if there is none (or it is unreadable)."""
    folder = Path(folder)
    try:
        record = json.loads((folder / "design.json").read_text(encoding="utf-8"))
        pareto = pd.read_csv(folder / "pareto.csv")
    except (OSError, ValueError):
        return None
    if record.get("command") != "design" or pareto.empty or not record.get("objectives"):
        return None
    return StoredDesign(folder, pareto, record["objectives"][0], record.get("reference") or "baseline_2013",
                        record.get("budget"), tuple(record["objectives"]),
                        (record.get("stages") or [{}])[-1].get("draws"))


def within(design: StoredDesign, budget: float) -> pd.DataFrame:
    """The front's packages whose expected net cost per newcomer is within ``budget``, cheapest first."""
    front = design.pareto[design.pareto["on_front"].astype(bool)]
    return front[front["net_cost_mean"] <= budget].sort_values("net_cost_mean", kind="stable")


def package_levers(row: pd.Series) -> dict:
    """A package's value of every searched lever, typed as the parameter (CSV reads booleans and numbers loosely)."""
    values = {}
    for name in SEARCHABLE:
        if name not in row.index or pd.isna(row[name]):
            continue
        p, raw = PARAMS[name], row[name]
        if p.kind is bool:
            values[name] = raw if isinstance(raw, bool) else str(raw).strip().lower() in ("true", "1")
        elif p.kind is str:
            values[name] = str(raw)
        else:
            values[name] = p.kind(raw)
    return values


def load_package(settings: Settings, row: pd.Series, reference: str) -> tuple[Settings, list[str]]:
    """The settings with a package's levers loaded and compare mode on against ``reference``.

    Returns:
        The new settings, and the searched levers the app cannot set that the package changes
        (they stay at their defaults in the app's run).
    """
    levers = package_levers(row)
    loaded = {**policy_levers("baseline_2013"), **{k: v for k, v in levers.items() if k in LEVERS}}
    left_out = [k for k, v in levers.items() if k not in LEVERS and v != PARAMS[k].default]
    policy = row["package"] if row["package"] in POLICIES else settings.policy
    reference = reference if reference != policy else "baseline_2013"
    return dataclasses.replace(settings, policy=policy, levers=loaded, compare=True, reference=reference), left_out


def front_figure(design: StoredDesign, budget: float, chosen: str | None = None) -> Figure:
    """Net cost per newcomer against the first objective's effect, the front within ``budget`` marked."""
    fig = Figure(figsize=(5.2, 3.6), layout="constrained")
    ax = fig.subplots()
    front = design.pareto[design.pareto["on_front"].astype(bool)]
    effect = f"{design.objective} mean"
    inside = within(design, budget)
    outside = front[~front["package"].isin(inside["package"])]
    ax.scatter(outside["net_cost_mean"] / 1000, 100 * outside[effect], c="0.7", s=30, label=t("design_over"))
    ax.scatter(inside["net_cost_mean"] / 1000, 100 * inside[effect], c="tab:red", s=50, marker="*",
               label=t("design_within"))
    for _, r in front.iterrows():
        ax.annotate(r["package"], (r["net_cost_mean"] / 1000, 100 * r[effect]), fontsize=12 if r["package"] == chosen
                    else 9, xytext=(3, 3), textcoords="offset points")
    ax.axvline(budget / 1000, color="k", ls="--", lw=0.8)
    ax.set_xlabel(t("design_cost_axis"), fontsize=12)
    ax.set_ylabel(t("design_effect_axis", objective=design.objective, reference=design.reference), fontsize=12)
    ax.legend(fontsize=10)
    return fig


@solara.component
def DesignPanel(settings: solara.Reactive[Settings], folder: Path | str | None = None):
    """Pick a budget, see the stored front within it, click a package to load its levers into ``settings``.

    Args:
        settings: The app's settings; a clicked package's levers go there.
        folder: The design's folder (default: `design_folder`).
    """
    folder = Path(folder) if folder is not None else design_folder()
    design = solara.use_memo(lambda: load_design(folder), [str(folder)])
    chosen = solara.use_reactive(None)
    note = solara.use_reactive("")
    budget = solara.use_reactive(None)  # None: the design's own budget (or the dearest package)
    if design is None:
        solara.Text(t("design_none", folder=folder), classes=["nk-caption"])
        return
    costs = design.pareto["net_cost_mean"]
    high = float(max(costs.max(), design.budget or 0))
    limit = float(budget.value if budget.value is not None else design.budget or high)
    solara.Text(t("design_intro", objectives=", ".join(design.objectives or (design.objective,)),
                  reference=design.reference, draws=design.draws or "?"), classes=["nk-caption"])
    solara.SliderFloat(t("design_budget", budget=number(limit, ",.0f")), value=limit, on_value=budget.set,
                       min=float(costs.min()), max=high, step=500)
    solara.FigureMatplotlib(front_figure(design, limit, chosen.value), format="png")
    packages = within(design, limit)
    if packages.empty:
        solara.Text(t("design_empty", cheapest=number(float(costs.min()), ",.0f")), classes=["nk-caption"])
    effect = f"{design.objective} mean"
    for _, row in packages.iterrows():
        def load(row=row) -> None:
            new, left_out = load_package(settings.value, row, design.reference)
            settings.set(new)
            chosen.set(row["package"])
            note.set(t("design_loaded", package=row["package"], reference=new.reference)
                     + (t("design_left_out", levers=", ".join(left_out)) if left_out else ""))
        solara.Button(t("design_package", package=row["package"], cost=number(row["net_cost_mean"], ",.0f"),
                        objective=design.objective, effect=number(100 * row[effect], "+.1f")),
                      on_click=load, text=True, classes=["nk-design-package"])
    if note.value:
        solara.Info(note.value, dense=True)
