"""`nieuwkomers compare`: every policy side by side, with honest uncertainty.

Runs each policy for the same seeds (common random numbers: run ``i`` uses seed
``i`` in every policy, so every policy starts from the same newcomers,
residents, employers and map), spread over all cores, and writes to ``--out``:

- ``model.parquet``, ``newcomers.parquet``: the raw tables of every run
  (newcomer snapshots every 12 months), with ``policy`` and ``seed`` columns;
- ``summary.csv``: policy × metric × year, mean with 95% CI across seeds;
- ``differences.csv``: the same for each policy minus the reference (``baseline_2013``, or
  ``--reference``), paired by seed;
- ``by_years_since_permit.csv``: outcomes by years since the permit (how CBS reports);
- ``by_group.csv``: for whom: per policy, grouping (gender always; ``--by`` adds
  any of `model.outcomes.GROUPINGS`, or a crossing such as ``gender,education``), group,
  metric and horizon (each whole year of the run and each whole year since the permit),
  the mean over runs with its 95% interval and the difference from the reference,
  paired run by run, with its interval (`experiments.for_whom.summarise_by_group`);
- ``by_group_gaps.csv``: the gap between the highest and lowest group under
  the reference on the key outcomes, and how each policy changes it;
- ``summary.md``: the report; ``figures/*.png``: the figures; ``compare.json``:
  settings, versions and timings.

Everything is built in a hidden folder inside ``--out`` and renamed into place
at the end, so an interrupted or failed compare leaves no half-written file.

Runs go to local processes (``--workers``) or a Dask cluster (``--scheduler``)
through `experiments.executors`, like every many-runs command. This module is
the command and the Python API; the work is in `experiments.comparison`
(settings, running, summarising, report, figures).

Python API: `compare` returns a `ComparisonResult` with the same tables;
`experiments.summary.by_years_since_permit` and `experiments.for_whom.by_group`
(both also importable from here) summarise any newcomer table::

    from experiments.compare import compare, by_group, by_years_since_permit
    result = compare(["baseline_2013", "two_track"], seeds=5, years=5, by="gender,age_group")
    result.by_group                     # the table of by_group.csv
    by_years_since_permit(result.newcomers, "share_employed")
    by_group(result.newcomers, ["education", "household"], "share_employed", reference="baseline_2013")
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from experiments import for_whom as G
from experiments.comparison import memo as M
from experiments.comparison.figures import render_figures
from experiments.comparison.formatting import format_ci  # noqa: F401  (part of this module's API)
from experiments.comparison.report import (
    README_END,
    README_FIGURE,
    README_IMAGE,
    README_START,
    headline_text,
    interval_label,
    readme_block,
    report_markdown,
)
from experiments.comparison.running import (  # noqa: F401
    POPULATION_COLUMNS,
    population_fingerprint,
    run_comparison,
)
from experiments.comparison.settings import (
    DEFAULT_SEEDS,
    DEFAULT_YEARS,
    POSTERIOR_SEED,
    SNAPSHOT_EVERY,
    ComparisonSettings,
    make_settings,
)
from experiments.comparison.summarising import ComparisonResult, permit_years_shown  # noqa: F401
from experiments.errors import UsageError
from experiments.executors import Backend, add_backend_arguments, open_backend
from experiments.for_whom import by_group  # noqa: F401  (part of this module's API)
from experiments.inputs import (
    NUMBERS_HELP,
    REFERENCE,
    add_by_argument,
    add_language_argument,
    add_reference_argument,
    check_common,
    check_language,
    check_range,
    check_readme,
    check_reference,
    number_type,
    parse_overrides,
    policies_to_compare,
    split_list,
)
from experiments.provenance import versions
from experiments.runner import build_model
from experiments.store import (
    OutputFolder,
    add_out_arguments,
    rewrite_readme_block,
    write_json,
    write_parquet,
)
from experiments.summary import by_years_since_permit  # noqa: F401  (part of this module's API)
from model import METRICS, POLICIES

HELP = ("Compare policies side by side over the same seeds: summary.csv, summary.md, "
        "figures and the raw tables.")


def compare(policies: list[str] | None = None, seeds: int = DEFAULT_SEEDS, years: float = DEFAULT_YEARS,
            params: dict | None = None, by: str | list[str] | None = None, metrics: list[str] | None = None,
            workers: int | None = None, progress: bool = False, posterior: int = 0,
            reference: str | None = None) -> ComparisonResult:
    """Run every policy for seeds ``0..seeds-1`` and summarise.

    Args:
        policies: Policy names (default: all, in `POLICIES` order).
        seeds: Number of seeds; seed ``i`` is used by every policy.
        years: Horizon in years.
        params: Parameter overrides for every policy (e.g. ``{"n_newcomers": 500}``).
        by: Groupings to summarise by, besides gender (always): a name of
            `model.outcomes.GROUPINGS` ("education"), a crossing ("gender,education":
            groups like "women, high") or a list of them (each its own grouping).
        metrics: Headline metrics (default: the key outcomes, costs per newcomer).
        workers: Processes (default: every core; 1 runs in this process).
        progress: Show a progress bar on stderr.
        posterior: Draw this many parameter sets from the shipped posterior and run
            ``seeds`` seeds on each (0: the default parameters only).
        reference: The policy differences are taken against (default ``baseline_2013``;
            added in front if not among ``policies``).

    Returns:
        The tables, the newcomer snapshots included (an example: the module's docstring).
    """
    settings = make_settings(policies, seeds, years, params or {}, by, metrics, posterior, reference)
    with open_backend(workers, jobs=_n_runs(settings)) as backend, \
            tempfile.TemporaryDirectory(prefix="nieuwkomers-compare-") as tmp:
        result = run_comparison(settings, Path(tmp), backend, progress=progress)
        result.newcomers = pd.read_parquet(Path(tmp) / "newcomers.parquet")
    return result


def _n_runs(settings: ComparisonSettings) -> int:
    return len(settings.policies) * len(settings.seeds)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `compare`."""
    parser.add_argument("--policies", metavar="A,B,..", nargs="+",
                        help=f"policies to compare, separated by commas or spaces (default: all; one "
                             f"policy is compared with the reference): {', '.join(POLICIES)}")
    add_reference_argument(parser, "differences (differences.csv, the report's Δ columns, by_group.csv)")
    parser.add_argument("--seeds", type=number_type(int, "--seeds"), default=DEFAULT_SEEDS, metavar="N",
                        help=f"seeds 0..N-1, the same in every policy (default {DEFAULT_SEEDS})")
    parser.add_argument("--years", type=number_type(float, "--years"), default=DEFAULT_YEARS, metavar="Y",
                        help=f"horizon in years (default {DEFAULT_YEARS:g})")
    add_by_argument(parser, "Gender is always included: by_group.csv (every group, outcome, year of the run "
                            "and year since the permit, with the paired difference from the reference and "
                            "95%% intervals), the For whom section of summary.md and figures/by_group_*.png "
                            "show it and the groupings of --by")
    parser.add_argument("--metrics", metavar="M,N,..", nargs="+",
                        help="headline metrics of the report and figures (default: the key outcomes)")
    parser.add_argument("--posterior", type=number_type(int, "--posterior"), default=0, metavar="K",
                        help="also run every policy on K parameter sets drawn from the calibration's "
                             "posterior, --seeds seeds each, and report how much of the uncertainty "
                             "is due to the parameters (default 0: the calibrated medians only)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help=f"override a parameter for every policy (repeatable). {NUMBERS_HELP}")
    parser.add_argument("--intake", type=number_type(int, "--intake"), metavar="N",
                        help="permit holders aged 18-64 your municipality receives a year: every share 1, 3 and 5 "
                             "years after the permit becomes people (share x N x --intake-years, with its "
                             "interval) in intake.csv, summary.md and the memo, and costs are given for them")
    parser.add_argument("--intake-years", type=number_type(int, "--intake-years"), default=1, metavar="Y",
                        help="years of intake the people counts add up (default 1: one year's permit holders)")
    parser.add_argument("--memo", action="store_true",
                        help="also write memo.md, a one-page memo for a council (question, answer, outcomes "
                             "for the intake, net cost per payer, what the model leaves out, how sure), and "
                             "memo.xlsx with its tables; needs --intake")
    add_language_argument(parser, "summary.md, the memo, its workbook and the figures")
    parser.add_argument("--readme", metavar="README.md",
                        help=f"rewrite the block between {README_START} and {README_END} in this "
                             "file with the headline table and a figure")
    parser.add_argument("--no-figures", dest="figures", action="store_false",
                        help="write the tables, summary.md and the memo without drawing figures (a compare of "
                             "a small world takes half the time; for scripts that loop over compares); "
                             "not with --readme")
    add_out_arguments(parser)
    add_backend_arguments(parser)



def main(args: argparse.Namespace) -> int:
    """Run the comparison and write the report, figures and tables."""
    check_common(args)
    if args.years < 1:
        raise UsageError(f"--years {args.years:g} is not allowed: a comparison reports whole years; expected a "
                         "number in [1, 50]")
    check_range(args.seeds, "--seeds", 1, 10_000)
    check_range(args.posterior, "--posterior", 2, 1000, or_zero=True)
    intake = _check_intake(args)
    reference = check_reference(args.reference)
    policies, note = policies_to_compare(split_list(args.policies, "--policies"), reference or REFERENCE)
    settings = make_settings(policies, args.seeds, args.years, parse_overrides(args.set),
                             args.by, split_list(args.metrics, "--metrics"), args.posterior, reference)
    build_model(settings.policies[0], 0, settings.params)  # parameters that clash fail now
    if args.readme and not args.figures:
        raise UsageError("--readme needs a figure for the README: drop --no-figures")
    readme = check_readme(args.readme, README_START, README_END) if args.readme else None
    with open_backend(args.workers, args.scheduler, jobs=_n_runs(settings)) as backend, \
            OutputFolder(args.out, "compare", args.force) as folder:  # written whole, swapped in at the end
        if note:
            print(note, file=sys.stderr)
        staging = folder.staging
        result = run_comparison(settings, staging, backend, progress=True)
        started = time.perf_counter()
        write_parquet(result.model[["policy", "seed", "month", "year", *METRICS]], staging / "model.parquet")
        G.as_written(result.summary, "year").to_csv(staging / "summary.csv", index=False)
        G.as_written(result.differences, "year").assign(reference=settings.reference).to_csv(
            staging / "differences.csv", index=False)
        result.by_permit.to_csv(staging / "by_years_since_permit.csv", index=False)
        G.as_written(result.by_group).to_csv(staging / "by_group.csv", index=False)
        G.as_written(result.gaps).to_csv(staging / "by_group_gaps.csv", index=False)
        if result.uncertainty is not None:
            result.uncertainty.assign(year=result.uncertainty["month"] / 12, reference=settings.reference).drop(
                columns="month").pipe(G.as_written, "year").to_csv(staging / "uncertainty.csv", index=False)
        figures = render_figures(result, staging / "figures", backend, args.lang) if args.figures else []
        payers = M.payer_table(result, intake)
        payers.drop(columns=[c for c in payers.columns if c.endswith("_intake")] if intake is None else []).assign(
            reference=settings.reference).to_csv(staging / "cost_by_payer.csv", index=False)
        report = report_markdown(result, figures, args.lang) + "\n" + _payer_section(result, payers, intake,
                                                                                      args.lang)
        if intake is not None:
            M.people_table(result, intake).to_csv(staging / "intake.csv", index=False)
            report += "\n" + _intake_section(result, intake, args.lang)
        (staging / "summary.md").write_text(report, encoding="utf-8")
        if args.memo:
            (staging / "memo.md").write_text(M.memo_markdown(result, intake, args.lang), encoding="utf-8")
            M.write_xlsx(result, intake, staging / "memo.xlsx", args.lang)
        write_json(_record(settings, result, backend, time.perf_counter() - started),
                   staging / "compare.json")
    out = folder.path
    if readme is not None:
        image = rewrite_readme_block(readme, (README_START, README_END), readme_block(result, README_IMAGE.as_posix()),
                                     out / "figures" / README_FIGURE, README_IMAGE)
        print(f"updated {readme} and {image}", file=sys.stderr)

    if not result.same_population:
        print("nieuwkomers compare: warning: for some seed the newcomers differ between policies "
              "(common random numbers do not hold; see summary.md)", file=sys.stderr)
    print(headline_text(result))
    print()
    print(f"Report:  {out / 'summary.md'}")
    if args.memo:
        print(f"Memo:    {out / 'memo.md'}, {out / 'memo.xlsx'}")
    print(f"Figures: {out / 'figures'}/ ({len(figures)} PNG)" if args.figures else "Figures: none (--no-figures)")
    print(f"Tables:  {out / 'summary.csv'}, {out / 'by_group.csv'}, {out / 'model.parquet'}, "
          f"{out / 'newcomers.parquet'}")
    return 0


def _check_intake(args: argparse.Namespace) -> M.Intake | None:
    """``--intake``, ``--intake-years``, ``--memo`` and ``--lang``, checked (one line each)."""
    check_language(args.lang)
    if args.intake is not None and not 1 <= args.intake <= 1_000_000:
        raise UsageError(f"--intake {args.intake} is not allowed: expected a whole number of permit holders a "
                         "year in [1, 1000000]")
    check_range(args.intake_years, "--intake-years", 1, 50)
    if args.memo and args.intake is None:
        raise UsageError("--memo needs --intake N: the permit holders aged 18-64 your municipality receives a year")
    return M.Intake(args.intake, args.intake_years) if args.intake is not None else None


def _payer_section(result: ComparisonResult, payers: pd.DataFrame, intake: M.Intake | None, lang: str = "en") -> str:
    """summary.md's net cost by payer at the horizon."""
    st = result.settings
    header, rows = M.payer_rows(payers, st.reference, lang, intake)
    return "\n".join([
        f"## {M.text('Net public cost by payer', lang)}", "",
        M.text("payer_intro", lang, year=f"{st.last_year:g}", reference=st.reference), "",
        interval_label(st, lang), "",
        M.md_table(header, rows, "llrrrrr"[:len(header)]), ""])


def _intake_section(result: ComparisonResult, intake: M.Intake, lang: str = "en") -> str:
    """summary.md's outcomes for the intake: shares as people."""
    header, rows = M.outcome_rows(M.people_table(result, intake), lang)
    people, per_year = M.number(intake.people, ",", lang), M.number(intake.per_year, ",", lang)
    return "\n".join([
        "## " + M.text("For an intake of {people} permit holders", lang, people=people), "",
        M.text("intake_intro", lang, people=people, per_year=per_year, years=intake.years), "",
        interval_label(result.settings, lang), "",
        M.md_table(header, rows, "lllrrrrrrrr"), ""])


def _record(settings: ComparisonSettings, result: ComparisonResult, backend: Backend, report_seconds: float) -> dict:
    return {
        "command": "compare",
        "policies": list(settings.policies),
        "seeds": list(settings.seeds),
        "common_random_numbers": {"same_seeds_in_every_policy": True,
                                  "same_newcomers_in_every_policy": result.same_population},
        "years": settings.years,
        "snapshot_months": SNAPSHOT_EVERY,
        "overrides": settings.params,
        "posterior": ({"draws": len(settings.draws), "seeds_per_draw": settings.seeds_per_draw,
                       "draw_seed": POSTERIOR_SEED, "parameter_sets": list(settings.draws)}
                      if settings.draws else None),
        "n_newcomers": settings.n_newcomers,
        "reference": settings.reference,
        "by": [G.grouping_name(g) for g in settings.groupings],
        "metrics": list(settings.metrics),
        "backend": backend.description,
        "slots": backend.slots(),  # runs at the same time: local workers, or the cluster's threads
        "versions": versions(),
        "run_seconds_total": round(sum(result.run_seconds), 3),
        "run_cpu_seconds_total": round(sum(result.run_cpu_seconds), 3),
        "wall_seconds_runs": round(result.seconds, 3),
        "wall_seconds_report": round(report_seconds, 3),
    }
