"""Shared fixtures: a small world where claims are quick to check."""

from __future__ import annotations

import subprocess

import pytest

#: A small but complete world: every mechanism runs, in a fraction of the default's time.
SMALL = {
    "n_newcomers": 150,
    "n_residents": 1500,
    "n_employers": 40,
    "grid_width": 40,
    "grid_height": 40,
}


@pytest.fixture
def small() -> dict:
    """Keyword arguments for a small model."""
    return dict(SMALL)


#: The smallest world a sweep test needs, as a sweep file's [parameters] table.
TINY_SWEEP_PARAMETERS = """
[parameters]
n_newcomers = 60
n_residents = 300
n_employers = 10
grid_width = 20
grid_height = 20
"""


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop a process this test started: politely first, then for good."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
