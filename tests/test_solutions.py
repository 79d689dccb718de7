"""The instructor solutions match what their generator produces now, checked without the six-minute run.

`docs/exercises/generate_solutions.py` knows, before running anything, what each
solution rests on (`plan`: seeds, the sheets' commands, the count of validation
targets) and keeps it in ``numbers.json``; the story of sheet 1 costs seconds to
retell. A sheet, the CLI, the calibration targets or the app's wording that moves
on without the solutions fails here, with ``make exercises`` as the fix.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path

import pytest

from experiments.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "docs" / "exercises"
SOLUTIONS = EXERCISES / "solutions"
sys.path.insert(0, str(EXERCISES))
import generate_solutions as generator  # noqa: E402  (a moved file must fail here, not skip every test)

STALE = "regenerate the solutions: make exercises"


def sheet_text(stem: str) -> str:
    return (EXERCISES / f"{stem}.md").read_text(encoding="utf-8")


def solution_text(stem: str) -> str:
    return (SOLUTIONS / f"{stem}.md").read_text(encoding="utf-8")


def compare_commands(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("nieuwkomers compare ")]


@pytest.mark.parametrize("sheet", sorted(generator.SHEET_COMMANDS))
def test_the_commands_the_solutions_run_are_the_sheets_commands_verbatim(sheet):
    listed = set(generator.SHEET_COMMANDS[sheet].values())
    in_sheet = set(compare_commands(sheet_text(sheet)))
    assert listed <= in_sheet, f"{sheet}: the solution runs a command the sheet no longer has"
    assert in_sheet <= listed, f"{sheet}: a compare command the solutions do not run: {in_sheet - listed}"


def test_every_sheet_with_a_compare_command_is_covered():
    sheets = {p.stem for p in EXERCISES.glob("[0-9][0-9]-*.md") if compare_commands(p.read_text(encoding="utf-8"))}
    assert sheets == set(generator.SHEET_COMMANDS)


def test_commands_without_seeds_are_subsets_of_the_main_comparison():
    """The main comparison holds their runs only if they use its seeds (compare's default)."""
    for sheet, commands in generator.SHEET_COMMANDS.items():
        for key, command in commands.items():
            args = build_parser().parse_args(shlex.split(command)[1:])
            if "--seeds" not in command:
                assert args.seeds == generator.FULL.compare_seeds, (sheet, key)


def test_the_solutions_were_made_from_the_current_plan():
    """Seeds, commands and target counts as the generator would use them now."""
    numbers = json.loads((SOLUTIONS / "numbers.json").read_text(encoding="utf-8"))
    for stem, expected in generator.plan(generator.FULL).items():
        assert numbers[stem].get("plan") == expected, f"{stem}: {STALE}"


def test_solution_texts_quote_the_plans_seeds():
    plan = generator.plan(generator.FULL)
    seeds = plan["02-early-language"]["sheet_seeds"]["no_relocations"]
    assert f"({seeds} seeds, as the sheet's command runs)" in solution_text("02-early-language"), STALE
    study = plan["06-robustness"]["sheet_seeds"]["seeds_study"]
    assert f"over seeds 0–{study - 1} (five years)" in solution_text("06-robustness"), STALE
    for_whom = plan["10-for-whom"]["sheet_seeds"]["main"]
    assert f"compare` commands ({for_whom} seeds each" in solution_text("10-for-whom"), STALE


def test_the_for_whom_solution_runs_the_sheets_own_commands():
    """solution_10 keeps sheet 10's commands; the generator lists them with the other sheets' commands."""
    import solution_10 as solution
    assert generator.SHEET_COMMANDS["10-for-whom"] is solution.COMMANDS
    for key, command in solution.COMMANDS.items():
        args = build_parser().parse_args(shlex.split(command)[1:])
        assert args.by, f"{key}: sheet 10 compares by group"


def test_solution_1_counts_the_validation_targets_as_validate_prints_them():
    counts = generator.plan(generator.FULL)["01-baseline"]
    text = solution_text("01-baseline")
    assert (f"prints all {counts['validate_targets']} targets: the {counts['fact_targets']} facts of the "
            f"Dutch record below and {counts['effect_targets']} policy effects") in text, STALE
    table = text.split("## The model against the facts", 1)[1].split("\n\n![", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| target")
            and not line.startswith("| ---")]
    assert len(rows) == counts["fact_targets"], STALE


def test_solution_1_tells_the_story_the_app_tells_now():
    """Seed 42, five years, the app's first newcomer with a permit: facts and events word for word."""
    facts, events, who = generator.story({})
    text = solution_text("01-baseline")
    assert f"newcomer #{who}, the first to arrive who holds a permit" in text, STALE
    assert generator.md_table(["", ""], [[k, v] for k, v in facts], "ll") in text, STALE
    told = [line for line in text.splitlines() if re.match(r"- month \d+ \(year", line)]
    assert told == [f"- month {m} (year {m / 12:.1f}): {sentence}" for m, sentence in events], STALE
