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

The shipped files are checked when they are loaded (`check_posterior`):
every column but ``weight`` must be a calibrated parameter of the spec, named
once; every value finite and inside the parameter's prior; the weights
non-negative and summing to one; ``posterior.json`` a JSON object whose fitted
parameters, if it lists them, are the columns. A problem is one line naming the
file and the column. Importing the model then raises it (`PosteriorError`),
except under the command line, which sets ``NIEUWKOMERS_DEFER_POSTERIOR_CHECK``:
there the defaults stay the hand values, `PROBLEM` holds the line, and every
command reports it (exit 2) while ``--help`` still works.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import math
import os
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from model.files import read_bounded

SAMPLE_FILE = "posterior.csv"
SETTINGS_FILE = "posterior.json"
SIGNIFICANT_DIGITS = 3  # defaults are rounded so that docs and the app read well
DEFER_VARIABLE = "NIEUWKOMERS_DEFER_POSTERIOR_CHECK"
MAX_FILE_BYTES = 256 * 2**20  # 100,000 particles of 40 parameters fit in 100 MB
WEIGHT_SUM_TOLERANCE = 1e-6
PRIOR_TOLERANCE = 1e-9  # of the prior's width: a value at its end, up to rounding
#: What is wrong with the shipped posterior, when the command line deferred the check (see the module's docs).
PROBLEM: str | None = None


class PosteriorError(ValueError):
    """A posterior file that does not hold a posterior of this model's parameters."""


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


def _read_text(path: Path) -> str:
    """A posterior file's text: a regular UTF-8 file of bounded size."""
    try:
        data = read_bounded(path, MAX_FILE_BYTES)
    except OSError as err:
        if err.errno in (errno.EINVAL, errno.EFBIG):
            raise PosteriorError(f"{path}: {err.strerror}") from None
        raise PosteriorError(f"{path}: cannot be read ({err.strerror or err})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise PosteriorError(f"{path}: not UTF-8 text") from None


def read_posterior(folder: str | Path | None = None) -> Posterior | None:
    """The posterior in ``folder`` (default: the shipped one), or None if there is none.

    Checks the files' form (see `check_posterior` for the check against the parameter spec).

    Raises:
        PosteriorError: If the files exist but are malformed: one line naming the file,
            and the column or row.
    """
    folder = Path(folder) if folder is not None else _data_dir()
    sample, settings = folder / SAMPLE_FILE, folder / SETTINGS_FILE
    if not sample.exists():
        return None
    try:
        rows = list(csv.reader(io.StringIO(_read_text(sample), newline="")))
    except csv.Error:
        raise PosteriorError(f"{sample}: not a CSV file") from None
    header = [name.strip() for name in rows[0]] if rows else []
    if not header[:-1] or header[-1] != "weight":
        raise PosteriorError(f"{sample}: expected a header <parameters...>,weight")
    seen = set()
    for name in header:
        if name in seen:
            raise PosteriorError(f"{sample}: column {name!r} appears twice")
        seen.add(name)
    body = []
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise PosteriorError(f"{sample}: line {line} has {len(row)} values, the header {len(header)} "
                                 "(a truncated file?)")
        values = []
        for name, text in zip(header, row, strict=True):
            try:
                value = float(text)
            except ValueError:
                raise PosteriorError(f"{sample}: line {line}, column {name!r}: not a number") from None
            if not math.isfinite(value):
                raise PosteriorError(f"{sample}: line {line}, column {name!r}: not a finite number")
            values.append(value)
        body.append(tuple(values))
    if not body:
        raise PosteriorError(f"{sample}: no particles")
    weights = tuple(row[-1] for row in body)
    if any(w < 0 for w in weights):
        raise PosteriorError(f"{sample}: column 'weight': a weight is negative")
    if abs(sum(weights) - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise PosteriorError(f"{sample}: column 'weight': the weights sum to {sum(weights):.6g}, not 1 "
                             "(a truncated or edited file?)")
    meta: dict = {}
    if settings.exists():
        try:
            meta = json.loads(_read_text(settings))
        except ValueError as err:
            raise PosteriorError(f"{settings}: not valid JSON ({type(err).__name__} at line "
                                 f"{getattr(err, 'lineno', '?')})") from None
        if not isinstance(meta, dict):
            raise PosteriorError(f"{settings}: expected a JSON object")
    return Posterior(tuple(header[:-1]), tuple(row[:-1] for row in body), weights, meta)


def check_posterior(posterior: Posterior, params: dict, where: str | Path = SAMPLE_FILE) -> None:
    """Check a posterior against the parameter spec.

    Every column must be a calibrated parameter, and every value inside its
    prior (the range the calibration samples; the parameter's bounds when it
    declares none).

    Args:
        posterior: The posterior (its form already checked by `read_posterior`).
        params: The parameter spec (``model.parameters.PARAMS``, before the medians replace defaults).
        where: The file, for the message.

    Raises:
        PosteriorError: Naming the file and the column.
    """
    for i, name in enumerate(posterior.names):
        param = params.get(name)
        if param is None:
            raise PosteriorError(f"{where}: column {name!r} is not a parameter of the model")
        if not param.calibrated:
            raise PosteriorError(f"{where}: column {name!r} is not a calibrated parameter (levers and world "
                                 "sizes are never fitted)")
        low, high = (param.prior.low, param.prior.high) if param.prior else param.bounds
        slack = PRIOR_TOLERANCE * max(abs(high - low), 1e-12)
        values = [row[i] for row in posterior.rows]
        outside = [v for v in values if not low - slack <= v <= high + slack]
        if outside:
            raise PosteriorError(f"{where}: column {name!r}: {len(outside)} of {len(values)} values lie outside "
                                 f"its prior [{low:g}, {high:g}] (a renamed or shifted column?)")
    record = posterior.settings.get("settings") if isinstance(posterior.settings, dict) else None
    fit = record.get("fit") if isinstance(record, dict) else None
    if isinstance(fit, list) and set(map(str, fit)) != set(posterior.names):
        differ = sorted(set(map(str, fit)) ^ set(posterior.names))
        raise PosteriorError(f"{Path(where).with_name(SETTINGS_FILE)}: the parameters it says were fitted are not "
                             f"the columns of {SAMPLE_FILE} (differ: {', '.join(differ[:3])})")


def _spec() -> dict:
    """The parameter spec, also while ``model.parameters`` is still being imported (it calls `load_medians`)."""
    module = sys.modules.get("model.parameters")
    params = getattr(module, "PARAMS", None)
    if params is None:
        from model.parameters import PARAMS as params
    return params


def shipped_posterior() -> Posterior:
    """The posterior that ships with the installation.

    Raises:
        ValueError: If none ships (naming how to make one).
    """
    if PROBLEM is not None:
        raise PosteriorError(PROBLEM)
    posterior = read_posterior()
    if posterior is None:
        raise ValueError("no posterior ships with this installation (model/data/posterior.csv); "
                         "run `nieuwkomers calibrate --export model/data`")
    check_posterior(posterior, _spec(), _data_dir() / SAMPLE_FILE)
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
    """Weighted medians of the shipped posterior, by parameter (empty if none ships), checked first.

    Raises:
        PosteriorError: If the shipped posterior fails its checks, unless the
            command line deferred them (then empty, and `PROBLEM` says why).
    """
    global PROBLEM
    try:
        posterior = read_posterior()
        if posterior is None:
            return {}
        check_posterior(posterior, _spec(), _data_dir() / SAMPLE_FILE)
    except PosteriorError as err:
        PROBLEM = f"{err}; restore the shipped posterior (e.g. git checkout model/data) or export a new one"
        if os.environ.get(DEFER_VARIABLE):
            return {}
        raise PosteriorError(PROBLEM) from None
    PROBLEM = None
    return {name: posterior.median(name) for name in posterior.names}
