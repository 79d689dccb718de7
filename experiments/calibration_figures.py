"""The tables and figures of a calibration (seaborn), written to its output folder.

* ``parameters.csv``: each fitted parameter's prior, hand value, posterior
  median and 90% interval, and how much the data narrowed it;
* ``generations.csv`` and ``epsilon.png``: the threshold and the simulations per generation;
* ``marginals.png``: each parameter's weighted posterior over its prior range;
* ``pairs.png``: pairwise posterior of the parameters the data narrowed most;
* ``posterior_check.csv`` and ``predictive.png``: each target's posterior-predictive
  distribution against its band (``--check K`` draws, one seed each).

``calibrate --no-figures`` writes the tables only.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from experiments.executors import Backend  # noqa: E402
from model.parameters import PARAMS  # noqa: E402
from model.posterior import Posterior, round_significant  # noqa: E402

PAIRS = 6  # parameters in the pairwise plot
DPI = 110


def parameter_table(posterior: Posterior, priors: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Prior, hand value and posterior summary of each fitted parameter.

    ``narrowing`` is the posterior's standard deviation over the uniform
    prior's (1: the targets say nothing about it; small: well identified).
    """
    rows = []
    w = np.asarray(posterior.weights)
    for name in posterior.names:
        low, high = priors[name]
        values = np.asarray(posterior.column(name))
        mean = float(np.sum(w * values))
        sd = float(np.sqrt(np.sum(w * (values - mean) ** 2)))
        hand = PARAMS[name].hand_value if PARAMS[name].hand_value is not None else PARAMS[name].default
        rows.append({
            "parameter": name, "prior_low": low, "prior_high": high, "hand_value": hand,
            "median": posterior.median(name),  # rounded like the defaults, and the quantiles with it
            "q05": round_significant(posterior.quantile(name, 0.05)),
            "q95": round_significant(posterior.quantile(name, 0.95)),
            "narrowing": sd / ((high - low) / math.sqrt(12)) if high > low else float("nan"),
        })
    return pd.DataFrame(rows)


def epsilon_figure(generations: pd.DataFrame) -> plt.Figure:
    """Epsilon (and simulations) per generation."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    shown = generations[np.isfinite(generations["epsilon"])]
    ax.plot(shown["t"] + 1, shown["epsilon"], marker="o")
    ax.set_xlabel("generation")
    ax.set_ylabel("epsilon (RMS half-band widths outside the band)")
    twin = ax.twinx()
    twin.bar(generations["t"] + 1, generations["simulations"], alpha=0.2, color="grey")
    twin.set_ylabel("simulations")
    ax.set_title("ABC-SMC: threshold per generation")
    fig.tight_layout()
    return fig


def marginals_figure(posterior: Posterior, table: pd.DataFrame) -> plt.Figure:
    """Weighted posterior histogram of every parameter, on its prior range."""
    n = len(posterior.names)
    cols = 5
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3 * cols, 2.2 * rows), squeeze=False)
    for ax, r in zip(axes.flat, table.itertuples(), strict=False):
        sns.histplot(x=posterior.column(r.parameter), weights=posterior.weights, bins=12,
                     binrange=(r.prior_low, r.prior_high), stat="density", ax=ax, color="tab:blue")
        ax.axvline(r.median, color="black", lw=1)
        ax.axvline(r.hand_value, color="tab:orange", lw=1, ls="--")
        ax.set_xlim(r.prior_low, r.prior_high)
        ax.set_title(r.parameter, fontsize=8)
        ax.set_ylabel("")
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle("Posterior marginals on the prior range (black: median; orange dashed: hand value)")
    fig.tight_layout()
    return fig


def pairs_figure(posterior: Posterior, table: pd.DataFrame) -> plt.Figure:
    """Pairwise posterior of the `PAIRS` parameters narrowed most."""
    names = table.sort_values("narrowing")["parameter"].head(PAIRS).tolist()
    frame = pd.DataFrame({name: posterior.column(name) for name in names})
    frame["weight"] = posterior.weights
    grid = sns.pairplot(frame, vars=names, corner=True, plot_kws={"size": frame["weight"], "alpha": 0.6},
                        diag_kws={"weights": frame["weight"], "bins": 10}, height=1.6)
    grid.figure.suptitle("Pairwise posterior of the parameters the targets narrowed most", y=1.01)
    return grid.figure


def predictive_figure(check: pd.DataFrame, values: pd.DataFrame) -> plt.Figure:
    """Each target's posterior-predictive values (dots) against its band (grey), on a common scale.

    Values are shown in band units: 0 is the band's low end, 1 its high end.
    """
    scaled = values.copy()
    bands = check.set_index("id")
    scaled["position"] = (scaled["value"] - scaled["id"].map(bands["low"])) / (
        scaled["id"].map(bands["high"]) - scaled["id"].map(bands["low"]))
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(check) + 1.2))
    ax.axvspan(0, 1, color="0.85", label="band")
    sns.stripplot(data=scaled, x="position", y="id", order=check["id"].tolist(), ax=ax, size=3, jitter=0.2)
    ax.scatter((check["predictive_median"] - check["low"]) / (check["high"] - check["low"]), check["id"],
               marker="|", color="black", s=150, label="median", zorder=3)
    ax.set_xlabel("position in the band (0 = low end, 1 = high end)")
    ax.set_ylabel("")
    ax.set_xlim(-1.5, 2.5)
    ax.legend(loc="lower right", fontsize=7)
    ax.set_title("Posterior-predictive check: one dot per posterior draw")
    fig.tight_layout()
    return fig


def save(fig: plt.Figure, path: Path) -> None:
    """Save a figure and free it."""
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)


def write_figures(out: Path, posterior: Posterior, priors: dict[str, tuple[float, float]], settings,
                  check: int = 0, backend: Backend | None = None, figures: bool = True) -> None:
    """Write the tables and figures of a calibration to ``out`` (the predictive check runs on ``backend``).

    ``priors``: each fitted parameter's prior range (`experiments.calibrate.prior_range`);
    ``figures``: False writes the tables only.
    """
    table = parameter_table(posterior, priors)
    table.to_csv(out / "parameters.csv", index=False)
    generations = pd.DataFrame(posterior.settings["generations"])
    generations.to_csv(out / "generations.csv", index=False)
    if figures:
        save(epsilon_figure(generations), out / "epsilon.png")
        save(marginals_figure(posterior, table), out / "marginals.png")
        if len(posterior.names) >= 2:
            save(pairs_figure(posterior, table), out / "pairs.png")
    if check:
        from experiments.targets import posterior_values

        summary, values = posterior_values(posterior, check, progress=False, base=settings.world(),
                                           backend=backend)
        summary.to_csv(out / "posterior_check.csv", index=False)
        if figures:
            save(predictive_figure(summary, values), out / "predictive.png")
