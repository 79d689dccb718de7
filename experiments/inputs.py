"""What users type on the command line and in sweep files, read the same way everywhere.

- Lists (``--policies``, ``--metrics``) accept commas, spaces or both:
  ``baseline_2013,early_language``, ``baseline_2013, early_language`` (two
  shell words) and ``"baseline_2013 early_language"`` are the same list.
- Numbers follow one rule, `model.parameters.number_text_problem`: a decimal
  comma or a thousands separator is refused with a hint, never read silently
  the wrong way. It applies to ``--set`` values (through `Param.parse`), to
  the numeric options (``--years``, ``--seeds``, ...) and to the numbers of a
  sweep file (`check_sweep_numbers`, which reads the file's text because TOML
  turns ``1.250`` into 1.25 before we see it).
- A comparison always runs its reference (``baseline_2013`` unless ``--reference``), added in front
  when ``--policies`` leaves it out (`policies_to_compare`).
- Files are data: a path a user gives is read only if it is a regular file of
  bounded size (`read_bounded`, `read_user_text`), and an error names the file
  and the problem, never what the file holds. A sweep file nests at most
  `MAX_TOML_NESTING` brackets deep (`check_toml_nesting`).
- Options whose values have a range say so in one line (`check_range`): seeds are 0 ..
  `MAX_SEED` (they are stored as 64-bit integers), numbers are finite.
- Options shared by the commands that run models are read here once: ``--set``
  (`parse_overrides`), ``--by`` (`add_by_argument`) and ``--years`` (`check_common`).
"""

from __future__ import annotations

import argparse
import difflib
import math
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from experiments.errors import UsageError
from model.files import read_bounded
from model.inflow import read_series
from model.outcomes import GROUPINGS
from model.parameters import PARAMS, number_text_problem, parse_assignment
from model.policies import POLICIES

REFERENCE = "baseline_2013"
NUMBERS_HELP = ("Numbers take a decimal point and no thousands separators: 10.5, 1250. Refused with a "
                "hint: a comma (10,5 or 1,250), spaced or repeated groups (1 250, 1.250.000), and a "
                "point before three digits where the thousands reading is also allowed (fine_eur=1.250: "
                "write 1250 or 1.25).")
_SEPARATORS = re.compile(r"[,\s]+")
MAX_SEED = 2**63 - 1  # seeds are stored in int64 columns
MAX_TOML_NESTING = 32  # brackets and braces inside each other in a sweep file (a real one needs 3)
MAX_SWEEP_FILE_BYTES = 2**20
MAX_README_BYTES = 8 * 2**20


def split_list(words: str | Iterable[str] | None, option: str) -> list[str] | None:
    """Names separated by commas and/or spaces, from the shell word(s) argparse gives for ``option``.

    ``words`` is a string, or a list with ``nargs="+"``; None (not given) gives None.

    Raises:
        UsageError: If no name is left.
    """
    if words is None:
        return None
    text = words if isinstance(words, str) else " ".join(words)
    items = [item for item in _SEPARATORS.split(text) if item]
    if not items:
        raise UsageError(f"{option}: expected a list of names separated by commas, got {text!r}")
    return list(dict.fromkeys(items))


def did_you_mean(name, choices: Iterable[str], otherwise: str = "", n: int = 3) -> str:
    """``"; did you mean a, b?"`` naming the close matches of ``name`` among ``choices``, else ``otherwise``."""
    hint = difflib.get_close_matches(str(name), list(choices), n=n, cutoff=0.6)
    return f"; did you mean {', '.join(hint)}?" if hint else otherwise


def policies_to_compare(policies: list[str] | None,
                        reference: str = REFERENCE) -> tuple[list[str] | None, str | None]:
    """The policies a comparison runs, and a note for stderr when the reference was added.

    The reference (``baseline_2013`` unless ``--reference`` names another) is
    the policy every other is compared with: when ``--policies`` leaves it out,
    it is added in front. Unknown names are left for `compare.make_settings` to report.

    Raises:
        UsageError: If the one policy is the reference itself: nothing to compare.
    """
    if policies is None or reference in policies[1:] or not all(p in POLICIES for p in policies):
        return policies, None
    if policies == [reference]:
        raise UsageError(f"--policies {reference} alone leaves nothing to compare: every policy is "
                         f"compared with {reference}; add one, e.g. --policies {reference},"
                         f"{'early_language' if reference != 'early_language' else 'two_track'} "
                         f"(or run it alone: nieuwkomers run --policy {reference} --out DIR)")
    if policies[0] == reference:
        return policies, None
    note = (f"nieuwkomers compare: comparing {', '.join(policies)} with {reference}, the reference every "
            "policy is compared with (added to --policies; --reference names another)")
    return [reference, *policies], note


def check_reference(name: str | None, option: str = "--reference") -> str | None:
    """A reference policy's name, or None when not given (an unknown one: `UsageError` naming the policies)."""
    if name is None:
        return None
    if name not in POLICIES:
        raise UsageError(f"{option} {name!r} is not a policy; choose one of: {', '.join(POLICIES)}")
    return name


def add_reference_argument(parser: argparse.ArgumentParser, what: str) -> None:
    """``--reference POLICY``: the policy every effect is measured against (default ``baseline_2013``)."""
    parser.add_argument("--reference", metavar="POLICY",
                        help=f"the policy {what} are measured against (default {REFERENCE}, the study's "
                             "frame; wet_inburgering_2021 is the law in force since 2022); added to "
                             f"--policies if missing: {', '.join(POLICIES)}")


REPORT_LANGUAGES = ("en", "nl")  # the languages of reports and figures (`--lang`; `experiments.comparison.formatting`)


def add_language_argument(parser: argparse.ArgumentParser, what: str) -> None:
    """``--lang`` of a command that writes reports: en (default) or nl, for ``what``."""
    parser.add_argument("--lang", default="en", metavar="LANG",
                        help=f"language of {what}: {' | '.join(REPORT_LANGUAGES)} (default en; the terminal and the "
                             "CSV tables stay English)")


def check_language(lang: str) -> str:
    """``--lang``, or a `UsageError` in one line naming the choices."""
    if lang not in REPORT_LANGUAGES:
        raise UsageError(f"--lang {lang!r} is not allowed: choose one of: {', '.join(REPORT_LANGUAGES)}")
    return lang


def add_by_argument(parser: argparse.ArgumentParser, writes: str) -> None:
    """The ``--by`` option (for whom), the same in run, compare and stress."""
    parser.add_argument("--by", action="append", metavar="G[,G..]",
                        help=f"for whom: break outcomes down by a grouping, one of {', '.join(GROUPINGS)}; "
                             "names joined by commas are crossed (--by gender,education gives groups "
                             f"like 'women, high'); repeat --by for several groupings. {writes}")


def parse_overrides(assignments: list[str]) -> dict:
    """``--set`` assignments to validated parameter values; an ``arrival_series`` file is read now.

    Raises:
        ValueError: For a bad assignment, or a series file that cannot be used
            (`model.inflow.SeriesError`, naming the file and the problem).
    """
    overrides = dict(parse_assignment(text) for text in assignments)
    if "arrival_series" in overrides:
        read_series(overrides["arrival_series"])
    return overrides


def check_common(args: argparse.Namespace) -> None:
    """Checks shared by commands that run models: a horizon of at least one month, at most 50 years."""
    if not 0 < args.years <= 50:
        raise UsageError(f"--years {args.years} is not allowed: expected a number in (0, 50]")
    if round(12 * args.years) < 1:
        raise UsageError(f"--years {args.years:g} is shorter than one month (0.0833 years): the model moves a "
                         "month at a time")


def number_type(kind: type, option: str) -> Callable[[str], int | float]:
    """An argparse ``type=`` for an int or float ``kind`` of number that refuses locale formats with a hint."""
    def parse(text: str) -> int | float:
        problem = number_text_problem(text.strip(), kind, (float("-inf"), float("inf")))
        if problem:
            raise argparse.ArgumentTypeError(f"{text!r} {problem}")
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid {kind.__name__} value: {text!r}") from None
        if kind is float and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        return value

    return parse


def check_range(value: int, option: str, low: int, high: int, or_zero: bool = False) -> int:
    """A whole-number option's value in [low, high] (``or_zero``: or 0, which leaves it off), else `UsageError`."""
    if not (low <= value <= high or or_zero and value == 0):
        raise UsageError(f"{option} {value} is not allowed: expected {'0 or ' if or_zero else ''}an integer in "
                         f"[{low}, {high}]")
    return value


def check_seed(seed: int, option: str = "--seed") -> int:
    """A seed in 0 .. `MAX_SEED`, else a `UsageError`."""
    if not 0 <= seed <= MAX_SEED:
        raise UsageError(f"{option} {seed} is not allowed: expected an integer in [0, 2**63 - 1]")
    return seed


def read_user_text(path: str | os.PathLike, what: str, limit: int) -> str:
    """The UTF-8 text of the ``what`` ("sweep file") at ``path``, read as data of at most ``limit`` bytes.

    Raises:
        UsageError: Naming the file and the problem (never its content; see `read_bounded`).
    """
    try:
        data = read_bounded(path, limit)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such {what}") from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read the {what} ({err.strerror or err})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UsageError(f"{path}: the {what} is not UTF-8 text (byte {err.start})") from None
    if "\0" in text:
        raise UsageError(f"{path}: the {what} is not a text file (it holds NUL bytes)")
    return text


def toml_nesting(text: str) -> int:
    """How deep brackets and braces nest in TOML text (strings and comments skipped)."""
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in "\"'":
            if text.startswith(c * 3, i):
                end = text.find(c * 3, i + 3)
                i = n if end < 0 else end + 3
                continue
            j = i + 1
            while j < n and text[j] not in (c, "\n"):
                j += 2 if c == '"' and text[j] == "\\" else 1
            i = j + 1
            continue
        if c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return deepest


def check_toml_nesting(text: str, where: str) -> None:
    """Refuse (`UsageError` naming ``where``) a TOML text nested deeper than `MAX_TOML_NESTING`.

    Python's reader would recurse until it fails.
    """
    if toml_nesting(text) > MAX_TOML_NESTING:
        raise UsageError(f"{where}: lists and tables nest more than {MAX_TOML_NESTING} deep; a sweep file "
                         "needs at most 3")


# `name = value` or `name = [v, v, ...]` on one line of a sweep file; numbers in the value.
_ASSIGNMENT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")
_NUMBER_TOKEN = re.compile(r"(?<![\w.\"'])[+-]?\d[\d_]*(?:\.\d+)?(?![\w.\"'])")


def check_sweep_numbers(text: str, where: str) -> None:
    """Refuse numbers in a sweep file that a Dutch reader may have meant differently.

    TOML reads ``fine_eur = [0, 1.250]`` as 0 and 1.25, so the rule of
    `number_text_problem` is applied to the file's text, to each number
    assigned to a model parameter. (``[1,250]`` is a list of 1 and 250 in
    TOML and cannot be told from one; write lists with a space after each comma.)

    Raises:
        UsageError: Naming the file, the line, the parameter and the fix.
    """
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ASSIGNMENT.match(line.split("#", 1)[0])
        if not match or match.group(1) not in PARAMS:
            continue
        param = PARAMS[match.group(1)]
        if param.kind not in (int, float):
            continue
        for token in _NUMBER_TOKEN.findall(match.group(2)):
            problem = number_text_problem(token, param.kind, param.bounds)
            if problem:
                raise UsageError(f"{where}, line {number}: {param.name} = {token} {problem}")


def check_readme(path: str, start: str, end: str) -> Path:
    """The README a command will rewrite between ``start`` and ``end``, checked before anything runs.

    Raises:
        UsageError: If it cannot be read, has no ``start ... end`` block, or its folder is not writable.
    """
    readme = Path(path)
    try:
        text = read_bounded(readme, MAX_README_BYTES).decode("utf-8")
    except OSError as err:
        raise UsageError(f"--readme {path!r} cannot be read ({err.strerror or err})") from None
    except UnicodeDecodeError:
        raise UsageError(f"--readme {path!r} is not UTF-8 text") from None
    if start not in text or end not in text:
        raise UsageError(f"--readme {path!r} has no {start} ... {end} block")
    if not os.access(readme.parent, os.W_OK):
        raise UsageError(f"--readme {path!r}: its folder is not writable")
    return readme
