"""Numbers in their units and Markdown tables, the way every report of the experiments writes them."""

from __future__ import annotations

import pandas as pd

from model.outcomes import Metric


def format_value(metric: Metric, value: float, difference: bool = False) -> str:
    """A value in its unit: 38.7%, +1.4 pp, €12,345, 0.52."""
    if pd.isna(value):
        return "–"
    sign = "+" if difference else ""
    if metric.is_share:
        return f"{100 * value:{sign}.1f} pp" if difference else f"{100 * value:.1f}%"
    if metric.unit == "EUR":
        text = f"€{abs(value):,.0f}"
        return ("-" if value < 0 else ("+" if difference else "")) + text
    if metric.unit == "count":
        return f"{value:{sign},.0f}"
    return f"{value:{sign}.2f}"


def format_ci(metric: Metric, row: pd.Series, difference: bool = False) -> str:
    """``mean [ci_low, ci_high]`` in the metric's unit (interval without units)."""
    mean = format_value(metric, row["mean"], difference)
    if pd.isna(row["ci_low"]):
        return mean
    return f"{mean} {format_interval(metric, row['ci_low'], row['ci_high'])}"


def format_interval(metric: Metric, low: float, high: float) -> str:
    """``[low, high]`` in the metric's unit, without units (percentage points for shares)."""
    if pd.isna(low):
        return "–"
    scale = 100 if metric.is_share else 1
    if metric.unit == "EUR":
        return f"[{low:,.0f}, {high:,.0f}]"
    digits = 1 if metric.is_share else 2
    return f"[{scale * low:.{digits}f}, {scale * high:.{digits}f}]"


def is_significant(row: pd.Series) -> bool:
    """True if the interval ``ci_low, ci_high`` excludes zero."""
    return bool(row["ci_low"] > 0 or row["ci_high"] < 0)


def md_table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    """A Markdown table; ``align`` has one letter per column, "l" or "r" (default: the first left)."""
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = [header, rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
