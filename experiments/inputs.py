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
- A comparison of one policy adds ``baseline_2013`` (`policies_to_compare`).
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from experiments.errors import UsageError
from model.parameters import PARAMS, number_text_problem
from model.policies import POLICIES

REFERENCE = "baseline_2013"
NUMBERS_HELP = ("Numbers take a decimal point and no thousands separators: 10.5, 1250. Refused with a "
                "hint: a comma (10,5 or 1,250), spaced or repeated groups (1 250, 1.250.000), and a "
                "point before three digits where the thousands reading is also allowed (fine_eur=1.250: "
                "write 1250 or 1.25).")
_SEPARATORS = re.compile(r"[,\s]+")


def split_list(words: str | Iterable[str] | None, option: str) -> list[str] | None:
    """Names separated by commas and/or spaces, from one or several shell words.

    Args:
        words: The option's value(s) as argparse gives them (a string, or a list
            with ``nargs="+"``); None when the option was not given.
        option: The option's name, for the error message.

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


def policies_to_compare(policies: list[str] | None) -> tuple[list[str] | None, str | None]:
    """The policies a comparison runs, and a note for stderr when the baseline was added.

    A comparison of one policy adds ``baseline_2013`` in front, the reference every
    policy is compared with. Unknown names are left for `compare.make_settings` to report.

    Raises:
        UsageError: If the one policy is ``baseline_2013`` itself: nothing to compare.
    """
    if policies is None or len(policies) != 1 or policies[0] not in POLICIES:
        return policies, None
    if policies[0] == REFERENCE:
        raise UsageError(f"--policies {REFERENCE} alone leaves nothing to compare: every policy is "
                         f"compared with {REFERENCE}; add one, e.g. --policies {REFERENCE},early_language "
                         f"(or run it alone: nieuwkomers run --policy {REFERENCE} --out DIR)")
    note = (f"nieuwkomers compare: comparing {policies[0]} with {REFERENCE}, the reference every "
            "policy is compared with (added to --policies)")
    return [REFERENCE, policies[0]], note


def number_type(kind: type, option: str) -> Callable[[str], int | float]:
    """An argparse ``type=`` for a whole number or a number that refuses locale formats with a hint.

    Args:
        kind: int or float.
        option: The option's name, e.g. "--years" (argparse names it in the message).
    """
    def parse(text: str) -> int | float:
        problem = number_text_problem(text.strip(), kind, (float("-inf"), float("inf")))
        if problem:
            raise argparse.ArgumentTypeError(f"{text!r} {problem}")
        try:
            return kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid {kind.__name__} value: {text!r}") from None

    return parse


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
        text = readme.read_text(encoding="utf-8")
    except OSError as err:
        raise UsageError(f"--readme {path!r} cannot be read ({err.strerror or err})") from None
    if start not in text or end not in text:
        raise UsageError(f"--readme {path!r} has no {start} ... {end} block")
    if not os.access(readme.parent, os.W_OK):
        raise UsageError(f"--readme {path!r}: its folder is not writable")
    return readme
