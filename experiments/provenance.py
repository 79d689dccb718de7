"""What made an output: the versions of this code and of what it runs on, recorded beside the output.

Every record a command writes takes its versions from here: ``run.json`` and
``compare.json`` (`versions`), ``sweep.json`` (with pandas and the model code's
hash, which a sweep's workers are also checked against: `MODEL_CODE`), a
calibration's posterior (the git commit, `code_version`) and the mark of
every output folder (`package_version`, `experiments.store`). This module
imports nothing of the command line: sweep workers import it.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from importlib import metadata
from pathlib import Path

RECORDED = ("nieuwkomers", "mesa", "numpy")  # the packages every record names


def package_version(name: str) -> str:
    """The installed version of a package, or "unknown"."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a plain checkout
        return "unknown"


def versions(*more: str, model_code: bool = False) -> dict[str, str]:
    """The versions a record names: nieuwkomers, Mesa, numpy, then ``more`` packages, Python.

    Args:
        more: Further packages to name (a sweep: pandas).
        model_code: Also the hash of the model's source as this process imported it (`MODEL_CODE`).
    """
    found = {name: package_version(name) for name in (*RECORDED, *more)}
    found["python"] = platform.python_version()
    if model_code:
        found["model_code"] = MODEL_CODE
    return found


def code_hash() -> str:
    """A hash of the simulation's source (``model/``, ``agents/``), to tell two checkouts apart.

    Two machines (or a worker started before an edit) with the same package
    version but different model code would give different results; this catches it.
    """
    import agents
    import model

    digest = hashlib.sha256()
    for package in (model, agents):
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*.py")) + sorted(root.rglob("*.csv")):
            digest.update(str(path.relative_to(root.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


MODEL_CODE = code_hash()
"""The hash of the model code as this process imported it (read right after the import)."""


def code_version() -> str:
    """The git commit of the code (``+changes`` when edited since), or the package version outside a checkout."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).parent, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, cwd=Path(__file__).parent, timeout=10).stdout.strip()
        return commit + ("+changes" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "nieuwkomers " + package_version("nieuwkomers")
