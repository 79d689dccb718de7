"""The comparison in words: ``summary.md``, the terminal's headline table and the README block."""

from __future__ import annotations

import pandas as pd

from experiments import for_whom as G
from experiments import summary as S
from experiments.comparison.for_whom import for_whom_section, gap_sentence
from experiments.comparison.formatting import (
    format_ci,
    format_interval,
    format_value,
    is_significant,
    md_table,
)
from experiments.comparison.settings import PERMIT_YEARS, Settings
from experiments.comparison.summarising import ComparisonResult, permit_years_shown
from model import POLICY_INFO

README_START, README_END = "<!-- compare:start -->", "<!-- compare:end -->"
README_FIGURE = "overview.png"  # the figure the README shows


def _diff_row(row: pd.Series) -> pd.Series:
    """The paired-difference columns of a by-years-since-permit row, named like a summary row."""
    return pd.Series({"mean": row["diff_mean"], "ci_low": row["diff_ci_low"], "ci_high": row["diff_ci_high"]})


def _year_label(year: float) -> str:
    return f"year {year:g}"


def _uncertainty_text(st: Settings) -> str:
    common = ("Shares are of permit holders aged 18–64 (housed or waiting for a house); costs are "
              "cumulative from the first arrival and divided by the number of newcomers.")
    if not st.draws:
        return (f"**Uncertainty.** Each cell is the mean across seeds with its 95% confidence interval "
                f"(Student t, n = {len(st.seeds)}) in brackets. A difference from `{st.reference}` is "
                "taken seed by seed (paired) and then averaged, with its own 95% interval; **bold** "
                f"differences have an interval that excludes zero. {common} The intervals show "
                "simulation noise only, not uncertainty in the model's calibrated parameters: add "
                "`--posterior K` for that (`docs/calibration.md`).")
    k, s = len(st.draws), st.seeds_per_draw
    return (f"**Uncertainty: seeds and parameters.** Every policy ran on the same {k} parameter sets "
            f"drawn from the calibration's posterior (`model/data/posterior.csv`), {s} seeds each "
            f"(the same seeds in every policy), {k * s} runs per policy. Each cell is the mean over "
            "those runs; its 95% interval in brackets includes both seed noise and the uncertainty "
            "of the calibrated parameters (`docs/calibration.md`); **bold** differences have such "
            "an interval that excludes zero. The section *How sure are we?* separates the two. "
            + common)


def uncertainty_section(result: ComparisonResult, years: list[float]) -> list[str]:
    """The report's table of effects with seed-only and seed-plus-parameter intervals."""
    st = result.settings
    u = result.uncertainty.assign(year=result.uncertainty["month"] / 12).set_index(["policy", "metric", "year"])
    out = [
        "## How sure are we? Seeds alone, and seeds plus parameters",
        "",
        f"For each effect (difference from `{st.reference}`, run by run): its 95% interval if the "
        "parameters were known (seeds alone), its 95% interval given the posterior of the "
        "calibrated parameters (seeds plus parameters), the share of that interval's variance "
        "due to the parameters, and the probability that the policy beats the reference by at "
        "least 1 percentage point in the better direction (shares only). How these are "
        "computed: `experiments/uncertainty.py`.",
        "",
    ]
    header = ["policy", "year", "effect", "seeds alone", "seeds + parameters", "from parameters",
              "P(≥ 1 pp better)"]
    for name in st.metrics:
        m = S.REPORT_METRICS[name]
        rows = []
        for p in st.policies:
            if p == st.reference:
                continue
            for y in years:
                if (p, name, y) not in u.index:
                    continue
                r = u.loc[(p, name, y)]
                chance = "–" if pd.isna(r["p_beats"]) else f"{r['p_beats']:.0%}"
                rows.append([f"`{p}`", f"{y:g}", format_value(m, r["mean"], difference=True),
                             format_interval(m, r["ci_low_seeds"], r["ci_high_seeds"]),
                             format_interval(m, r["ci_low"], r["ci_high"]),
                             f"{r['param_share']:.0%}", chance])
        out += [f"### {m.label}", "", md_table(header, rows, "llrrrrr"), ""]
    return out


def report_markdown(result: ComparisonResult, figures: list[str]) -> str:
    """The readable report, ``summary.md``."""
    st = result.settings
    metrics = S.REPORT_METRICS
    years = [m / 12 for m in st.report_months()]
    summary = result.summary.set_index(["policy", "metric", "year"])
    diffs = result.differences.set_index(["policy", "metric", "year"])
    overrides = ", ".join(f"`{k}={v}`" for k, v in st.params.items()) or "none"
    out = [
        "# Policy comparison",
        "",
        f"{len(st.policies)} policies × {len(st.seeds)} seeds × {st.years:g} years, "
        f"{st.n_newcomers:,} newcomers per run; parameter overrides: {overrides}.",
        "",
        *_reference_text(st),
        _crn_text(result),
        "",
        _uncertainty_text(st),
        "",
        "## Policies",
        "",
    ]
    for p in st.policies:
        out.append(f"- `{p}`: {POLICY_INFO[p].title}.")
    out += ["", f"## Key outcomes by year (difference from `{st.reference}`)", ""]
    for name in key_metrics(st):
        m = metrics[name]
        out += [f"### {m.label}", ""]
        header = ["policy"]
        for y in years:
            header += [_year_label(y), f"Δ {_year_label(y)}"]
        rows = []
        for p in st.policies:
            row = [f"`{p}`"]
            for y in years:
                row.append(format_ci(m, summary.loc[(p, name, y)]))
                if p == st.reference:
                    row.append("")
                else:
                    d = diffs.loc[(p, name, y)]
                    text = format_ci(m, d, difference=True)
                    row.append(f"**{text}**" if is_significant(d) else text)
            rows.append(row)
        out += [md_table(header, rows), ""]

    if result.uncertainty is not None:
        out += uncertainty_section(result, years)
    shown = permit_years_shown(result.by_permit)
    permit_years = [y for y in PERMIT_YEARS if y in set(shown["years_since_permit"])]
    bp = result.by_permit.set_index(["policy", "metric", "years_since_permit"])
    out += [
        "## By years since permit",
        "",
        "The way CBS reports it: each newcomer counted at the snapshot (every 12 months) "
        "nearest to *k* whole years after their residence permit (so year 5 is 4.5–5.5 years "
        "after it); permit holders aged 18–64; mean across seeds with 95% CI. Years in which "
        "fewer than half of the permit holders can be observed within the horizon are left out.",
        "",
    ]
    if permit_years:
        header = ["policy"]
        for y in permit_years:
            header += [f"{y} y after permit", f"Δ {y} y"]
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
                    row.append(format_ci(m, cell))
                    if p == st.reference:
                        row.append("")
                    else:
                        d = _diff_row(cell)
                        text = format_ci(m, d, difference=True)
                        row.append(f"**{text}**" if is_significant(d) else text)
                rows.append(row)
            out += [f"### {m.label}", "", md_table(header, rows), ""]
    else:
        out += ["(The horizon is too short to report outcomes by years since permit.)", ""]

    out += for_whom_section(result)

    out += ["## Figures", ""]
    for f in figures:
        out.append(f"- [`figures/{f}`](figures/{f})")
    out += ["", "![Key outcomes over time](figures/overview.png)" if figures else
            "Not drawn (`--no-figures`): run the same compare without it to draw them.", "",
            "Files: `summary.csv` (every metric, every year), `differences.csv`, "
            "`by_years_since_permit.csv`, `by_group.csv` (every group, metric and horizon), "
            "`by_group_gaps.csv`, `model.parquet`, `newcomers.parquet`, `compare.json`.", ""]
    return "\n".join(out)


def _reference_text(st: Settings) -> list[str]:
    """A paragraph naming the reference when it is not the study's (``baseline_2013``)."""
    if st.reference == S.REFERENCE_POLICY:
        return []
    return [f"**Reference: `{st.reference}`.** Every difference (Δ) below is taken against `{st.reference}` "
            f"(`--reference`), not against `{S.REFERENCE_POLICY}`, the 2013 law the study compared with.", ""]


def _crn_text(result: ComparisonResult) -> str:
    st = result.settings
    seeds = f"seeds {st.seeds[0]}–{st.seeds[-1]}" if len(st.seeds) > 1 else f"seed {st.seeds[0]}"
    text = (f"**Common random numbers.** Run *i* of every policy uses seed *i* ({seeds}), so that "
            "every policy starts from the same newcomers, residents, employers and map, and "
            "differences between policies are not noise from different populations. ")
    if result.same_population:
        return text + ("Checked: for each seed, the newcomers (who arrives when, their age, gender, care "
                       "duties and prospects) are identical in every policy.")
    return text + ("**Warning:** for at least one seed the newcomers differ between policies, so the "
                   "differences below also include noise from different populations.")


def key_metrics(st: Settings) -> list[str]:
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
    lines: list[str] = []
    for word in name.split("_"):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += "_" + word
        elif lines:
            lines[-1] += "_"
            lines.append(word)
        else:
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
    """The README section: one figure and a few lines of the headline table."""
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
        README_START,
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
        README_END,
    ])


def _readme_uncertainty(result: ComparisonResult, year: float) -> list[str]:
    """The README's "how sure" table: each policy's employment effect with both intervals."""
    st = result.settings
    u = result.uncertainty.assign(year=result.uncertainty["month"] / 12).set_index(["policy", "metric", "year"])
    m = S.REPORT_METRICS["share_employed"]
    rows = []
    for p in st.policies:
        if p == st.reference or (p, m.name, year) not in u.index:
            continue
        r = u.loc[(p, m.name, year)]
        rows.append([f"`{p}`", format_value(m, r["mean"], difference=True),
                     format_interval(m, r["ci_low_seeds"], r["ci_high_seeds"]),
                     format_interval(m, r["ci_low"], r["ci_high"]), f"{r['param_share']:.0%}",
                     f"{r['p_beats']:.0%}"])
    header = ["policy", "employment effect", "95% interval, seeds alone", "95% interval, seeds + parameters",
              "share from parameters", "P(≥ 1 pp better)"]
    return [f"How sure: the employment effect at year {year:g}, with the uncertainty of the calibrated "
            "parameters and without it ([docs/calibration.md](docs/calibration.md)):", "",
            md_table(header, rows), ""]


