"""`nieuwkomers validate`: does the model reproduce the Dutch record and the measured policy effects?

For many seeds, runs every scenario of ``model.calibration.SCENARIOS``
(`baseline_2013`, a personal plan alone, a longer asylum wait, a later right to
work, and every policy), measures each target as ``model.calibration``
defines it (effects as differences from the baseline with the same seed), and
prints target, band, model mean with its 95% confidence interval across
seeds, whether the mean lies inside the band, and the source. Exits 1 when
a fitted target is missed; the patterns kept aside from the fit (role
``check`` in ``targets.csv``) are reported on their own line, out-of-sample,
and do not change the exit code.
"""

from __future__ import annotations

import argparse
import contextlib

import pandas as pd

from experiments.executors import add_backend_arguments
from experiments.inputs import check_range
from experiments.store import OutputFolder, add_out_arguments, write_text
from experiments.targets import posterior_check, validate

HELP = ("Check the baseline against the Dutch record and the policies against measured effects "
        "(exit 1 if a fitted target's band is missed; patterns kept aside are reported).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `validate`."""
    parser.add_argument("--seeds", type=int, default=20, help="seeds to average over (default 20)")
    parser.add_argument("--posterior", type=int, default=0, metavar="K",
                        help="instead, run K parameter sets drawn from the calibration's posterior (one seed "
                             "each) and show each target's posterior-predictive 90%% interval beside its band")
    add_out_arguments(parser, required=False, help="also write the table as DIR/validation.csv and .md")
    add_backend_arguments(parser)


KIND_TITLES = {"fact": "The Dutch record under the 2013 regime (baseline_2013)",
               "effect": "Measured effects of programmes and rules (difference from baseline_2013, same seeds)",
               "check": "Kept aside: patterns not used to fit the calibrated parameters (baseline_2013)"}


def _grouped(table: pd.DataFrame, model_header: str, third: str, row_lines) -> str:
    """Targets grouped by kind under a title: a header line, then ``row_lines(row)`` for each target."""
    lines = []
    role = table["role"] if "role" in table else pd.Series("fit", index=table.index)
    section = table["kind"].where(role != "check", "check")
    for kind, rows in table.groupby(section, sort=False):
        lines += ["" if lines else None, KIND_TITLES.get(kind, kind),
                  f"  {'target':23s} {'band':>16s} {model_header:>28s}  {third}  what"]
        for r in rows.itertuples():
            lines += row_lines(r, f"[{r.low:g}, {r.high:g}]")
    return "\n".join(line for line in lines if line is not None)


def format_posterior_table(table: pd.DataFrame) -> str:
    """The posterior-predictive table as aligned text, grouped like `format_table`."""
    def row(r, band: str) -> list[str]:
        model = f"{r.predictive_median:.3f} [{r.predictive_low:.3f}, {r.predictive_high:.3f}]"
        return [f"  {r.id:23s} {band:>16s} {model:>28s}  {r.share_inside:6.0%}   {r.what}"]

    return _grouped(table, "median [90% predictive]", "in band", row)


def format_table(table: pd.DataFrame) -> str:
    """The validation table as aligned text: one line per target, its whole source on the next."""
    def row(r, band: str) -> list[str]:
        model = f"{r.model_mean:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}]"
        return [f"  {r.id:23s} {band:>16s} {model:>28s}  {'yes' if r.inside else 'NO ':6s}  {r.what}",
                f"  {'':23s} source: {r.source}"]

    return _grouped(table, "model mean [95% CI]", "inside", row)


def main(args: argparse.Namespace) -> int:
    """Run, print, and exit 1 if a target is missed."""
    check_range(args.seeds, "--seeds", 2, 1000)
    check_range(args.posterior, "--posterior", 2, 1000, or_zero=True)
    # --out is checked and locked now, written whole at the end
    with OutputFolder(args.out, "validate", args.force) if args.out else contextlib.nullcontext() as folder:
        if args.posterior:
            table = posterior_check(args.posterior, args.workers, scheduler=args.scheduler)
            text = format_posterior_table(table)
            name = "posterior_check"
            summary = "targets whose posterior-predictive median lies inside their band"
        else:
            table = validate(args.seeds, args.workers, scheduler=args.scheduler)
            text = format_table(table)
            name = "validation"
            summary = "targets inside their band"
        print(text)
        fitted = table["role"] != "check"
        missed = table.loc[fitted & ~table["inside"], "id"].tolist()
        print(f"\n{int(fitted.sum()) - len(missed)} of {int(fitted.sum())} {summary}"
              + (f"; missed: {', '.join(missed)}" if missed else ""))
        if not fitted.all():  # patterns kept aside are reported, but do not make the check fail
            aside, outside = table.loc[~fitted], table.loc[~fitted & ~table["inside"], "id"].tolist()
            print(f"kept aside (not fitted): {len(aside) - len(outside)} of {len(aside)} inside"
                  + (f"; outside: {', '.join(outside)}" if outside else ""))
        if folder is not None:
            write_text(table.to_csv(index=False), folder.staging / f"{name}.csv")
            write_text("```\n" + text + "\n```\n", folder.staging / f"{name}.md")
    return 1 if missed else 0
