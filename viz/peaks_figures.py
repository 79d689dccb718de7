"""Figures of a stress test: queues over time, and outcomes by arrival cohort (DataFrames in, Figure out)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from model.queues import QUEUES

#: The queues drawn, one panel each.
PANELS = ("waiting_for_decision", "emergency_reception", "waiting_for_house", "plan_waiting", "course_waiting")
INFLOW_STYLE = {"steady": ":", "stressed": "-"}
COHORT_ORDER = ("before", "during", "after")


def queues_figure(queues: pd.DataFrame, peak: tuple[int, int]) -> Figure:
    """One panel per queue: persons over months, a line per policy, dotted steady and solid stressed.

    Args:
        queues: Columns policy, inflow, month and the queues of `model.queues.QUEUES`.
        peak: First and last month of the peak (shaded).
    """
    fig = Figure(figsize=(13, 6.5), layout="constrained")
    axes = fig.subplots(2, 3).ravel()
    colours = {p: f"C{i}" for i, p in enumerate(dict.fromkeys(queues["policy"]))}
    for ax, name in zip(axes, PANELS, strict=False):
        for (policy, inflow), part in queues.groupby(["policy", "inflow"], sort=False):
            ax.plot(part["month"], part[name], INFLOW_STYLE.get(inflow, "-"), color=colours[policy],
                    label=f"{policy} ({inflow})", linewidth=1.4)
        ax.axvspan(peak[0], peak[1], color="0.9", zorder=0)
        ax.set_title(QUEUES[name], fontsize=9)
        ax.set_xlabel("month")
        ax.set_ylabel("persons")
    handles, labels = axes[0].get_legend_handles_labels()
    axes[-1].axis("off")
    axes[-1].legend(handles, labels, loc="center", fontsize=8, frameon=False)
    fig.suptitle("Queues over time (shaded: the peak)")
    return fig


def cohort_outcomes_figure(cohorts: pd.DataFrame, outcome: str, years: int) -> Figure:
    """Bars of an outcome ``years`` after the permit by arrival cohort, steady vs stressed, per policy.

    Args:
        cohorts: Columns policy, inflow, cohort, years_since_permit, outcome, mean, ci_low, ci_high.
        outcome: Which outcome ("employed", ...).
        years: Years since the permit.
    """
    sel = cohorts[(cohorts["outcome"] == outcome) & (cohorts["years_since_permit"] == years)]
    policies = list(dict.fromkeys(sel["policy"]))
    fig = Figure(figsize=(max(6, 2.2 * len(policies)), 4), layout="constrained")
    axes = fig.subplots(1, max(1, len(policies)), sharey=True, squeeze=False)[0]
    for ax, policy in zip(axes, policies, strict=True):
        part = sel[sel["policy"] == policy]
        for k, inflow in enumerate(("steady", "stressed")):
            rows = part[part["inflow"] == inflow].set_index("cohort").reindex(COHORT_ORDER)
            x = [i + (k - 0.5) * 0.38 for i in range(len(COHORT_ORDER))]
            err = [(rows["mean"] - rows["ci_low"]).fillna(0), (rows["ci_high"] - rows["mean"]).fillna(0)]
            ax.bar(x, rows["mean"], width=0.38, yerr=err, label=inflow, color="C0" if k == 0 else "C3", alpha=0.85)
        ax.set_xticks(range(len(COHORT_ORDER)), COHORT_ORDER)
        ax.set_title(policy, fontsize=9)
        ax.set_xlabel("arrival cohort (vs the peak)")
    axes[0].set_ylabel(f"share {outcome}, {years} years after the permit")
    axes[0].legend(fontsize=8)
    return fig
