"""When does the choice fail? Scenario discovery with PRIM over the posterior's parameters and the inflow.

For each package on the front, every fresh posterior draw of the re-evaluation
under each inflow (steady or surge, `experiments.designing.inflow`) is a
scenario: the package *fails* in it when it no longer beats the baseline
on the first objective (by 1 percentage point for a share, at all otherwise),
averaged over the draw's seeds. The scenario table has the posterior's
parameters and, when both inflows ran, the column ``inflow``: the inflow during
the peak months in times the steady level (1 steady, ``surge_factor`` under the
surge), so that a box can say "under the surge, when hire_rate is low"; with
one value per draw the inflow, being binary, is peeled off whole. PRIM (the Patient Rule Induction Method,
Friedman & Fisher 1999; as in the EMA Workbench's ``prim``) finds a box of
parameter ranges in which failures concentrate: starting from every draw, it
peels off, one side of one parameter at a time, the `PEEL_ALPHA` share of the
draws (at least one) whose removal leaves the highest share of failures, until
fewer than `MIN_SUPPORT` of the draws remain or every draw left fails. Of the
boxes on that trajectory it reports the densest that still holds at least
`MIN_COVERAGE` of the failures:

* **coverage**: the share of all failures that lie in the box;
* **density**: the share of draws in the box that are failures.

Implemented here (peeling only, no pasting) rather than taken from the EMA
Workbench, which this project does not otherwise need; with a few dozen
draws a box is a hint where to look, not a finding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.designing.inflow import INFLOW_COLUMN
from experiments.uncertainty import MARGIN

PEEL_ALPHA = 0.1  # share of the draws in the box peeled off per step (at least one draw)
MIN_SUPPORT = 0.1  # stop peeling when the box holds fewer than this share of the draws
MIN_COVERAGE = 0.5  # the reported box holds at least this share of the failures


def peel(x: pd.DataFrame, y: np.ndarray) -> list[dict]:
    """PRIM's peeling trajectory: each box as ``{"limits": {name: (low, high)}, "coverage", "density", "n"}``."""
    values = x.to_numpy(float)
    inside = np.ones(len(y), bool)
    total = max(int(y.sum()), 1)
    limits = {name: (values[:, j].min(), values[:, j].max()) for j, name in enumerate(x.columns)}
    trajectory = [_box(limits, inside, y, total)]
    while inside.sum() >= max(2, MIN_SUPPORT * len(y)) and y[inside].mean() < 1:
        n_peel = max(1, int(PEEL_ALPHA * inside.sum()))
        best = None
        for j, name in enumerate(x.columns):
            column = values[inside, j]
            order = np.sort(column)
            for side, cut in (("low", order[n_peel - 1]), ("high", order[-n_peel])):
                keep = inside & ((values[:, j] > cut) if side == "low" else (values[:, j] < cut))
                if keep.sum() < max(1, MIN_SUPPORT * len(y)) or keep.sum() == inside.sum():
                    continue
                density = y[keep].mean()
                if best is None or density > best[0]:
                    best = (density, keep, name, side, values[keep, j])
        if best is None or best[0] <= y[inside].mean():
            break
        _, inside, name, side, kept = best
        low, high = limits[name]
        limits = {**limits, name: (kept.min(), high) if side == "low" else (low, kept.max())}
        trajectory.append(_box(limits, inside, y, total))
    return trajectory


def _box(limits: dict, inside: np.ndarray, y: np.ndarray, total: int) -> dict:
    return {"limits": dict(limits), "coverage": float(y[inside].sum() / total), "density": float(y[inside].mean()),
            "n": int(inside.sum())}


def choose(trajectory: list[dict]) -> dict:
    """The densest box holding at least `MIN_COVERAGE` of the failures (the first, all draws, at worst)."""
    fit = [b for b in trajectory if b["coverage"] >= MIN_COVERAGE]
    return max(fit, key=lambda b: (b["density"], b["coverage"]))


def failures(scores: np.ndarray, is_share: bool) -> np.ndarray:
    """Per draw: does the package fail to beat the baseline (oriented draw means of one objective)?"""
    return scores < MARGIN if is_share else scores <= 0


def discover(scenarios: pd.DataFrame, scores: dict[str, np.ndarray], objective) -> pd.DataFrame:
    """The PRIM box of each package: where in the posterior (and the inflow) it no longer beats the baseline.

    Args:
        scenarios: One row per scenario (`experiments.designing.inflow.scenario_table`): the parameter
            sets of the fresh draws, and with both inflows the ``inflow`` level.
        scores: Package -> its oriented per-scenario means of ``objective``, in ``scenarios``' order.
        objective: The `experiments.designing.space.Objective` judged.

    Returns:
        One row per package and restricted parameter: ``package, objective, failures, scenarios, draws,
        failures_steady, failures_surge, parameter, low, high, coverage, density`` (``parameter`` empty
        when the package never fails, or when no box is denser than all the scenarios; ``parameter``
        ``inflow`` for a box that keeps one inflow; the failures per inflow empty where it did not run).
    """
    levels = scenarios[INFLOW_COLUMN] if INFLOW_COLUMN in scenarios else pd.Series(np.nan, index=scenarios.index)
    x = scenarios.loc[:, scenarios.nunique() > 1]
    rows = []
    for name, s in scores.items():
        y = failures(s, objective.is_share).astype(float)
        base = {"package": name, "objective": objective.name, "failures": int(y.sum()), "scenarios": len(y),
                "draws": len(y) // max(1, levels.nunique()),
                "failures_steady": y[(levels == 1).to_numpy()].sum() if (levels == 1).any() else np.nan,
                "failures_surge": y[(levels > 1).to_numpy()].sum() if (levels > 1).any() else np.nan}
        if y.sum() == 0 or x.empty:
            rows.append({**base, "parameter": "", "low": np.nan, "high": np.nan, "coverage": np.nan,
                         "density": float(y.mean())})
            continue
        box = choose(peel(x, y))
        full = {c: (x[c].min(), x[c].max()) for c in x.columns}
        narrowed = {c: lim for c, lim in box["limits"].items() if lim != full[c]}
        for parameter, (low, high) in (narrowed or {"": (np.nan, np.nan)}).items():
            rows.append({**base, "parameter": parameter, "low": low, "high": high, "coverage": box["coverage"],
                         "density": box["density"]})
    return pd.DataFrame(rows)


def sentences(prim: pd.DataFrame, reference: str = "the baseline") -> list[str]:
    """One plain sentence per package: when it fails (under which inflow), and how sure the box is."""
    lines = []
    for name, rows in prim.groupby("package", sort=False):
        first = rows.iloc[0]
        steady, surge = pd.notna(first["failures_steady"]), pd.notna(first["failures_surge"])
        if first["failures"] == 0:
            runs = (f"{first['scenarios']} scenarios ({first['draws']} fresh draws, steady and under the surge)"
                    if steady and surge else f"{first['draws']} fresh draws{' under the surge' if surge else ''}")
            lines.append(f"- **{name}** beats {reference} in every one of the {runs}.")
            continue
        if steady and surge:
            count = (f"{first['failures']} of {first['scenarios']} scenarios ({first['failures_steady']:.0f} of "
                     f"{first['draws']} draws steady, {first['failures_surge']:.0f} under the surge)")
        else:
            count = f"{first['failures']} of {first['draws']} draws{' under the surge' if surge else ''}"
        inflow = rows.loc[rows["parameter"] == INFLOW_COLUMN, "low"]
        limits = " and ".join(f"`{r['parameter']}` in [{r['low']:.3g}, {r['high']:.3g}]" for _, r in rows.iterrows()
                              if r["parameter"] not in ("", INFLOW_COLUMN))
        where = " ".join(([f"under the {'surge' if inflow.iloc[0] > 1 else 'steady inflow'}"] if len(inflow) else [])
                         + ([f"where {limits}"] if limits else []))
        box = (f"mostly {where} (coverage {first['coverage']:.0%}, density {first['density']:.0%})"
               if where else "with no region of the parameters that holds the failures")
        lines.append(f"- **{name}** fails to beat {reference} in {count}, {box}.")
    return lines
