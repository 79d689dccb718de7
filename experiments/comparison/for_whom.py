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
    format_ci,
    format_interval,
    format_value,
    is_significant,
    md_table,
)
from experiments.comparison.settings import FOR_WHOM_METRICS, Settings
from experiments.comparison.summarising import ComparisonResult, horizon_words
from model.outcomes import Metric

#: How the gap sentence says what a share counts ("38% of women are employed").
_VERBS = {"share_employed": "are employed", "share_a2_plus": "speak Dutch at A2 or higher",
          "share_isolated": "are isolated (no active tie with a resident)"}


def _interval_words(st: Settings, short: bool = False) -> str:
    if st.draws and short:
        return "95% interval from seeds and parameters"
    if st.draws:
        return (f"95% interval from seeds and parameters, computed over all {len(st.seeds)} runs "
                f"({len(st.draws)} posterior draws × {st.seeds_per_draw} seeds)")
    return f"95% interval across {len(st.seeds)} seeds"


def _levels_table(result: ComparisonResult, grouping: str, groups: list[str]) -> list[str]:
    """Under the reference: each group's size and its level of each key outcome, with its interval."""
    st = result.settings
    kind, horizon = result.for_whom
    at = G.at_horizon(result.by_group, kind, horizon)
    at = at[(at["policy"] == st.reference) & (at["grouping"] == grouping)].set_index(["metric", "group"])
    rows = []
    for g in groups:
        cells = [format_ci(S.REPORT_METRICS[n], at.loc[(n, g)].rename({"value": "mean"})) if (n, g) in at.index
                 else "–" for n in FOR_WHOM_METRICS]
        size = at.loc[(FOR_WHOM_METRICS[0], g), "n_newcomers"] if (FOR_WHOM_METRICS[0], g) in at.index else 0.0
        rows.append([g, f"{size:,.0f}", *cells])
    header = ["group", "permit holders per run", *(S.REPORT_METRICS[n].label for n in FOR_WHOM_METRICS)]
    return [md_table(header, rows), ""]


def _helped_cell(m: Metric, row: pd.Series, which: str) -> str:
    d = pd.Series({"mean": row[f"{which}_difference"], "ci_low": row[f"{which}_ci_low"],
                   "ci_high": row[f"{which}_ci_high"]})
    text = format_ci(m, d, difference=True)
    return f"{row[f'{which}_group']}: " + (f"**{text}**" if is_significant(d) else text)


def for_whom_section(result: ComparisonResult) -> list[str]:
    """The report's "For whom": per grouping, the group each policy helps most and least on the key
    outcomes, and the gap between groups under the reference with each policy's change of it."""
    st = result.settings
    kind, horizon = result.for_whom
    when = horizon_words(kind, horizon)
    helped = G.most_and_least_helped(result.by_group, kind, horizon, FOR_WHOM_METRICS)
    out = [
        "## For whom",
        "",
        f"Which group each policy helps most and least, {when} (permit holders aged 18–64): the "
        f"difference from `{st.reference}` within the group, taken run by run (same seed"
        + (", same parameter draw" if st.draws else "") + f"), with its {_interval_words(st)}; **bold** "
        f"where that interval excludes zero. Groups with fewer than {G.MIN_GROUP_NEWCOMERS} permit holders "
        "per run are left out. Gender is always shown; `--by` adds groupings (a crossing such as "
        "`--by gender,education` gives groups like \"women, high\"). Every group, outcome, calendar year "
        "and year since the permit: `by_group.csv`.",
        "",
    ]
    sentence = gap_sentence(result)
    if sentence:
        out += [sentence, ""]
    for grouping in st.groupings:
        name = G.grouping_name(grouping)
        groups = G.group_order(grouping, result.by_group.loc[result.by_group["grouping"] == name, "group"])
        out += [f"### By {G.grouping_title(grouping)}", "", f"Under `{st.reference}`, {when}:", "",
                *_levels_table(result, name, groups)]
        mine = helped[helped["grouping"] == name].set_index(["policy", "metric"])
        rows = []
        for p in st.policies:
            for metric in FOR_WHOM_METRICS:
                if (p, metric) not in mine.index:
                    continue
                m = S.REPORT_METRICS[metric]
                row = mine.loc[(p, metric)]
                rows.append([f"`{p}`", m.label, _helped_cell(m, row, "most"), _helped_cell(m, row, "least")])
        if rows:
            out += [md_table(["policy", "outcome", "helps most", "helps least"], rows, "llll"), ""]
        out += _gap_table(result, name)
        if len(st.policies) > 1:
            figure = group_figure_name(grouping)
            out += [f"![Effect of each policy by {G.grouping_title(grouping)}](figures/{figure})", ""]
    return out


def _gap_table(result: ComparisonResult, grouping: str) -> list[str]:
    """The gap between the highest and the lowest group under the reference, and each policy's change of it."""
    st = result.settings
    gaps = result.gaps[result.gaps["grouping"] == grouping].set_index(["policy", "metric"])
    metrics = [n for n in FOR_WHOM_METRICS if (st.reference, n) in gaps.index]
    if not metrics:
        return []
    header = ["policy"]
    for n in metrics:
        r = gaps.loc[(st.reference, n)]
        header.append(f"{S.REPORT_METRICS[n].label}: {r['high_group']} − {r['low_group']}")
    rows = []
    for p in st.policies:
        row = [f"`{p}`"]
        for n in metrics:
            m = S.REPORT_METRICS[n]
            if (p, n) not in gaps.index:
                row.append("–")
                continue
            r = gaps.loc[(p, n)]
            if p == st.reference:
                row.append(format_ci(m, pd.Series({"mean": r["value"], "ci_low": r["ci_low"],
                                                   "ci_high": r["ci_high"]}), difference=True))
                continue
            d = pd.Series({"mean": r["difference"], "ci_low": r["diff_ci_low"], "ci_high": r["diff_ci_high"]})
            text = format_ci(m, d, difference=True)
            row.append(f"**{text}**" if is_significant(d) else text)
        rows.append(row)
    return [f"The gap between the highest and the lowest group under `{st.reference}` (first row), and how "
            "much each policy changes it (negative: narrows), run by run:", "", md_table(header, rows), ""]


def gap_sentence(result: ComparisonResult, grouping: str = "gender", metric: str = "share_employed") -> str:
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
    verb = _VERBS.get(metric, f"have {m.label.lower()}")
    text = (f"Under `{st.reference}`, {horizon_words(kind, horizon)}, {format_value(m, level[low])} of {low} "
            f"{verb} against {format_value(m, level[high])} of {high} (a gap of "
            f"{format_value(m, ref['value'], difference=True).lstrip('+')})")
    others = mine[(mine["policy"] != st.reference)].dropna(subset=["difference"])
    if others.empty:
        return text + "."
    best = others.loc[others["difference"].idxmin()]
    change = format_value(m, abs(best["difference"]), difference=True).lstrip("+")
    if best["difference"] < 0:  # the narrowing, and its interval, as positive numbers
        interval = format_interval(m, -best["diff_ci_high"], -best["diff_ci_low"])
        verdict = f"`{best['policy']}` narrows that gap most, by {change} {interval}"
    else:
        interval = format_interval(m, best["diff_ci_low"], best["diff_ci_high"])
        verdict = f"no policy narrows it; `{best['policy']}` widens it least, by {change} {interval}"
    sure = "" if best["diff_ci_low"] > 0 or best["diff_ci_high"] < 0 else "; it includes no change"
    return f"{text}; {verdict} ({_interval_words(st, short=True)}{sure})."
