"""Skips that cannot hide: in CI a skipped test or module fails the run (tests/conftest.py), elsewhere it stays a skip."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

SKIPPING = '''
import pytest

def test_runs():
    pass

def test_needs_what_is_missing():
    pytest.skip("chromium is not installed")

@pytest.mark.xfail(strict=True, reason="a known gap")
def test_known_gap():
    assert False
'''


def outcome_counts(tmp_path: Path, **env: str) -> tuple[dict[str, int], str]:
    """Run a small suite with this project's conftest in a fresh pytest; its counts by outcome, and its output."""
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_skipping.py").write_text(SKIPPING, encoding="utf-8")
    (tmp_path / "test_moved.py").write_text('import pytest\n\npytest.importorskip("a_module_that_moved")\n',
                                            encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "NIEUWKOMERS_ALLOW_SKIPS")}
    environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # no third-party plugins: a second, not ten
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider",
                           "--continue-on-collection-errors", "--rootdir", str(tmp_path), str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path, env={**environ, **env}, timeout=120)
    last = done.stdout.strip().splitlines()[-1]
    return {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", last)}, done.stdout


def test_in_ci_a_skipped_test_or_module_fails_the_run(tmp_path: Path):
    counts, output = outcome_counts(tmp_path, CI="true")
    assert counts == {"failed": 1, "passed": 1, "xfailed": 1, "error": 1}, output  # the module: a collection error
    assert "skipped in CI, where every test must run: chromium is not installed" in output
    assert "a_module_that_moved" in output


def test_outside_ci_or_when_allowed_a_skip_stays_a_skip(tmp_path: Path):
    for env in ({}, {"CI": "true", "NIEUWKOMERS_ALLOW_SKIPS": "1"}):
        counts, output = outcome_counts(tmp_path, **env)
        assert counts == {"passed": 1, "skipped": 2, "xfailed": 1}, (env, output)
