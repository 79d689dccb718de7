"""A lean install: `pip install .` brings everything the model, the CLI and the app import, and no test tool.

The fast test reads the code's imports and the installed packages' metadata; the slow
one (``pytest -m slow tests/test_install.py``; several minutes, needs the package index)
does what the Dockerfile does, in a fresh virtual environment, and asks the app for its page.
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import os
import re
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
INCLUDE = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
PACKAGES = [pattern.rstrip("*") for pattern in INCLUDE]  # the top-level packages


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def runtime_closure() -> set[str]:
    """Every distribution `pip install .` installs: the dependencies, theirs, and so on (extras honoured).

    The ``calibrate`` extra counts too: `nieuwkomers calibrate` is the one command that needs it,
    imports it only when run, and names ``pip install 'nieuwkomers[calibrate]'`` when it is missing.
    """
    seen: set[str] = set()
    extra = PYPROJECT["project"]["optional-dependencies"]["calibrate"]
    todo = [Requirement(r) for r in [*PYPROJECT["project"]["dependencies"], *extra]]
    while todo:
        req = todo.pop()
        name = _name(req.name)
        key = name + "[" + ",".join(sorted(req.extras)) + "]"
        if key in seen:
            continue
        seen.add(key)
        seen.add(name)
        for text in metadata.requires(req.name) or []:
            sub = Requirement(text)
            environments = [{"extra": e} for e in req.extras] or [{"extra": ""}]
            if sub.marker is None or any(sub.marker.evaluate(env) for env in environments):
                todo.append(sub)
    return {k for k in seen if "[" not in k}


def imported_modules() -> set[str]:
    """Top-level names of every module the installed packages import (at any depth in a file)."""
    names = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - set(PACKAGES) - {"__future__"}


def test_the_runtime_dependencies_hold_every_module_the_code_imports():
    closure = runtime_closure()
    providers = metadata.packages_distributions()
    missing = {module: providers.get(module) for module in imported_modules()
               if not {_name(d) for d in providers.get(module, [])} & closure}
    assert missing == {}, "imported but not installed by `pip install .`"


def test_test_tools_are_extras_only():
    runtime = {_name(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}
    dev = {_name(Requirement(r).name) for r in PYPROJECT["project"]["optional-dependencies"]["dev"]}
    assert not runtime & dev
    assert {"pytest", "playwright", "ruff", "hypothesis"} <= dev


def test_pip_install_takes_every_package_and_subpackage():
    """`experiments.comparison` was once left out of a hand-kept list: every CLI command then failed."""
    from fnmatch import fnmatchcase

    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for top in PACKAGES
               for p in (ROOT / top).rglob("__init__.py")}
    left_out = {name for name in on_disk if not any(fnmatchcase(name, pattern) for pattern in INCLUDE)}
    assert "experiments.comparison" in on_disk
    assert left_out == set()


def test_the_command_line_knows_its_own_packages():
    from experiments.cli import PACKAGES as CLI_PACKAGES

    assert set(CLI_PACKAGES) == set(PACKAGES)


@pytest.mark.parametrize("kind", ["package", "namespace"])
def test_another_package_named_model_is_said_in_one_line(tmp_path: Path, kind: str):
    """Top-level names can clash in site-packages (docs/ODD.md says why they stay): the CLI names the clash."""
    (tmp_path / "model").mkdir()
    if kind == "package":
        (tmp_path / "model" / "__init__.py").write_text("X = 1\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", "import sys; from experiments.cli import main; sys.exit(main(['policies']))"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "another package named 'model'" in lines[0]
    assert str(tmp_path / "model") in lines[0] or kind == "namespace"
    assert "virtual environment" in lines[0]


def test_no_clash_when_nothing_shadows_our_packages():
    from experiments.cli import shadowed_package

    assert shadowed_package() is None


@pytest.mark.slow
def test_pip_install_from_a_clone_then_nieuwkomers_app_serves_the_page(tmp_path: Path):
    """The Dockerfile's commands: `pip install .` in a fresh environment, then `nieuwkomers app`."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([venv / "bin" / "pip", "install", "--quiet", str(ROOT)], check=True, timeout=1800)
    installed = subprocess.run([venv / "bin" / "pip", "list", "--format=freeze"], capture_output=True,
                               text=True, check=True).stdout.lower()
    assert "pytest==" not in installed and "playwright==" not in installed
    port = "8799"
    server = subprocess.Popen([venv / "bin" / "nieuwkomers", "app", "--host", "0.0.0.0", "--port", port,
                               "--no-open"], cwd=tmp_path, env={**os.environ, "PYTHONPATH": ""},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # local: never via a proxy
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with opener.open(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200 and "solara" in response.read().decode().lower()
                    break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the app did not answer"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=15)
