"""Judging packages: robust statistics over the posterior, and which packages no other beats.

Per package and objective, from the effects paired with the baseline run by run
(the same draw and seed), averaged over the seeds of each posterior draw:

* ``mean``: the expected effect over the posterior;
* ``p10``: the 10th percentile over draws (what a pessimist expects);
* ``p_better``: the share of draws in which the package beats the baseline by at
  least 1 percentage point (shares) or at all (other outcomes);
* ``regret``: how far it stays behind the best package of the same stage in the
  same draw, averaged over draws (0: best in every draw).

**Dominance with a tolerance.** Package A beats B when A is nowhere worse and
somewhere better, on every objective and on the net cost, where a difference
counts only when it exceeds ``max(tolerance, 2 × its Monte Carlo error)``: the
standard error of the draw-by-draw paired difference A − B. Differences smaller
than the noise of the runs are ties, so the front holds every package that the
runs cannot tell to be worse. Packages over the budget are not ranked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.designing.space import Objective
from experiments.uncertainty import MARGIN

PERCENTILE = 10
MC_ERRORS = 2.0  # a difference counts when it exceeds this many Monte Carlo standard errors


def draw_means(effects: pd.DataFrame, costs: pd.DataFrame, objectives: tuple[Objective, ...],
               packages: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per-draw means: effects (package × draw × objective, oriented so that more is better) and costs.

    Returns:
        ``scores`` of shape (P, K, M) and ``cost`` of shape (P, K), packages in ``packages`` order.
    """
    by_draw = effects.groupby(["package", "objective", "draw"], sort=True)["effect"].mean()
    cost = costs.groupby(["package", "draw"], sort=True)["cost"].mean()
    draws = sorted(costs["draw"].unique())
    scores = np.stack([np.stack([by_draw.loc[p, o.name].reindex(draws).to_numpy() * o.better
                                 for o in objectives], axis=-1) for p in packages])
    return scores, np.stack([cost.loc[p].reindex(draws).to_numpy() for p in packages])


def package_statistics(scores: np.ndarray, cost: np.ndarray, objectives: tuple[Objective, ...],
                       packages: list[str], budget: float | None) -> pd.DataFrame:
    """The robust statistics of every package and objective, and its cost, tidy.

    Returns:
        ``package, measure, mean, se, p10, p_better, regret``; ``measure`` is an
        objective's name or ``net_cost`` (in EUR; p10 is then the 90th percentile: the dear end).
    """
    feasible = within_budget(cost, budget)
    best = np.where(feasible[:, None, None], scores, -np.inf).max(axis=0) if feasible.any() else scores.max(axis=0)
    rows = []
    for i, name in enumerate(packages):
        for j, o in enumerate(objectives):
            s = scores[i, :, j]
            margin = MARGIN if o.is_share else 0.0
            rows.append({"package": name, "measure": o.name, "mean": o.better * s.mean(),
                         "se": _se(s), "p10": o.better * np.percentile(s, PERCENTILE),
                         "p_better": float(np.mean(s >= margin if margin else s > 0)),
                         "regret": float(np.mean(best[:, j] - s))})
        rows.append({"package": name, "measure": "net_cost", "mean": cost[i].mean(), "se": _se(cost[i]),
                     "p10": np.percentile(cost[i], 100 - PERCENTILE), "p_better": np.nan, "regret": np.nan})
    return pd.DataFrame(rows)


def _se(values: np.ndarray) -> float:
    return float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else np.nan


def within_budget(cost: np.ndarray, budget: float | None) -> np.ndarray:
    """Packages whose expected net cost per newcomer is within the budget."""
    mean = cost.mean(axis=1)
    return np.ones(len(mean), bool) if budget is None else mean <= budget


def dominates(scores: np.ndarray, cost: np.ndarray, a: int, b: int, tolerance: float = 0.0) -> bool:
    """Does package ``a`` beat ``b``: nowhere worse, somewhere better, beyond the Monte Carlo tolerance?"""
    criteria = np.concatenate([scores[a] - scores[b], (cost[b] - cost[a])[:, None]], axis=1)  # (K, M+1), >0: a better
    mean = criteria.mean(axis=0)
    k = criteria.shape[0]
    se = criteria.std(axis=0, ddof=1) / np.sqrt(k) if k > 1 else np.zeros(criteria.shape[1])
    tol = np.maximum(tolerance, MC_ERRORS * se)
    tol[-1] = MC_ERRORS * se[-1]  # the cost's tolerance is its own noise (euros, not points)
    return bool(np.all(mean >= -tol) and np.any(mean > tol))


def cheapest_message(cost: np.ndarray, names: list[str], words: list[str], budget: float | None) -> str | None:
    """One line when no package is within the budget, naming the cheapest; None otherwise."""
    if within_budget(cost, budget).any():
        return None
    i = int(cost.mean(axis=1).argmin())
    return (f"--budget {budget:,.0f} is below every package's net public cost per newcomer; the cheapest is "
            f"{names[i]} ({words[i]}) at EUR {cost[i].mean():,.0f}")


def front_ranks(scores: np.ndarray, cost: np.ndarray, budget: float | None, tolerance: float = 0.0) -> np.ndarray:
    """Non-dominated sorting: rank 1 for packages no package beats, 2 for those only rank 1 beats, ...

    Packages over the budget get rank 0 (not ranked).
    """
    feasible = within_budget(cost, budget)
    idx = [i for i in range(len(cost)) if feasible[i]]
    beaten_by = {i: {j for j in idx if j != i and dominates(scores, cost, j, i, tolerance)} for i in idx}
    ranks = np.zeros(len(cost), int)
    left, rank = set(idx), 1
    while left:
        front = {i for i in left if not (beaten_by[i] & left)}
        if not front:  # a cycle of near-ties: what is left shares the rank
            front = set(left)
        for i in front:
            ranks[i] = rank
        left -= front
        rank += 1
    return ranks


def crowding(points: np.ndarray) -> np.ndarray:
    """NSGA-II's crowding distance of points (rows) on the front: how much room each has (extremes: inf)."""
    n, m = points.shape
    distance = np.zeros(n)
    if n <= 2:
        return np.full(n, np.inf)
    for j in range(m):
        order = np.argsort(points[:, j], kind="stable")
        span = points[order[-1], j] - points[order[0], j]
        distance[order[0]] = distance[order[-1]] = np.inf
        if span > 0:
            distance[order[1:-1]] += (points[order[2:], j] - points[order[:-2], j]) / span
    return distance


def finalists(scores: np.ndarray, cost: np.ndarray, ranks: np.ndarray, limit: int) -> list[int]:
    """The front's packages to re-evaluate: all of rank 1, or the ``limit`` that spread it most."""
    front = np.flatnonzero(ranks == 1)
    if len(front) <= limit:
        return list(front)
    points = np.concatenate([scores[front].mean(axis=1), -cost[front].mean(axis=1)[:, None]], axis=1)
    keep = np.argsort(-crowding(points), kind="stable")[:limit]
    return sorted(front[keep].tolist())
