"""Figures and tables of a calibration: epsilon per generation, marginals, pairs, predictive check."""

from __future__ import annotations

from pathlib import Path


def write_figures(out: Path, posterior, history, settings, check: int = 0, workers: int = 1) -> None:
    """Placeholder replaced below."""
