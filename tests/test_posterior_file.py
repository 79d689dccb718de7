"""The shipped posterior is checked against the parameter spec when it is loaded (issue 25): only
calibrated parameters, each once, finite, inside its prior, weights summing to one; a problem is one
line naming the file and the column, every command reports it (exit 2), and `--help` still works.
A valid posterior sets the same defaults as before, and a new calibration's export (other fitted
parameters, generations with "narrowed_to") is accepted."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model import posterior as P
from model.parameters import CALIBRATED, PARAMS

SHIPPED = Path(P.__file__).resolve().parent / "data"


def write(folder: Path, header: list[str], rows: list[list], meta: dict | str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / P.SAMPLE_FILE).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    if meta is not None:
        (folder / P.SETTINGS_FILE).write_text(meta if isinstance(meta, str) else json.dumps(meta), encoding="utf-8")
    return folder


def checked(folder: Path) -> P.Posterior:
    posterior = P.read_posterior(folder)
    P.check_posterior(posterior, PARAMS, folder / P.SAMPLE_FILE)
    return posterior


def shipped_copy(tmp_path: Path) -> tuple[list[str], list[list[str]], dict]:
    with (SHIPPED / P.SAMPLE_FILE).open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:], json.loads((SHIPPED / P.SETTINGS_FILE).read_text(encoding="utf-8"))


def test_the_shipped_posterior_passes_and_sets_the_same_defaults():
    posterior = checked(SHIPPED)
    assert P.PROBLEM is None
    medians = P.load_medians()
    assert medians == {name: posterior.median(name) for name in posterior.names}
    for name, value in medians.items():
        expected = int(round(value)) if PARAMS[name].kind is int else float(value)
        assert PARAMS[name].default == expected, name


def test_a_new_calibrations_export_is_accepted(tmp_path: Path):
    """Other fitted parameters than today's (20, new ones among them), "narrowed_to" per generation."""
    names = list(CALIBRATED[:20])
    rng = np.random.default_rng(1)
    rows = [[*(PARAMS[n].prior.low + u * (PARAMS[n].prior.high - PARAMS[n].prior.low)
               for n, u in zip(names, rng.random(len(names)), strict=True)), 0.25] for _ in range(4)]
    rows[0][0] = PARAMS[names[0]].prior.high  # a value at the prior's end is inside
    meta = {"settings": {"fit": names}, "generations": [{"t": 0, "epsilon": 2.0, "narrowed_to": {n: 0.9 for n in names}}]}
    posterior = checked(write(tmp_path, [*names, "weight"], rows, meta))
    assert posterior.names == tuple(names)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("renamed", "column 'fine_eur' is not a calibrated parameter"),
        ("unknown", "column 'hire_rat' is not a parameter of the model"),
        ("duplicated", "column 'hire_rate' appears twice"),
        ("truncated", "has 3 values, the header"),
        ("nan", "column 'hire_rate': not a finite number"),
        ("text", "column 'hire_rate': not a number"),
        ("outside", "column 'hire_rate': 1 of"),
        ("weights", "column 'weight': the weights sum to"),
        ("json", "posterior.json: not valid JSON"),
        ("fit", "the parameters it says were fitted are not the columns"),
    ],
)
def test_a_damaged_posterior_is_one_line_naming_the_file_and_the_column(tmp_path: Path, damage, message):
    header, rows, meta = shipped_copy(tmp_path)
    column = header.index("hire_rate")
    meta_text: dict | str = meta
    if damage == "renamed":  # issue 25: hire_rate -> fine_eur was accepted, and draws ran with a fine of EUR 0.40
        header[column] = "fine_eur"
        meta["settings"]["fit"] = header[:-1]
    elif damage == "unknown":
        header[column] = "hire_rat"
    elif damage == "duplicated":  # issue 25: defaults came from one copy and draws from the other
        header[column + 1] = "hire_rate"
    elif damage == "truncated":
        rows[-1] = rows[-1][:3]
    elif damage == "nan":
        rows[0][column] = "nan"
    elif damage == "text":
        rows[0][column] = "0,38"
    elif damage == "outside":
        rows[0][column] = "0.9"
    elif damage == "weights":
        rows = rows[: len(rows) // 2]
    elif damage == "json":
        meta_text = '{"settings": '
    elif damage == "fit":
        meta["settings"]["fit"] = [n for n in header[:-1] if n != "hire_rate"]
    folder = write(tmp_path / "posterior", header, rows, meta_text)
    with pytest.raises(P.PosteriorError) as err:
        checked(folder)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert str(folder) in str(err.value)


@pytest.fixture(scope="module")
def broken_model(tmp_path_factory) -> Path:
    """A copy of the four packages whose shipped posterior has hire_rate renamed to fine_eur.

    Run with this folder as the current one, ``python -m experiments.cli`` imports the copy. All four
    are copied: the command line refuses a `model` that is not beside its own `experiments`.
    """
    root = tmp_path_factory.mktemp("broken")
    source = Path(P.__file__).resolve().parents[1]
    for package in ("model", "agents", "experiments", "viz"):
        shutil.copytree(source / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    sample = root / "model" / "data" / P.SAMPLE_FILE
    lines = sample.read_text(encoding="utf-8").splitlines(keepends=True)
    sample.write_text(lines[0].replace("hire_rate", "fine_eur") + "".join(lines[1:]), encoding="utf-8")
    return root


def nieuwkomers(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "experiments.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_help_works_and_every_command_refuses_a_broken_posterior_in_one_line(broken_model: Path):
    """Issue 25: a broken posterior made every command, even --help, fail with a traceback."""
    assert "run" in nieuwkomers(broken_model, "--help").stdout
    result = nieuwkomers(broken_model, "run", "--policy", "baseline_2013", "--out", "out")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "posterior.csv: column 'fine_eur' is not a calibrated parameter" in result.stderr
    assert not (broken_model / "out").exists()
    environment = {k: v for k, v in os.environ.items() if k != P.DEFER_VARIABLE}
    imported = subprocess.run([sys.executable, "-c", "from model import IntegrationModel"], cwd=broken_model,
                              capture_output=True, text=True, timeout=300, env=environment)
    assert imported.returncode != 0 and "PosteriorError" in imported.stderr, "from Python the import fails loudly"
