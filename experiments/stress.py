"""`nieuwkomers stress`: do the policies still work when a peak fills reception, houses and programmes?

Runs each chosen policy under a steady inflow and under a stressed one (a
``surge`` or the real Dutch ``series``), with the same seeds (seed ``i`` brings
the same first newcomers in every policy and both inflows), on local cores
or a Dask cluster like every many-runs command (`experiments.executors`).
Writes to ``--out``:

- ``queues.csv``: per policy, inflow and month, the queues of `model.queues`
  (persons), mean over seeds;
- ``cohorts.csv``: outcomes 3 and 5 years after the permit by arrival cohort
  (before, during and after the peak), mean with 95% CI over seeds;
- ``waits.csv``: months waiting for a decision and for a house, by cohort;
- ``effects.csv``: each policy's effect (minus the reference, ``baseline_2013`` or ``--reference``, paired by
  seed) on the peak cohorts, steady and stressed, and the share it keeps;
- ``cost.csv``: public cost per person who arrived;
- ``breaks.csv``: what breaks first: when each queue first grows beyond its steady level, and its worst month;
- ``by_group.csv`` with ``--by``: for whom: outcomes 1, 3 and 5 years after the permit per group of
  newcomers (`model.outcomes.GROUPINGS`, or a crossing) by arrival cohort and inflow, mean with 95% CI
  over seeds, and each policy's effect (minus the reference, paired by seed under the same inflow);
- ``summary.md`` and ``figures/*.png``; ``stress.json``: settings and timings.

Nothing is written unless everything is (`experiments.store.OutputFolder`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from experiments import for_whom as G
from experiments.executors import add_backend_arguments, open_backend
from experiments.inputs import (
    NUMBERS_HELP,
    add_by_argument,
    add_language_argument,
    add_reference_argument,
    check_common,
    check_language,
    check_range,
    check_readme,
    number_type,
    parse_overrides,
    split_list,
)
from experiments.store import OutputFolder, add_out_arguments, rewrite_readme_block, write_json
from experiments.stress_runs import INFLOWS, make_stress_settings, run_stress
from model import POLICIES

HELP = ("Run policies under a steady inflow and under a surge (or the real series), same seeds: "
        "queues, outcomes by arrival cohort, and which policy loses least of its effect.")

DEFAULT_SEEDS = 10
DEFAULT_YEARS = 10.0
README_START, README_END = "<!-- stress:start -->", "<!-- stress:end -->"
README_IMAGE = Path("docs") / "img" / "stress_queues.png"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `stress`."""
    parser.add_argument("--policies", metavar="A,B,..", nargs="+",
                        help=f"policies (default: all; the reference is always added): {', '.join(POLICIES)}")
    add_reference_argument(parser, "effects (effects.csv, by_group.csv, the verdict)")
    parser.add_argument("--seeds", type=number_type(int, "--seeds"), default=DEFAULT_SEEDS, metavar="N",
                        help=f"seeds 0..N-1, the same in every policy and inflow (default {DEFAULT_SEEDS})")
    parser.add_argument("--years", type=number_type(float, "--years"), default=DEFAULT_YEARS, metavar="Y",
                        help=f"horizon in years (default {DEFAULT_YEARS:g})")
    parser.add_argument("--inflow", default="surge", choices=INFLOWS,
                        help="the stressed inflow: a surge over the steady level (surge_factor, "
                             "surge_start_month, surge_months) or the Dutch series 2013-2023 (default surge)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a parameter in every run, e.g. --set surge_factor=2 or "
                             f"--set reception_places=20000 (repeatable). {NUMBERS_HELP}")
    parser.add_argument("--readme", metavar="README.md",
                        help=f"rewrite the block between {README_START} and {README_END} in this file "
                             "with the verdict and the queues figure (copied to docs/img/stress_queues.png)")
    add_language_argument(parser, "summary.md and the figures")
    add_by_argument(parser, "Writes by_group.csv: outcomes 1, 3 and 5 years after the permit per group, by "
                            "arrival cohort and inflow, with each policy's effect (paired by seed), and a "
                            "For whom section on the peak cohorts in summary.md")
    add_out_arguments(parser)
    add_backend_arguments(parser)


def main(args: argparse.Namespace) -> int:
    """Run the stress test and write its report."""
    from experiments.stress_report import readme_block, summarise_stress, write_report

    check_common(args)
    check_language(args.lang)
    check_range(args.seeds, "--seeds", 2, 10_000)
    settings = make_stress_settings(split_list(args.policies, "--policies"), args.seeds, args.years,
                                    args.inflow, parse_overrides(args.set), args.by, args.reference)
    readme = check_readme(args.readme, README_START, README_END) if args.readme else None
    n_runs = len(settings.policies) * 2 * len(settings.seeds)
    with open_backend(args.workers, args.scheduler, jobs=n_runs) as backend, \
            OutputFolder(args.out, "stress", args.force) as folder:
        started = time.perf_counter()
        runs = run_stress(settings, backend)
        summary = summarise_stress(settings, runs)
        write_report(summary, folder.staging, args.lang)
        write_json({"command": "stress", "policies": list(settings.policies), "seeds": list(settings.seeds),
                    "months": settings.months, "inflow": settings.inflow, "peak_months": list(settings.peak),
                    "by": [G.grouping_name(g) for g in settings.by], "reference": settings.reference,
                    "lang": args.lang,
                    "params": settings.params, "backend": backend.description,
                    "seconds": round(time.perf_counter() - started, 2)}, folder.staging / "stress.json")
    if readme is not None:
        image = rewrite_readme_block(readme, (README_START, README_END), readme_block(summary, args, README_IMAGE),
                                     folder.path / "figures" / "queues.png", README_IMAGE)
        print(f"updated {readme} and {image}", file=sys.stderr)
    print(summary.verdict)
    print(f"\nReport: {folder.path / 'summary.md'}")
    return 0
