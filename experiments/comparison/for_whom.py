"""For whom, in words: the report's "For whom" section and the README's sentence on the gap between groups.

Everything is read from the comparison's by-group tables (`ComparisonResult.by_group`,
``gaps``) at the horizon it chose (``for_whom``): which group each policy helps most
and least on the key outcomes, each group's level under the reference, and the gap
between the highest and the lowest group with each policy's change of it.
"""

from __future__ import annotations

import pandas as pd

from experiments import for_whom as G
from experiments import summary as S
from experiments.comparison.figures import group_figure_name
from experiments.comparison.formatting import (
    effect_cell,
    estimate,
    format_ci,
    format_interval,
    format_value,
    md_table,
    number,
    text,
)
from experiments.comparison.settings import FOR_WHOM_METRICS, ComparisonSettings
from experiments.comparison.summarising import ComparisonResult, horizon_words
from model.outcomes import Metric

#: How the gap sentence says what a share counts ("38% of women are employed").
_VERBS = {"share_employed": "are employed", "share_a2_plus": "speak Dutch at A2 or higher",
          "share_isolated": "are isolated (no active tie with a resident)"}


def _interval_words(st: ComparisonSettings, short: bool = False, lang: str = "en") -> str:
    if st.draws and short:
        return text("95% interval from seeds and parameters", lang)
    if st.draws:
        return text("95% interval from seeds and parameters, computed over all {runs} runs ({k} posterior draws × "
                    "{s} seeds)", lang, runs=len(st.seeds), k=len(st.draws), s=st.seeds_per_draw)
    return text("95% interval across {n} seeds", lang, n=len(st.seeds))


def _levels_table(result: ComparisonResult, grouping: str, groups: list[str], lang: str = "en") -> list[str]:
    """Under the reference: each group's size and its level of each key outcome, with its interval."""
    st = result.settings
    kind, horizon = result.for_whom
    at = G.at_horizon(result.by_group, kind, horizon)
    at = at[(at["policy"] == st.reference) & (at["grouping"] == grouping)].set_index(["metric", "group"])
    rows = []
    for g in groups:
        cells = [format_ci(S.REPORT_METRICS[n], at.loc[(n, g)].rename({"value": "mean"}), lang=lang)
                 if (n, g) in at.index else "–" for n in FOR_WHOM_METRICS]
        size = at.loc[(FOR_WHOM_METRICS[0], g), "n_newcomers"] if (FOR_WHOM_METRICS[0], g) in at.index else 0.0
        rows.append([text(g, lang), number(size, ",.0f", lang), *cells])
    header = [text("group", lang), text("permit holders per run", lang),
              *(text(S.REPORT_METRICS[n].label, lang) for n in FOR_WHOM_METRICS)]
    return [md_table(header, rows), ""]


def _helped_cell(m: Metric, row: pd.Series, which: str, lang: str = "en") -> str:
    d = estimate(row, f"{which}_difference", f"{which}_ci_low", f"{which}_ci_high")
    return f"{text(row[f'{which}_group'], lang)}: " + effect_cell(m, d, lang)


def for_whom_section(result: ComparisonResult, lang: str = "en") -> list[str]:
    """The report's "For whom": per grouping, the group each policy helps most and least on the key
    outcomes, and the gap between groups under the reference with each policy's change of it."""
    st = result.settings
    kind, horizon = result.for_whom
    when = horizon_words(kind, horizon, lang)
    helped = G.most_and_least_helped(result.by_group, kind, horizon, FOR_WHOM_METRICS)
    out = [f"## {text('For whom', lang)}", "",
           text("for_whom_intro", lang, when=when, reference=st.reference,
                draw=text(", same parameter draw", lang) if st.draws else "", interval=_interval_words(st, lang=lang),
                min=G.MIN_GROUP_NEWCOMERS), ""]
    sentence = gap_sentence(result, lang=lang)
    if sentence:
        out += [sentence, ""]
    for grouping in st.groupings:
        name, title = G.grouping_name(grouping), G.grouping_title(grouping, lambda w: text(w, lang))
        groups = G.group_order(grouping, result.by_group.loc[result.by_group["grouping"] == name, "group"])
        out += [f"### {text('By {title}', lang, title=title)}", "",
                text("Under `{reference}`, {when}:", lang, reference=st.reference, when=when), "",
                *_levels_table(result, name, groups, lang)]
        mine = helped[helped["grouping"] == name].set_index(["policy", "metric"])
        rows = []
        for p in st.policies:
            for metric in FOR_WHOM_METRICS:
                if (p, metric) not in mine.index:
                    continue
                m = S.REPORT_METRICS[metric]
                row = mine.loc[(p, metric)]
                rows.append([f"`{p}`", text(m.label, lang), _helped_cell(m, row, "most", lang),
                             _helped_cell(m, row, "least", lang)])
        if rows:
            header = [text(h, lang) for h in ("policy", "outcome", "helps most", "helps least")]
            out += [md_table(header, rows, "llll"), ""]
        out += _gap_table(result, name, lang)
        if len(st.policies) > 1:
            figure = group_figure_name(grouping)
            out += [f"![{text('Effect of each policy by', lang)} {title}](figures/{figure})", ""]
    return out


def _gap_table(result: ComparisonResult, grouping: str, lang: str = "en") -> list[str]:
    """The gap between the highest and the lowest group under the reference, and each policy's change of it."""
    st = result.settings
    gaps = result.gaps[result.gaps["grouping"] == grouping].set_index(["policy", "metric"])
    metrics = [n for n in FOR_WHOM_METRICS if (st.reference, n) in gaps.index]
    if not metrics:
        return []
    header = [text("policy", lang)]
    for n in metrics:
        r = gaps.loc[(st.reference, n)]
        header.append(f"{text(S.REPORT_METRICS[n].label, lang)}: {text(r['high_group'], lang)} − "
                      f"{text(r['low_group'], lang)}")
    rows = []
    for p in st.policies:
        row = [f"`{p}`"]
        for n in metrics:
            m = S.REPORT_METRICS[n]
            if (p, n) not in gaps.index:
                row.append("–")
                continue
            r = gaps.loc[(p, n)]
            row.append(format_ci(m, estimate(r, "value"), difference=True, lang=lang) if p == st.reference
                       else effect_cell(m, estimate(r, "difference", "diff_ci_low", "diff_ci_high"), lang))
        rows.append(row)
    return [text("The gap between the highest and the lowest group under `{reference}` (first row), and how much "
                 "each policy changes it (negative: narrows), run by run:", lang, reference=st.reference), "",
            md_table(header, rows), ""]


def gap_sentence(result: ComparisonResult, grouping: str = "gender", metric: str = "share_employed",
                 lang: str = "en") -> str:
    """One sentence on the gap between groups under the reference and the policy that narrows it most.

    E.g. "Under `baseline_2013`, 5 years after the permit, 38.2% of women are employed against 61.0%
    of men (a gap of 22.8 pp); `all_proposals` narrows that gap most, by 6.1 pp [2.0, 10.2] (95%
    interval ...)." Empty when the gap cannot be read (too few people in a group).
    """
    st = result.settings
    gaps = result.gaps
    mine = gaps[(gaps["grouping"] == grouping) & (gaps["metric"] == metric)] if gaps is not None else gaps
    if mine is None or mine.empty or st.reference not in set(mine["policy"]):
        return ""
    m = S.REPORT_METRICS[metric]
    ref = mine[mine["policy"] == st.reference].iloc[0]
    high, low = ref["high_group"], ref["low_group"]
    kind, horizon = result.for_whom
    at = G.at_horizon(result.by_group, kind, horizon)
    at = at[(at["policy"] == st.reference) & (at["grouping"] == grouping) & (at["metric"] == metric)]
    level = at.set_index("group")["value"]
    sentence = text("gap_levels", lang, reference=st.reference, when=horizon_words(kind, horizon, lang),
                    low_level=format_value(m, level[low], lang=lang), low=text(low, lang),
                    high_level=format_value(m, level[high], lang=lang), high=text(high, lang),
                    verb=_VERBS.get(metric, f"have {m.label.lower()}"), label=text(m.label, lang).lower(),
                    gap=format_value(m, ref["value"], difference=True, lang=lang).lstrip("+"))
    others = mine[(mine["policy"] != st.reference)].dropna(subset=["difference"])
    if others.empty:
        return sentence + "."
    best = others.loc[others["difference"].idxmin()]
    change = format_value(m, abs(best["difference"]), difference=True, lang=lang).lstrip("+")
    if best["difference"] < 0:  # the narrowing, and its interval, as positive numbers
        interval = format_interval(m, -best["diff_ci_high"], -best["diff_ci_low"], lang)
        verdict = text("`{policy}` narrows that gap most, by {change} {interval}", lang, policy=best["policy"],
                       change=change, interval=interval)
    else:
        interval = format_interval(m, best["diff_ci_low"], best["diff_ci_high"], lang)
        verdict = text("no policy narrows it; `{policy}` widens it least, by {change} {interval}", lang,
                       policy=best["policy"], change=change, interval=interval)
    sure = "" if best["diff_ci_low"] > 0 or best["diff_ci_high"] < 0 else text("; it includes no change", lang)
    return f"{sentence}; {verdict} ({_interval_words(st, short=True, lang=lang)}{sure})."
