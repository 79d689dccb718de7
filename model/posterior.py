"""The calibration's posterior, as shipped with the project.

``nieuwkomers calibrate --export`` writes two small files to ``model/data/``:

* ``posterior.csv``: the weighted posterior sample of the last ABC-SMC
  generation, one row per particle, one column per fitted parameter and a
  ``weight`` column (weights sum to 1);
* ``posterior.json``: how it was made (targets, priors, world, scenarios,
  generations, epsilons, simulations, wall time, code version).

The posterior's weighted medians are the defaults of the calibrated
parameters (``model.parameters``), so a plain ``IntegrationModel()`` is the
calibrated model; `draw` gives parameter sets for ``compare --posterior`` and
``validate --posterior``. This module reads the files with the standard
library only, because ``model.parameters`` needs the medians at import.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

SAMPLE_FILE = "posterior.csv"
SETTINGS_FILE = "posterior.json"
SIGNIFICANT_DIGITS = 3  # defaults are rounded so that docs and the app read well


@dataclass(frozen=True)
class Posterior:
    """A weighted posterior sample.

    Attributes:
        names: Fitted parameters, in column order.
        rows: One tuple of values per particle.
        weights: Particle weights, summing to 1.
        settings: How the calibration was made (``posterior.json``).
    """

    names: tuple[str, ...]
    rows: tuple[tuple[float, ...], ...]
    weights: tuple[float, ...]
    settings: dict

    def column(self, name: str) -> list[float]:
        """All particles' values of one parameter."""
        i = self.names.index(name)
        return [row[i] for row in self.rows]

    def median(self, name: str) -> float:
        """Weighted median of one parameter, rounded to `SIGNIFICANT_DIGITS`."""
        return round_significant(weighted_quantile(self.column(name), self.weights, 0.5))

    def quantile(self, name: str, q: float) -> float:
        """Weighted quantile ``q`` of one parameter."""
        return weighted_quantile(self.column(name), self.weights, q)

    def draw(self, k: int, seed: int = 0) -> list[dict[str, float]]:
        """``k`` parameter sets drawn with replacement, in proportion to the weights.

        The same ``k`` and ``seed`` give the same draws (numpy's PCG64), so
        every policy of a comparison runs on the same parameter sets.
        """
        import numpy as np

        rng = np.random.default_rng(seed)
        picks = rng.choice(len(self.rows), size=k, replace=True, p=np.asarray(self.weights) / sum(self.weights))
        return [dict(zip(self.names, self.rows[i], strict=True)) for i in picks]


def round_significant(value: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """``value`` rounded to ``digits`` significant digits."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def weighted_quantile(values: list[float], weights: tuple[float, ...] | list[float], q: float) -> float:
    """The smallest value whose cumulative weight reaches ``q`` of the total."""
    pairs = sorted(zip(values, weights, strict=True))
    total = sum(w for _, w in pairs)
    running = 0.0
    for value, weight in pairs:
        running += weight
        if running >= q * total - 1e-12:
            return value
    return pairs[-1][0]


def _data_dir() -> Path:
    return Path(str(resources.files("model").joinpath("data")))


def read_posterior(folder: str | Path | None = None) -> Posterior | None:
    """The posterior in ``folder`` (default: the shipped one), or None if there is none.

    Raises:
        ValueError: If the files exist but are malformed (naming the file and the problem).
    """
    folder = Path(folder) if folder is not None else _data_dir()
    sample, settings = folder / SAMPLE_FILE, folder / SETTINGS_FILE
    if not sample.exists():
        return None
    with sample.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if not header or header[-1] != "weight" or len(header) <= 1:
            raise ValueError(f"{sample}: expected columns <parameters...>,weight")
        try:
            body = [tuple(float(x) for x in line) for line in reader if line]
        except ValueError as err:
            raise ValueError(f"{sample}: a value is not a number ({err})") from None
    if not body or any(len(row) != len(header) for row in body):
        raise ValueError(f"{sample}: no particles, or rows of the wrong length")
    weights = tuple(row[-1] for row in body)
    if any(w < 0 or not math.isfinite(w) for w in weights) or sum(weights) <= 0:
        raise ValueError(f"{sample}: weights must be finite, non-negative and not all zero")
    meta = json.loads(settings.read_text(encoding="utf-8")) if settings.exists() else {}
    return Posterior(tuple(header[:-1]), tuple(row[:-1] for row in body), weights, meta)


def shipped_posterior() -> Posterior:
    """The posterior that ships with the installation.

    Raises:
        ValueError: If none ships (naming how to make one).
    """
    posterior = read_posterior()
    if posterior is None:
        raise ValueError("no posterior ships with this installation (model/data/posterior.csv); "
                         "run `nieuwkomers calibrate --export model/data`")
    return posterior


def write_posterior(posterior: Posterior, folder: str | Path) -> None:
    """Write ``posterior.csv`` and ``posterior.json`` to ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / SAMPLE_FILE).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow([*posterior.names, "weight"])
        for row, weight in zip(posterior.rows, posterior.weights, strict=True):
            writer.writerow([repr(float(v)) for v in (*row, weight)])
    (folder / SETTINGS_FILE).write_text(json.dumps(posterior.settings, indent=2) + "\n", encoding="utf-8")


def load_medians() -> dict[str, float]:
    """Weighted medians of the shipped posterior, by parameter (empty if none ships)."""
    posterior = read_posterior()
    if posterior is None:
        return {}
    return {name: posterior.median(name) for name in posterior.names}
