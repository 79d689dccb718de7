"""The comparison in words: ``summary.md``, the terminal's headline table and the README block."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments import for_whom as G
from experiments import summary as S
from experiments.comparison.for_whom import for_whom_section, gap_sentence
from experiments.comparison.formatting import (
    effect_cell,
    estimate,
    format_ci,
    format_interval,
    format_value,
    is_significant,
    md_table,
    number,
    text,
)
from experiments.comparison.settings import PERMIT_YEARS, ComparisonSettings
from experiments.comparison.summarising import ComparisonResult, permit_years_shown
from model import POLICY_INFO

README_START, README_END = "<!-- compare:start -->", "<!-- compare:end -->"
README_FIGURE = "overview.png"  # the figure the README shows
README_IMAGE = Path("docs") / "img" / "compare_overview.png"  # where the README shows it


def _year_label(year: float, lang: str = "en") -> str:
    return text("year {year}", lang, year=f"{year:g}")


def interval_label(st: ComparisonSettings, lang: str = "en") -> str:
    """Which interval a table gives, in one line: from seeds, or from seeds and parameters (``--posterior``)."""
    if st.draws:
        return text("*Intervals: 95%, from seeds and parameters ({runs} runs per policy: {k} posterior parameter "
                    "sets × {s} seeds).*", lang, runs=len(st.seeds), k=len(st.draws), s=st.seeds_per_draw)
    return text("*Intervals: 95%, from seeds ({runs} seeds per policy; the parameters as calibrated).*", lang,
                runs=len(st.seeds))


def _uncertainty_text(st: ComparisonSettings, lang: str = "en") -> str:
    if not st.draws:
        return text("uncertainty_seeds", lang, n=len(st.seeds), reference=st.reference)
    k, s = len(st.draws), st.seeds_per_draw
    return text("uncertainty_parameters", lang, k=k, s=s, runs=k * s)


def _uncertainty(result: ComparisonResult) -> pd.DataFrame:
    return result.uncertainty.assign(year=result.uncertainty["month"] / 12).set_index(["policy", "metric", "year"])


def _uncertainty_cells(m, r: pd.Series, lang: str = "en") -> list[str]:
    """An effect, its intervals from seeds alone and from seeds plus parameters, the parameters' share, P(beats)."""
    return [format_value(m, r["mean"], difference=True, lang=lang),
            format_interval(m, r["ci_low_seeds"], r["ci_high_seeds"], lang),
            format_interval(m, r["ci_low"], r["ci_high"], lang), f"{r['param_share']:.0%}",
            "–" if pd.isna(r["p_beats"]) else f"{r['p_beats']:.0%}"]


def uncertainty_section(result: ComparisonResult, years: list[float], lang: str = "en") -> list[str]:
    """The report's table of effects with seed-only and seed-plus-parameter intervals."""
    st = result.settings
    u = _uncertainty(result)
    out = [f"## {text('How sure are we? Seeds alone, and seeds plus parameters', lang)}", "",
           text("how_sure_intro", lang, reference=st.reference), ""]
    header = [text(h, lang) for h in ("policy", "year", "effect", "seeds alone", "seeds + parameters",
                                      "from parameters", "P(≥ 1 pp better)")]
    for name in st.metrics:
        m = S.REPORT_METRICS[name]
        rows = []
        for p in st.policies:
            if p == st.reference:
                continue
            for y in years:
                if (p, name, y) not in u.index:
                    continue
                rows.append([f"`{p}`", f"{y:g}", *_uncertainty_cells(m, u.loc[(p, name, y)], lang)])
        out += [f"### {text(m.label, lang)}", "", md_table(header, rows, "llrrrrr"), ""]
    return out


def report_markdown(result: ComparisonResult, figures: list[str], lang: str = "en") -> str:
    """The readable report, ``summary.md``, in English or Dutch (``lang``).

    Every table of effects gives one interval per effect, the same one throughout (from seeds, or from
    seeds and parameters with ``--posterior``), and says which under its heading; only *How sure are we?*
    sets the seeds-alone interval beside it, to separate the two.
    """
    st = result.settings
    metrics = S.REPORT_METRICS
    years = [m / 12 for m in st.report_months()]
    summary = result.summary.set_index(["policy", "metric", "year"])
    diffs = result.differences.set_index(["policy", "metric", "year"])
    overrides = ", ".join(f"`{k}={v}`" for k, v in st.params.items()) or text("none", lang)
    out = [
        f"# {text('Policy comparison', lang)}",
        "",
        text("{policies} policies × {seeds} seeds × {years} years, {n} newcomers per run; parameter overrides: "
             "{overrides}.", lang, policies=len(st.policies), seeds=len(st.seeds), years=f"{st.years:g}",
             n=number(st.n_newcomers, ",", lang), overrides=overrides),
        "",
        *_reference_text(st, lang),
        _crn_text(result, lang),
        "",
        _uncertainty_text(st, lang),
        "",
        f"## {text('Policies', lang)}",
        "",
    ]
    for p in st.policies:
        out.append(f"- `{p}`: {text(POLICY_INFO[p].title, lang)}.")
    out += ["", "## " + text("Key outcomes by year (difference from `{reference}`)", lang, reference=st.reference),
            "", interval_label(st, lang), ""]
    for name in key_metrics(st):
        m = metrics[name]
        out += [f"### {text(m.label, lang)}", ""]
        header = [text("policy", lang)]
        for y in years:
            header += [_year_label(y, lang), f"Δ {_year_label(y, lang)}"]
        rows = []
        for p in st.policies:
            row = [f"`{p}`"]
            for y in years:
                row.append(format_ci(m, summary.loc[(p, name, y)], lang=lang))
                row.append("" if p == st.reference else effect_cell(m, diffs.loc[(p, name, y)], lang))
            rows.append(row)
        out += [md_table(header, rows), ""]

    if result.uncertainty is not None:
        out += uncertainty_section(result, years, lang)
    shown = permit_years_shown(result.by_permit)
    permit_years = [y for y in PERMIT_YEARS if y in set(shown["years_since_permit"])]
    bp = result.by_permit.set_index(["policy", "metric", "years_since_permit"])
    out += [f"## {text('By years since permit', lang)}", "", text("by_permit_intro", lang), "",
            interval_label(st, lang), ""]
    if permit_years:
        header = [text("policy", lang)]
        for y in permit_years:
            header += [text("{y} y after permit", lang, y=y), text("Δ {y} y", lang, y=y)]
        for name in [n for n in st.metrics if n in S.NEWCOMER_MEASURES]:
            m = metrics[name]
            rows = []
            for p in st.policies:
                row = [f"`{p}`"]
                for y in permit_years:
                    if (p, name, y) not in bp.index:
                        row += ["–", ""]
                        continue
                    cell = bp.loc[(p, name, y)]
                    row.append(format_ci(m, cell, lang=lang))
                    row.append("" if p == st.reference else effect_cell(
                        m, estimate(cell, "diff_mean", "diff_ci_low", "diff_ci_high"), lang))
                rows.append(row)
            out += [f"### {text(m.label, lang)}", "", md_table(header, rows), ""]
    else:
        out += [text("(The horizon is too short to report outcomes by years since permit.)", lang), ""]

    out += for_whom_section(result, lang)

    out += [f"## {text('Figures', lang)}", ""]
    for f in figures:
        out.append(f"- [`figures/{f}`](figures/{f})")
    out += ["", f"![{text('Key outcomes over time', lang)}](figures/overview.png)" if figures else
            text("Not drawn (`--no-figures`): run the same compare without it to draw them.", lang), "",
            text("files_note", lang), ""]
    return "\n".join(out)


def _reference_text(st: ComparisonSettings, lang: str = "en") -> list[str]:
    """A paragraph naming the reference when it is not the study's (``baseline_2013``)."""
    if st.reference == S.REFERENCE_POLICY:
        return []
    return [text("reference_note", lang, reference=st.reference, study=S.REFERENCE_POLICY), ""]


def _crn_text(result: ComparisonResult, lang: str = "en") -> str:
    st = result.settings
    seeds = (text("seeds {first}–{last}", lang, first=st.seeds[0], last=st.seeds[-1]) if len(st.seeds) > 1
             else text("seed {first}", lang, first=st.seeds[0]))
    return text("crn_same" if result.same_population else "crn_differ", lang, seeds=seeds)


def key_metrics(st: ComparisonSettings) -> list[str]:
    """The outcomes of the key tables: the chosen metrics, then the net public cost per newcomer.

    The gross cost and the taxes and premiums are among the defaults; the net
    cost, the figure the README and the design report, is always shown beside them.
    """
    return list(dict.fromkeys([*st.metrics, S.NET_COST.name]))


SHORT_NAMES = {"public_cost_per_newcomer_eur": "gross cost/newcomer",
               "fiscal_return_per_newcomer_eur": "taxes back/newcomer",
               S.NET_COST.name: "net cost/newcomer"}
"""Terminal labels that say which cost is which (gross, what comes back, net)."""


def _short(name: str) -> str:
    """A column header from a metric name: ``share_job_matches_education`` -> ``job matches education``."""
    if name in SHORT_NAMES:
        return SHORT_NAMES[name]
    for prefix in ("share_", "mean_"):
        name = name.removeprefix(prefix)
    return name.removesuffix("_eur").replace("_per_newcomer", "/newcomer").replace("_", " ")


def _header_lines(name: str, width: int = 11) -> list[str]:
    """A policy name split after underscores into lines of about ``width`` characters."""
    first, *words = name.split("_")
    lines = [first]
    for word in words:
        if len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += "_" + word
        else:
            lines[-1] += "_"
            lines.append(word)
    return lines


def headline_text(result: ComparisonResult, year: float | None = None) -> str:
    """The headline table for the terminal: key outcomes at the horizon, one column per policy."""
    st = result.settings
    year = st.last_year if year is None else year
    summary = result.summary.set_index(["policy", "metric", "year"])
    diffs = result.differences.set_index(["policy", "metric", "year"])
    heads = [_header_lines(p) for p in st.policies]
    depth = max(len(h) for h in heads)
    columns = []
    for p, head in zip(st.policies, heads, strict=True):
        cells = []
        for n in key_metrics(st):
            m = S.REPORT_METRICS[n]
            text = format_value(m, summary.loc[(p, n, year), "mean"])
            if p != st.reference:
                text += "*" if is_significant(diffs.loc[(p, n, year)]) else " "
            cells.append(text)
        columns.append((head + [""] * (depth - len(head)), cells))
    labels = [_short(n) for n in key_metrics(st)]
    first = max(len(x) for x in labels)
    widths = [max(len(x) for x in head + cells) for head, cells in columns]
    if st.draws:
        lines = [f"Key outcomes at year {year:g}, mean of {len(st.seeds)} runs per policy ({len(st.draws)} posterior "
                 f"parameter sets x {st.seeds_per_draw} seeds; * = differs from {st.reference}: the 95% interval "
                 "of the paired difference from seeds and parameters excludes 0)", ""]
    else:
        lines = [f"Key outcomes at year {year:g}, mean of {len(st.seeds)} seeds per policy "
                 f"(* = differs from {st.reference}: the 95% CI of the paired difference excludes 0)", ""]
    for i in range(depth):
        lines.append(" " * first + "".join("  " + head[i].rjust(w) for (head, _), w in zip(columns, widths, strict=True)))
    for j, label in enumerate(labels):
        lines.append(label.ljust(first) + "".join("  " + cells[j].rjust(w)
                                                  for (_, cells), w in zip(columns, widths, strict=True)))
    return "\n".join(lines)


def readme_block(result: ComparisonResult, image: str) -> str:
    """The README section (between its markers): one figure and a few lines of the headline table."""
    st = result.settings
    year = st.last_year
    summary = result.summary.set_index(["policy", "metric", "year"])
    diffs = result.differences.set_index(["policy", "metric", "year"])
    names = ["share_employed", "share_fulltime", "share_on_welfare", "share_a2_plus", "share_isolated",
             S.NET_COST.name]
    names = [n for n in names if n in S.REPORT_METRICS]
    rows = []
    for p in st.policies:
        row = [f"`{p}`"]
        for n in names:
            m = S.REPORT_METRICS[n]
            text = format_value(m, summary.loc[(p, n, year), "mean"])
            if p != st.reference:
                d = diffs.loc[(p, n, year)]
                delta = format_value(m, d["mean"], difference=True)
                text += f" ({'**' + delta + '**' if is_significant(d) else delta})"
            row.append(text)
        rows.append(row)
    header = ["policy", *[S.REPORT_METRICS[n].label for n in names]]
    if st.draws:
        runs = (f"every policy on {len(st.draws)} parameter sets drawn from the calibration's posterior, "
                f"{st.seeds_per_draw} seeds each ({len(st.seeds)} runs per policy, the same in every policy)")
        intervals = "its 95% interval from seeds and parameters"
    else:
        runs = f"every policy for {len(st.seeds)} seeds (the same seeds in every policy)"
        intervals = "its 95% CI"
    return "\n".join([
        "## What the comparison shows",
        "",
        f"`make demo` runs {runs} over {st.years:g} years and writes a report with 95% intervals and "
        f"figures to `results/compare/`. At year {year:g} (mean across runs; in brackets the "
        f"difference from `{st.reference}`, **bold** where {intervals} excludes zero):",
        "",
        md_table(header, rows),
        "",
        *([f"For whom: {sentence}", ""] if (sentence := gap_sentence(result)) else []),
        *(_readme_uncertainty(result, year) if result.uncertainty is not None else []),
        f"![Key outcomes over time by policy]({image})",
        "",
        "Generated, not typed: `nieuwkomers compare --out results/compare "
        + (f"--posterior {len(st.draws)} --seeds {st.seeds_per_draw} " if st.draws else "")
        + "".join(f"--by {G.grouping_name(g)} " for g in st.by)
        + "--readme README.md` "
        "reruns the comparison and rewrites this section and its figure "
        "(`docs/img/compare_overview.png`); the full report is `results/compare/summary.md` (its "
        "*For whom* section: which groups each policy helps most and least).",
    ])


def _readme_uncertainty(result: ComparisonResult, year: float) -> list[str]:
    """The README's "how sure" table: each policy's employment effect with both intervals."""
    st = result.settings
    u = _uncertainty(result)
    m = S.REPORT_METRICS["share_employed"]
    rows = [[f"`{p}`", *_uncertainty_cells(m, u.loc[(p, m.name, year)])] for p in st.policies
            if p != st.reference and (p, m.name, year) in u.index]
    header = ["policy", "employment effect", "95% interval, seeds alone", "95% interval, seeds + parameters",
              "share from parameters", "P(≥ 1 pp better)"]
    return [f"How sure: the employment effect at year {year:g}, with the uncertainty of the calibrated "
            "parameters and without it ([docs/calibration.md](docs/calibration.md)):", "",
            md_table(header, rows), ""]


