"""The comparison's figures: which to draw (`figure_jobs`), and drawing them (`render_figures`)."""

from __future__ import annotations

from pathlib import Path

from experiments import for_whom as G
from experiments import summary as S
from experiments.comparison.settings import FOR_WHOM_METRICS
from experiments.comparison.summarising import ComparisonResult, horizon_words, permit_years_shown
from experiments.executors import Backend, run_in_order
from experiments.store import atomic_write


def figure_jobs(result: ComparisonResult) -> list[tuple[str, str, dict]]:
    """(file name, function name in `viz.figures`, keyword arguments) for every figure."""
    st = result.settings
    metrics = S.REPORT_METRICS
    n = len(st.seeds)
    jobs = []
    # A metric with no value in any month (a share of permit holders when nobody has a permit yet) has no figure.
    shown_metrics = [m for m in st.metrics if result.over_time.loc[result.over_time["metric"] == m, "mean"].notna().any()]
    for name in shown_metrics:
        data = result.over_time[result.over_time["metric"] == name]
        jobs.append((f"over_time_{name}.png", "over_time",
                     {"over_time": data, "metric": name, "metrics": metrics, "n_seeds": n}))
    if shown_metrics:
        jobs.append(("overview.png", "overview",
                     {"over_time": result.over_time[result.over_time["metric"].isin(shown_metrics)],
                      "metric_names": shown_metrics, "metrics": metrics}))
    permit_metrics = [m for m in st.metrics if m in S.NEWCOMER_MEASURES]
    shown = permit_years_shown(result.by_permit)
    if permit_metrics and not shown.empty:
        jobs.append(("by_years_since_permit.png", "by_years_since_permit",
                     {"by_permit": shown[shown["metric"].isin(permit_metrics)],
                      "metric_names": permit_metrics, "metrics": metrics}))
    if len(st.policies) > 1:
        wanted = ["share_employed", S.NET_COST.name]
        jobs.append(("cost_vs_employment.png", "cost_against_employment",
                     {"differences": result.differences[result.differences["metric"].isin(wanted)],
                      "year": st.last_year, "employment": "share_employed", "cost": S.NET_COST.name,
                      "metrics": metrics, "reference": st.reference}))
    if len(st.policies) > 1 and result.by_group is not None:
        kind, horizon = result.for_whom
        at = G.at_horizon(result.by_group, kind, horizon)
        at = at[at["metric"].isin(FOR_WHOM_METRICS)]
        interval = "seeds and parameters" if st.draws else "seeds"
        for grouping in st.groupings:
            name = G.grouping_name(grouping)
            mine = at[at["grouping"] == name]
            jobs.append((group_figure_name(grouping), "effects_by_group",
                         {"by_group": mine, "metric_names": list(FOR_WHOM_METRICS),
                          "groups": G.group_order(grouping, mine["group"]), "metrics": metrics,
                          "title": G.grouping_title(grouping), "when": horizon_words(kind, horizon),
                          "reference": st.reference, "interval": interval}))
    return jobs


def group_figure_name(grouping: tuple[str, ...]) -> str:
    """``("gender", "age_group")`` -> ``by_group_gender-age_group.png``."""
    return f"by_group_{'-'.join(grouping)}.png"


def _render(function: str, kwargs: dict, path: Path, lang: str = "en") -> None:
    from viz import figures

    fig = getattr(figures, function)(**kwargs)
    translate_figure(fig, lang)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110))


def translate_figure(fig, lang: str) -> None:
    """Every title, axis label, tick label and legend text of ``fig`` in ``lang`` (`formatting.translate_phrases`);
    English leaves it as drawn."""
    if lang == "en":
        return
    from matplotlib.text import Text

    from experiments.comparison.formatting import translate_phrases

    for artist in fig.findobj(Text):
        label = artist.get_text()
        if label:
            artist.set_text(translate_phrases(label, lang))


def render_figures(result: ComparisonResult, folder: Path, backend: Backend | None = None,
                   lang: str = "en") -> list[str]:
    """Draw every figure into ``folder``; returns the file names.

    On a local process backend the figures are drawn in parallel; a Dask
    cluster's workers may not see ``folder``, so then they are drawn here.
    """
    folder.mkdir(parents=True, exist_ok=True)
    jobs = figure_jobs(result)
    slow_first = sorted(jobs, key=lambda job: job[1] != "over_time")  # the small multiples take longest
    calls = [(fn, kwargs, folder / name, lang) for name, fn, kwargs in slow_first]
    if backend is None or backend.kind != "processes":
        for call in calls:
            _render(*call)
    else:
        run_in_order(backend, _render, calls, "figures", progress=False)
    return [name for name, _, _ in jobs]
