"""Numbers in their units, words and Markdown tables, the way every report of the experiments writes them.

Reports come in English or Dutch (``--lang``, `LANGUAGES`): `text` gives a report's words in either (the
Dutch is kept with the app's in `viz.texts`, `REPORT_STRINGS`), `number` writes 1,250.5 in English and
1.250,5 in Dutch, and every ``format_*`` takes the language.
"""

from __future__ import annotations

import pandas as pd

from experiments.inputs import REPORT_LANGUAGES as LANGUAGES  # noqa: F401  (the languages `text` knows)
from model.outcomes import Metric

_DUTCH_MARKS = str.maketrans(",.", ".,")


def text(key: str, lang: str = "en", **values) -> str:
    """A report's words in ``lang`` (`viz.texts.report_text`), with ``values`` filled in."""
    if lang == "en" and not values:
        from viz.texts import REPORT_STRINGS  # a short key ("leaves_out") stands for a paragraph

        return REPORT_STRINGS[key] if f"{key}_nl" in REPORT_STRINGS else key
    from viz.texts import report_text

    return report_text(key, lang, **values)


def translate_phrases(label: str, lang: str) -> str:
    """A figure's text in ``lang``: a known text as a whole (a queue's name, a metric's label), else every known
    phrase replaced, longest first (`viz.texts.report_phrases`); a text wrapped over lines is read as one line
    and wrapped again as wide."""
    if lang == "en" or not label:
        return label
    from viz.texts import report_phrases, report_text

    lines = label.split("\n")
    joined = " ".join(lines)
    out = report_text(joined, lang)
    if out == joined:  # one pass: a phrase's Dutch is not read again
        pattern, dutch = report_phrases()
        out = pattern.sub(lambda found: dutch[found.group(0)], joined)
    if len(lines) == 1:
        return out
    import textwrap

    return textwrap.fill(out, width=max(len(line) for line in lines))


def number(value: float, spec: str = "", lang: str = "en") -> str:
    """A number as ``lang`` writes it: 1,250.5 in English, 1.250,5 in Dutch (``spec`` as in `format`)."""
    out = format(value, spec)
    return out.translate(_DUTCH_MARKS) if lang == "nl" else out


def interval(low: str, high: str, lang: str = "en") -> str:
    """``[low, high]``; in Dutch ``[low; high]`` (the comma is the decimal mark there)."""
    return f"[{low}{'; ' if lang == 'nl' else ', '}{high}]"


def format_value(metric: Metric, value: float, difference: bool = False, lang: str = "en") -> str:
    """A value in its unit: 38.7%, +1.4 pp, €12,345, 0.52 (in Dutch 38,7%, +1,4 pp, €12.345, 0,52)."""
    if pd.isna(value):
        return "–"
    sign = "+" if difference else ""
    if metric.is_share:
        return number(100 * value, f"{sign}.1f", lang) + (" pp" if difference else "%")
    if metric.unit == "EUR":
        out = "€" + number(abs(value), ",.0f", lang)
        return ("-" if value < 0 else ("+" if difference else "")) + out
    if metric.unit == "count":
        return number(value, f"{sign},.0f", lang)
    return number(value, f"{sign}.2f", lang)


def format_ci(metric: Metric, row: pd.Series, difference: bool = False, lang: str = "en") -> str:
    """``mean [ci_low, ci_high]`` in the metric's unit (interval without units)."""
    mean = format_value(metric, row["mean"], difference, lang)
    if pd.isna(row["ci_low"]):
        return mean
    return f"{mean} {format_interval(metric, row['ci_low'], row['ci_high'], lang)}"


def format_interval(metric: Metric, low: float, high: float, lang: str = "en") -> str:
    """``[low, high]`` in the metric's unit, without units (percentage points for shares)."""
    if pd.isna(low):
        return "–"
    if metric.unit == "EUR":
        return interval(number(low, ",.0f", lang), number(high, ",.0f", lang), lang)
    scale = 100 if metric.is_share else 1
    spec = ".1f" if metric.is_share else ".2f"
    return interval(number(scale * low, spec, lang), number(scale * high, spec, lang), lang)


def is_significant(row: pd.Series) -> bool:
    """True if the interval ``ci_low, ci_high`` excludes zero."""
    return bool(row["ci_low"] > 0 or row["ci_high"] < 0)


def estimate(row: pd.Series, mean: str = "mean", low: str = "ci_low", high: str = "ci_high") -> pd.Series:
    """The columns ``mean, low, high`` of ``row`` under the names `format_ci` reads."""
    return pd.Series({"mean": row[mean], "ci_low": row[low], "ci_high": row[high]})


def effect_cell(metric: Metric, difference: pd.Series, lang: str = "en") -> str:
    """A difference with its interval (`format_ci`), **bold** where the interval excludes zero."""
    cell = format_ci(metric, difference, difference=True, lang=lang)
    return f"**{cell}**" if is_significant(difference) else cell


def md_table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    """A Markdown table; ``align`` has one letter per column, "l" or "r" (default: the first left)."""
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = [header, rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
