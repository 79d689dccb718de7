"""The code's structure: every package imports on its own, in a fresh process; commands are leaves."""

from __future__ import annotations

import ast
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


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (also inside functions and ``TYPE_CHECKING``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)  # from experiments import run
    return found


def test_no_module_but_the_command_line_imports_a_command():
    """A command of `experiments` (a module `experiments.cli` dispatches to) is a leaf: no other command, and
    no other module, imports it; what two commands share lives in a module of its own. (The app's command,
    `viz.launch`, also holds the server setup `viz.app` reads.)"""
    from experiments.cli import COMMANDS

    commands = {module for module in COMMANDS.values() if module.startswith("experiments.")}
    offenders = []
    for folder in ("model", "agents", "experiments", "viz"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            if name != "experiments.cli":
                offenders += [f"{name} imports {command}" for command in sorted(imported_modules(path) & commands)
                              if command != name]
    assert not offenders, offenders


def test_experiments_build_a_model_in_one_place():
    """Every command runs its models through `experiments.runner.run_model`: no other module of experiments
    calls `IntegrationModel(...)`."""
    calls = [f"{path.relative_to(ROOT)}:{node.lineno}" for path in sorted((ROOT / "experiments").rglob("*.py"))
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "IntegrationModel"]
    assert [call.split(":")[0] for call in calls] == ["experiments/runner.py"], calls
