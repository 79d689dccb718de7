"""The comparison for a municipality: people for an intake, net cost by payer, and a one-page memo.

``--intake N`` (permit holders aged 18–64 a year) and ``--intake-years Y`` turn the shares of the
by-years-since-permit table into people: people = share × N × Y, the interval scaled the same way
(`people_table`). `payer_table` gives the net public cost per payer (`model.welfare.PAYERS`) per
newcomer and for the intake. ``--memo`` writes `memo_markdown` (``memo.md``) and the same tables as
``memo.xlsx`` (`write_xlsx`). ``--lang nl`` writes them in Dutch (`viz.texts.REPORT_STRINGS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from experiments import summary as S
from experiments.comparison.formatting import (  # noqa: F401  (md_table, LANGUAGES, translate_phrases: for compare)
    LANGUAGES,
    format_interval,
    format_value,
    interval,
    md_table,
    number,
    text,
    translate_phrases,
)
from experiments.comparison.summarising import TOTAL, ComparisonResult, permit_years_shown
from model.welfare import PAYERS

MEMO_YEARS = (1, 3, 5)  # years after the permit in the memo's table
MEMO_METRICS = ("share_employed", "share_on_welfare", "share_a2_plus", "share_isolated")
HEADLINE_METRIC, HEADLINE_YEAR = "share_employed", 3


@dataclass(frozen=True)
class Intake:
    """Permit holders (aged 18–64) a municipality receives a year, over ``years`` years."""

    per_year: int
    years: int = 1

    @property
    def people(self) -> int:
        return self.per_year * self.years


def people_table(result: ComparisonResult, intake: Intake) -> pd.DataFrame:
    """Each policy's outcomes 1, 3 and 5 years after the permit, as shares and as people of the intake.

    Returns:
        ``policy, reference, metric, years_since_permit, reference_share, share, difference, diff_ci_low,
        diff_ci_high, people_reference, people, people_difference, people_low, people_high``.
    """
    st = result.settings
    shown = permit_years_shown(result.by_permit)
    bp = shown.set_index(["policy", "metric", "years_since_permit"])
    rows = []
    for policy in st.policies:
        if policy == st.reference:
            continue
        for metric in MEMO_METRICS:
            for y in MEMO_YEARS:
                if (policy, metric, y) not in bp.index or (st.reference, metric, y) not in bp.index:
                    continue
                mine, ref = bp.loc[(policy, metric, y)], bp.loc[(st.reference, metric, y)]
                rows.append({"policy": policy, "reference": st.reference, "metric": metric, "years_since_permit": y,
                             "reference_share": ref["mean"], "share": mine["mean"], "difference": mine["diff_mean"],
                             "diff_ci_low": mine["diff_ci_low"], "diff_ci_high": mine["diff_ci_high"]})
    out = pd.DataFrame(rows, columns=["policy", "reference", "metric", "years_since_permit", "reference_share",
                                      "share", "difference", "diff_ci_low", "diff_ci_high"])
    n = intake.people
    for column, share in (("people_reference", "reference_share"), ("people", "share"),
                          ("people_difference", "difference"), ("people_low", "diff_ci_low"),
                          ("people_high", "diff_ci_high")):
        out[column] = out[share] * n
    return out


def payer_table(result: ComparisonResult, intake: Intake | None, year: float | None = None) -> pd.DataFrame:
    """Net public cost per payer (and the total) at ``year`` (default: the horizon), per newcomer and for
    the intake (per newcomer × intake), for every policy with its difference from the reference."""
    st = result.settings
    year = st.last_year if year is None else year
    t = result.by_payer[result.by_payer["year"] == year].copy()
    n = intake.people if intake else float("nan")
    for column in ("value", "ci_low", "ci_high", "difference", "diff_ci_low", "diff_ci_high"):
        t[f"{column}_intake"] = t[column] * n
    return t.reset_index(drop=True)


def _people(value: float, lang: str = "en", sign: str = "") -> str:
    return "–" if pd.isna(value) else number(round(value) + 0.0, f"{sign},.0f", lang)  # -0.2 people: 0, not -0


def _interval(low: float, high: float, lang: str = "en") -> str:
    return "–" if pd.isna(low) else interval(_people(low, lang), _people(high, lang), lang)


def _label(metric: str, lang: str) -> str:
    return text(S.REPORT_METRICS[metric].label, lang)


def _eur(value: float, difference: bool = False, lang: str = "en") -> str:
    return format_value(S.NET_COST, value, difference, lang)


def _sure(low: float, high: float, lang: str) -> str:
    """How sure the model is of a direction, in plain words."""
    if low > 0 or high < 0:
        return text("the model is fairly sure of the direction", lang)
    return text("the model cannot tell the direction", lang)


def answer(result: ComparisonResult, people: pd.DataFrame, payers: pd.DataFrame, policy: str, intake: Intake,
           lang: str) -> str:
    """The answer in two sentences: work at 3 years (or the nearest year shown) and the net cost."""
    st = result.settings
    mine = people[(people["policy"] == policy) & (people["metric"] == HEADLINE_METRIC)]
    sentences = []
    if not mine.empty:
        years = mine["years_since_permit"].tolist()
        y = HEADLINE_YEAR if HEADLINE_YEAR in years else years[-1]
        r = mine[mine["years_since_permit"] == y].iloc[0]
        sentence = text("{years} after the permit, `{policy}` has {people} {more_fewer} of {intake} permit holders "
                        "in work than `{reference}` (between {low} and {high}); {sure}.", lang,
                        years=text("1 year", lang) if y == 1 else text("{n} years", lang, n=y), policy=policy,
                        people=_people(abs(r["people_difference"]), lang),
                        more_fewer=text("more" if r["people_difference"] >= 0 else "fewer", lang),
                        intake=_people(intake.people, lang), reference=st.reference,
                        low=_people(r["people_low"], lang), high=_people(r["people_high"], lang),
                        sure=_sure(r["diff_ci_low"], r["diff_ci_high"], lang))
        sentences.append(sentence[0].upper() + sentence[1:])
    cost = payers[payers["policy"] == policy].set_index("payer")
    if TOTAL in cost.index:
        sentences.append(text("The net public cost per newcomer by year {year} changes by {total}, of which "
                              "{municipality} for the municipality.", lang, year=f"{st.last_year:g}",
                              total=_eur(cost.loc[TOTAL, "difference"], True, lang),
                              municipality=_eur(cost.loc["municipality", "difference"], True, lang)))
    return " ".join(sentences)


def outcome_rows(people: pd.DataFrame, lang: str) -> tuple[list[str], list[list[str]]]:
    """The outcomes for the intake, one row per policy, outcome and year (summary.md): header and rows."""
    header = [text(h, lang) for h in ("policy", "outcome", "years after permit", "reference", "policy",
                                      "difference", "interval", "people, reference", "people, policy",
                                      "people, difference", "people, interval")]
    rows = []
    for r in people.itertuples():
        m = S.REPORT_METRICS[r.metric]
        rows.append([f"`{r.policy}`", _label(r.metric, lang), f"{r.years_since_permit}",
                     format_value(m, r.reference_share, lang=lang), format_value(m, r.share, lang=lang),
                     format_value(m, r.difference, difference=True, lang=lang),
                     format_interval(m, r.diff_ci_low, r.diff_ci_high, lang),
                     _people(r.people_reference, lang), _people(r.people, lang),
                     _people(r.people_difference, lang, "+"), _interval(r.people_low, r.people_high, lang)])
    return header, rows


def memo_outcome_rows(people: pd.DataFrame, policies: list[str], lang: str) -> tuple[list[str], list[list[str]]]:
    """The memo's outcome table, one row per outcome and year, the policies side by side: the reference and
    each policy as share (people), the difference with its interval, and the people that makes."""
    header = [text("outcome", lang), text("years after permit", lang), text("reference", lang)]
    for p in policies:
        header += [f"`{p}`", text("difference [interval]", lang), text("people [interval]", lang)]
    rows = []
    for metric in MEMO_METRICS:
        m, label = S.REPORT_METRICS[metric], _label(metric, lang)  # once, on the metric's first row
        for y in MEMO_YEARS:
            mine = people[(people["metric"] == metric) & (people["years_since_permit"] == y)].set_index("policy")
            if mine.empty:
                continue
            first = mine.iloc[0]
            row = [label, f"{y}", f"{format_value(m, first.reference_share, lang=lang)} ({_people(first.people_reference, lang)})"]
            for p in policies:
                if p not in mine.index:
                    row += ["–", "–", "–"]
                    continue
                r = mine.loc[p]
                row += [f"{format_value(m, r.share, lang=lang)} ({_people(r.people, lang)})",
                        f"{format_value(m, r.difference, True, lang)} {format_interval(m, r.diff_ci_low, r.diff_ci_high, lang)}",
                        f"{_people(r.people_difference, lang, '+')} {_interval(r.people_low, r.people_high, lang)}"]
            rows.append(row)
            label = ""
    return header, rows


def payer_rows(payers: pd.DataFrame, reference: str, lang: str, intake: Intake | None) -> tuple[list[str], list[list[str]]]:
    """The cost table: per policy and payer, per newcomer (with the difference) and for the intake."""
    header = [text("policy", lang), text("payer", lang), text("per newcomer", lang), text("difference", lang),
              text("interval", lang)]
    if intake:
        header += [text("for the intake", lang), f"{text('difference', lang)} ({text('for the intake', lang)})"]
    rows = []
    for r in payers.itertuples():
        name = _payer(r.payer, lang)
        row = [f"`{r.policy}`", f"**{name}**" if r.payer == TOTAL else name, _eur(r.value, lang=lang)]
        if r.policy == reference:
            row += ["", ""]
        else:
            row += [_eur(r.difference, True, lang), _interval(r.diff_ci_low, r.diff_ci_high, lang)]
        if intake:
            row += [_eur(r.value_intake, lang=lang), "" if r.policy == reference else _eur(r.difference_intake, True, lang)]
        rows.append(row)
    return header, rows


def _payer(payer: str, lang: str) -> str:
    return text(PAYERS.get(payer, payer) if payer != TOTAL else TOTAL, lang)


def memo_payer_rows(payers: pd.DataFrame, reference: str, policies: list[str],
                    lang: str) -> tuple[list[str], list[list[str]]]:
    """The memo's cost table, one row per payer: the reference per newcomer, then each policy's difference
    per newcomer with its interval and for the intake."""
    header = [text("payer", lang), f"`{reference}` {text('per newcomer', lang)}"]
    for p in policies:
        header += [f"`{p}`: {text('difference per newcomer [interval]', lang)}", text("for the intake", lang)]
    t = payers.set_index(["policy", "payer"])
    rows = []
    for payer in [*PAYERS, TOTAL]:
        name = _payer(payer, lang)
        row = [f"**{name}**" if payer == TOTAL else name, _eur(t.loc[(reference, payer), "value"], lang=lang)]
        for p in policies:
            r = t.loc[(p, payer)]
            row += [f"{_eur(r['difference'], True, lang)} {_interval(r['diff_ci_low'], r['diff_ci_high'], lang)}",
                    _eur(r["difference_intake"], True, lang)]
        rows.append(row)
    return header, rows


def memo_markdown(result: ComparisonResult, intake: Intake, lang: str = "en") -> str:
    """The one-page memo: question, answer, outcomes for the intake, cost per payer, gaps, how sure.

    One page with two policies (`tests/test_memo.py` holds it to 60 lines and 500 words): one question for
    all policies, a two-sentence answer for each, the outcomes and the costs with the policies side by side.
    """
    st = result.settings
    people = people_table(result, intake)
    payers = payer_table(result, intake)
    policies = [p for p in st.policies if p != st.reference]
    named = text(" and ", lang).join(f"`{p}`" for p in policies) if len(policies) < 3 else ", ".join(
        f"`{p}`" for p in policies)
    source = text("seeds and parameters" if st.draws else "seeds", lang)
    total = _people(intake.people, lang)
    out = [f"# {text('Memo', lang)}: " + text("{policy} against {reference}, for permit holders", lang,
                                              policy=named, reference=f"`{st.reference}`"), "",
           f"**{text('Question', lang)}.** " + text("What changes for the permit holders of a municipality under "
                                                    "{policy}, compared with `{reference}`?", lang,
                                                    policy=named, reference=st.reference), "",
           f"**{text('Answer', lang)}.**", "",
           *(f"- {answer(result, people, payers, p, intake, lang)}" for p in policies), ""]
    header, rows = memo_outcome_rows(people, policies, lang)
    out += [f"## {text('Outcomes after the permit', lang)}", "",
            text("memo_outcomes", lang, intake=total, per_year=_people(intake.per_year, lang), years=intake.years,
                 interval=source),
            "", md_table(header, rows, "lr" + "r" * (len(header) - 2)), ""]
    header, rows = memo_payer_rows(payers, st.reference, policies, lang)
    out += [f"## {text('Net public cost by payer', lang)}", "",
            text("memo_costs", lang, year=f"{st.last_year:g}", intake=total),
            "", md_table(header, rows, "l" + "r" * (len(header) - 1)), ""]
    posterior = (text(" on {k} parameter sets from the calibration's posterior", lang, k=len(st.draws))
                 if st.draws else "")
    out += [f"## {text('What the model leaves out', lang)}", "", text("leaves_out", lang), "",
            f"## {text('How sure is this?', lang)}", "",
            text("sure_text", lang, runs=len(st.seeds), posterior=posterior), ""]
    return "\n".join(out)


def write_xlsx(result: ComparisonResult, intake: Intake, path: Path, lang: str = "en") -> None:
    """The memo's two tables as an Excel workbook (one sheet each), numbers as numbers."""
    from openpyxl import Workbook

    people = people_table(result, intake)
    payers = payer_table(result, intake)
    wb = Workbook()
    sheet = wb.active
    sheet.title = text("Outcomes after the permit", lang)[:31]
    columns = ["policy", "reference", "outcome", "years after permit", "reference", "policy", "difference",
               "interval", "interval", "people, reference", "people, policy", "people, difference",
               "people, interval", "people, interval"]
    sheet.append([text(c, lang) + (text(" (low)", lang) if i in (7, 12) else text(" (high)", lang) if i in (8, 13) else "")
                  for i, c in enumerate(columns)])
    for r in people.itertuples():
        sheet.append([r.policy, r.reference, _label(r.metric, lang), int(r.years_since_permit), r.reference_share,
                      r.share, r.difference, r.diff_ci_low, r.diff_ci_high, round(r.people_reference, 1),
                      round(r.people, 1), round(r.people_difference, 1), round(r.people_low, 1),
                      round(r.people_high, 1)])
    cost = wb.create_sheet(text("Net public cost by payer", lang)[:31])
    cost.append([text(c, lang) for c in ("policy", "payer", "per newcomer", "difference", "interval", "interval",
                                         "for the intake", "difference")])
    for r in payers.itertuples():
        name = _payer(r.payer, lang)
        cost.append([r.policy, name, round(r.value, 2), _num(r.difference), _num(r.diff_ci_low), _num(r.diff_ci_high),
                     round(r.value_intake, 0), _num(r.difference_intake, 0)])
    wb.save(path)


def _num(value: float, digits: int = 2) -> float | None:
    return None if pd.isna(value) else round(float(value), digits)
