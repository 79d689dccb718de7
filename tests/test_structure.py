"""The code's structure: every package imports on its own, in a fresh process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("package", ["model", "agents", "experiments", "viz"])
def test_every_package_imports_on_its_own(package):
    done = subprocess.run([sys.executable, "-c", f"import {package}"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr.strip().splitlines()[-1:]


def test_the_model_class_is_there_when_asked_for():
    done = subprocess.run([sys.executable, "-c", "import agents, model; print(model.IntegrationModel.__name__)"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "IntegrationModel", done.stderr
