"""Mutation score of the model's mechanisms: how many small bugs the fast tests catch (issue 26).

`mutmut <https://mutmut.readthedocs.io>`_ (3.x, configured in ``pyproject.toml``
under ``[tool.mutmut]``) puts small bugs ("mutants": ``<`` for ``<=``, ``+``
for ``-``, a constant changed, a call's argument dropped) one at a time into
the mechanism modules of ``model/`` and runs the fast mechanism tests against
each. A mutant is *killed* when a test fails (or the run times out). The
fingerprints and stored results are not in the selection, so they cannot mask
a survivor: a bug only they would see is a bug that gets re-recorded.

A full run (~3,000 mutants) takes several hours on 2 cores, so by default a
seeded random sample of ``--sample`` mutants per module is tested (the issue
allows a documented sample where the full run would take more than an hour);
``--sample 0`` runs them all. The score per module is written to
``benchmarks/mutation.md`` with the survivors listed, and printed.

A survivor is either killed by a new test or, when it changes nothing that
matters (an equivalent mutant: a dtype the assignment casts back, a shortcut
that gives the same answer), given its reason in
``benchmarks/mutation_harmless.toml``. The report lists each survivor with that
reason, or "no test yet"; the score counts killed mutants only (the harmless
ones have a column of their own). A reason whose mutant no longer exists, whose
change is no longer that mutant's (mutmut numbers a function's mutants anew
when the function changes) or whose mutant is now killed is reported as stale.

Run: ``make mutation`` or ``.venv/bin/python benchmarks/mutation.py [--sample N] [--seed S] [--jobs J]``.
A stopped run resumes where it was (mutmut keeps every result); ``--report-only`` writes the report
from the results so far.
Exit code 1 when a module scores below ``--bar`` (80%).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import tomllib
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
REPORT = ROOT / "benchmarks" / "mutation.md"
HARMLESS = ROOT / "benchmarks" / "mutation_harmless.toml"
KILLED = {1, 3, 36, -24, 24, 152}  # mutmut's exit codes for "killed" and "timeout" (mutmut.stats)
NOT_RUN = {None, 2}  # not checked, or interrupted


def mutmut(*args: str, jobs: int) -> int:
    """Run ``mutmut`` (from this interpreter's environment) in the project root."""
    command = [str(Path(sys.executable).with_name("mutmut")), *args, "--max-children", str(jobs)]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def source_paths() -> list[str]:
    """The mutated modules, as configured in ``pyproject.toml``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    return config["source_paths"]


def mutant_results() -> dict[str, dict[str, int | None]]:
    """Exit code of every generated mutant, by module (``model.labour``), from mutmut's ``.meta`` files."""
    results: dict[str, dict[str, int | None]] = {}
    for path in source_paths():
        meta = MUTANTS / f"{path}.meta"
        if meta.exists():
            codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
            results[path.removesuffix(".py").replace("/", ".")] = codes
    return results


def sample(results: dict[str, dict], size: int, seed: int) -> list[str]:
    """``size`` mutants of each module, drawn with ``seed`` (every mutant when ``size`` is 0)."""
    rng = random.Random(seed)
    chosen: list[str] = []
    for module in sorted(results):
        names = sorted(results[module])
        chosen += names if size == 0 or size >= len(names) else sorted(rng.sample(names, size))
    return chosen


def harmless_reasons(path: Path = HARMLESS) -> dict[str, dict[str, str]]:
    """The surviving mutants that change nothing that matters: name -> {"change": line, "reason": words}."""
    if not path.exists():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def mutant_source(name: str) -> str | None:
    """The source of mutant ``name`` as mutmut wrote it (``mutants/model/x.py``), or None if it is not there."""
    module, _, function = name.rpartition(".")
    path = MUTANTS / (module.replace(".", "/") + ".py")
    if not path.exists():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith(f"def {function}(")), None)
    if start is None:
        return None
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = next((i for i in range(start + 1, len(lines))
                if lines[i].strip() and len(lines[i]) - len(lines[i].lstrip()) <= indent), len(lines))
    return "\n".join(lines[start:end])


def stale_reasons(reasons: dict[str, dict[str, str]], codes: dict[str, int | None]) -> list[str]:
    """Markdown lines for the reasons that no longer hold: no such mutant, another change, or killed now."""
    stale = []
    for name, entry in sorted(reasons.items()):
        source = mutant_source(name) if name in codes else None
        if name not in codes or source is None:
            stale.append(f"- `{name}`: no such mutant any more")
        elif " ".join(entry["change"].split()) not in " ".join(source.split()):
            stale.append(f"- `{name}`: its change is no longer `{entry['change']}` (the function changed)")
        elif codes[name] in KILLED:
            stale.append(f"- `{name}`: a test kills it now")
    return stale


def score_table(results: dict[str, dict], chosen: list[str], bar: float,
                reasons: dict[str, dict[str, str]] | None = None) -> tuple[list[str], list[str], bool]:
    """Markdown rows of the score per module, the survivors (with their reasons), and whether every module clears
    ``bar``. The score counts killed mutants only; survivors with a reason in ``reasons`` are counted apart."""
    picked, reasons = set(chosen), reasons or {}
    rows, survivors, ok = [], [], True
    totals = defaultdict(int)
    for module in sorted(results):
        codes = {name: code for name, code in results[module].items() if name in picked and code not in NOT_RUN}
        killed = sum(code in KILLED for code in codes.values())
        tested = len(codes)
        left = sorted(name for name, code in codes.items() if code not in KILLED)
        harmless = sum(name in reasons for name in left)
        share = killed / tested if tested else float("nan")
        ok &= tested > 0 and share >= bar
        totals["killed"] += killed
        totals["tested"] += tested
        totals["harmless"] += harmless
        rows.append(f"| `{module}` | {len(results[module])} | {tested} | {killed} | "
                    f"{f'{share:.0%}' if tested else 'not yet'} | {harmless} |")
        survivors += [f"- `{name}` (exit code {codes[name]}): "
                      + (f"harmless: {reasons[name]['reason']}" if name in reasons else "**no test yet**")
                      for name in left]
    share = totals["killed"] / totals["tested"] if totals["tested"] else float("nan")
    rows.append(f"| **all** | {sum(len(r) for r in results.values())} | {totals['tested']} | {totals['killed']} | "
                f"**{share:.0%}** | {totals['harmless']} |")
    return rows, survivors, ok


def exit_codes(results: dict[str, dict]) -> dict[str, int | None]:
    """Every mutant's exit code, whatever its module."""
    return {name: code for module in results.values() for name, code in module.items()}


def untested(results: dict[str, dict], chosen: list[str]) -> int:
    """Sampled mutants without a result (a run stopped before it reached them)."""
    codes = exit_codes(results)
    return sum(codes.get(name) in NOT_RUN for name in chosen)


def described(args: argparse.Namespace) -> str:
    """Which mutants a run tests, in words."""
    if args.names:
        return f"the mutants named in `{args.names.name}`"
    return "every mutant" if args.sample == 0 else f"a sample of {args.sample} mutants per module, seed {args.seed}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=25, help="mutants per module (0: all; default 25)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample (default 1)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mutants tested at once")
    parser.add_argument("--bar", type=float, default=0.8, help="least share killed per module (default 0.8)")
    parser.add_argument("--again", action="store_true",
                        help="test the sampled mutants again (default: keep the results mutmut has, so a stopped "
                             "run resumes where it was)")
    parser.add_argument("--names", type=Path, help="test the mutants named in this file (one per line) instead of "
                        "a sample, e.g. the ones an earlier run tested, to compare before and after new tests")
    parser.add_argument("--report-only", action="store_true",
                        help="write the report from the results mutmut has, without testing more")
    args = parser.parse_args()
    if args.sample < 0 or args.jobs < 1 or not 0 <= args.bar <= 1:
        parser.error("--sample must be 0 or more, --jobs 1 or more, --bar between 0 and 1")

    start = time.monotonic()
    if not args.report_only:
        # Generate the mutants and map tests to functions (mutmut's stats); the pattern matches no mutant,
        # so mutmut stops there (with an assertion) and the mutants' names can be read and sampled.
        mutmut("run", "nothing.matches.this*", jobs=args.jobs)
    results = mutant_results()
    if not results:
        print("mutmut generated no mutants; see its output above", file=sys.stderr)
        return 2
    codes = exit_codes(results)
    if args.names:
        chosen = [name for name in args.names.read_text(encoding="utf-8").split() if name in codes]
    else:
        chosen = sample(results, args.sample, args.seed)
    to_test = chosen if args.again else [name for name in chosen if codes[name] in NOT_RUN]
    print(f"{len(chosen)} of {len(codes)} mutants chosen ({described(args)}); "
          f"{0 if args.report_only else len(to_test)} to test", flush=True)
    if to_test and not args.report_only:
        mutmut("run", *to_test, jobs=args.jobs)
    results = mutant_results()
    missing = untested(results, chosen)
    if missing == len(chosen):
        print("mutmut tested none of the chosen mutants (see its output above: a failing clean run or stats "
              "collection stops it); the report is left as it was", file=sys.stderr)
        return 2
    reasons = harmless_reasons()
    rows, survivors, ok = score_table(results, chosen, args.bar, reasons)
    stale = stale_reasons(reasons, exit_codes(results))
    minutes = (time.monotonic() - start) / 60
    report = "\n".join([
        "# Mutation score of the mechanisms", "",
        f"Written by `benchmarks/mutation.py` on {date.today().isoformat()} "
        f"({described(args)}{'' if args.report_only else f'; {minutes:.0f} min with {args.jobs} at once'}). Killed: a fast mechanism test failed or the run timed "
        "out; the fingerprints and stored results are not in the selection (`pyproject.toml`, `[tool.mutmut]`). "
        f"Bar: {args.bar:.0%} per module."
        + (f" {missing} sampled mutants have no result yet (the run was stopped; "
           "`python benchmarks/mutation.py` resumes it)." if missing else ""), "",
        "| module | mutants | tested | killed | score | survivors listed harmless |",
        "|---|---:|---:|---:|---:|---:|", *rows, "",
        "The score counts killed mutants only; a survivor listed harmless still counts against it.", "",
        "## Survivors", "",
        "Each is a small change to the code that no fast test notices. `mutmut show NAME` prints the change. "
        f"A harmless one changes nothing that matters; its reason is in `{HARMLESS.relative_to(ROOT)}`.", "",
        *(survivors or ["(none)"]), "",
        *(["## Stale reasons", "",
           f"Entries of `{HARMLESS.relative_to(ROOT)}` that no longer hold (remove or redo them):", "",
           *stale, ""] if stale else []),
    ])
    REPORT.write_text(report, encoding="utf-8")
    print("\n".join(rows))
    if stale:
        print(f"{len(stale)} stale reasons in {HARMLESS.relative_to(ROOT)}:", *stale, sep="\n", file=sys.stderr)
    print(f"report: {REPORT.relative_to(ROOT)} ({minutes:.0f} min)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
