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
from experiments.comparison.formatting import format_value, md_table  # noqa: F401  (md_table: for compare)
from experiments.comparison.summarising import TOTAL, ComparisonResult, permit_years_shown
from model.welfare import PAYERS

LANGUAGES = ("en", "nl")
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


def text(key: str, lang: str = "en", **values) -> str:
    """A report string in ``lang`` (`viz.texts.REPORT_STRINGS`), with ``values`` filled in."""
    from viz.texts import REPORT_STRINGS

    if lang == "nl":
        found = REPORT_STRINGS.get(f"{key}_nl", REPORT_STRINGS.get(key, key))
    else:
        found = REPORT_STRINGS[key] if f"{key}_nl" in REPORT_STRINGS else key
    return found.format(**values) if values else found


def translate_phrases(label: str, lang: str) -> str:
    """A figure's text in ``lang``: every known phrase replaced, longest first."""
    if lang == "en" or not label:
        return label
    from viz.texts import REPORT_STRINGS

    out = label
    for en in sorted((k for k in REPORT_STRINGS if not k.endswith("_nl") and "{" not in k), key=len, reverse=True):
        if en in out and len(en) > 3:
            out = out.replace(en, REPORT_STRINGS[en])
    return out


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


def _when(y: int, lang: str) -> str:
    return text("1 year", lang) if y == 1 else text("{n} years", lang, n=y)


def _people(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:,.0f}"


def _interval(low: float, high: float, scale: float = 1.0, digits: int = 0) -> str:
    if pd.isna(low):
        return "–"
    return f"[{scale * low:,.{digits}f}, {scale * high:,.{digits}f}]"


def _label(metric: str, lang: str) -> str:
    return text(S.REPORT_METRICS[metric].label, lang)


def _eur(value: float, difference: bool = False) -> str:
    return format_value(S.NET_COST, value, difference)


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
        sure = ("the model is fairly sure of the direction" if r["diff_ci_low"] > 0 or r["diff_ci_high"] < 0
                else "the model cannot tell the direction")
        sentence = text("{years} after the permit, `{policy}` has {people} {more_fewer} of {intake} permit holders "
                        "in work than `{reference}` (between {low} and {high}); {sure}.", lang,
                        years=_when(y, lang), policy=policy, people=_people(abs(r["people_difference"])),
                        more_fewer=text("more" if r["people_difference"] >= 0 else "fewer", lang),
                        intake=f"{intake.people:,}", reference=st.reference, low=_people(r["people_low"]),
                        high=_people(r["people_high"]), sure=text(sure, lang))
        sentences.append(sentence[0].upper() + sentence[1:])
    cost = payers[payers["policy"] == policy].set_index("payer")
    if TOTAL in cost.index:
        sentences.append(text("The net public cost per newcomer by year {year} changes by {total}, of which "
                              "{municipality} for the municipality.", lang, year=f"{st.last_year:g}",
                              total=_eur(cost.loc[TOTAL, "difference"], True),
                              municipality=_eur(cost.loc["municipality", "difference"], True)))
    return " ".join(sentences)


def outcome_rows(people: pd.DataFrame, lang: str) -> tuple[list[str], list[list[str]]]:
    """The memo's outcome table: header and rows (shares in %, differences in pp, people)."""
    header = [text(h, lang) for h in ("policy", "outcome", "years after permit", "reference", "policy",
                                      "difference", "interval", "people, reference", "people, policy",
                                      "people, difference", "people, interval")]
    rows = []
    for r in people.itertuples():
        m = S.REPORT_METRICS[r.metric]
        rows.append([f"`{r.policy}`", _label(r.metric, lang), f"{r.years_since_permit}",
                     format_value(m, r.reference_share), format_value(m, r.share),
                     format_value(m, r.difference, difference=True),
                     _interval(r.diff_ci_low, r.diff_ci_high, 100, 1),
                     _people(r.people_reference), _people(r.people), f"{r.people_difference:+,.0f}",
                     _interval(r.people_low, r.people_high)])
    return header, rows


def payer_rows(payers: pd.DataFrame, reference: str, lang: str, intake: Intake | None) -> tuple[list[str], list[list[str]]]:
    """The cost table: per policy and payer, per newcomer (with the difference) and for the intake."""
    header = [text("policy", lang), text("payer", lang), text("per newcomer", lang), text("difference", lang),
              text("interval", lang)]
    if intake:
        header += [text("for the intake", lang), f"{text('difference', lang)} ({text('for the intake', lang)})"]
    rows = []
    for r in payers.itertuples():
        name = text(PAYERS.get(r.payer, r.payer) if r.payer != TOTAL else TOTAL, lang)
        row = [f"`{r.policy}`", f"**{name}**" if r.payer == TOTAL else name, _eur(r.value)]
        if r.policy == reference:
            row += ["", ""]
        else:
            row += [_eur(r.difference, True), _interval(r.diff_ci_low, r.diff_ci_high)]
        if intake:
            row += [_eur(r.value_intake), "" if r.policy == reference else _eur(r.difference_intake, True)]
        rows.append(row)
    return header, rows


def memo_markdown(result: ComparisonResult, intake: Intake, lang: str = "en") -> str:
    """The one-page memo: question, answer, outcomes for the intake, cost per payer, gaps, how sure."""
    st = result.settings
    people = people_table(result, intake)
    payers = payer_table(result, intake)
    policies = [p for p in st.policies if p != st.reference]
    interval = text("seeds and parameters" if st.draws else "seeds", lang)
    out = [f"# {text('Memo', lang)}: " + text("What {policy} changes for permit holders, against {reference}", lang,
                                              policy=", ".join(policies), reference=st.reference), ""]
    for p in policies:
        out += [f"**{text('Question', lang)}.** " + text("What does `{policy}` change for the permit holders of a "
                                                         "municipality, compared with `{reference}`?", lang,
                                                         policy=p, reference=st.reference), "",
                f"**{text('Answer', lang)}.** {answer(result, people, payers, p, intake, lang)}", ""]
    header, rows = outcome_rows(people, lang)
    out += [f"## {text('Outcomes after the permit', lang)}", "",
            text("Shares of permit holders aged 18–64; people: the share applied to your intake of {intake} "
                 "({per_year} a year for {years} year(s)). Interval: 95%, from {interval}.", lang,
                 intake=f"{intake.people:,}", per_year=f"{intake.per_year:,}", years=intake.years, interval=interval),
            "", md_table(header, rows, "lllrrrrrrrr"), ""]
    header, rows = payer_rows(payers, st.reference, lang, intake)
    out += [f"## {text('Net public cost by payer', lang)}", "",
            text("Cumulative net cost by year {year}, per newcomer and for your intake of {intake}; taxes and "
                 "premiums count as the Rijk's revenue. The payers add up to the total.", lang,
                 year=f"{st.last_year:g}", intake=f"{intake.people:,}"),
            "", md_table(header, rows, "llrrrrr"[:len(header)]), ""]
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
    sheet.append([text(c, lang) + (" (low)" if i in (7, 12) else " (high)" if i in (8, 13) else "")
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
        name = text(PAYERS.get(r.payer, r.payer) if r.payer != TOTAL else TOTAL, lang)
        cost.append([r.policy, name, round(r.value, 2), _num(r.difference), _num(r.diff_ci_low), _num(r.diff_ci_high),
                     round(r.value_intake, 0), _num(r.difference_intake, 0)])
    wb.save(path)


def _num(value: float, digits: int = 2) -> float | None:
    return None if pd.isna(value) else round(float(value), digits)
